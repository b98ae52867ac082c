# VM-specific: RUNCVM_DISKS. A backing file on a volume under /disks (container-only) is created
# sparse, formatted ext4 populated from what the image has at <dst>, attached as a virtio disk and
# mounted at <dst>; a second container with the same volume reuses it untouched, so its data
# survives. runc ignores the option: the control.

disk_lifecycle() {
  vol=${E2E_PREFIX}vol
  # /home in the image holds alice's home: the new disk starts with it (and mke2fs's lost+found).
  # /disks is the container's only: empty in the VM.
  drun -v "$vol:/disks" -e 'RUNCVM_DISKS=/disks/home.img,/home,ext4,64M' "$BUSYBOX" sh -c \
    'grep " /home " /proc/mounts | cut -d" " -f1,3; ls /home; echo kept >/home/note; ls /disks'
  # On the host side: a 64 MiB sparse file in the volume.
  dk run --rm --runtime runc -v "$vol:/disks" "$BUSYBOX" sh -c \
    'ls -l /disks/home.img | tr -s " " | cut -d" " -f5; [ "$(du -k /disks/home.img | cut -f1)" -lt 65536 ] && echo sparse'
  # A second container: the same disk, its data still there.
  drun -v "$vol:/disks" -e 'RUNCVM_DISKS=/disks/home.img,/home,ext4' "$BUSYBOX" cat /home/note
  dk volume rm "$vol" >/dev/null
}
vm_only "a disk on a /disks volume: created, populated, mounted, reused" disk_lifecycle \
  '/dev/vda ext4\nalice\nlost+found\n67108864\nsparse\nkept\n'

two_disks() {
  drun -e 'RUNCVM_DISKS=/var/d1,/mnt/one,ext2,8M;/var/d2,/mnt/two,ext3,8M' "$BUSYBOX" sh -c \
    'grep " /mnt/" /proc/mounts | cut -d" " -f2,3 | sort'
}
vm_only "two disks in the container's own filesystem, ext2 and ext3" two_disks \
  '/mnt/one ext2\n/mnt/two ext3\n'
