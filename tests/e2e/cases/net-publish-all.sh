# -P: every exposed port (here 80/tcp and 81/udp) published on a random host port, v4 and v6, and
# the HTTP server behind it answers from the host.

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
