#!/bin/bash
# Assembles out/root/{bin,lib,share/qemu}: Debian's qemu-system-x86_64, virtiofsd and mke2fs with
# every shared library they load and glibc's own loader, patched to run from /opt/runcvm in any
# container image whatever its libc, plus exactly the firmware a headless q35 VM booted with
# -kernel needs. Inputs are the packages pinned in packages.lock, fetched with `apt-get download`
# into out/debs (a cache: nothing is installed on this machine) and unpacked with dpkg-deb -x.
# A second run with the same lock finds everything cached and only re-assembles (seconds).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/out
lock=$here/packages.lock
prefix=/opt/runcvm

# Programs: package, path inside the package, name in bin/.
programs=(
  "qemu-system-x86 /usr/bin/qemu-system-x86_64 qemu-system-x86_64"
  "qemu-system-common /usr/lib/qemu/virtiofsd virtiofsd"
  "e2fsprogs /sbin/mke2fs mke2fs"
)
# QEMU modules (dlopen'ed): Debian builds TCG as one. QEMU looks for them at its compiled-in
# module directory relocated to its own location: <exec dir>/../lib/x86_64-linux-gnu/qemu, which
# is the same place whether it runs as bin/qemu-system-x86_64 or through lib/ld-linux (the exec
# dir is then lib/). ui-curses draws the VGA text screen on a terminal (RUNCVM_QEMU_DISPLAY=curses;
# it needs libncursesw6 and libtinfo6). Nothing else: no graphical display, audio, USB or spice.
modules=(
  "qemu-system-common /usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so"
  "qemu-system-common /usr/lib/x86_64-linux-gnu/qemu/ui-curses.so"
)
# Firmware for q35 with -kernel/-initrd and -nodefaults (found by strace of a boot):
#   bios-256k.bin      SeaBIOS, the default x86 BIOS
#   linuxboot_dma.bin  the option ROM that loads -kernel/-initrd over fw_cfg DMA
#   kvmvapic.bin       TPR-access patching ROM QEMU loads for the APIC under KVM
#   vgabios-stdvga.bin the VGA BIOS of -vga std (the curses display): it sets up the text mode the
#                      kernel's VGA console takes over
# Not shipped: other VGA BIOSes, iPXE ROMs (NICs get romfile=), keymaps (curses needs none).
firmware=(
  "seabios /usr/share/seabios/bios-256k.bin"
  "seabios /usr/share/seabios/vgabios-stdvga.bin"
  "qemu-system-data /usr/share/qemu/linuxboot_dma.bin"
  "qemu-system-data /usr/share/qemu/kvmvapic.bin"
)
# Terminal descriptions for the curses display (QEMU gets TERMINFO=share/terminfo): Docker's
# TERM=xterm, the usual others, and the multiplexers'. Other names fall back to the image's own.
terminfo=(xterm xterm-256color xterm-color screen screen-256color tmux tmux-256color linux vt100
  vt220 ansi dumb rxvt-unicode rxvt-unicode-256color)
# glibc's iconv modules (GCONV_PATH=lib/gconv): QEMU's curses display converts the VGA font from
# CP437, which is not built into glibc, and exits when it cannot.
gconv=(IBM437)

mkdir -p "$out/debs" "$out/unpacked"
mapfile -t pins < <(grep -v '^#' "$lock" | grep .)

