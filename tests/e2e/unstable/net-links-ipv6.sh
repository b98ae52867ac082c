# NOT in the default suite (tests/CMakeLists.txt registers cases/ only): under load (the full suite
# on 2 cores, TCG) each of these failed about once in six runs under runcvm: the linked server, or
# the --ip6 container, stopped answering and an exec into it ended with "control channel closed",
# i.e. the container had stopped. Alone they passed every time (8/8 for --ip6 by hand). Kept here,
# runnable by hand, until that is understood:
#   sh tests/e2e/run-case tests/e2e/unstable/net-links-ipv6.sh
# --link on the default bridge (the alias in /etc/hosts as Docker wrote it, and reachable), and
# --ip6 on a network with IPv6 (the address is the container's, and answers HTTP from the host).

HTTPD='mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && exec httpd -f -p 80 -h /www'

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
