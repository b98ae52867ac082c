# DNS for names outside Docker's networks: --dns on a user-defined network (Docker's embedded DNS
# forwards the name to that server; under runcvm the VM asks it itself, see common/dns_fallback.h)
# and on the default bridge (the server is in the container's resolv.conf). The "outside world"
# is tests/e2e/dns-server.py on the host, at the networks' gateways: outside.test has an address,
# missing.test does not exist.

# lookup NAME: busybox nslookup's answer, retried while the VM boots; "NAME -> IP" or the error.
LOOKUP='
  for i in $(seq 150); do
    out=$(nslookup -type=a "$0" 2>&1)
    ip=$(echo "$out" | sed -n "/^Name:/,\$ s/^Address: //p" | tail -n 1)
    [ -n "$ip" ] && break
    sleep 1
  done
  echo "$0 -> $ip"
  nslookup -type=a missing.test 2>&1 | grep -o "NXDOMAIN"'

dns_server_cleanup() {
  [ -n "$dns_pid" ] && kill "$dns_pid" 2>/dev/null
  dk network rm "$net" >/dev/null 2>&1
}

# start_dns_server ADDRESS...: the fake outside resolver, answering on port 53 of each address.
start_dns_server() {
  addrs=$(echo "$*" | tr ' ' ',')
  /usr/bin/python3 "$SRC/tests/e2e/dns-server.py" "$addrs" outside.test=10.9.8.7 \
    >"$E2E_TMP/dns-server.out" 2>"$E2E_TMP/dns-server.log" &
  dns_pid=$!
  for _ in $(seq 50); do
    grep -q listening "$E2E_TMP/dns-server.out" && return 0
    sleep 0.1
  done
  e2e_fail "the test's DNS server did not start: $(cat "$E2E_TMP/dns-server.log")"
}

user_defined_network() {
  net=$(cname)
  trap dns_server_cleanup EXIT
  dk network create --subnet 10.213.62.0/24 "$net" >/dev/null || { e2e_fail "network create"; return; }
  start_dns_server 10.213.62.1
  drun --network "$net" --dns 10.213.62.1 "$BUSYBOX" sh -c "grep ^nameserver /etc/resolv.conf; $LOOKUP" \
    outside.test
}
both "--dns on a user-defined network: names outside Docker's reach that server" \
  user_defined_network 'nameserver 127.0.0.11\noutside.test -> 10.9.8.7\nNXDOMAIN\n'

default_bridge() {
  gw=$(dk network inspect -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}' bridge)
  trap dns_server_cleanup EXIT
  start_dns_server "$gw"
  drun --dns "$gw" "$BUSYBOX" sh -c "grep -c \"^nameserver $gw\$\" /etc/resolv.conf; $LOOKUP" \
    outside.test
}
both "--dns on the default bridge: the server is asked directly" default_bridge \
  '1\noutside.test -> 10.9.8.7\nNXDOMAIN\n'
