#!/bin/sh
# boot/virtiofs-root: the bundle boots. Serves a small busybox tree with the bundled virtiofsd,
# boots the bundled kernel and our initramfs under the bundled QEMU with init= a script that
# writes a file and powers off, and checks the file arrived on the host. The QEMU command line
# is the one common/qemu.cc builds (TCG here; -accel from BOOT_ACCEL), minus the control port.
#
# Runs against the STAGED bundle ($RUNCVM_STAGE, default build/stage/opt/runcvm): binaries are
# started through the bundle's own loader because their interpreter is /opt/runcvm/lib/...
# Prints "boot: N ms" (QEMU start to exit), which tests/bench/boot-floor collects.
# Knobs: BOOT_CPUS (2), BOOT_MEM (256), BOOT_ACCEL (tcg), BOOT_INITRD, BOOT_KERNEL, BOOT_TCG_OPTS,
# BOOT_KEEP=1 keeps the temporary directory, BOOT_VERBOSE=1 shows the console.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
B=${RUNCVM_STAGE:-$src/build/stage/opt/runcvm}
ld=$B/lib/ld-linux-x86-64.so.2
kdir=$B/kernels/debian/latest
kernel=${BOOT_KERNEL:-$kdir/vmlinuz}
initrd=${BOOT_INITRD:-$kdir/initrd}
busybox=/bin/busybox  # Debian's busybox-static

fail() { echo "boot-test: FAIL: $*" >&2; exit 1; }
for f in "$ld" "$B/bin/qemu-system-x86_64" "$B/bin/virtiofsd" "$kernel" "$initrd"; do
  [ -e "$f" ] || fail "$f missing: make stage (or set RUNCVM_STAGE)"
done
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
  fail "$busybox is not busybox-static (apt-get install busybox-static)"

tmp=$(mktemp -d /tmp/runcvm-boot.XXXXXX)
vfs_pid=""
qemu_pid=""
cleanup() {
  if [ -n "$qemu_pid" ]; then kill "$qemu_pid" 2>/dev/null || true; fi
  if [ -n "$vfs_pid" ]; then kill "$vfs_pid" 2>/dev/null || true; fi
  if [ "${BOOT_KEEP:-0}" = 1 ]; then echo "boot-test: kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # exit runs the EXIT trap: no temporary directory is left behind

# The guest's root: busybox and an init that proves it ran, then powers off.
root=$tmp/root
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp"
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cat > "$root/init.sh" <<'INIT'
#!/bin/busybox sh
/bin/busybox echo "written by the guest: kernel $(/bin/busybox uname -r), pid $$" > /result
/bin/busybox sync
/bin/busybox poweroff -f
INIT
chmod +x "$root/init.sh"

"$ld" "$B/bin/virtiofsd" --socket-path="$tmp/virtiofs.sock" -o source="$root" -o cache=auto \
  > "$tmp/virtiofsd.log" 2>&1 &
vfs_pid=$!
i=0
while [ ! -S "$tmp/virtiofs.sock" ]; do
  i=$((i + 1)); [ $i -lt 200 ] || fail "virtiofsd did not create its socket: $(cat "$tmp/virtiofsd.log")"
  sleep 0.05
done

mem=${BOOT_MEM:-256}
accel=${BOOT_ACCEL:-tcg}
if [ "$accel" = kvm ]; then accel_args="-accel kvm -cpu host"
else accel_args="-accel tcg,thread=multi${BOOT_TCG_OPTS:-} -cpu max"; fi
append="${BOOT_RDINIT:-rdinit=/runcvm-initramfs} root=runcvmfs rootfstype=virtiofs rw init=/init.sh console=hvc0 ${BOOT_EXTRA_APPEND-quiet} panic=-1"

start=$(date +%s%N)
# shellcheck disable=SC2086
${BOOT_WRAPPER:-} timeout 240 "$ld" "$B/bin/qemu-system-x86_64" \
  -nodefaults -no-user-config -display none -no-reboot \
  -machine q35,vmport=off,smbus=off,sata=off,usb=off $accel_args -L "$B/share/qemu" \
  -smp "${BOOT_CPUS:-2}" -m "${mem}M" \
  -object "memory-backend-memfd,id=mem,size=${mem}M,share=on" -numa node,memdev=mem \
  -chardev "socket,id=virtiofs,path=$tmp/virtiofs.sock" \
  -device vhost-user-fs-pci,chardev=virtiofs,tag=runcvmfs \
  -device virtio-serial-pci,id=vser \
  -chardev "file,id=console,path=$tmp/console.log" -device virtconsole,bus=vser.0,chardev=console \
  -device isa-debug-exit,iobase=0x501,iosize=2 -device virtio-rng-pci \
  -kernel "$kernel" -initrd "$initrd" -append "$append" > "$tmp/qemu.log" 2>&1 &
qemu_pid=$!
# In the background, so a signal to this script is handled at once (cleanup stops QEMU).
wait "$qemu_pid" || rc=$?
qemu_pid=""
end=$(date +%s%N)
[ "${BOOT_VERBOSE:-0}" = 1 ] && cat "$tmp/console.log" "$tmp/qemu.log"
[ "${rc:-0}" = 0 ] || fail "QEMU exited $rc: $(cat "$tmp/qemu.log"; tail -n 20 "$tmp/console.log")"
grep -q "written by the guest" "$root/result" 2>/dev/null ||
  fail "the guest did not write /result; console: $(tail -n 20 "$tmp/console.log")"
echo "boot-test: ok: $(cat "$root/result")"
echo "boot: $(( (end - start) / 1000000 )) ms"
