# End-to-end helpers: a real dockerd, the runtime under test registered next to runc, two images
# built offline, and a way to run one case function under both runtimes and compare.
#
# A case file (tests/e2e/cases/NAME.sh) only defines functions and calls, at top level:
#   both NAME FN [EXPECTED]     run FN under runc and under runcvm; outputs must be equal, and equal
#                               EXPECTED (printf %b) when given, so runc alone validates the case
#   vm_only NAME FN EXPECTED    run FN under runcvm; its output must equal EXPECTED. runc is run as a
#                               negative control: it must NOT give EXPECTED, or the case cannot tell
#                               a VM from a container
# FN runs in a fresh `sh` with $RUNTIME set to the runtime name; what it prints on stdout is compared,
# its stderr is shown on failure. Inside FN use drun/dk (docker with a timeout), assert_eq, wget_retry,
# assert_contains, wait_logs, and the images $BUSYBOX and $STATIC.
#
# Knobs: E2E_RUNTIMES (default "runc runcvm-e2e"; "runc" validates the cases without runcvm),
# RUNCVM_E2E_RUNTIME (the name registered), RUNCVM_STAGE (the staged bundle), E2E_TIMEOUT (seconds
# per docker command, default 180), E2E_TEST_TIMEOUT (seconds per FN, default 420), DOCKER,
# E2E_VERBOSE=1 (print every output), E2E_NO_PROBE=1 (skip the is-it-a-VM probe).

DOCKER=${DOCKER:-/usr/bin/docker}
E2E_RUNTIME=${RUNCVM_E2E_RUNTIME:-runcvm-e2e}
E2E_RUNTIMES=${E2E_RUNTIMES:-runc $E2E_RUNTIME}
E2E_TIMEOUT=${E2E_TIMEOUT:-180}
E2E_TEST_TIMEOUT=${E2E_TEST_TIMEOUT:-420}
BUSYBOX=runcvm-e2e/busybox
STATIC=runcvm-e2e/static
export DOCKER E2E_RUNTIME E2E_RUNTIMES E2E_TIMEOUT E2E_TEST_TIMEOUT BUSYBOX STATIC

e2e_log() { printf '%s\n' "$*" >&2; }
e2e_die() { printf 'e2e: %s\n' "$*" >&2; exit 1; }

# --- docker, with a timeout on every call --------------------------------------------------------
# --foreground keeps docker in our process group, so the per-test timeout (which kills the group)
# reaches every client a case started, and `docker run -t` may use the terminal.
dk() { timeout --foreground -k 10 "$E2E_TIMEOUT" "$DOCKER" "$@"; }

# A fresh container name; everything named with $E2E_PREFIX is removed after each test.
cname() { printf '%s%s-%s\n' "$E2E_PREFIX" "$RUNTIME" "$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"; }

# docker run under the runtime being tested, removed on exit.
drun() { dk run --rm --runtime "$RUNTIME" --name "$(cname)" "$@"; }

# docker run -d under the runtime being tested, named $1 and kept after exit for inspection.
drun_d() { _n=$1; shift; dk run -d --runtime "$RUNTIME" --name "$_n" "$@" >/dev/null; }

# wait_logs CONTAINER PATTERN [SECONDS]: until `docker logs` shows PATTERN (grep -E). Boots under
# TCG take several seconds, hence the generous default.
wait_logs() {
  _end=$(($(date +%s) + ${3:-120}))
  while [ "$(date +%s)" -lt "$_end" ]; do
    dk logs "$1" 2>&1 | grep -qE "$2" && return 0
    [ "$(dk inspect -f '{{.State.Status}}' "$1" 2>/dev/null)" = running ] || {
      dk logs "$1" 2>&1 | grep -qE "$2" && return 0
      e2e_log "wait_logs: $1 is not running and never printed /$2/"; vm_diagnostics "$1"; return 1
    }
    sleep 0.5
  done
  e2e_log "wait_logs: timed out waiting for /$2/ in the logs of $1"; vm_diagnostics "$1"; return 1
}

