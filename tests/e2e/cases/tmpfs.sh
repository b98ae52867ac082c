# --tmpfs and --mount type=tmpfs are mounted in the VM (by the guest: a container tmpfs would be
# invisible to it) with their size, mode, uid and flags; noexec is enforced; --shm-size sizes
# /dev/shm. A tmpfs without size= defaults to half of the (guest's) RAM, so its size is not
# compared. The guest kernel is built with CONFIG_TMPFS_INODE64, which makes /proc/mounts show
# ",inode64" on every tmpfs whatever the options; that word is left out of the comparison.

tmpfs_mounts() {
  drun --tmpfs /t1:size=1m,mode=1770 --mount type=tmpfs,dst=/t2,tmpfs-size=2097152,tmpfs-mode=0700 \
    --tmpfs /t3:exec,uid=1000 "$BUSYBOX" sh -c 'exec 2>&1
      grep -E " /t[123] " /proc/mounts | sed "s/,inode64//" | sort; stat -c "%n %a %u" /t1 /t2 /t3
      df -k /t1 /t2 | awk "NR > 1 { print \$6, \$2 }"
      printf "#!/bin/sh\\necho exec ok\\n" >/t1/x; cp /t1/x /t3/x; chmod +x /t1/x /t3/x; /t3/x; /t1/x
      head -c 2m /dev/zero >/t1/full 2>/dev/null; echo "fill rc=$? $(df -k /t1 | awk "NR > 1 { print \$4 }") KiB left"'
}
both "tmpfs mounts with their options" tmpfs_mounts \
  'tmpfs /t1 tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k,mode=1770 0 0\ntmpfs /t2 tmpfs rw,nosuid,nodev,noexec,relatime,size=2048k,mode=700 0 0\ntmpfs /t3 tmpfs rw,nosuid,nodev,relatime,uid=1000 0 0\n/t1 1770 0\n/t2 700 0\n/t3 1777 1000\n/t1 1024\n/t2 2048\nexec ok\nsh: /t1/x: Permission denied\nfill rc=1 0 KiB left\n'

shm() {
  drun "$BUSYBOX" sh -c 'grep " /dev/shm " /proc/mounts | sed "s/,inode64//"'
  drun --shm-size 96m "$BUSYBOX" sh -c 'grep " /dev/shm " /proc/mounts | sed "s/,inode64//"; head -c 80m /dev/zero >/dev/shm/f && echo wrote 80m'
}
both "/dev/shm: 64 MiB by default, --shm-size" shm \
  'shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k 0 0\nshm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=98304k 0 0\nwrote 80m\n'
