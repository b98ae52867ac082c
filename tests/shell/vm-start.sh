#!/bin/sh
# vm-start applies an OCI process object (user, groups, umask, cwd, env, rlimits, capabilities)
# and execs it; a program that is missing exits 127, one that cannot be executed 126, as runc.
# It switches users, so it needs root; it runs on the host against the same code the VM runs.
. "$SRC/tests/shell/lib.sh"
if [ "$(id -u)" != 0 ]; then echo "SKIP: vm-start needs root"; exit 0; fi

tmp=$(mktemp -d)
newdir=$(mktemp -u /tmp/vmstart-newdir-XXXXXX)
trap 'rm -rf "$tmp" "$newdir"' EXIT
chmod 755 "$tmp"
# Oracle values from `docker run` under runc on this machine (Docker 20.10's default caps).
docker_caps='"CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW",
  "CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT",
  "CAP_KILL","CAP_AUDIT_WRITE"'
home1000=$(awk -F: '$3 == 1000 { print $6; exit }' /etc/passwd); : "${home1000:=/}"

cat >"$tmp/user.json" <<JSON
{"args": ["/bin/sh", "-c", "id -u; id -g; id -G; pwd; umask; echo \$HOME; stat -c %U:%G:%a ."],
 "env": ["PATH=/usr/bin:/bin"], "cwd": "$newdir/sub",
 "user": {"uid": 1000, "gid": 1000, "additionalGids": [1234], "umask": 23}}
JSON
testing "uid, gid, groups, created cwd, umask, HOME" "$RUNCVM_BIN vm-start $tmp/user.json" \
  "1000\n1000\n1000 1234\n$newdir/sub\n0027\n$home1000\nroot:root:755\n"
testing "an existing cwd is used as is" "$RUNCVM_BIN vm-start $tmp/user.json | sed -n 4p" "$newdir/sub\n"

cat >"$tmp/env.json" <<JSON
{"args": ["/usr/bin/env"], "env": ["PATH=/usr/bin:/bin", "A=1", "B=2", "A=3"],
 "user": {"uid": 4242, "gid": 4242}}
JSON
testing "env is exactly the spec's, deduplicated, plus HOME=/ for an unknown uid" \
  "FOO=leak $RUNCVM_BIN vm-start $tmp/env.json" "PATH=/usr/bin:/bin\nA=3\nB=2\nHOME=/\n"

mkdir "$tmp/bin"
printf '#!/bin/sh\necho hello from spec PATH\n' >"$tmp/bin/hello"
chmod 755 "$tmp/bin/hello"
cat >"$tmp/path.json" <<JSON
{"args": ["hello"], "env": ["PATH=/nonexistent:$tmp/bin"]}
JSON
testing "args[0] is looked up in the spec's PATH, not the caller's" \
  "PATH=/usr/bin:/bin $RUNCVM_BIN vm-start $tmp/path.json" "hello from spec PATH\n"

cat >"$tmp/nosuch.json" <<JSON
{"args": ["nosuch"], "env": ["PATH=/usr/bin:/bin"]}
JSON
testing "a missing program exits 127 with runc's message" \
  "$RUNCVM_BIN vm-start $tmp/nosuch.json; echo rc=\$?" \
  "runcvm vm-start: error: exec: \"nosuch\": executable file not found in \$PATH\nrc=127\n"

printf 'echo not me\n' >"$tmp/noexec"
chmod 644 "$tmp/noexec"
cat >"$tmp/noexec.json" <<JSON
{"args": ["$tmp/noexec"], "env": ["PATH=/usr/bin:/bin"]}
JSON
testing "a file without execute permission exits 126" \
  "$RUNCVM_BIN vm-start $tmp/noexec.json; echo rc=\$?" \
  "runcvm vm-start: error: exec: \"$tmp/noexec\": permission denied\nrc=126\n"

