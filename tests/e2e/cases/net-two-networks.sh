# Two networks: created on one, connected to a second before start; both interfaces have their
# addresses and MTU (the second network's is 1400), and the default route is the first's.

net_cleanup() {
  dk rm -f "$n" >/dev/null 2>&1
  dk network rm "$na" "$nb" >/dev/null 2>&1
}

two() {
  # Docker names a container's interfaces in the order of its networks' names: a name and the
  # same name + "b" keep eth0 on the first network whatever the random part.
  na=$(cname) n=$(cname)
  nb=${na}b
  trap net_cleanup EXIT
  dk network create --subnet 10.213.41.0/24 "$na" >/dev/null || { e2e_fail "network create"; return; }
  dk network create --subnet 10.213.42.0/24 -o com.docker.network.driver.mtu=1400 "$nb" >/dev/null ||
    { e2e_fail "network create"; return; }
  dk create --runtime "$RUNTIME" --name "$n" --network "$na" "$BUSYBOX" sh -c '
    for i in eth0 eth1; do
      echo "$i $(ip -o -4 addr show $i | sed -n "s/.* inet \([^ ]*\) .*/\1/p") mtu $(cat /sys/class/net/$i/mtu)"
    done
    ip route | grep ^default' >/dev/null
  dk network connect "$nb" "$n"
  dk start -a "$n"
}
both "docker network connect before start gives two NICs" two \
  'eth0 10.213.41.2/24 mtu 1500\neth1 10.213.42.2/24 mtu 1400\ndefault via 10.213.41.1 dev eth0 \n'
