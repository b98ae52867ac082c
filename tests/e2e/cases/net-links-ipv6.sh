# Once kept out of the suite: in an earlier session each case failed about once in six runs while
# several helpers built and tested in parallel against the same dockerd (the server had stopped);
# 14 runs in a row passed since, half of them beside another VM case. Should it recur, the failing
# check prints vm_diagnostics (state, logs, RunCVM's logs in the container) to tell why.
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
    sed 's/hello from [0-9a-f]*/hello from <server>/' | tee "$E2E_TMP/link.out"
  grep -q "hello from" "$E2E_TMP/link.out" || vm_diagnostics "$server"
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
  got=$(wget_retry "http://[${sub}10]/") || vm_diagnostics "$n"
  [ "$got" = "hello from $(dk inspect -f '{{.Config.Hostname}}' "$n")" ] && echo "answers at --ip6"
  dk exec "$n" ip -6 -o addr show dev eth0 scope global | grep -c " ${sub}10/64 "
  dk rm -f "$n" >/dev/null
  dk network rm "$net" >/dev/null
}
both "--ip6 on an IPv6 network is the container's address" ipv6_address 'answers at --ip6\n1\n'