# 1. Download what the cache lacks, in one apt-get call. The cache is keyed by package=version.
deb_of() { echo "$out/debs/${1//:/%3a}.deb"; }
want=()
for pin in "${pins[@]}"; do [ -f "$(deb_of "$pin")" ] || want+=("$pin"); done
if [ ${#want[@]} -gt 0 ]; then
  echo "qemu: downloading ${#want[@]} pinned Debian packages"
  tmp=$(mktemp -d "$out/debs/.dl.XXXXXX")
  (cd "$tmp" && apt-get -qq -o APT::Sandbox::User=root download "${want[@]}")
  for pin in "${want[@]}"; do
    f=("$tmp/${pin%%=*}_"*.deb)
    [ -f "${f[0]}" ] || { echo "qemu: apt-get download $pin produced no .deb" >&2; exit 1; }
    mv "${f[0]}" "$(deb_of "$pin")"
  done
  rm -rf "$tmp"
fi

# 2. Unpack each .deb once.
for pin in "${pins[@]}"; do
  pkg=${pin%%=*}
  stamp=$out/unpacked/$pkg/.pin
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$pin" ]; then
    rm -rf "$out/unpacked/$pkg" && mkdir -p "$out/unpacked/$pkg"
    dpkg-deb -x "$(deb_of "$pin")" "$out/unpacked/$pkg"
    echo "$pin" > "$stamp"
  fi
done

# 3. Assemble into a fresh tree, then swap it in.
new=$out/root.new
rm -rf "$new" && mkdir -p "$new/bin" "$new/lib" "$new/share/qemu"
for p in "${programs[@]}"; do
  read -r pkg path name <<<"$p"
  install -m 0755 "$out/unpacked/$pkg$path" "$new/bin/$name"
done
mkdir -p "$new/lib/x86_64-linux-gnu/qemu"
for m in "${modules[@]}"; do
  read -r pkg path <<<"$m"
  install -m 0644 "$out/unpacked/$pkg$path" "$new/lib/x86_64-linux-gnu/qemu/$(basename "$path")"
done
for f in "${firmware[@]}"; do
  read -r pkg path <<<"$f"
  install -m 0644 "$(realpath "$out/unpacked/$pkg$path")" "$new/share/qemu/$(basename "$path")"
done
# Recompiled (the build machine's infocmp/tic, ncurses-bin) without smcup/rmcup: QEMU's curses UI
# would otherwise draw on the terminal's alternate screen and, when the VM stops, switch back to
# what was there before, taking the workload's last screen (an error message, a result) with it.
# Without them the last screen stays on the terminal, as a container's output does.
mkdir -p "$new/share/terminfo"
for t in "${terminfo[@]}"; do
  infocmp -x -A "$out/unpacked/ncurses-base/lib/terminfo" "$t" |
    sed -E 's/(^|[[:space:]])(smcup|rmcup)=[^,]*,//g' > "$out/terminfo.src"
  tic -x -o "$new/share/terminfo" "$out/terminfo.src"
  [ -f "$new/share/terminfo/${t:0:1}/$t" ] || { echo "qemu: tic made no terminfo entry $t" >&2; exit 1; }
done
rm -f "$out/terminfo.src"
mkdir -p "$new/lib/gconv"
for g in "${gconv[@]}"; do
  install -m 0644 "$out/unpacked/libc6/usr/lib/x86_64-linux-gnu/gconv/$g.so" "$new/lib/gconv/"
  # The module's lines (and aliases) from glibc's configuration, so that iconv finds it.
  grep -hE "^(alias[[:space:]].*|module[[:space:]].*[[:space:]])$g(//)?([[:space:]]|\$)" \
    "$out/unpacked/libc6/usr/lib/x86_64-linux-gnu/gconv/gconv-modules" \
    "$out/unpacked/libc6/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.d/"*.conf
done > "$new/lib/gconv/gconv-modules"
grep -q . "$new/lib/gconv/gconv-modules" || { echo "qemu: no gconv-modules entries for ${gconv[*]}" >&2; exit 1; }
# glibc's C.UTF-8 locale (LOCPATH=lib/locale): QEMU's curses UI draws the VGA font's line-drawing
# characters and symbols in the locale's charset, and the image's own locales need not match the
# bundled glibc (nor exist).
mkdir -p "$new/lib/locale"
cp -r "$out/unpacked/libc-bin/usr/lib/locale/C.utf8" "$new/lib/locale/"

# Library directories of the unpacked packages, in which every DT_NEEDED name must be found.
libdirs=()
for pin in "${pins[@]}"; do
  for d in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu; do
    [ -d "$out/unpacked/${pin%%=*}/$d" ] && libdirs+=("$out/unpacked/${pin%%=*}/$d")
  done
done
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
queue=("$new"/bin/* "$new"/lib/x86_64-linux-gnu/qemu/*.so)
while [ ${#queue[@]} -gt 0 ]; do
  obj=${queue[0]}; queue=("${queue[@]:1}")
  for so in $(needed "$obj"); do
    [ -e "$new/lib/$so" ] && continue
    src=""
    for d in "${libdirs[@]}"; do [ -e "$d/$so" ] && { src=$d/$so; break; }; done
    [ -n "$src" ] || { echo "qemu: $so (needed by $(basename "$obj")) is in no pinned package: run make -C qemu pin" >&2; exit 1; }
    install -m 0755 "$(realpath "$src")" "$new/lib/$so"
    queue+=("$new/lib/$so")
  done
done
install -m 0755 "$(realpath "$out/unpacked/libc6/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")" \
  "$new/lib/ld-linux-x86-64.so.2"

# 4. Strip, then patch. DT_RPATH (--force-rpath), not DT_RUNPATH: RPATH is searched before
# LD_LIBRARY_PATH and applies to the libraries' own dependencies too, so whatever the container
# image sets or ships in /lib, our binaries load only our libraries.
strip --strip-unneeded "$new"/bin/* "$new"/lib/*.so* "$new"/lib/x86_64-linux-gnu/qemu/*.so \
  "$new"/lib/gconv/*.so 2>/dev/null || true
for b in "$new"/bin/*; do
  patchelf --set-interpreter "$prefix/lib/ld-linux-x86-64.so.2" --force-rpath \
    --set-rpath '$ORIGIN/../lib' "$b"
done

# 5. Record what went in, and swap.
{
  echo "# The Debian packages this tree was assembled from (qemu/packages.lock)."
  printf '%s\n' "${pins[@]}"
} > "$new/share/qemu/PACKAGES"
rm -rf "$out/root.old"
[ -d "$out/root" ] && mv "$out/root" "$out/root.old"
mv "$new" "$out/root"
rm -rf "$out/root.old"
echo "qemu: out/root assembled: $(du -sh --apparent-size "$out/root" | cut -f1)" \
  "($(ls "$out/root/lib" | grep -c '\.so') libraries, $(ls "$out/root/share/qemu" | wc -l) firmware files)"
