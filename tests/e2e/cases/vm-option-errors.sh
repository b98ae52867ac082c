# VM-specific: a bad RUNCVM_* option fails `docker run` before anything starts, with one line
# that names the option and says what is wrong, and leaves nothing behind (no disk backing file,
# no container process). runc ignores RUNCVM_* and runs the container: the control.

# refused ENV...: runs `true` with those variables; prints "failed" and the runtime's message (the
# part of Docker's error line after "runcvm: "), or "ran".
refused() {
  args=""
  for e in "$@"; do args="$args -e $(printf '%s' "$e" | sed "s/'/'\\\\''/g; s/^/'/; s/\$/'/")"; done
  case "$*" in *RUNCVM_DISKS*) args="$args -v '${E2E_PREFIX}disks:/disks'" ;; esac
  out=$(eval "drun $args \"\$BUSYBOX\" true" 2>&1) && { echo ran; return; }
  lines=$(printf '%s\n' "$out" | grep -c 'runcvm: ')
  printf '%s\n' "$out" | sed -n 's/.*runcvm: \(.*\): unknown\.*$/\1/p' | head -n 1
  [ "$lines" = 1 ] || echo "($lines lines name runcvm)"
}

# What the failed runs left in the disks volume (nothing, or the control's leftovers).
volume_files() {
  dk run --rm --runtime runc -v "${E2E_PREFIX}disks:/disks" "$BUSYBOX" ls -A /disks
  dk volume rm "${E2E_PREFIX}disks" >/dev/null 2>&1
}

names() {
  refused RUNCVM_KERNEL_DEBUGG=1
  refused RUNCVM_FROBNICATE=1
}
vm_only "an unknown RUNCVM_* name fails docker run" names \
  'unknown option RUNCVM_KERNEL_DEBUGG=1 (not a RunCVM option; did you mean RUNCVM_KERNEL_DEBUG?)
unknown option RUNCVM_FROBNICATE=1 (not a RunCVM option)\n'

values() {
  refused RUNCVM_KERNEL_DEBUG=maybe
  refused RUNCVM_ACCEL=xen
  refused RUNCVM_BREAK=later
  refused RUNCVM_KERNEL=../etc
}
vm_only "a malformed value fails docker run" values \
  'invalid RUNCVM_KERNEL_DEBUG=maybe: expected 1 or 0 (or true/false, yes/no, on/off)
invalid RUNCVM_ACCEL=xen: expected one of auto, kvm, tcg
invalid RUNCVM_BREAK=later: expected one of prenet, postnet, preqemu (comma-separated)
invalid RUNCVM_KERNEL=../etc: expected <dist>[/<version>], e.g. debian or debian/6.1.0-28-cloud-amd64\n'

kernel() {
  refused RUNCVM_KERNEL=debian/0.0.0-none | sed 's/(available: .*)/(available: ...)/; s|no kernel at .*/kernels/|no kernel at .../kernels/|'
  refused RUNCVM_KERNEL=ubuntu | sed 's/(available: .*)/(available: ...)/; s|no kernel at .*/kernels/|no kernel at .../kernels/|'
}
vm_only "a missing kernel fails docker run" kernel \
  'invalid RUNCVM_KERNEL=debian/0.0.0-none: no kernel at .../kernels/debian/0.0.0-none (available: ...)
invalid RUNCVM_KERNEL=ubuntu: no kernel at .../kernels/ubuntu/latest (available: ...)\n'

unsupported() {
  refused RUNCVM_QEMU_VGA=std
  refused RUNCVM_BIOS=EFI
}
vm_only "an option this version does not implement is refused, not ignored" unsupported \
  'RUNCVM_QEMU_VGA=std: not supported by this version (accepted: none)
RUNCVM_BIOS=EFI: not supported by this version\n'

# The curses display draws on the container's terminal: without -t there is none.
no_terminal() { refused RUNCVM_QEMU_DISPLAY=curses; }
vm_only "RUNCVM_QEMU_DISPLAY=curses without -t fails docker run" no_terminal \
  'RUNCVM_QEMU_DISPLAY=curses needs a terminal: run with -t\n'

disks() {
  refused 'RUNCVM_DISKS=/disks/a,/data'
  refused 'RUNCVM_DISKS=/disks/a,/data,ext4,100K'
  refused 'RUNCVM_DISKS=/disks/a,/data,ext2,17T'
  refused 'RUNCVM_DISKS=/disks/a,/data,ext4'
  refused 'RUNCVM_DISKS=/disks/a,/data,ext4,64M;/disks/b,/data,ext4,64M'
  volume_files
}
vm_only "a bad disk spec fails docker run and creates no backing file" disks \
  "invalid RUNCVM_DISKS=/disks/a,/data: disk 1 ('/disks/a,/data'): missing <filesystem> (want <src>,<dst>,<filesystem>[,<size>])
invalid RUNCVM_DISKS=/disks/a,/data,ext4,100K: disk 1 ('/disks/a,/data,ext4,100K'): size 100K is too small for ext4 (at least 1M)
invalid RUNCVM_DISKS=/disks/a,/data,ext2,17T: disk 1 ('/disks/a,/data,ext2,17T'): size 17T is more than ext2 can hold (at most 16T)
invalid RUNCVM_DISKS=/disks/a,/data,ext4: /disks/a does not exist and no <size> was given to create it
invalid RUNCVM_DISKS=/disks/a,/data,ext4,64M;/disks/b,/data,ext4,64M: disk 2 ('/disks/b,/data,ext4,64M'): <dst> /data is used twice\n"

# A size too small for what the image has at <dst> is only known once mke2fs has tried, in the
# container before QEMU starts: the container fails (125) with one line, and the half-made
# backing file is removed with the directories made for it.
too_full() {
  out=$(drun -v "${E2E_PREFIX}disks:/disks" -e 'RUNCVM_DISKS=/disks/new/dir/bin.img,/bin,ext4,1M' \
    "$BUSYBOX" true 2>&1)
  echo "rc=$?"
  printf '%s\n' "$out" | grep -c 'RUNCVM_DISKS'
  printf '%s\n' "$out" | grep -o "RUNCVM_DISKS: '/disks/new/dir/bin.img': mke2fs -t ext4 -d /vm/bin /disks/new/dir/bin.img failed"
  volume_files
}
vm_only "a disk too small for the image's <dst> fails the container, nothing left" too_full \
  "rc=125\n1\nRUNCVM_DISKS: '/disks/new/dir/bin.img': mke2fs -t ext4 -d /vm/bin /disks/new/dir/bin.img failed\n"
