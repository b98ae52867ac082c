# Shared by the installer's end-to-end tests (docker.sh, podman.sh): they run the built installer
# (build/out/runcvm-installer) on this host for real, as a user would: /opt/runcvm, the runtime
# "runcvm" in /etc/docker/daemon.json (dockerd reloaded) and /etc/containers/containers.conf.
#
# The host is put back whatever happens: an EXIT trap uninstalls (--force), and failing that
# restores the two files from copies taken at the start and removes /opt/runcvm*. The test holds
# /tmp/runcvm-daemon-json.lock (the e2e harness's lock for daemon.json) from before the install to
# after the uninstall, so the harness cannot register a runtime in between and the uninstall can be
# checked to restore daemon.json byte for byte; other runtimes (runcvm-e2e...) are checked to be
# registered exactly as before.
SRC=${SRC:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$SRC/tests/shell/lib.sh"
. "$SRC/tests/e2e/lib.sh"
LC_ALL=C
inst=${RUNCVM_INSTALLER:-$SRC/build/out/runcvm-installer}
daemon_json=/etc/docker/daemon.json
containers_conf=/etc/containers/containers.conf
# Kept in /var/tmp and named by our pid, so that a run killed outright (ctest's timeout) is found
# and undone by the next one.
t=/var/tmp/runcvm-installer-e2e.$$
rm -rf "$t" && mkdir -p "$t" || { echo "FAIL: cannot create $t"; exit 1; }
E2E_TMP=$t
E2E_PREFIX=runcvm-installer-e2e-$$-
export SRC LC_ALL inst daemon_json containers_conf t E2E_TMP E2E_PREFIX DOCKER BUSYBOX

# Before the host is saved and the trap armed ($t/armed), a failure only removes $t.
die() {
  echo "FAIL: $*"
  [ -e "$t/armed" ] || rm -rf "$t"
  exit 1
}

# The runtimes dockerd knows, other than ours.
other_runtimes() {
  "$DOCKER" info --format '{{json .Runtimes}}' | jq -S -c 'del(.runcvm)'
}

save_file() {  # save_file PATH NAME: a copy with mode and owner, or a note that it is absent
  if [ -e "$1" ]; then cp -p "$1" "$t/$2.orig"; else : >"$t/$2.absent"; fi
}

restore_file() {  # restore_file PATH NAME: put the saved copy back unless the file is already so
  if [ -e "$t/$2.orig" ]; then
    cmp -s "$1" "$t/$2.orig" || { cp -p "$t/$2.orig" "$1" && echo "restored $1 from the saved copy"; }
  elif [ -e "$t/$2.absent" ] && [ -e "$1" ]; then
    rm -f "$1" && echo "removed $1 (absent before the test)"
  fi
  rm -f "$1.runcvm-backup" "$1.runcvm-created"
}

installer_e2e_cleanup() {
  e2e_cleanup
  if command -v podman >/dev/null 2>&1; then
    podman ps -aq --filter "name=^$E2E_PREFIX" 2>/dev/null | xargs -r podman rm -f >/dev/null 2>&1
  fi
  if [ -e /opt/runcvm ] || [ -e /opt/runcvm.d ] || grep -q '"runcvm"' "$daemon_json" 2>/dev/null; then
    "$inst" --uninstall --force >"$t/cleanup.log" 2>&1 || { echo "cleanup: uninstall failed:"; cat "$t/cleanup.log"; }
  fi
  rm -rf /opt/runcvm /opt/runcvm.d
  restore_file "$daemon_json" daemon.json
  restore_file "$containers_conf" containers.conf
  if [ -n "$(e2e_runtime_path runcvm)" ]; then
    kill -HUP "$(cat /var/run/docker.pid 2>/dev/null || pidof dockerd)" 2>/dev/null
  fi
  rm -rf "$t"
}

# Preconditions, the test images, the lock and the trap; then the host is saved.
installer_e2e_begin() {
  [ "$(id -u)" = 0 ] || die "needs root"
  [ -x "$inst" ] || die "no $inst: run make installer"
  id=$("$inst" --version | sed -n 's/.*(\(.*\))$/\1/p')
  export id
  command -v jq >/dev/null || die "need jq"
  exec 9>/tmp/runcvm-e2e-setup.lock
  flock 9
  e2e_need_dockerd
  e2e_remove_stale
  e2e_build_images
  flock -u 9
  exec 9>&-
  exec 8>/tmp/runcvm-daemon-json.lock
  flock 8
  for _old in /var/tmp/runcvm-installer-e2e.*; do
    [ -d "$_old" ] && [ "$_old" != "$t" ] || continue
    kill -0 "${_old##*.}" 2>/dev/null && continue
    [ -e "$_old/armed" ] || { rm -rf "$_old"; continue; }
    echo "e2e: undoing an earlier run that was killed outright ($_old)"
    (t=$_old E2E_TMP=$_old E2E_PREFIX=runcvm-installer-e2e-${_old##*.}-; installer_e2e_cleanup)
  done
  # Never clobber a real installation.
  [ ! -e /opt/runcvm ] && [ ! -e /opt/runcvm.d ] ||
    die "/opt/runcvm exists: this test installs there; uninstall it first"
  [ -z "$(e2e_runtime_path runcvm)" ] || die "dockerd already has a runtime named runcvm"
  save_file "$daemon_json" daemon.json
  save_file "$containers_conf" containers.conf
  other_runtimes >"$t/runtimes.before"
  : >"$t/armed"
  trap 'installer_e2e_cleanup' EXIT
  trap 'exit 130' INT TERM HUP
}

# The host is as before the test: daemon.json and containers.conf byte for byte, no bundle, dockerd
# without our runtime and with every other runtime as it was.
host_restored() {
  if [ -e "$t/daemon.json.orig" ]; then
    cmp "$daemon_json" "$t/daemon.json.orig" && [ "$(stat -c %a.%u.%g "$daemon_json")" = \
      "$(stat -c %a.%u.%g "$t/daemon.json.orig")" ] && echo "daemon.json as before"
  else
    [ ! -e "$daemon_json" ] && echo "daemon.json as before"
  fi
  if [ -e "$t/containers.conf.orig" ]; then
    cmp "$containers_conf" "$t/containers.conf.orig" && echo "containers.conf as before"
  else
    [ ! -e "$containers_conf" ] && echo "containers.conf as before"
  fi
  ls -d /opt/runcvm /opt/runcvm.d "$daemon_json.runcvm-backup" "$daemon_json.runcvm-created" \
    "$containers_conf.runcvm-backup" "$containers_conf.runcvm-created" 2>/dev/null
  [ -z "$(e2e_runtime_path runcvm)" ] && echo "dockerd has no runtime runcvm"
  other_runtimes | cmp -s - "$t/runtimes.before" && echo "other runtimes as before"
}

# check NAME EXPECTED ACTUAL: like `testing` (tests/shell/lib.sh), for output gathered in this
# shell (with its functions). Trailing newlines do not count, as in $(...).
check() {
  _exp=$(printf '%b' "$2")
  if [ "$3" = "$_exp" ]; then
    passed=$((passed + 1)); echo "PASS: $1"
  else
    failed=$((failed + 1)); echo "FAIL: $1"
    printf '  expected: %s\n  actual:   %s\n' "$_exp" "$3" | sed 's/^/  /'
  fi
}

# A newer installer made from this one, as the next release would be: the same stub and bundle,
# with VERSION changed, hence another payload hash and another bundle id. Prints its bundle id.
make_newer_installer() {  # make_newer_installer OUT SUFFIX
  _size=$(sed -n "s/^payload_size='\([0-9]*\)'$/\1/p" "$inst" | head -n 1)
  _total=$(stat -c %s "$inst")
  head -c $((_total - _size)) "$inst" >"$t/stub"
  mkdir -p "$t/newer-tree"
  tail -c "$_size" "$inst" | gzip -dc | tar -xf - -C "$t/newer-tree"
  _v=$(cat "$t/newer-tree/runcvm/VERSION")$2
  echo "$_v" >"$t/newer-tree/runcvm/VERSION"
  tar -C "$t/newer-tree" --sort=name --owner=0 --group=0 --numeric-owner -cf - runcvm |
    gzip -1n >"$t/newer-payload"
  rm -rf "$t/newer-tree"
  _sha=$(sha256sum "$t/newer-payload" | cut -c1-64)
  _id=$_v-$(printf '%s' "$_sha" | cut -c1-12)
  sed -e "s/^version=.*/version='$_v'/" -e "s/^bundle_id=.*/bundle_id='$_id'/" \
    -e "s/^payload_size=.*/payload_size='$(stat -c %s "$t/newer-payload")'/" \
    -e "s/^payload_sha256=.*/payload_sha256='$_sha'/" "$t/stub" >"$1"
  cat "$t/newer-payload" >>"$1"
  chmod 0755 "$1"
  rm -f "$t/stub" "$t/newer-payload"
  echo "$_id"
}
