# Published ports: an HTTP server in the container (busybox httpd) answers from the host through
# -p (docker-proxy on 127.0.0.1 and Docker's DNAT), and directly at the container's IP on docker0.
# In a VM the IP is the guest's: frames cross eth0 -> br-eth0 -> tap-eth0 -> the guest NIC.

# (busybox-static wget -T crashes: timeout(1) bounds each try instead.)
# wget_retry URL: the body, retrying while the VM boots (TCG: tens of seconds).
wget_retry() {
  _end=$(($(date +%s) + 150))
  while [ "$(date +%s)" -lt "$_end" ]; do
    _body=$(timeout 10 busybox wget -q -O- "$1" 2>/dev/null) && { echo "$_body"; return 0; }
    sleep 1
  done
  e2e_fail "no answer from $1"
}

published() {
  n=$(cname)
  drun_d "$n" -p 127.0.0.1::80 "$BUSYBOX" \
    sh -c 'mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && exec httpd -f -p 80 -h /www'
  port=$(dk port "$n" 80/tcp | sed -n 's/^127\.0\.0\.1://p' | head -n 1)
  ip=$(dk inspect -f '{{.NetworkSettings.IPAddress}}' "$n")
  host=$(dk inspect -f '{{.Config.Hostname}}' "$n")
  wget_retry "http://127.0.0.1:$port/" | sed "s/$host/<host>/"
  wget_retry "http://$ip/" | sed "s/$host/<host>/"
}
both "-p publishes the container's port on the host, and its IP answers" published \
  'hello from <host>\nhello from <host>\n'
