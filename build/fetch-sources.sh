#!/bin/sh
# Fetches the Debian source packages the static build compiles (Abseil, simdjson, libcap)
# into build/third_party/, using a private apt configuration derived from the system's own Debian
# entries: it changes no system file and takes no dpkg lock. Idempotent: a package already
# unpacked is skipped, so a second `make` does no network work.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest=$here/third_party
apt=$dest/.apt
mkdir -p "$apt/parts" "$apt/lists/partial" "$apt/cache/archives/partial"

# name-of-source-package  directory-glob-once-unpacked
wanted="abseil:abseil-* simdjson:simdjson-* libcap2:libcap2-* libnl3:libnl3-*"

missing=""
for w in $wanted; do
  pkg=${w%%:*}; glob=${w#*:}
  # shellcheck disable=SC2086
  set -- $dest/$glob
  [ -d "$1" ] || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] && sed 's/^Types: deb$/Types: deb-src/' "$f" > "$apt/parts/$(basename "$f")"
done
opts="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$apt/parts \
  -o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache -o Debug::NoLocking=1 \
  -o APT::Sandbox::User=root -qq"
# shellcheck disable=SC2086
apt-get $opts update
cd "$dest"
for pkg in $missing; do
  echo "fetch-sources: $pkg"
  # shellcheck disable=SC2086
  apt-get $opts source "$pkg" >/dev/null
done
fi

# Debian configures its Abseil for a shared-library ABI: its own string_view/optional types in an
# inline namespace (configure.diff) and an as-needed libatomic link for armel (latomic.diff, whose
# --push-state the Zig linker rejects). We link Abseil statically into one x86-64 binary, with
# absl::string_view being std::string_view, so those two Debian patches are taken back out.
for d in "$dest"/abseil-*; do
  for p in configure.diff latomic.diff; do
    if [ -f "$d/debian/patches/$p" ] && [ ! -e "$d/.runcvm-reverted-$p" ]; then
      patch -s -R -p1 -d "$d" < "$d/debian/patches/$p"
      touch "$d/.runcvm-reverted-$p"
    fi
  done
done
