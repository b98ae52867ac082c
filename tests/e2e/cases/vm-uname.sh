# VM-specific: the workload runs on the VM's own kernel, so uname -r differs from the host's (under
# runc, the control, it is the host's).

kernel() {
  k=$(drun "$BUSYBOX" uname -r)
  [ -n "$k" ] || { echo "no uname output"; return; }
  [ "$k" != "$(uname -r)" ] && echo "guest kernel differs from the host's" || echo "host kernel $k"
}
vm_only "uname -r is the VM's kernel" kernel "guest kernel differs from the host's\n"
