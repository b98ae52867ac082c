# VM-specific: `docker exec --privileged` gives the session every capability in the VM while the
# workload keeps the container's set. (Not compared with runc: on hosts whose capability bounding
# set lacks one, runc's privileged exec fails with "unable to apply caps"; runc is the negative
# control here, through the guest kernel.)

privileged_exec() {
  C=$(cname)
  drun_d "$C" "$BUSYBOX" sleep 600
  dk exec "$C" true || e2e_fail "first exec failed"
  bit() { echo $(((0x$1 >> 21) & 1)); }
  caps=$(dk exec --privileged "$C" sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status /proc/1/status)
  echo "privileged exec has CAP_SYS_ADMIN: $(bit "$(echo "$caps" | sed -n 1p)")"
  echo "workload has CAP_SYS_ADMIN: $(bit "$(echo "$caps" | sed -n 2p)")"
  dk exec --privileged "$C" sh -c 'mkdir -p /tmp/m && mount -t tmpfs scratch /tmp/m && grep -c " /tmp/m tmpfs" /proc/mounts'
  dk exec --privileged -u 1000 "$C" id -u
  k=$(dk exec --privileged "$C" uname -r)
  if [ -z "$k" ]; then echo "no uname output"
  elif [ "$k" != "$(uname -r)" ]; then echo "in the VM"; else echo "on the host's kernel $k"; fi
}
vm_only "exec --privileged: every capability for the session, in the VM" privileged_exec \
  'privileged exec has CAP_SYS_ADMIN: 1\nworkload has CAP_SYS_ADMIN: 0\n1\n1000\nin the VM\n'
