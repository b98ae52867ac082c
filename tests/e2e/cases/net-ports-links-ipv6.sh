# -P (every exposed port published on a random host port), --link on the default bridge (the alias
# in /etc/hosts as Docker wrote it, and reachable), and --ip6 on a network with IPv6 (the address
# is the container's, and answers HTTP from the host).

# wget_retry URL: the body, retrying while the VM boots (busybox-static wget -T crashes: timeout(1)
# bounds each try instead).
wget_retry() {
  _end=$(($(date +%s) + 150))
  while [ "$(date +%s)" -lt "$_end" ]; do
    _body=$(timeout 10 busybox wget -q -O- "$1" 2>/dev/null) && { echo "$_body"; return 0; }
    sleep 1
  done
  e2e_fail "no answer from $1"
}

HTTPD='mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && exec httpd -f -p 80 -h /www'

publish_all() {
  n=$(cname)
  drun_d "$n" --expose 80 --expose 81/udp -P "$BUSYBOX" sh -c "$HTTPD"
  dk port "$n" | sed 's/:[0-9]*$/:<port>/' | sort -u
  port=$(dk port "$n" 80/tcp | sed -n 's/^0\.0\.0\.0://p' | head -n 1)
  wget_retry "http://127.0.0.1:$port/" | sed "s/$(dk inspect -f '{{.Config.Hostname}}' "$n")/<host>/"
}
both "-P publishes every exposed port" publish_all \
  '80/tcp -> 0.0.0.0:<port>\n80/tcp -> :::<port>\n81/udp -> 0.0.0.0:<port>\n81/udp -> :::<port>\nhello from <host>\n'

legacy_link() {
  server=$(cname)
  drun_d "$server" "$BUSYBOX" sh -c "$HTTPD"
  # The client waits for the server (whose VM may still be booting) through the link's alias.
  drun --link "$server:web" "$BUSYBOX" sh -c '
    grep -c "[[:space:]]web\([[:space:]]\|$\)" /etc/hosts
    i=0; while [ $i -lt 150 ]; do wget -q -O- http://web/ 2>/dev/null && break; sleep 1; i=$((i+1)); done' |
    sed 's/hello from [0-9a-f]*/hello from <server>/'
}
both "--link: the alias is in /etc/hosts and reaches the linked container" legacy_link \
  '1\nhello from <server>\n'

ipv6_address() {
  net=${E2E_PREFIX}v6
  # A unique-local /64 per run, so that a leftover network never clashes.
  sub=fd00:$(od -An -N2 -tx2 /dev/urandom | tr -d ' '):e2e::
  dk network create --ipv6 --subnet "${sub}/64" "$net" >/dev/null || e2e_fail "no IPv6 network"
  n=$(cname)
  drun_d "$n" --network "$net" --ip6 "${sub}10" "$BUSYBOX" sh -c "$HTTPD"
  got=$(wget_retry "http://[${sub}10]/")
  [ "$got" = "hello from $(dk inspect -f '{{.Config.Hostname}}' "$n")" ] && echo "answers at --ip6"
  dk exec "$n" ip -6 -o addr show dev eth0 scope global | grep -c " ${sub}10/64 "
  dk rm -f "$n" >/dev/null
  dk network rm "$net" >/dev/null
}
both "--ip6 on an IPv6 network is the container's address" ipv6_address 'answers at --ip6\n1\n'
