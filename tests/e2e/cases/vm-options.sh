# VM-specific: the RUNCVM_* options that change the VM, each shown from inside it (or on the
# container's stderr). runc ignores them, so it is the control for each.

# runcvm-e2e/options: busybox with an entry of its own in /lib/modules and a RUNCVM_* option in
# its ENV (docker commit of a runc container: no registry, no builder).
OPTIONS_IMAGE=runcvm-e2e/options
if [ -z "$E2E_CHILD" ]; then
  dk rm -f "${E2E_PREFIX}mkimage" >/dev/null 2>&1
  dk run --runtime runc --name "${E2E_PREFIX}mkimage" "$BUSYBOX" mkdir -p /lib/modules/marker &&
    dk commit -c 'ENV RUNCVM_KERNEL_APPEND=runcvm.e2e=image' "${E2E_PREFIX}mkimage" \
      "$OPTIONS_IMAGE" >/dev/null || e2e_die "cannot build $OPTIONS_IMAGE"
  dk rm -f "${E2E_PREFIX}mkimage" >/dev/null
fi

append() {
  drun -e RUNCVM_KERNEL_APPEND='runcvm.e2e=append quiet' "$BUSYBOX" cat /proc/cmdline |
    grep -o 'runcvm.e2e=append'
}
vm_only "RUNCVM_KERNEL_APPEND reaches the kernel command line" append 'runcvm.e2e=append\n'

# The same option from the image's own ENV.
image_env() {
  drun "$OPTIONS_IMAGE" cat /proc/cmdline | grep -o 'runcvm.e2e=image'
}
vm_only "an option set by the image's ENV works as on the command line" image_env \
  'runcvm.e2e=image\n'

kernel_debug() {
  out=$(drun -e RUNCVM_KERNEL_DEBUG=1 "$BUSYBOX" echo workload 2>"$E2E_TMP/kd.err")
  echo "$out"
  grep -q 'Linux version' "$E2E_TMP/kd.err" && echo "kernel log on stderr"
}
vm_only "RUNCVM_KERNEL_DEBUG=1 puts the kernel's console on the container's stderr" kernel_debug \
  'workload\nkernel log on stderr\n'

bios_debug() {
  drun -e RUNCVM_BIOS_DEBUG=1 "$BUSYBOX" true 2>&1 | grep -q 'SeaBIOS (version' && echo "SeaBIOS log"
  drun "$BUSYBOX" true 2>&1 | grep -q 'SeaBIOS' && echo "SeaBIOS log without the option"
}
vm_only "RUNCVM_BIOS_DEBUG=1 shows the firmware's log on stderr, only then" bios_debug \
  'SeaBIOS log\n'

# The bundled kernel's modules over all of /lib/modules instead of /lib/modules/<release>: the
# image's own /lib/modules entries are hidden then.
mount_lib_modules() {
  drun "$OPTIONS_IMAGE" sh -c 'ls /lib/modules | grep -c .'
  drun -e RUNCVM_KERNEL_MOUNT_LIB_MODULES=1 "$OPTIONS_IMAGE" \
    sh -c 'ls /lib/modules | grep -c .; ls /lib/modules | grep -c marker'
}
vm_only "RUNCVM_KERNEL_MOUNT_LIB_MODULES=1 mounts the modules over /lib/modules" mount_lib_modules \
  '2\n1\n0\n'

# CAP_SYS_ADMIN for the workload in the VM: root may mount (Docker's default set has no SYS_ADMIN).
sys_admin() {
  drun "$BUSYBOX" sh -c 'mkdir -p /tmp/m && mount -t tmpfs none /tmp/m 2>/dev/null && echo mounted || echo refused'
  drun -e RUNCVM_SYS_ADMIN=1 "$BUSYBOX" \
    sh -c 'mkdir -p /tmp/m && mount -t tmpfs none /tmp/m 2>/dev/null && echo mounted || echo refused'
}
vm_only "RUNCVM_SYS_ADMIN=1 gives the workload CAP_SYS_ADMIN in the VM" sys_admin \
  'refused\nmounted\n'

accel_tcg() {
  [ "$(uname -r)" != "$(drun -e RUNCVM_ACCEL=tcg "$BUSYBOX" uname -r)" ] && echo "a VM"
}
vm_only "RUNCVM_ACCEL=tcg boots under emulation" accel_tcg 'a VM\n'

# The runtime's debug log on the host: /tmp/runcvm-<container id>.log, with the rewrite.
runtime_debug() {
  rm -f "$E2E_TMP/cid"
  drun --cidfile "$E2E_TMP/cid" -e RUNCVM_RUNTIME_DEBUG=1 "$BUSYBOX" true 2>"$E2E_TMP/rd.err"
  log=/tmp/runcvm-$(cat "$E2E_TMP/cid").log
  grep -qF "the runtime's log is $log on the host" "$E2E_TMP/rd.err" && echo "its path on stderr"
  [ -f "$log" ] && grep -q ': rewritten config.json:$' "$log" && grep -q ': runcvm.json:$' "$log" &&
    echo "debug log with the rewrite"
  rm -f "$log"
}
vm_only "RUNCVM_RUNTIME_DEBUG=1 logs the rewrite to /tmp/runcvm-<id>.log on the host" \
  runtime_debug 'its path on stderr\ndebug log with the rewrite\n'
