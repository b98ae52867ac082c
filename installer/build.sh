#!/bin/sh
# Builds build/out/runcvm-installer: installer/stub.sh with the bundle appended as its payload.
# The bundle is laid out by build/install.sh (the same tree as `make stage`), packed as a tar
# (sorted, owned by root) and compressed with gzip: every Linux host has gzip (Debian marks it
# Essential; xz and zstd are optional there), and the host runs the decompressor, not us.
# The stub learns the payload's size and sha256 and the bundle's id (VERSION plus the start of the
# hash: each build is its own version directory under /opt/runcvm.d, and installing the same file
# twice finds it already there).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
work=$src/build/installer
out=$src/build/out/runcvm-installer
rm -rf "$work"
mkdir -p "$work/tree" "$src/build/out"
"$src/build/install.sh" "$work/tree/runcvm"
tar -C "$work/tree" --sort=name --owner=0 --group=0 --numeric-owner -cf - runcvm |
  gzip -9n >"$work/payload.tar.gz"
size=$(stat -c %s "$work/payload.tar.gz")
sha=$(sha256sum "$work/payload.tar.gz" | cut -c1-64)
version=$(cat "$src/VERSION")
id=$version-$(printf '%s' "$sha" | cut -c1-12)
sed -e "s/@VERSION@/$version/g" -e "s/@PAYLOAD_SIZE@/$size/g" -e "s/@PAYLOAD_SHA256@/$sha/g" \
  -e "s/@BUNDLE_ID@/$id/g" "$src/installer/stub.sh" >"$work/runcvm-installer"
cat "$work/payload.tar.gz" >>"$work/runcvm-installer"
chmod 0755 "$work/runcvm-installer"
mv -f "$work/runcvm-installer" "$out"
rm -rf "$work"
echo "installer: $out ($(du -h "$out" | cut -f1), bundle $id)"
