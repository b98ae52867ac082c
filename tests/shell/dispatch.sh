#!/bin/sh
# The multicall binary dispatches on argv[0] and on its first argument; unknown applets exit 127.
. "$SRC/tests/shell/lib.sh"

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$RUNCVM_BIN" "$tmp/runcvm"
ln -s runcvm "$tmp/runcvm-init"
ln -s runcvm "$tmp/qemu-exit"

testing "--version" "$tmp/runcvm --version | cut -d' ' -f1" "runcvm\n"
testing "--help lists every applet" \
  "$tmp/runcvm --help | grep -cE '^  (ctr-entrypoint|ctr-exec|disk-prep|init|initramfs|qemu-exit|runtime|vm-init|vm-start) '" "9\n"
testing "symlink with runcvm- prefix" "$tmp/runcvm-init --help | head -1 | cut -d' ' -f1-2" "Usage: init\n"
testing "plain symlink" "$tmp/qemu-exit --help | head -1" "Usage: qemu-exit CODE\n"
testing "runcvm APPLET --help" "$tmp/runcvm qemu-exit --help | head -1" "Usage: qemu-exit CODE\n"
testing "unknown applet" "$tmp/runcvm nosuch 2>&1; echo rc=\$?" "runcvm: applet not found: nosuch\nrc=127\n"
testing "unknown applet by link" "ln -s runcvm $tmp/runcvm-bogus; $tmp/runcvm-bogus 2>&1; echo rc=\$?" \
  "runcvm: applet not found: bogus\nrc=127\n"
testing "qemu-exit rejects a bad code" "$tmp/runcvm qemu-exit 300 2>/dev/null; echo rc=\$?" "rc=125\n"

finish
