# A user-defined network: containers find each other by name through Docker's embedded DNS
# (127.0.0.11, relayed from the VM to the container's namespace) and reach each other's IP. A runc
# container fetches a page from the container under test by name, and the other way round.
# (busybox-static's wget cannot resolve names, nor use -T: nslookup resolves, timeout(1) bounds.)

net_cleanup() {
  dk rm -f "$a" "$b" "$c" "$d" >/dev/null 2>&1
  dk network rm "$net" >/dev/null 2>&1
}

SERVE='mkdir -p /www && echo "served by $(cat /role)" > /www/index.html && exec httpd -f -p 80 -h /www'
# fetch NAME: resolve NAME (retrying while it boots), then GET / from its address.
FETCH='for i in $(seq 150); do
  ip=$(nslookup -type=a "$0." 2>/dev/null | sed -n "s/^Address: //p" | tail -n 1)
  [ -n "$ip" ] && timeout 10 wget -q -O- "http://$ip/" && exit 0
  sleep 1
done; echo "cannot fetch from $0" >&2; exit 1'

by_name() {
  net=$(cname) a=$(cname) b=$(cname) c=$(cname) d=$(cname)
  trap net_cleanup EXIT
  dk network create "$net" >/dev/null || { e2e_fail "network create"; return; }
  # The server under test, a runc client.
  drun_d "$a" --network "$net" "$BUSYBOX" sh -c "echo tested > /role; $SERVE"
  dk run --rm --name "$b" --network "$net" "$BUSYBOX" sh -c "$FETCH" "$a" || e2e_fail "runc -> $RUNTIME"
  # A runc server, the client under test.
  dk run -d --name "$c" --network "$net" "$BUSYBOX" sh -c "echo runc > /role; $SERVE" >/dev/null
  drun --network "$net" "$BUSYBOX" sh -c "$FETCH" "$c" || e2e_fail "$RUNTIME -> runc"
}
both "containers on a user-defined network reach each other by name" by_name \
  'served by tested\nserved by runc\n'