cat >"$tmp/rlimits.json" <<JSON
{"args": ["/bin/sh", "-c", "ulimit -Sn; ulimit -Hn; grep NoNewPrivs /proc/self/status"],
 "env": ["PATH=/usr/bin:/bin"], "noNewPrivileges": true,
 "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 2048, "soft": 1024}]}
JSON
testing "rlimits and no_new_privileges" "$RUNCVM_BIN vm-start $tmp/rlimits.json" \
  "1024\n2048\nNoNewPrivs:\t1\n"

caps="grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status"
cat >"$tmp/caps-root.json" <<JSON
{"args": ["/bin/sh", "-c", "$caps"], "env": ["PATH=/usr/bin:/bin"],
 "capabilities": {"bounding": [$docker_caps], "effective": [$docker_caps], "permitted": [$docker_caps]}}
JSON
testing "Docker's default capabilities for root, as runc gives them" \
  "$RUNCVM_BIN vm-start $tmp/caps-root.json" \
  "CapInh:\t0000000000000000\nCapPrm:\t00000000a80425fb\nCapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\n"

cat >"$tmp/caps-user.json" <<JSON
{"args": ["/bin/sh", "-c", "$caps"], "env": ["PATH=/usr/bin:/bin"],
 "user": {"uid": 1000, "gid": 1000}, "capabilities": {"bounding": [$docker_caps]}}
JSON
testing "Docker's capabilities for a non-root user: bounding only" \
  "$RUNCVM_BIN vm-start $tmp/caps-user.json" \
  "CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\n"

cat >"$tmp/caps-ambient.json" <<JSON
{"args": ["/bin/sh", "-c", "$caps"], "env": ["PATH=/usr/bin:/bin"],
 "user": {"uid": 1000, "gid": 1000},
 "capabilities": {"bounding": ["CAP_NET_BIND_SERVICE", "CAP_KILL"],
   "effective": ["CAP_NET_BIND_SERVICE"], "permitted": ["CAP_NET_BIND_SERVICE"],
   "inheritable": ["CAP_NET_BIND_SERVICE"], "ambient": ["CAP_NET_BIND_SERVICE", "CAP_NO_SUCH_CAP"]}}
JSON
testing "ambient capabilities survive the switch to a non-root uid and the exec" \
  "$RUNCVM_BIN vm-start $tmp/caps-ambient.json" \
  "CapInh:\t0000000000000400\nCapPrm:\t0000000000000400\nCapEff:\t0000000000000400\nCapBnd:\t0000000000000420\nCapAmb:\t0000000000000400\n"

printf '{"process": {"args": ["/bin/echo", "from launch spec"]}, "hostname": "x"}' >"$tmp/launch.json"
testing "a launch spec's .process is accepted too" "$RUNCVM_BIN vm-start $tmp/launch.json" \
  "from launch spec\n"

printf '{"args": ["/bin/true"], "user": {"uid": -1}}' >"$tmp/bad.json"
testing "a bad spec names the field and exits 125" "$RUNCVM_BIN vm-start $tmp/bad.json; echo rc=\$?" \
  "runcvm vm-start: error: $tmp/bad.json: process.user.uid: expected an unsigned 32-bit integer\nrc=125\n"

cat >"$tmp/exec-cwd.json" <<JSON
{"args": ["/bin/pwd"], "env": ["PATH=/usr/bin:/bin"], "cwd": "$newdir/not-created"}
JSON
testing "--exec (docker exec rules): a missing cwd is not created, and fails with 126" \
  "$RUNCVM_BIN vm-start --exec $tmp/exec-cwd.json; echo rc=\$?; test -e $newdir/not-created || echo absent" \
  "runcvm vm-start: error: chdir to cwd (\"$newdir/not-created\") set in config.json failed: no such file or directory\nrc=126\nabsent\n"
testing "--exec: a missing program exits 126, as docker exec" \
  "$RUNCVM_BIN vm-start --exec $tmp/nosuch.json 2>/dev/null; echo rc=\$?" "rc=126\n"

finish