# wget_retry URL: the body of an HTTP GET from the host, retrying while the VM boots (TCG: tens of
# seconds; busybox-static wget -T crashes, so timeout(1) bounds each try); fails the test after
# 150 s without an answer.
wget_retry() {
  _end=$(($(date +%s) + 150))
  while [ "$(date +%s)" -lt "$_end" ]; do
    _body=$(timeout 10 busybox wget -q -O- "$1" 2>/dev/null) && { echo "$_body"; return 0; }
    sleep 1
  done
  e2e_fail "no answer from $1"; return 1
}

# vm_diagnostics CONTAINER: what a failed case needs to tell a dead VM from a slow one, on stderr:
# the container's state, the tail of its logs and, while it runs, of RunCVM's own logs in it.
vm_diagnostics() {
  {
    echo "--- $1: $(dk inspect -f '{{.State.Status}} exit={{.State.ExitCode}} started={{.State.StartedAt}} finished={{.State.FinishedAt}}' "$1" 2>&1)"
    dk logs --tail 20 "$1" 2>&1 | sed 's/^/logs: /'
    _pid=$(dk inspect -f '{{.State.Pid}}' "$1" 2>/dev/null)
    if [ -n "$_pid" ] && [ "$_pid" != 0 ]; then
      for _f in init.log console.log qemu.log virtiofsd.log; do
        tail -n 15 "/proc/$_pid/root/run/runcvm/$_f" 2>/dev/null | sed "s/^/$_f: /"
      done
    fi
  } >&2
}

exit_code_of() { dk inspect -f '{{.State.ExitCode}}' "$1"; }

# Run a command with a pseudo-terminal of ROWS x COLS as its stdin, stdout and stderr (and
# controlling tty). INPUT, if given, is typed once OUTPUT contains WAIT_FOR (escape sequences
# aside: a full-screen program may move the cursor in the middle of a word). Prints what appeared
# on the terminal with \r made visible, then "rc=N". Usage: pty ROWS COLS WAIT_FOR INPUT CMD...
pty() {
  /usr/bin/python3 - "$E2E_TIMEOUT" "$@" <<'EOF'
import os, re, sys, time, fcntl, termios, struct, subprocess, select, signal
timeout, rows, cols, wait_for, text = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
def strip_escapes(b):
    return re.sub(rb'\x1b(\[[0-?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78cDEHMZ])', b'', b)
master, slave = os.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
def child_setup():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
p = subprocess.Popen(sys.argv[6:], stdin=slave, stdout=slave, stderr=slave, preexec_fn=child_setup)
os.close(slave)
signal.signal(signal.SIGTERM, lambda *a: (p.kill(), sys.exit(124)))
out, typed, end = b'', not text, time.time() + timeout
while time.time() < end:
    r, _, _ = select.select([master], [], [], 0.2)
    if r:
        try:
            data = os.read(master, 65536)
        except OSError:
            data = b''
        if not data:
            break
        out += data
    elif p.poll() is not None:
        break
    if not typed and wait_for.encode() in strip_escapes(out):
        time.sleep(0.5)
        os.write(master, text.encode().replace(b'\\n', b'\n'))
        typed = True
try:
    rc = p.wait(timeout=max(1, end - time.time()))
except subprocess.TimeoutExpired:
    p.kill(); rc = 124; out += b'<pty: timed out>\n'
sys.stdout.write(out.decode(errors='replace').replace('\r', '\\r'))
print('rc=%d' % rc)
EOF
}

# --- assertions (inside a case function) ---------------------------------------------------------
e2e_fail() { printf 'FAIL: %s\n' "$*" >&2; echo "$*" >>"$E2E_FAILS"; }
assert_eq() {  # assert_eq WHAT EXPECTED ACTUAL
  [ "$2" = "$3" ] || e2e_fail "$1: expected '$2', got '$3'"
}
assert_contains() {  # assert_contains WHAT HAYSTACK NEEDLE
  case $2 in *"$3"*) ;; *) e2e_fail "$1: '$3' not found in: $2" ;; esac
}
assert_not_contains() {  # assert_not_contains WHAT HAYSTACK NEEDLE
  case $2 in *"$3"*) e2e_fail "$1: '$3' unexpectedly found in: $2" ;; esac
}

# --- running a case function under each runtime ----------------------------------------------------
e2e_passed=0 e2e_failed=0 e2e_skipped=0
e2e_broken=""  # runtimes that timed out once: later tests in this file fail at once, not hang again

