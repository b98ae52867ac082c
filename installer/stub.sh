#!/bin/sh
# RunCVM @VERSION@ installer: this shell script with the bundle appended as its payload (a gzip'd
# tar of /opt/runcvm, the last @PAYLOAD_SIZE@ bytes of this file, sha256 @PAYLOAD_SHA256@).
#
# Needs only what a Docker or Podman host has: a POSIX sh, tail, sha256sum, gzip, tar. Everything
# that must be exact (editing daemon.json and containers.conf, switching versions) is done by the
# payload's own static binary (`runcvm setup`, applets/setup.cc).
#
# Layout: /opt/runcvm is a symlink to runcvm.d/<version>-<payload hash>, one directory per version.
# An install unpacks the new version beside the others, checks it, then switches the symlink in
# one rename: an install that fails or is interrupted leaves the previous version working, and
# running containers keep the version they started with (old versions are removed once no
# container uses them).
set -u

version='@VERSION@'
payload_size='@PAYLOAD_SIZE@'
payload_sha256='@PAYLOAD_SHA256@'
bundle_id='@BUNDLE_ID@'
runtime_name=runcvm
runtime_path=/opt/runcvm/bin/runcvm-runtime

usage() {
  cat <<EOF
Usage: $0 [--root DIR] [--no-reload] [--uninstall [--force]]

Installs RunCVM $version to /opt/runcvm and registers the runtime "$runtime_name" with Docker
(/etc/docker/daemon.json; dockerd reloads it without restarting containers) and Podman
(/etc/containers/containers.conf). Run it again to upgrade: running containers keep running.

  --uninstall   remove the runtime from both configurations and the bundle; refused while
                RunCVM containers exist, unless --force
  --force       uninstall even so (those containers will not start again)
  --root DIR    install into DIR instead of / (DIR/opt/runcvm, DIR/etc/...); docker and podman
                are not asked anything, and dockerd is not signalled
  --no-reload   do not signal dockerd (it picks the runtime up at its next start or SIGHUP)
  --version     print the version
EOF
}

say() { printf 'runcvm-installer: %s\n' "$*"; }
warn() { printf 'runcvm-installer: warning: %s\n' "$*" >&2; }
die() { printf 'runcvm-installer: error: %s\n' "$*" >&2; exit 1; }

root='' uninstall=0 force=0 reload=1
while [ $# -gt 0 ]; do
  case $1 in
    --root) [ $# -ge 2 ] || die "--root needs a directory"; root=$2; shift ;;
    --root=*) root=${1#--root=} ;;
    --uninstall) uninstall=1 ;;
    --force) force=1 ;;
    --no-reload) reload=0 ;;
    --version) echo "runcvm-installer $version ($bundle_id)"; exit 0 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
  shift
done
if [ -n "$root" ]; then
  [ -d "$root" ] || die "--root $root: not a directory"
  root=$(cd "$root" && pwd) || die "--root $root: cannot enter it"
  [ "$root" = / ] && root=''
  [ -n "$root" ] && reload=0
fi
[ "$force" = 0 ] || [ "$uninstall" = 1 ] || die "--force only goes with --uninstall"
[ -n "$root" ] || [ "$(id -u)" = 0 ] || die "must run as root: sudo $0"

opt=$root/opt
link=$opt/runcvm
store=$opt/runcvm.d
daemon_json=$root/etc/docker/daemon.json
containers_conf=$root/etc/containers/containers.conf
docker=${DOCKER:-docker}
podman=${PODMAN:-podman}
tmp='' new='' final=''
cleanup() {
  [ -z "$final" ] || put_back_final
  [ -z "$tmp" ] || rm -rf "$tmp"
  [ -z "$new" ] || rm -rf "$new"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# --- the payload -------------------------------------------------------------------------------
self=$0
[ -f "$self" ] || die "cannot read myself ($self): run this file, do not pipe it into sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/runcvm-installer.XXXXXX") || die "mktemp in ${TMPDIR:-/tmp} failed"

