# Published ports: an HTTP server in the container (busybox httpd) answers from the host through
# -p (docker-proxy on 127.0.0.1 and Docker's DNAT), and directly at the container's IP on docker0.
# In a VM the IP is the guest's: frames cross eth0 -> br-eth0 -> tap-eth0 -> the guest NIC.

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
