#!/bin/bash
# Builds out/debian/<version>/{vmlinuz,initrd,modules.list,modules/<version>/} and out/debian/latest from the
# Debian kernel pinned in packages.lock and the static runcvm binary ($1).
#
# The initrd is ours: a newc cpio holding /runcvm-initramfs (the runcvm binary; the multicall
# dispatch strips "runcvm-" and runs the initramfs applet), /runcvm-modules (modules.list) and
# those modules plus their dependencies under /lib/modules/<version>/ with a modules.dep made by
# depmod for that subset. Debian 12 ships modules uncompressed, so they are packed as they are.
# COMPRESS= none|gzip|lz4|zstd|xz picks the initrd's compression; the kernel enables all five.
# Default none: measured under TCG on 2 busy cores (guest time to unpack the 2.3 MB initrd,
# initramfs_async=0, median of 3): none 233 ms, lz4 325, gzip 354, zstd 519, xz 2198; the
# initrd reaches the guest by fw_cfg DMA, so its size costs next to nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/out
runcvm_bin=${1:?usage: build.sh /abs/path/to/static/runcvm}
compress=${COMPRESS:-none}
[ -x "$runcvm_bin" ] || { echo "kernels: RUNCVM_BIN '$runcvm_bin' is not an executable" >&2; exit 1; }

pin=$(grep -v '^#' "$here/packages.lock" | grep . | head -n1)
pkg=${pin%%=*}
deb=$out/debs/${pin//:/%3a}.deb
unpacked=$out/unpacked/$pkg

# 1. Download once (cached by package=version), unpack once.
if [ ! -f "$deb" ]; then
  echo "kernels: downloading $pin"
  mkdir -p "$out/debs"
  tmp=$(mktemp -d "$out/debs/.dl.XXXXXX")
  (cd "$tmp" && apt-get -qq -o APT::Sandbox::User=root download "$pin")
  mv "$tmp"/*.deb "$deb"
  rm -rf "$tmp"
fi
if [ ! -f "$unpacked/.pin" ] || [ "$(cat "$unpacked/.pin")" != "$pin" ]; then
  rm -rf "$unpacked" && mkdir -p "$unpacked"
  dpkg-deb -x "$deb" "$unpacked"
  echo "$pin" > "$unpacked/.pin"
fi
version=$(basename "$(echo "$unpacked"/lib/modules/*)")
dest=$out/debian/$version

# 2. The full module tree (bind-mounted into the VM at /lib/modules/<version>), with depmod's
# indexes, once per kernel version.
if [ ! -f "$dest/modules/.pin" ] || [ "$(cat "$dest/modules/.pin")" != "$pin" ]; then
  rm -rf "$dest/modules" "$out/work"
  mkdir -p "$out/work/lib/modules" "$dest"
  cp -a "$unpacked/lib/modules/$version" "$out/work/lib/modules/"
  depmod -b "$out/work" "$version"
  mkdir -p "$dest/modules"
  mv "$out/work/lib/modules/$version" "$dest/modules/"
  rm -rf "$out/work"
  echo "$pin" > "$dest/modules/.pin"
fi
install -m 0644 "$unpacked/boot/vmlinuz-$version" "$dest/vmlinuz"
install -m 0644 "$unpacked/boot/config-$version" "$dest/config"
moddir=$dest/modules/$version

# 3. The initramfs tree: the wanted modules (checked against the kernel) and their closure.
tree=$out/initramfs.tree
rm -rf "$tree" && mkdir -p "$tree/lib/modules/$version" "$tree/dev" "$tree/proc" "$tree/sys" \
  "$tree/newroot"
wanted=$(sed 's/#.*//' "$here/modules.list" | tr -s ' \t' '\n' | grep . | tr - _)
printf '%s\n' $wanted > "$tree/runcvm-modules"
# The same list next to the kernel: an image's own kernel boots with this initrd plus those
# modules from the image's tree (common/image_kernel.h).
install -m 0644 "$tree/runcvm-modules" "$dest/modules.list"
path_of() {  # module name -> its path in modules.dep, or nothing when built in
  awk -F: -v n="$1" '{ b=$1; sub(/.*\//, "", b); sub(/\.ko.*$/, "", b); gsub(/-/, "_", b);
                       if (b == n) { print $1; exit } }' "$moddir/modules.dep"
}
files=""
for m in $wanted; do
  p=$(path_of "$m")
  if [ -z "$p" ]; then
    grep -q "/${m}.ko" <(tr - _ < "$moddir/modules.builtin") ||
      { echo "kernels: module '$m' (modules.list) is neither a module nor built into $version" >&2; exit 1; }
    continue
  fi
  files="$files $p $(awk -F: -v p="$p" '$1 == p { print $2 }' "$moddir/modules.dep")"
done
for f in $(printf '%s\n' $files | sort -u); do
  install -D -m 0644 "$moddir/$f" "$tree/lib/modules/$version/$f"
done
cp "$moddir/modules.builtin" "$moddir/modules.builtin.modinfo" "$moddir/modules.order" "$tree/lib/modules/$version/"
depmod -b "$tree" "$version"
# Only modules.dep is read by the initramfs applet; the other indexes are modprobe's.
find "$tree/lib/modules/$version" -maxdepth 1 -type f ! -name modules.dep -delete
install -m 0755 "$runcvm_bin" "$tree/runcvm-initramfs"
# The kernel opens /dev/console before rdinit runs (it exists only once the console is up;
# the applet reopens it after loading virtio_console).
mknod -m 0600 "$tree/dev/console" c 5 1 2>/dev/null || true

# 4. Pack: newc, sorted, owned by root, reproducible timestamps.
case $compress in
  none) filter=(cat) ;;
  gzip) filter=(gzip -9 -n) ;;
  lz4) filter=(lz4 -l -9 -q) ;;   # -l: the legacy frame format, the one the kernel reads
  zstd) filter=(zstd -19 -q) ;;
  xz) filter=(xz -9 --check=crc32) ;;  # the kernel's xz decoder wants crc32, not crc64
  *) echo "kernels: COMPRESS must be none|gzip|lz4|zstd|xz" >&2; exit 1 ;;
esac
find "$tree" -exec touch -h -d @0 {} +
(cd "$tree" && find . -mindepth 1 | LC_ALL=C sort |
   cpio -o -H newc -R 0:0 --reproducible --quiet) | "${filter[@]}" > "$dest/initrd.new"
mv "$dest/initrd.new" "$dest/initrd"
ln -sfn "$version" "$out/debian/latest"
echo "kernels: $version: vmlinuz $(stat -c %s "$dest/vmlinuz") B, initrd ($compress)" \
  "$(stat -c %s "$dest/initrd") B, $(ls "$tree/lib/modules/$version"/kernel -R | grep -c '\.ko') modules in the initrd"