verify_payload() {
  total=$(wc -c <"$self") || die "cannot read $self"
  [ "$total" -gt "$payload_size" ] ||
    die "$self is truncated ($total bytes, the payload alone is $payload_size): download it again"
  if command -v sha256sum >/dev/null 2>&1; then
    sum=$(tail -c "$payload_size" "$self" | sha256sum)
  else
    sum=$(tail -c "$payload_size" "$self" | busybox sha256sum) || die "need sha256sum to check the payload"
  fi
  [ "${sum%% *}" = "$payload_sha256" ] ||
    die "payload checksum mismatch: $self is corrupt or truncated (download it again); nothing was changed"
  say "payload: RunCVM $version, $payload_size bytes, sha256 verified"
}

# unpack DIR [MEMBER...]: the payload's tar under DIR. gzip checks the data's CRC, tar its
# structure; a failure of either (or of the disk) fails the unpack. The failure notes go to $tmp
# (not DIR, whose disk may be the one that is full).
unpack() {
  _dir=$1; shift
  rm -f "$tmp/unpack-failed"
  { tail -c "$payload_size" "$self" | gzip -dc || echo gzip >"$tmp/unpack-failed"; } |
    tar -xf - -C "$_dir" "$@" || echo tar >>"$tmp/unpack-failed"
  [ ! -e "$tmp/unpack-failed" ]
}

# The payload's own runcvm binary, for the steps a shell cannot do exactly.
tool=''
payload_tool() {
  mkdir "$tmp/tool" && unpack "$tmp/tool" runcvm/bin/runcvm ||
    die "cannot unpack the runcvm binary from the payload into $tmp"
  tool=$tmp/tool/runcvm/bin/runcvm
}

# --- what the host has -----------------------------------------------------------------------------
docker_ok=0 docker_conf=0 podman_conf=0
probe_host() {
  "$tool" setup probe | while IFS= read -r line; do
    case $line in
      "kvm: usable") say "KVM: usable" ;;
      kvm:*) warn "KVM: ${line#kvm: }: VMs will run under QEMU's TCG emulation, much slower" ;;
      "tun: missing"*) warn "tun: /dev/net/tun ${line#tun: }; VMs need it for networking" ;;
      "runc: not found"*) warn "runc: ${line#runc: }; the runtime needs it" ;;
      *) say "$line" ;;
    esac
  done
  if [ -n "$root" ]; then
    # A scratch root: its own /etc decides, the host's daemons are not asked.
    [ -d "$root/etc/docker" ] && docker_conf=1
    [ -d "$root/etc/containers" ] && podman_conf=1
    say "Docker: $([ $docker_conf = 1 ] && echo "configuring $daemon_json" || echo "no $root/etc/docker, skipped")"
    say "Podman: $([ $podman_conf = 1 ] && echo "configuring $containers_conf" || echo "no $root/etc/containers, skipped")"
    return
  fi
  if command -v "$docker" >/dev/null 2>&1 || command -v dockerd >/dev/null 2>&1 || [ -d /etc/docker ]; then
    docker_conf=1
    if v=$("$docker" version --format '{{.Server.Version}}' 2>/dev/null) && [ -n "$v" ]; then
      docker_ok=1; say "Docker: dockerd $v running"
    else
      warn "Docker: found, but dockerd is not answering; it will load the runtime when it starts"
    fi
  else
    say "Docker: not found"
  fi
  if command -v "$podman" >/dev/null 2>&1; then
    podman_conf=1
    say "Podman: $("$podman" --version 2>/dev/null || echo found)"
  elif [ -d /etc/containers ]; then
    podman_conf=1; say "Podman: not found, but /etc/containers exists: configuring it"
  else
    say "Podman: not found"
  fi
  [ "$docker_conf" = 1 ] || [ "$podman_conf" = 1 ] ||
    warn "neither Docker nor Podman found: installing the bundle only"
}

dockerd_pid() {
  _p=$(cat /var/run/docker.pid 2>/dev/null) && [ -n "$_p" ] && kill -0 "$_p" 2>/dev/null &&
    { echo "$_p"; return; }
  pidof dockerd 2>/dev/null | cut -d' ' -f1
}

docker_runtime_path() {
  "$docker" info --format "{{with index .Runtimes \"$runtime_name\"}}{{.Path}}{{end}}" 2>/dev/null
}

