# runcvm-e2e/debian-kernel: an image that carries its own Debian kernel, as a Debian image with
# linux-image installed does (/vmlinuz -> boot/vmlinuz-<release>, /lib/modules/<release> with
# depmod's indexes, /etc/os-release ID=debian), built offline from busybox-static and the
# contents of the kernel package. The package is the generic amd64 flavour of the bundled kernel's
# pin (kernels/packages.lock: ...-cloud-amd64 -> ...-amd64), so its release differs from the
# bundled kernel's and `uname -r` tells which one booted. Cached in build/e2e/debs.
# Only the module directories a VM needs are kept (the whole tree is 400 MB).
DEBIAN_KERNEL_IMAGE=runcvm-e2e/debian-kernel

debian_kernel_pin() {
  grep -v '^#' "$SRC/kernels/packages.lock" | grep . | head -n 1 | sed 's/-cloud-amd64=/-amd64=/'
}

# The release the image's kernel reports (uname -r), from the pin: linux-image-<release>=<version>.
debian_kernel_release() { debian_kernel_pin | sed 's/^linux-image-//; s/=.*//'; }

build_debian_kernel_image() {
  _pin=$(debian_kernel_pin)
  _rel=$(debian_kernel_release)
  _inputs=$(printf '%s\n' "$_pin" | cat - /bin/busybox "$SRC/tests/e2e/images/debian-kernel.sh" |
    sha256sum | cut -c1-16)
  [ "$("$DOCKER" image inspect -f '{{index .Config.Labels "runcvm-e2e.inputs"}}' \
    "$DEBIAN_KERNEL_IMAGE" 2>/dev/null)" = "$_inputs" ] && return 0
  _debs=$SRC/build/e2e/debs
  _deb=$_debs/$(printf '%s' "$_pin" | sed 's/=/_/')_amd64.deb
  if [ ! -f "$_deb" ]; then
    mkdir -p "$_debs"
    e2e_log "e2e: downloading $_pin"
    (cd "$_debs" && apt-get -qq -o APT::Sandbox::User=root download "$_pin") ||
      e2e_die "apt-get download $_pin failed"
  fi
  _t=$(mktemp -d /tmp/runcvm-e2e-kimg.XXXXXX)
  _r=$_t/root
  mkdir -p "$_r/bin" "$_r/etc" "$_r/proc" "$_r/sys" "$_r/dev" "$_r/tmp" "$_r/root"
  cp /bin/busybox "$_r/bin/busybox"
  for _a in sh cat ls uname grep echo; do ln -s busybox "$_r/bin/$_a"; done
  printf '%s\n' 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"' 'ID=debian' 'VERSION_ID="12"' \
    >"$_r/etc/os-release"
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' >"$_r/etc/passwd"
  dpkg-deb -x "$_deb" "$_t/deb" || e2e_die "dpkg-deb -x $_deb failed"
  mkdir -p "$_r/boot" "$_r/lib/modules/$_rel/kernel/drivers/net" "$_r/lib/modules/$_rel/kernel/fs" \
    "$_r/lib/modules/$_rel/kernel/net"
  cp "$_t/deb/boot/vmlinuz-$_rel" "$_t/deb/boot/config-$_rel" "$_r/boot/"
  _k=$_t/deb/lib/modules/$_rel/kernel
  for _d in arch block crypto lib mm virt drivers/virtio drivers/char drivers/block \
    drivers/net/virtio_net.ko drivers/net/net_failover.ko fs/fuse fs/ext4 fs/jbd2 fs/mbcache.ko \
    net/core; do
    [ -e "$_k/$_d" ] && cp -a "$_k/$_d" "$_r/lib/modules/$_rel/kernel/$_d"
  done
  cp "$_t/deb/lib/modules/$_rel"/modules.* "$_r/lib/modules/$_rel/" 2>/dev/null
  depmod -b "$_r" "$_rel" || e2e_die "depmod for $_rel failed"
  ln -s "boot/vmlinuz-$_rel" "$_r/vmlinuz"
  e2e_import "$DEBIAN_KERNEL_IMAGE" "$_r" 'CMD ["/bin/sh"]' "LABEL runcvm-e2e.inputs=$_inputs"
  rm -rf "$_t"
}
