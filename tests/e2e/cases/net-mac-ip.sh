# --ip and --mac-address on a user-defined network are what the container sees, and what its
# neighbours reach: a runc container fetches a page from it by that IP.

NET_SUBNET=10.213.30.0/24
NET_IP=10.213.30.42
NET_MAC=02:42:0a:d5:1e:2a

net_cleanup() {
  dk rm -f "$srv" "$cli" >/dev/null 2>&1
  dk network rm "$net" >/dev/null 2>&1
}

mac_ip() {
  net=$(cname) srv=$(cname) cli=$(cname)
  trap net_cleanup EXIT
  dk network create --subnet "$NET_SUBNET" "$net" >/dev/null || { e2e_fail "network create"; return; }
  drun_d "$srv" --network "$net" --ip "$NET_IP" --mac-address "$NET_MAC" "$BUSYBOX" sh -c '
    ip -o -4 addr show eth0 | sed -n "s/.* inet \([^ ]*\) .*/\1/p" > /tmp/seen
    cat /sys/class/net/eth0/address >> /tmp/seen
    mkdir -p /www && cp /tmp/seen /www/index.html && exec httpd -f -p 80 -h /www'
  # The client is always runc: the VM must be reachable at the requested IP and MAC.
  dk run --rm --name "$cli" --network "$net" "$BUSYBOX" sh -c "
    for i in \$(seq 150); do timeout 10 wget -q -O- http://$NET_IP/ && exit 0; sleep 1; done; exit 1" ||
    e2e_fail "no answer from $NET_IP"
  dk inspect -f '{{range .NetworkSettings.Networks}}{{.MacAddress}}{{end}}' "$srv"
}
both "--ip and --mac-address are the container's, seen inside and by a neighbour" mac_ip \
  "$NET_IP/24\n$NET_MAC\n$NET_MAC\n"
