# DNS on a user-defined network: Docker's resolv.conf (nameserver 127.0.0.11, --dns-search) and
# hosts (--add-host) are what the container sees, and a container name resolves, over UDP and TCP
# (busybox nslookup uses UDP; a reply bigger than 512 bytes is not needed for TCP: dig is not in
# the image, so TCP is covered by the unit tests of the relay).

net_cleanup() {
  dk rm -f "$srv" >/dev/null 2>&1
  dk network rm "$net" >/dev/null 2>&1
}

dns() {
  net=$(cname) srv=$(cname)
  trap net_cleanup EXIT
  dk network create --subnet 10.213.60.0/24 "$net" >/dev/null || { e2e_fail "network create"; return; }
  dk run -d --name "$srv" --network "$net" --ip 10.213.60.77 "$BUSYBOX" sleep 600 >/dev/null
  drun --network "$net" --dns-search example.test --add-host foo.test:10.1.2.3 "$BUSYBOX" sh -c '
    grep -E "^(search|nameserver)" /etc/resolv.conf
    grep foo.test /etc/hosts
    for i in $(seq 150); do
      ip=$(nslookup -type=a "$0." 2>/dev/null | sed -n "s/^Address: //p" | tail -n 1)
      [ -n "$ip" ] && break
      sleep 1
    done
    echo "$0 -> $ip"' "$srv" | sed "s/$srv/<server>/"
}
both "embedded DNS resolves container names; --dns-search and --add-host are visible" dns \
  'search example.test\nnameserver 127.0.0.11\n10.1.2.3\tfoo.test\n<server> -> 10.213.60.77\n'
