# Egress: the container reaches a server on the host (busybox httpd on the docker0 gateway address
# in the host's namespace), through its default route.

egress_cleanup() {
  [ -n "$httpd_pid" ] && kill "$httpd_pid" 2>/dev/null
  rm -rf "$www"
}

egress() {
  # The default bridge's IPAM config often has no Gateway field: docker0's address is the gateway.
  gw=$(ip -o -4 addr show docker0 | sed -n 's/.* inet \([^/]*\)\/.*/\1/p' | head -n 1)
  [ -n "$gw" ] || { e2e_fail "docker0 has no IPv4 address"; return; }
  www=$(mktemp -d /tmp/runcvm-e2e-www.XXXXXX)
  echo "hello from the host" >"$www/index.html"
  port=$((20000 + $$ % 20000))
  busybox httpd -f -p "$gw:$port" -h "$www" &
  httpd_pid=$!
  trap egress_cleanup EXIT
  drun "$BUSYBOX" sh -c "
    ip route | sed -n 's/^default via \([^ ]*\) dev \([^ ]*\).*/default via \1 dev \2/p' | sed 's/$gw/<gateway>/'
    for i in \$(seq 30); do timeout 10 wget -q -O- http://$gw:$port/ && exit 0; sleep 1; done; exit 1" ||
    e2e_fail "no answer from the host at $gw:$port"
}
both "the container reaches a server on the host" egress \
  'default via <gateway> dev eth0\nhello from the host\n'
