# --network=none: only lo, with 127.0.0.1, and no route; the VM gets no NIC and nothing is touched.

none() {
  drun --network none "$BUSYBOX" sh -c '
    ip -o link | sed "s/^[0-9]*: \([^:@]*\).*/\1/"
    ip -o -4 addr | sed -n "s/^[0-9]*: \([^ ]*\) *inet \([^ ]*\).*/\1 \2/p"
    ip route | wc -l'
}
both "--network=none gives lo alone" none 'lo\nlo 127.0.0.1/8\n0\n'
