# User and groups: -u UID:GID, -u NAME (resolved in the image's /etc/passwd, with its supplementary
# groups from /etc/group), -u UID not in /etc/passwd (gid 0), --group-add, and an unknown name
# failing before the workload starts (docker's 125), as under runc.

ids() {
  echo "1000:1000 -> $(drun -u 1000:1000 "$BUSYBOX" id)"
  echo "alice -> $(drun -u alice "$BUSYBOX" id)"
  echo "4242 -> $(drun -u 4242 "$BUSYBOX" id)"
  echo "nobody:nogroup -> $(drun -u nobody:nogroup "$BUSYBOX" id)"
}
both "-u sets uid, gid and groups" ids \
  '1000:1000 -> uid=1000(alice) gid=1000(alice) groups=1000(alice)\nalice -> uid=1000(alice) gid=1000(alice) groups=50(staff),1000(alice)\n4242 -> uid=4242 gid=0(root) groups=0(root)\nnobody:nogroup -> uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n'

group_add() {
  echo "alice --group-add 1234 -> $(drun -u alice --group-add 1234 "$BUSYBOX" id -G)"
  echo "root --group-add staff -> $(drun --group-add staff "$BUSYBOX" id -G)"
}
both "--group-add adds supplementary groups" group_add \
  'alice --group-add 1234 -> 1000 50 1234\nroot --group-add staff -> 0 50\n'

unknown() {
  err=$(drun -u bob "$BUSYBOX" id 2>&1 >/dev/null); echo "rc=$?"
  assert_contains "docker's error" "$err" "unable to find user bob"
}
both "an unknown user fails to start" unknown 'rc=125\n'
