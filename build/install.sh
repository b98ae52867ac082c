#!/bin/bash
# Installs the RunCVM bundle into PREFIX (e.g. /opt/runcvm, or build/stage/opt/runcvm for the
# tests): the static runcvm binary with one runcvm-<applet> symlink per applet, sbin/qemu-exit,
# the bundled QEMU/virtiofsd/mke2fs with their libraries and firmware (qemu/out/root), the
# kernels (kernels/out/debian) and VERSION.
#
# Safe to run again, and safe while containers run: /opt/runcvm is bind-mounted into every
# container, so the directory itself is never replaced; each file is written beside its target
# and renamed over it (a running QEMU keeps its old inode), unchanged files are left alone, and
# files the new bundle no longer has are removed last.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
prefix=${1:?usage: build/install.sh PREFIX}
bin=${RUNCVM_BIN:-$src/build/out/runcvm}
for need in "$bin" "$src/qemu/out/root/bin/qemu-system-x86_64" "$src/kernels/out/debian/latest"; do
  [ -e "$need" ] || { echo "install: $need missing: run make (binary, qemu, kernels) first" >&2; exit 1; }
done
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)

# 1. The complete new tree, staged next to the target (same filesystem, so renames are atomic).
new=$(mktemp -d "$prefix.new.XXXXXX")
trap 'rm -rf "$new"' EXIT
mkdir -p "$new/bin" "$new/sbin" "$new/kernels/debian"
install -m 0755 "$bin" "$new/bin/runcvm"
applets=$("$bin" --help | sed -n '/^Applets:/,$ s/^  \([a-z0-9-]*\) .*/\1/p')
[ -n "$applets" ] || { echo "install: '$bin --help' lists no applets" >&2; exit 1; }
for a in $applets; do ln -s runcvm "$new/bin/runcvm-$a"; done
ln -s ../bin/runcvm "$new/sbin/qemu-exit"
cp -a "$src/qemu/out/root/bin/." "$new/bin/"
cp -a "$src/qemu/out/root/lib" "$src/qemu/out/root/share" "$new/"
rm -f "$new/.stamp"
for k in "$src"/kernels/out/debian/*; do
  cp -a "$k" "$new/kernels/debian/"
done
find "$new/kernels" -name .pin -delete
install -m 0644 "$src/VERSION" "$new/VERSION"

# 2. Merge into the target file by file, rsync-style: a quick check on type, size and mtime
# (sources are copied with their mtimes) picks what changed, so a re-install touches little.
manifest() {  # path, type, size, mtime (files) or target (links)
  (cd "$1" && find . -mindepth 1 ! -type d \( -type l -printf '%P\t%y\t%l\n' -o \
    -printf '%P\t%y\t%s\t%T@\n' \)) | LC_ALL=C sort
}
manifest "$new" > "$new.manifest"
manifest "$prefix" > "$new.old-manifest"
trap 'rm -rf "$new" "$new.manifest" "$new.old-manifest"' EXIT
cd "$new"
find . -mindepth 1 -type d | while read -r d; do
  [ -d "$prefix/$d" ] && [ ! -L "$prefix/$d" ] || { rm -f "$prefix/$d"; mkdir -p "$prefix/$d"; }
done
LC_ALL=C comm -23 "$new.manifest" "$new.old-manifest" | cut -f1 | while read -r f; do
  t=$prefix/$f
  [ -d "$t" ] && [ ! -L "$t" ] && rm -rf "$t"
  cp -a "$f" "$t.runcvm-new" && mv -fT "$t.runcvm-new" "$t"
done
# 3. Remove what the new bundle does not have (deepest first).
(cd "$prefix" && find . -mindepth 1 -depth) | while read -r f; do
  [ -e "$new/$f" ] || [ -L "$new/$f" ] || rm -rf "${prefix:?}/${f#./}"
done
echo "install: $prefix ($(du -sh "$prefix" | cut -f1), $(echo $applets | wc -w) applets," \
  "kernel $(readlink "$prefix/kernels/debian/latest"))"
