# Files as under runc, on the root filesystem (virtio-fs over the container's overlay) and on a
# named volume (a virtio-fs submount): ownership, modes with setuid/setgid/sticky bits, symlinks,
# hard links, FIFOs, extended attributes, a sparse file beyond 4 GiB, data read back intact,
# permission checks for an unprivileged user, and the volume as the host and another container
# see it afterwards. busybox has no getfattr/setfattr: images/xattr.c is bind-mounted as xattr.

# The checks, for the directory $1 (run inside the container as root).
FILE_CHECKS='
d=$1; mkdir -p "$d"; cd "$d" || exit 1
echo data >f; chown 1000:50 f; chmod 640 f
mkdir sticky; chmod 1777 sticky; mkdir sgid; chown 0:50 sgid; chmod 2775 sgid; touch sgid/in
touch suid; chmod 4755 suid
ln -s f link; ln f hard; mkfifo fifo
xattr set f user.color blue; xattr set f user.size 42; xattr get f user.color; xattr list f
dd if=/dev/zero of=big bs=1 count=1 seek=5G 2>/dev/null
yes 0123456789abcdef | head -c 8m >data; echo "data: $(md5sum <data | cut -c1-32) $(yes 0123456789abcdef | head -c 8m | md5sum | cut -c1-32)"
stat -c "%n %s %a %u:%g %h %F" f hard link sticky sgid sgid/in suid fifo big data
[ "$(stat -c %i f)" = "$(stat -c %i hard)" ] && echo "hard link: same inode"
echo "link -> $(readlink link): $(cat link)"
su -s /bin/sh nobody -c "cat f" 2>&1 | sed "s/^cat: //"
su -s /bin/sh alice -c "cat f; echo x >>f; touch sticky/a" 2>&1
su -s /bin/sh nobody -c "rm sticky/a" 2>&1 | sed "s/^rm: //"
rm hard; echo "after rm: $(stat -c %h f) link(s)"
mv f g; echo "renamed: $(cat g | tr "\n" " ")"
'

on_rootfs() {
  drun -v "$(static_helper xattr):/usr/bin/xattr:ro" "$BUSYBOX" sh -c "$FILE_CHECKS" sh /work 2>&1
}
both "files on the root filesystem" on_rootfs

on_volume() {
  v=$(cname)
  dk volume create "$v" >/dev/null
  drun -v "$(static_helper xattr):/usr/bin/xattr:ro" -v "$v:/vol" "$BUSYBOX" sh -c "$FILE_CHECKS" sh /vol 2>&1
  # What the host and another container (runc) see of what the workload left.
  m=$(dk volume inspect -f '{{.Mountpoint}}' "$v")
  echo "host: $(cd "$m" && stat -c '%n %s %a %u:%g %h %F' g sgid/in suid big | tr '\n' ';')"
  echo "host xattr: $(getfattr --only-values -n user.color "$m/g" 2>/dev/null || "$(static_helper xattr)" get "$m/g" user.color)"
  dk run --rm -v "$v:/vol" "$BUSYBOX" sh -c 'cat /vol/g; echo "link -> $(readlink /vol/link)"'
  dk volume rm "$v" >/dev/null
}
both "files on a named volume" on_volume
