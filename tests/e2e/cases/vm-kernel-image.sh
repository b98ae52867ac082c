# VM-specific: an image that carries its own Debian kernel (/vmlinuz, /etc/os-release ID=debian)
# boots that kernel, with its own modules (uname -r is the image's release, and virtio_net, a
# module, came from the image's /lib/modules); RUNCVM_KERNEL=debian overrides it with the bundled
# one. Under runc (the control) uname -r is the host's.
. "$SRC/tests/e2e/images/debian-kernel.sh"
[ -n "$E2E_CHILD" ] || build_debian_kernel_image

own_kernel() {
  drun "$DEBIAN_KERNEL_IMAGE" sh -c \
    'uname -r; grep -o "^virtio_net " /proc/modules; ls /sys/class/net | grep -c eth0'
}
vm_only "the image's own kernel boots, with the image's modules" own_kernel \
  "$(debian_kernel_release)\nvirtio_net \n1\n"

forced() {
  drun -e RUNCVM_KERNEL=debian "$DEBIAN_KERNEL_IMAGE" uname -r
}
vm_only "RUNCVM_KERNEL=debian boots the bundled kernel instead" forced \
  "$(readlink "${RUNCVM_STAGE:-$SRC/build/stage/opt/runcvm}/kernels/debian/latest")\n"
