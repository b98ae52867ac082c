# VM-specific (compatibility with the original RunCVM): /opt/runcvm/sbin/qemu-exit CODE inside the
# VM ends it, and the container, with exit code CODE.

qemu_exit() {
  drun "$BUSYBOX" sh -c '/opt/runcvm/sbin/qemu-exit 7 && sleep 30; exit 1' >/dev/null 2>&1
  echo "rc=$?"
}
vm_only "qemu-exit 7 -> exit code 7" qemu_exit 'rc=7\n'
