# The runcvm binary needs no libc: in an image holding only that binary it prints its help. Under
# runcvm the same image boots, and the static binary is the VM's workload.

RUNCVM_BINARY=${RUNCVM_STAGE:-$SRC/build/stage/opt/runcvm}/bin/runcvm
ONLY_BINARY_IMAGE=runcvm-e2e/only-runcvm

only_binary_image() {
  _tree=$(mktemp -d)
  cp "$RUNCVM_BINARY" "$_tree/runcvm"
  tar -C "$_tree" -c . | dk import -c 'CMD ["/runcvm", "--help"]' - "$ONLY_BINARY_IMAGE" >/dev/null
  rm -rf "$_tree"
}
only_binary_image || e2e_die "cannot build $ONLY_BINARY_IMAGE"

help_in_empty_image() {
  drun "$ONLY_BINARY_IMAGE" | head -1
  drun "$ONLY_BINARY_IMAGE" /runcvm qemu-exit --help | head -1
  drun "$ONLY_BINARY_IMAGE" /runcvm nosuch 2>&1; echo "rc=$?"
}
both "runcvm --help in an image with no libc" help_in_empty_image \
  'Usage: runcvm APPLET [ARGS...]   or   runcvm-APPLET [ARGS...] (through a symlink)\nUsage: qemu-exit CODE\nruncvm: applet not found: nosuch\nrc=127\n'