# e2e_call RUNTIME FN: run FN in a child shell with $RUNTIME set, under the per-test timeout; outputs
# in $E2E_TMP/RUNTIME.{out,err,fails}; returns FN's status (124 when it timed out).
e2e_call() {
  _d=$E2E_TMP/$1
  : >"$_d.out"; : >"$_d.err"; : >"$_d.fails"
  case " $e2e_broken " in *" $1 "*)
    echo "not run: $1 timed out in an earlier test of this case" >"$_d.fails"; return 124 ;;
  esac
  if [ "$1" = "$E2E_RUNTIME" ] && [ -n "$e2e_probe_error" ]; then
    echo "not run: $e2e_probe_error" >"$_d.fails"; return 1
  fi
  RUNTIME=$1 E2E_FAILS=$_d.fails E2E_CHILD=1 timeout -k 10 "$E2E_TEST_TIMEOUT" \
    sh -c '. "$1"; . "$2"; cd "$E2E_TMP" && "$3"' sh "$SRC/tests/e2e/lib.sh" "$E2E_CASE" "$2" \
    >"$_d.out" 2>"$_d.err" </dev/null
  _rc=$?
  if [ "$_rc" -eq 124 ] || [ "$_rc" -eq 137 ]; then
    echo "timed out after ${E2E_TEST_TIMEOUT}s (E2E_TEST_TIMEOUT)" >>"$_d.fails"
    e2e_broken="$e2e_broken $1"
  fi
  e2e_cleanup
  return "$_rc"
}

e2e_show() {  # e2e_show RUNTIME: its failures and the tail of its stderr
  [ -s "$E2E_TMP/$1.fails" ] && sed "s/^/  $1 failed: /" "$E2E_TMP/$1.fails"
  [ -s "$E2E_TMP/$1.err" ] && { echo "  $1 stderr (last 80 lines):"; tail -n 80 "$E2E_TMP/$1.err" | sed 's/^/    /'; }
  return 0
}

e2e_pass() { e2e_passed=$((e2e_passed + 1)); echo "PASS: $*"; }
e2e_result_fail() { e2e_failed=$((e2e_failed + 1)); echo "FAIL: $*"; }

e2e_has_runtime() { case " $E2E_RUNTIMES " in *" $1 "*) return 0 ;; esac; return 1; }

e2e_verbose() {
  [ -n "$E2E_VERBOSE" ] || return 0
  echo "  --- $1 stdout:"; sed 's/^/    /' "$E2E_TMP/$1.out"
  echo "  --- $1 stderr:"; sed 's/^/    /' "$E2E_TMP/$1.err"
}

