#!/bin/sh
# The installer with Debian's podman: it registers the runtime in /etc/containers/containers.conf,
# `podman run --runtime=runcvm IMAGE` runs the image in a VM, and uninstall restores the file.
. "$(dirname "$0")/lib.sh"
command -v podman >/dev/null || die "no podman: apt-get install podman (build/setup.sh does)"
installer_e2e_begin

# Podman's image store is its own: load the e2e busybox image from dockerd's.
"$DOCKER" save "$BUSYBOX" | podman load -q >/dev/null 2>&1 || die "podman load of $BUSYBOX failed"
image=localhost/$BUSYBOX
# Podman raises RLIMIT_NOFILE and RLIMIT_NPROC to 1048576/4194304 by default; where the host's
# hard limits are lower (a sandboxed build machine), runc cannot apply them, whatever the runtime.
limits="--ulimit nofile=1024:1024 --ulimit nproc=1024:1024"

"$inst" >"$t/install.log" 2>&1
check "install" "rc=0" "rc=$?"
sed 's/^/    /' "$t/install.log"
check "containers.conf registers the runtime" "1" \
  "$(grep -cx 'runcvm = \["/opt/runcvm/bin/runcvm-runtime"\]' "$containers_conf")"
# shellcheck disable=SC2086
out=$(timeout -k 10 300 podman run --runtime=runcvm --rm --name "${E2E_PREFIX}hello" $limits "$image" \
  sh -c 'echo hello; uname -r' 2>&1)
check "podman run --runtime=runcvm prints hello" "hello" "$(echo "$out" | head -n 1)"
check "... from a VM (its own kernel)" "VM" \
  "$([ -n "$(echo "$out" | sed -n 2p)" ] && [ "$(echo "$out" | sed -n 2p)" != "$(uname -r)" ] && echo VM || echo "$out")"
# shellcheck disable=SC2086
check "podman: exit codes come through" "rc=3" \
  "$(timeout -k 10 300 podman run --runtime=runcvm --rm $limits "$image" sh -c 'exit 3' >/dev/null 2>&1; echo "rc=$?")"

"$inst" --uninstall >"$t/uninstall.log" 2>&1
check "uninstall" "rc=0" "rc=$?"
check "the host is as before the install" \
  "daemon.json as before\ncontainers.conf as before\ndockerd has no runtime runcvm\nother runtimes as before" \
  "$(host_restored 2>&1)"
podman rmi -f "$image" >/dev/null 2>&1

finish
