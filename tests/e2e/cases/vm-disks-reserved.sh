# VM-specific: mounts at or below /disks stay in the container (they hold RUNCVM_DISKS backing
# files) and are not passed to the VM, which sees only the empty mount point. Under runc, the
# control, the workload sees the volume's file.

disks() {
  v=$(cname)
  dk run --rm -v "$v:/disks/store" "$BUSYBOX" touch /disks/store/backing
  drun -v "$v:/disks/store" "$BUSYBOX" sh -c 'echo "entries: $(ls -A /disks/store | wc -l)"'
  dk volume rm "$v" >/dev/null
}
vm_only "/disks is the container's, not the VM's" disks 'entries: 0\n'
