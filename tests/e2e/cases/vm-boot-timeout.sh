# VM-specific: a VM that never finishes booting fails the container after RUNCVM_BOOT_TIMEOUT with
# an error saying so, and a docker exec waiting for the boot fails with it instead of hanging. The
# test freezes QEMU (SIGSTOP) before the guest can boot (a TCG boot takes seconds; QEMU is found
# within a tenth of a second of `docker run -d` returning). Under runc, the control, there is no
# QEMU to freeze and the workload runs.

# The pid of the QEMU serving container $1 (a process of its cgroup), polled for up to 10 s.
qemu_of() {
  _id=$(dk inspect -f '{{.Id}}' "$1")
  _i=0
  while [ $_i -lt 100 ]; do
    for _p in $(pgrep -f qemu-system-x86_64); do
      grep -q "$_id" "/proc/$_p/cgroup" 2>/dev/null && { echo "$_p"; return 0; }
    done
    sleep 0.1; _i=$((_i + 1))
  done
  return 1
}

boot_timeout() {
  C=$(cname)
  drun_d "$C" -e RUNCVM_BOOT_TIMEOUT=20 "$BUSYBOX" sleep 600
  if q=$(qemu_of "$C"); then kill -STOP "$q"; else echo "no QEMU"; fi
  dk exec "$C" echo exec ran >/dev/null 2>&1; echo "exec rc=$?" | sed 's/rc=[1-9][0-9]*/failed/'
  echo "container exit code: $(dk wait "$C")"
  dk logs "$C" 2>&1 | grep -o 'the VM did not finish booting within 20 s (RUNCVM_BOOT_TIMEOUT)'
}
vm_only "a VM that does not boot in RUNCVM_BOOT_TIMEOUT fails the container and waiting execs" \
  boot_timeout 'exec failed\ncontainer exit code: 125\nthe VM did not finish booting within 20 s (RUNCVM_BOOT_TIMEOUT)\n'
