# Hostname: -h sets hostname, /etc/hostname and $HOSTNAME; by default all three are the container
# id's first 12 characters.

given() {
  drun -h myhost "$BUSYBOX" sh -c 'hostname; cat /etc/hostname; echo "$HOSTNAME"'
}
both "-h sets the hostname" given 'myhost\nmyhost\nmyhost\n'

default() {
  rm -f "$E2E_TMP/cid"
  out=$(drun --cidfile "$E2E_TMP/cid" "$BUSYBOX" sh -c 'hostname; cat /etc/hostname; echo "$HOSTNAME"')
  echo "$out" | sed "s/^$(cut -c1-12 "$E2E_TMP/cid")\$/<container-id>/"
}
both "default hostname is the short container id" default '<container-id>\n<container-id>\n<container-id>\n'