# reload_docker WANT: SIGHUP dockerd (it re-reads `runtimes` without touching running
# containers), then wait until `docker info` shows runtime $runtime_name with path WANT ("" gone).
reload_docker() {
  [ "$reload" = 1 ] && [ "$docker_ok" = 1 ] || return 0
  if [ "$(docker_runtime_path)" != "$1" ]; then
    pid=$(dockerd_pid)
    [ -n "$pid" ] || { warn "cannot find dockerd's pid to reload it: restart it to apply $daemon_json"; return 0; }
    say "Docker: reloading dockerd (SIGHUP to pid $pid; running containers are not touched)"
    kill -HUP "$pid" || die "cannot signal dockerd (pid $pid)"
  fi
  i=0
  while [ "$(docker_runtime_path)" != "$1" ]; do
    i=$((i + 1))
    [ "$i" -le 30 ] || die "dockerd did not pick up $daemon_json after 30 s: see its log (journalctl -u docker)"
    sleep 1
  done
  if [ -n "$1" ]; then say "Docker: docker info lists runtime $runtime_name -> $1"
  else say "Docker: docker info no longer lists runtime $runtime_name"; fi
}

# dockerd re-reads `runtimes` on SIGHUP only when daemon.json has that key (moby's reloadPlatform),
# so when the restored file has none (or is gone), dockerd is reloaded once with the file plus an
# empty `runtimes`, and then the restored file is put back, byte for byte.
put_back_final() {
  if [ "$final" = absent ]; then
    rm -f "$daemon_json"
  else
    cp -p "$final" "$daemon_json.runcvm-tmp" && mv -f "$daemon_json.runcvm-tmp" "$daemon_json"
  fi || warn "could not put back $daemon_json: the copy is $final"
  final=''
}

forget_docker_runtime() {
  [ "$reload" = 1 ] && [ "$docker_ok" = 1 ] && [ -n "$(docker_runtime_path)" ] || return 0
  if [ -e "$daemon_json" ]; then
    cp -p "$daemon_json" "$tmp/daemon.json.final" || die "cannot copy $daemon_json to $tmp"
    final=$tmp/daemon.json.final
  else
    final=absent
  fi
  if "$tool" setup empty-runtimes "$daemon_json"; then
    say "Docker: reloading with an empty \"runtimes\" first (dockerd keeps its runtimes otherwise)"
  else
    final=''
  fi
  reload_docker ""
  [ -z "$final" ] || put_back_final
}

# --- install -----------------------------------------------------------------------------------------
install_bundle() {
  mkdir -p "$store" || die "cannot create $store"
  # Leftovers of an install that was killed outright (a trap cleans up after anything gentler).
  for d in "$store"/.new-*; do [ -e "$d" ] && rm -rf "$d"; done
  if [ -d "$store/$bundle_id" ]; then
    say "bundle: $store/$bundle_id already unpacked"
  else
    say "bundle: unpacking to $store/$bundle_id"
    new=$(mktemp -d "$store/.new-XXXXXX") || die "mktemp in $store failed"
    unpack "$new" || { rm -rf "$new"; die "unpacking the payload into $store failed (disk full?); nothing was changed"; }
    for f in bin/runcvm bin/runcvm-runtime bin/qemu-system-x86_64 kernels/debian/latest/vmlinuz VERSION; do
      [ -e "$new/runcvm/$f" ] || die "the unpacked bundle has no $f; nothing was changed"
    done
    got=$("$new/runcvm/bin/runcvm" --version 2>&1) ||
      die "the unpacked runcvm binary does not run here ($got); nothing was changed"
    mv "$new/runcvm" "$store/$bundle_id" || die "cannot move the new bundle into place"
    rm -rf "$new"; new=''
    say "bundle: $(du -sh "$store/$bundle_id" | cut -f1) unpacked, $got"
  fi
  tool=$store/$bundle_id/bin/runcvm
  out=$("$tool" setup activate "$link" "runcvm.d/$bundle_id" "$store/old-$(date +%Y%m%d%H%M%S)") ||
    die "cannot switch $link to the new bundle; the previous version is still in place"
  say "bundle: $out"
}