both() {
  [ -n "$E2E_CHILD" ] && return 0
  _name=$1 _fn=$2 _ok=1
  if [ $# -ge 3 ]; then printf '%b' "$3" >"$E2E_TMP/expected"; fi
  for _rt in $E2E_RUNTIMES; do
    e2e_call "$_rt" "$_fn"
    e2e_verbose "$_rt"
    [ -s "$E2E_TMP/$_rt.fails" ] && _ok=0
    grep -q '^not run:' "$E2E_TMP/$_rt.fails" && continue
    if [ $# -ge 3 ] && ! cmp -s "$E2E_TMP/expected" "$E2E_TMP/$_rt.out"; then
      _ok=0
      _label=expected
      [ "$_rt" != runc ] && e2e_has_runtime runc && cmp -s "$E2E_TMP/expected" "$E2E_TMP/runc.out" &&
        _label="expected (= runc)"
      echo "  $_rt output differs from the expected one:"
      diff -u --label "$_label" --label "$_rt" "$E2E_TMP/expected" "$E2E_TMP/$_rt.out" | sed 's/^/    /'
    fi
  done
  if [ $# -lt 3 ] && e2e_has_runtime runc && e2e_has_runtime "$E2E_RUNTIME" &&
     ! grep -q '^not run:' "$E2E_TMP/$E2E_RUNTIME.fails" && ! cmp -s "$E2E_TMP/runc.out" "$E2E_TMP/$E2E_RUNTIME.out"; then
    _ok=0
    echo "  $E2E_RUNTIME differs from runc (the oracle):"
    diff -u --label runc --label "$E2E_RUNTIME" "$E2E_TMP/runc.out" "$E2E_TMP/$E2E_RUNTIME.out" | sed 's/^/    /'
  fi
  if [ "$_ok" = 1 ]; then
    e2e_pass "$_name [$(echo $E2E_RUNTIMES)]"
  else
    for _rt in $E2E_RUNTIMES; do e2e_show "$_rt"; done
    e2e_result_fail "$_name"
  fi
}

vm_only() {
  [ -n "$E2E_CHILD" ] && return 0
  _name=$1 _fn=$2 _ok=1
  printf '%b' "$3" >"$E2E_TMP/expected"
  if e2e_has_runtime runc; then
    e2e_call runc "$_fn"
    e2e_verbose runc
    if cmp -s "$E2E_TMP/expected" "$E2E_TMP/runc.out"; then
      _ok=0
      echo "  control: runc gives the VM-only output too, so the case cannot tell a VM from a container"
      e2e_show runc
    fi
  fi
  if e2e_has_runtime "$E2E_RUNTIME"; then
    e2e_call "$E2E_RUNTIME" "$_fn"
    e2e_verbose "$E2E_RUNTIME"
    if [ -s "$E2E_TMP/$E2E_RUNTIME.fails" ] || ! cmp -s "$E2E_TMP/expected" "$E2E_TMP/$E2E_RUNTIME.out"; then
      _ok=0
      grep -q '^not run:' "$E2E_TMP/$E2E_RUNTIME.fails" ||
        diff -u --label expected --label "$E2E_RUNTIME" "$E2E_TMP/expected" "$E2E_TMP/$E2E_RUNTIME.out" | sed 's/^/    /'
      e2e_show "$E2E_RUNTIME"
    fi
    [ "$_ok" = 1 ] && e2e_pass "$_name [VM-specific]" || e2e_result_fail "$_name [VM-specific]"
  else
    e2e_skipped=$((e2e_skipped + 1))
    [ "$_ok" = 1 ] && echo "SKIP: $_name [VM-specific; runc control ok]" || e2e_result_fail "$_name [runc control]"
  fi
}

e2e_finish() {
  e2e_report_stuck
  echo "$e2e_passed passed, $e2e_failed failed, $e2e_skipped skipped"
  [ "$e2e_failed" -eq 0 ]
}

# Remove every container this run-case created (best effort, bounded: a broken runtime must not
# make cleanup hang). A container that cannot be removed in 30 s (its runtime hangs) is tried once
# and then only reported, so it costs one timeout, not one per test.
e2e_cleanup() {
  [ -n "$E2E_PREFIX" ] || return 0
  for _id in $(timeout 30 "$DOCKER" ps -aq --filter "name=^/$E2E_PREFIX" 2>/dev/null); do
    grep -qx "$_id" "$E2E_TMP/stuck" 2>/dev/null && continue
    timeout 30 "$DOCKER" rm -f "$_id" >/dev/null 2>&1 || echo "$_id" >>"$E2E_TMP/stuck"
  done
  return 0
}

# Containers and networks left by a run-case or benchmark that was killed outright (ctest's
# timeout kills without a trap): named runcvm-e2e-<pid>-... or runcvm-bench-<pid>-... for a pid now
# gone. A stale network would make the next run's fixed subnets overlap.
e2e_remove_stale() {
  timeout 30 "$DOCKER" ps -a --format '{{.ID}} {{.Names}}' 2>/dev/null |
    sed -nE 's/^([0-9a-f]+) runcvm-(e2e|bench)-([0-9]+)-.*/\1 \3/p' | while read -r _id _pid; do
      kill -0 "$_pid" 2>/dev/null || timeout 30 "$DOCKER" rm -f "$_id" >/dev/null 2>&1
    done
  timeout 30 "$DOCKER" network ls --format '{{.ID}} {{.Name}}' 2>/dev/null |
    sed -nE 's/^([0-9a-f]+) runcvm-(e2e|bench)-([0-9]+)-.*/\1 \3/p' | while read -r _id _pid; do
      kill -0 "$_pid" 2>/dev/null || timeout 30 "$DOCKER" network rm "$_id" >/dev/null 2>&1
    done
}

e2e_report_stuck() {
  [ -s "$E2E_TMP/stuck" ] || return 0
  echo "WARNING: could not remove containers (their runtime hangs; kill its processes, then docker rm -f):"
  timeout 30 "$DOCKER" ps -a --no-trunc --filter "name=^/$E2E_PREFIX" --format '  {{.ID}} {{.Names}} {{.Status}}'
}

# --- setup: dockerd, the runtime, the images -----------------------------------------------------
e2e_need_dockerd() {
  "$DOCKER" info >/dev/null 2>&1 && return 0
  command -v dockerd >/dev/null || e2e_die "docker info fails and there is no dockerd to start"
  e2e_log "e2e: dockerd is not answering; starting it (log: /var/log/runcvm-e2e-dockerd.log)"
  setsid dockerd >/var/log/runcvm-e2e-dockerd.log 2>&1 </dev/null &
  _i=0
  until "$DOCKER" info >/dev/null 2>&1; do
    _i=$((_i + 1)); [ "$_i" -lt 60 ] || e2e_die "dockerd did not come up in 60 s: see /var/log/runcvm-e2e-dockerd.log"
    sleep 1
  done
}

e2e_runtime_path() {  # the path dockerd has registered for runtime $1, empty if none
  "$DOCKER" info --format '{{json .Runtimes}}' 2>/dev/null | jq -r --arg n "$1" '.[$n].path // empty'
}

# Register $E2E_RUNTIME -> $1 in /etc/docker/daemon.json (other keys kept) and reload dockerd.
e2e_register_runtime() {
  _path=$1 _conf=${E2E_DAEMON_JSON:-/etc/docker/daemon.json}
  [ "$(e2e_runtime_path "$E2E_RUNTIME")" = "$_path" ] && return 0
  mkdir -p "$(dirname "$_conf")"
  # The same lock as tests/e2e/capture-config, which edits this file too.
  (
    flock 8
    [ -s "$_conf" ] || echo '{}' >"$_conf"
    jq --arg n "$E2E_RUNTIME" --arg p "$_path" '.runtimes[$n] = {path: $p}' "$_conf" >"$_conf.e2e.tmp" ||
      { rm -f "$_conf.e2e.tmp"; exit 1; }
    mv "$_conf.e2e.tmp" "$_conf"
  ) 8>/tmp/runcvm-daemon-json.lock || e2e_die "cannot add runtime $E2E_RUNTIME to $_conf (not valid JSON?)"
  _pid=$(cat /var/run/docker.pid 2>/dev/null || pidof dockerd)
  [ -n "$_pid" ] || e2e_die "cannot find dockerd's pid to reload it"
  kill -HUP "$_pid"
  _i=0
  until [ "$(e2e_runtime_path "$E2E_RUNTIME")" = "$_path" ]; do
    _i=$((_i + 1)); [ "$_i" -lt 30 ] || e2e_die "dockerd did not pick up runtime $E2E_RUNTIME=$_path from $_conf (see its log)"
    sleep 1
  done
  e2e_log "e2e: registered runtime $E2E_RUNTIME -> $_path"
}

# Import TREE as IMAGE unless an image with the same content hash is already there.
e2e_import() {  # e2e_import IMAGE TREE CHANGE...
  _img=$1 _tree=$2; shift 2
  _hash=$( { (cd "$_tree" && find . -printf '%p %m %U %G %l\n' | LC_ALL=C sort) ;
             (cd "$_tree" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 cat) ;
             printf '%s\n' "$@"; } | sha256sum | cut -c1-16)
  [ "$("$DOCKER" image inspect -f '{{index .Config.Labels "runcvm-e2e.hash"}}' "$_img" 2>/dev/null)" = "$_hash" ] &&
    return 0
  set -- "$@" "LABEL runcvm-e2e.hash=$_hash"
  _args=""
  for _c in "$@"; do _args="$_args --change '$_c'"; done
  tar -C "$_tree" --numeric-owner -cf - . | eval "\"\$DOCKER\" import $_args - \"\$_img\"" >/dev/null ||
    e2e_die "docker import of $_img failed"
  e2e_log "e2e: built $_img ($_hash)"
}

e2e_build_images() {
  # Cheap check first: same inputs (busybox, the probe's source, this recipe) as the images'?
  _inputs=$(cat /bin/busybox "$SRC/tests/e2e/images/argv-exit.c" "$SRC/tests/e2e/lib.sh" | sha256sum | cut -c1-16)
  [ "$("$DOCKER" image inspect -f '{{index .Config.Labels "runcvm-e2e.inputs"}}' "$BUSYBOX" "$STATIC" 2>/dev/null)" = \
    "$(printf '%s\n%s' "$_inputs" "$_inputs")" ] && return 0
  _t=$(mktemp -d /tmp/runcvm-e2e-img.XXXXXX)
  # runcvm-e2e/busybox: Debian's busybox-static with its applets, three users, a sticky /tmp.
  _bb=$_t/busybox
  [ -x /bin/busybox ] && file -L /bin/busybox | grep -q 'statically linked' ||
    e2e_die "need a static /bin/busybox: apt-get install busybox-static"
  mkdir -p "$_bb/bin" "$_bb/etc" "$_bb/root" "$_bb/home/alice" "$_bb/tmp" \
    "$_bb/proc" "$_bb/sys" "$_bb/dev"
  cp /bin/busybox "$_bb/bin/busybox"
  for _a in $(/bin/busybox --list-full); do
    [ "$_a" = bin/busybox ] && continue
    mkdir -p "$_bb/$(dirname "$_a")"
    ln -sf /bin/busybox "$_bb/$_a"
  done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
    'alice:x:1000:1000:alice:/home/alice:/bin/sh' >"$_bb/etc/passwd"
  printf '%s\n' 'root:x:0:' 'staff:x:50:alice' 'nogroup:x:65534:' 'alice:x:1000:' >"$_bb/etc/group"
  chmod 1777 "$_bb/tmp"; chmod 700 "$_bb/root"; chown 1000:1000 "$_bb/home/alice"
  e2e_import "$BUSYBOX" "$_bb" 'CMD ["/bin/sh"]' "LABEL runcvm-e2e.inputs=$_inputs"
  # runcvm-e2e/static: one static binary, nothing else (no shell, no /etc).
  mkdir -p "$_t/static"
  gcc -static -Os -s -o "$_t/static/argv-exit" "$SRC/tests/e2e/images/argv-exit.c" ||
    e2e_die "gcc -static failed (need gcc and libc6-dev)"
  e2e_import "$STATIC" "$_t/static" 'CMD ["/argv-exit", "0", "default"]' "LABEL runcvm-e2e.inputs=$_inputs"
  rm -rf "$_t"
}

# The probe: is the runtime under test really running a VM? Its uname -r must differ from the
# host's; otherwise (a runtime that quietly passes everything through to runc would match runc in
# every case) or if it cannot run a container at all, every test of it fails at once with the
# reason, instead of each one failing slowly. The verdict is cached per runtime binary (success
# until the binary changes, failure for 10 minutes) to spare a VM boot per case file.
e2e_probe() {
  _bin=$(e2e_runtime_path "$E2E_RUNTIME")
  _key=$(stat -L -c '%n %i %s %Y' "$_bin" 2>/dev/null | sha256sum | cut -c1-16)
  _cache=/tmp/runcvm-e2e-probe.$E2E_RUNTIME
  if [ -f "$_cache" ] && [ "$(head -n 1 "$_cache")" = "$_key" ]; then
    e2e_probe_error=$(sed 1d "$_cache")
    [ -z "$e2e_probe_error" ] && return 0
    [ -n "$(find "$_cache" -mmin -10)" ] && { e2e_log "e2e: $e2e_probe_error (cached)"; return 0; }
  fi
  e2e_log "e2e: probing $E2E_RUNTIME ($_bin): does it boot a VM?"
  _out=$(timeout --foreground -k 10 "$E2E_TIMEOUT" "$DOCKER" run --rm --runtime "$E2E_RUNTIME" \
    --name "${E2E_PREFIX}probe" "$BUSYBOX" uname -r 2>"$E2E_TMP/probe.err" </dev/null)
  _rc=$?
  if [ "$_rc" -ne 0 ]; then
    e2e_probe_error="probe: docker run --runtime $E2E_RUNTIME $BUSYBOX uname -r failed (rc=$_rc): $(tail -n 3 "$E2E_TMP/probe.err")"
  elif [ "$_out" = "$(uname -r)" ]; then
    e2e_probe_error="probe: under $E2E_RUNTIME uname -r is the host's ($_out): it does not run a VM"
  else
    e2e_probe_error=""
    e2e_log "e2e: $E2E_RUNTIME runs a VM (guest kernel $_out)"
  fi
  printf '%s\n%s\n' "$_key" "$e2e_probe_error" >"$_cache"
  [ -n "$e2e_probe_error" ] && e2e_log "e2e: $e2e_probe_error"
  e2e_cleanup
  return 0
}

# Everything a case needs before its first test; serialised with other run-case processes.
e2e_setup() {
  command -v jq >/dev/null || e2e_die "need jq"
  "$DOCKER" --version >/dev/null 2>&1 || e2e_die "DOCKER=$DOCKER does not work"
  exec 9>/tmp/runcvm-e2e-setup.lock
  flock 9
  e2e_need_dockerd
  e2e_remove_stale
  if e2e_has_runtime "$E2E_RUNTIME"; then
    if [ -n "$RUNCVM_STAGE" ] || [ -z "$RUNCVM_E2E_RUNTIME" ]; then
      _stage=${RUNCVM_STAGE:-$SRC/build/stage/opt/runcvm}
      [ -x "$_stage/bin/runcvm-runtime" ] || e2e_die "no runtime to test: $_stage/bin/runcvm-runtime is missing.
  Stage the bundle first (make -C $SRC stage, or make e2e), or point RUNCVM_STAGE at one,
  or validate the cases against runc alone: E2E_RUNTIMES=runc"
      e2e_register_runtime "$(realpath -s "$_stage/bin/runcvm-runtime")"
    else
      # RUNCVM_E2E_RUNTIME names a runtime registered by other means (e.g. an installed runcvm).
      [ -n "$(e2e_runtime_path "$E2E_RUNTIME")" ] || e2e_die "runtime $E2E_RUNTIME is not registered with dockerd"
    fi
  fi
  e2e_build_images
  [ -n "$E2E_NO_PROBE" ] || ! e2e_has_runtime "$E2E_RUNTIME" || e2e_probe
  flock -u 9
  exec 9>&-
}

# static_helper NAME: the path of tests/e2e/images/NAME.c built static (once per run-case), for a
# case to bind-mount into the busybox image when busybox lacks the tool.
static_helper() {
  [ -x "$E2E_TMP/$1" ] || gcc -static -Os -s -o "$E2E_TMP/$1" "$SRC/tests/e2e/images/$1.c" ||
    e2e_fail "gcc -static $1.c failed"
  echo "$E2E_TMP/$1"
}

# cgroup_value CONTAINER memory|memsw|cpu|cpuset|procs: the container's cgroup setting as the host
# sees it, the same on cgroup v1 and v2: memory limit in bytes, memory+swap limit in bytes, "QUOTA
# PERIOD" for the CPU, the cpuset's CPUs, the pids in the cgroup; "max" for no limit.
cgroup_value() {
  _pid=$(dk inspect -f '{{.State.Pid}}' "$1") || return 1
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    _d=/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$_pid/cgroup")
    case $2 in
      memory) cat "$_d/memory.max" ;;
      memsw) awk -v m="$(cat "$_d/memory.max")" '{ print ($1 == "max" || m == "max") ? "max" : $1 + m }' "$_d/memory.swap.max" ;;
      cpu) cat "$_d/cpu.max" ;;
      cpuset) cat "$_d/cpuset.cpus.effective" ;;
      procs) cat "$_d/cgroup.procs" ;;
    esac
  else
    _c=$2; [ "$_c" = memsw ] && _c=memory; [ "$_c" = procs ] && _c=pids
    _d=/sys/fs/cgroup/$_c$(awk -F: -v c="$_c" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$_pid/cgroup")
    case $2 in
      memory) awk '{ print ($1 >= 2^62) ? "max" : $1 }' "$_d/memory.limit_in_bytes" ;;
      memsw) awk '{ print ($1 >= 2^62) ? "max" : $1 }' "$_d/memory.memsw.limit_in_bytes" 2>/dev/null || echo unsupported ;;
      cpu) echo "$(sed 's/^-1$/max/' "$_d/cpu.cfs_quota_us") $(cat "$_d/cpu.cfs_period_us")" ;;
      cpuset) cat "$_d/cpuset.effective_cpus" 2>/dev/null || cat "$_d/cpuset.cpus" ;;
      procs) cat "$_d/cgroup.procs" ;;
    esac
  fi
}