# Versions other than the current one, kept while running containers use them.
prune_versions() {
  for d in "$store"/*; do
    [ -d "$d" ] || continue
    [ "${d##*/}" = "$bundle_id" ] && continue
    users=$("$tool" setup users "$d")
    case $? in
      0) say "bundle: keeping ${d##*/}: in use by $(echo "$users" | wc -l) container(s) (pid $(echo $users))" ;;
      1) rm -rf "$d" && say "bundle: removed old version ${d##*/}" ;;
      *) warn "bundle: keeping ${d##*/}: cannot tell whether containers use it" ;;
    esac
  done
}

do_install() {
  verify_payload
  payload_tool
  probe_host
  # Check the configurations before changing anything: one that cannot be edited (bad JSON)
  # stops the install with the host as it was.
  if [ "$docker_conf" = 1 ]; then
    "$tool" setup register --check docker "$daemon_json" "$runtime_name" "$runtime_path" >/dev/null ||
      die "fix $daemon_json (or move it away) and run the installer again; nothing was changed"
  fi
  if [ "$podman_conf" = 1 ]; then
    "$tool" setup register --check podman "$containers_conf" "$runtime_name" "$runtime_path" >/dev/null ||
      die "fix $containers_conf and run the installer again; nothing was changed"
  fi
  install_bundle
  if [ "$docker_conf" = 1 ]; then
    out=$("$tool" setup register docker "$daemon_json" "$runtime_name" "$runtime_path") || exit 1
    say "Docker: $out"
    reload_docker "$runtime_path"
  fi
  if [ "$podman_conf" = 1 ]; then
    out=$("$tool" setup register podman "$containers_conf" "$runtime_name" "$runtime_path") || exit 1
    say "Podman: $out"
  fi
  prune_versions
  say "done: RunCVM $version installed; try: docker run --runtime=$runtime_name --rm IMAGE uname -r"
}

# --- uninstall ---------------------------------------------------------------------------------------
# The containers that would break: those Docker or Podman know with our runtime (running or not),
# and any process whose mount namespace still uses an installed version.
runcvm_containers() {
  if [ -z "$root" ] && command -v "$docker" >/dev/null 2>&1 && ids=$("$docker" ps -aq 2>/dev/null) && [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    "$docker" inspect --format '{{.HostConfig.Runtime}} {{.Name}}' $ids 2>/dev/null |
      sed -n "s|^$runtime_name /\(.*\)|docker container \1|p"
  fi
  if [ -z "$root" ] && command -v "$podman" >/dev/null 2>&1 && ids=$("$podman" ps -aq 2>/dev/null) && [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    "$podman" inspect --format '{{.OCIRuntime}} {{.Name}}' $ids 2>/dev/null |
      sed -n "s|^$runtime_name \(.*\)|podman container \1|p"
  fi
  for d in "$store"/* "$link"; do
    [ -d "$d" ] && [ ! -L "$d" ] || continue
    _u=$("$tool" setup users "$d")
    case $? in
      0) printf '%s\n' "$_u" | sed "s|^|process using ${d#"$root"}: pid |" ;;
      1) ;;
      *) echo "cannot tell whether containers use ${d#"$root"}" ;;
    esac
  done
}

do_uninstall() {
  verify_payload
  payload_tool
  probe_host
  users=$(runcvm_containers)
  if [ -n "$users" ]; then
    if [ "$force" = 0 ]; then
      printf '%s\n' "$users" | sed 's/^/  /' >&2
      die "RunCVM containers exist (above): remove them first (docker rm -f ...), or uninstall with --force"
    fi
    warn "uninstalling although RunCVM containers exist (--force): they will not start again"
  fi
  if [ "$docker_conf" = 1 ]; then
    out=$("$tool" setup unregister docker "$daemon_json" "$runtime_name") || exit 1
    say "Docker: $out"
    forget_docker_runtime
  fi
  if [ "$podman_conf" = 1 ]; then
    out=$("$tool" setup unregister podman "$containers_conf" "$runtime_name") || exit 1
    say "Podman: $out"
  fi
  if [ -L "$link" ] || [ -e "$link" ]; then
    rm -rf "$link" && say "bundle: removed $link"
  fi
  if [ -d "$store" ]; then
    rm -rf "$store" && say "bundle: removed $store"
  fi
  say "done: RunCVM uninstalled"
}

if [ "$uninstall" = 1 ]; then do_uninstall; else do_install; fi
exit 0
