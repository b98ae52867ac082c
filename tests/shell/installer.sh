#!/bin/sh
# The single-file installer (build/out/runcvm-installer, `make installer`) run into scratch roots
# (--root): payload verification, fresh install, daemon.json and containers.conf edits (missing,
# other keys and runtimes, permissions, backup, invalid), re-install, upgrade while a version is in
# use, a failed and a killed install, a pre-versioning /opt/runcvm directory, and uninstall
# (byte-for-byte restore, refusal while in use, --force). Needs root (mounts in private namespaces).
. "$SRC/tests/shell/lib.sh"
LC_ALL=C
export LC_ALL

inst=${RUNCVM_INSTALLER:-$SRC/build/out/runcvm-installer}
[ -x "$inst" ] || { echo "SKIP: no $inst: run make installer"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
id=$("$inst" --version | sed -n 's/.*(\(.*\))$/\1/p')
[ -n "$id" ] || { echo "FAIL: $inst --version names no bundle"; exit 1; }

t=$(mktemp -d /tmp/runcvm-installer-test.XXXXXX)
holders=""
cleanup() {
  for p in $holders; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$t"
}
trap cleanup EXIT
export t inst id

# A scratch root with Docker's and Podman's configuration directories (empty).
newroot() { rm -rf "$t/$1"; mkdir -p "$t/$1/etc/docker" "$t/$1/etc/containers"; }

# --- the payload is verified before anything is written ------------------------------------------
newroot bad
cp "$inst" "$t/corrupt"
size=$(stat -c %s "$t/corrupt")
printf 'X' | dd of="$t/corrupt" bs=1 seek=$((size - 4096)) conv=notrunc 2>/dev/null
testing "a corrupt installer is refused" \
  "'$t/corrupt' --root '$t/bad' 2>&1 | grep -c 'checksum mismatch'; find '$t/bad' | sed 's|$t/||' | sort" \
  "1\nbad\nbad/etc\nbad/etc/containers\nbad/etc/docker\n"
head -c 100000 "$inst" >"$t/short"
testing "a truncated installer is refused" \
  "sh '$t/short' --root '$t/bad' 2>&1 | grep -c truncated; ls '$t/bad'" "1\netc\n"

# --- fresh install, no daemon.json, no containers.conf -------------------------------------------
newroot a
testing "fresh install" "'$inst' --root '$t/a' >'$t/a.log' 2>&1; echo rc=\$?; readlink '$t/a/opt/runcvm'" \
  "rc=0\nruncvm.d/$id\n"
testing "the runtime runs from the installed bundle" \
  "'$t/a/opt/runcvm/bin/runcvm-runtime' --help | head -1 | cut -d' ' -f1-2" "Usage: runcvm-runtime\n"
testing "it printed each step" \
  "grep -cE 'payload: RunCVM .* sha256 verified|KVM: |runc: |Docker: configuring|Podman: configuring|bundle: unpacking|done: RunCVM' '$t/a.log'" \
  "7\n"
testing "daemon.json created" "cat '$t/a/etc/docker/daemon.json'; ls '$t/a/etc/docker'" \
  '{\n  "runtimes": {\n    "runcvm": {\n      "path": "/opt/runcvm/bin/runcvm-runtime"\n    }\n  }\n}\ndaemon.json\ndaemon.json.runcvm-created\n'
testing "containers.conf created" "cat '$t/a/etc/containers/containers.conf'" \
  '[engine.runtimes]\nruncvm = ["/opt/runcvm/bin/runcvm-runtime"]\n'

# --- re-install changes nothing ------------------------------------------------------------------
snapshot() { (cd "$t/$1" && find . -printf '%p %y %m %s %T@ %l\n' | LC_ALL=C sort); }
snapshot a >"$t/a.before"
testing "re-install changes nothing" \
  "'$inst' --root '$t/a' >'$t/a2.log' 2>&1; echo rc=\$?; snapshot() { cd '$t/a' && find . -printf '%p %y %m %s %T@ %l\n' | LC_ALL=C sort; }; snapshot | cmp - '$t/a.before' && echo same" \
  "rc=0\nsame\n"
testing "and says so" "grep -c 'already' '$t/a2.log'" "4\n"

# --- uninstall of a fresh install: the files we created go ----------------------------------------
testing "uninstall after a fresh install" \
  "'$inst' --root '$t/a' --uninstall >/dev/null 2>&1; echo rc=\$?; find '$t/a' | sed 's|$t/||' | sort" \
  "rc=0\na\na/etc\na/etc/containers\na/etc/docker\na/opt\n"

# --- existing configuration: other keys and runtimes kept, permissions, backup ----------------------
newroot b
printf '{\n\t"log-level": "warn",\n\t"runtimes": {\n\t\t"kata": {\n\t\t\t"path": "/usr/bin/kata-runtime"\n\t\t}\n\t},\n\t"debug": false\n}\n' \
  >"$t/b/etc/docker/daemon.json"
chmod 0640 "$t/b/etc/docker/daemon.json"
chgrp 50 "$t/b/etc/docker/daemon.json"
printf '# site settings\n[engine]\nevents_logger = "file"\n\n[network]\nnetwork_backend = "netavark"\n' \
  >"$t/b/etc/containers/containers.conf"
cp -p "$t/b/etc/docker/daemon.json" "$t/b.daemon.json"
cp -p "$t/b/etc/containers/containers.conf" "$t/b.containers.conf"
testing "install with existing configurations" "'$inst' --root '$t/b' >/dev/null 2>&1; echo rc=\$?" "rc=0\n"
testing "daemon.json keeps its keys, order, style and permissions" \
  "cat '$t/b/etc/docker/daemon.json'; stat -c '%a %g' '$t/b/etc/docker/daemon.json'" \
  '{\n\t"log-level": "warn",\n\t"runtimes": {\n\t\t"kata": {\n\t\t\t"path": "/usr/bin/kata-runtime"\n\t\t},\n\t\t"runcvm": {\n\t\t\t"path": "/opt/runcvm/bin/runcvm-runtime"\n\t\t}\n\t},\n\t"debug": false\n}\n640 50\n'
testing "the backup is the original, with its permissions" \
  "cmp '$t/b/etc/docker/daemon.json.runcvm-backup' '$t/b.daemon.json' && stat -c '%a %g' '$t/b/etc/docker/daemon.json.runcvm-backup'" \
  "640 50\n"
testing "containers.conf gets a table, the rest kept" \
  "diff '$t/b.containers.conf' '$t/b/etc/containers/containers.conf'" \
  '6a7,9\n> \n> [engine.runtimes]\n> runcvm = ["/opt/runcvm/bin/runcvm-runtime"]\n'
testing "uninstall restores both files byte for byte" \
  "'$inst' --root '$t/b' --uninstall >/dev/null 2>&1; echo rc=\$?
   cmp '$t/b/etc/docker/daemon.json' '$t/b.daemon.json' && stat -c '%a %g' '$t/b/etc/docker/daemon.json'
   cmp '$t/b/etc/containers/containers.conf' '$t/b.containers.conf' && echo same
   ls -A '$t/b/etc/docker' '$t/b/opt'" \
  "rc=0\n640 50\nsame\n$t/b/etc/docker:\ndaemon.json\n\n$t/b/opt:\n"

# --- a configuration changed after the install: only our runtime is taken out ----------------------
testing "install again" "'$inst' --root '$t/b' >/dev/null 2>&1; echo rc=\$?" "rc=0\n"
jq '.runtimes.other = {path: "/usr/bin/other"}' "$t/b/etc/docker/daemon.json" >"$t/j" &&
  cat "$t/j" >"$t/b/etc/docker/daemon.json"
testing "uninstall after someone else edited daemon.json" \
  "'$inst' --root '$t/b' --uninstall 2>&1 | grep -c 'changed since the install'
   jq -c . '$t/b/etc/docker/daemon.json'; ls -A '$t/b/etc/docker'" \
  '1\n{"log-level":"warn","runtimes":{"kata":{"path":"/usr/bin/kata-runtime"},"other":{"path":"/usr/bin/other"}},"debug":false}\ndaemon.json\n'

# --- invalid JSON: left untouched, nothing installed ----------------------------------------------
newroot c
printf '{"log-level": "warn",\n' >"$t/c/etc/docker/daemon.json"
cp -p "$t/c/etc/docker/daemon.json" "$t/c.daemon.json"
testing "a daemon.json that is not JSON stops the install" \
  "'$inst' --root '$t/c' >'$t/c.log' 2>&1; echo rc=\$?; cmp '$t/c/etc/docker/daemon.json' '$t/c.daemon.json' && ls -A '$t/c' '$t/c/etc/docker' '$t/c/etc/containers'" \
  "rc=1\n$t/c:\netc\n\n$t/c/etc/containers:\n\n$t/c/etc/docker:\ndaemon.json\n"
testing "with a clear error" \
  "grep -c \"error: .*daemon.json' left untouched: parse daemon.json\" '$t/c.log'; grep -c 'nothing was changed' '$t/c.log'" \
  "1\n1\n"

# --- upgrade while the old version is in use; uninstall refused while in use -----------------------
# A "container" is a process in its own mount namespace with a bundle version bind-mounted, as
# runc's containers have (the runtime mounts the version directory /opt/runcvm resolves to).
newroot d
mkdir -p "$t/d/opt/runcvm.d/0.0.1-old/bin" "$t/mnt"
cp "$t/a.log" "$t/d/opt/runcvm.d/0.0.1-old/VERSION"
ln -s runcvm.d/0.0.1-old "$t/d/opt/runcvm"
unshare -m --propagation private sh -c "mount --bind '$t/d/opt/runcvm.d/0.0.1-old' '$t/mnt' && touch '$t/mounted' && exec sleep 300" &
holder=$!
holders="$holders $holder"
i=0; while [ ! -e "$t/mounted" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
testing "upgrade keeps the version a container uses" \
  "'$inst' --root '$t/d' >'$t/d.log' 2>&1; echo rc=\$?; readlink '$t/d/opt/runcvm'; ls '$t/d/opt/runcvm.d'; grep -c 'keeping 0.0.1-old: in use by 1 container' '$t/d.log'" \
  "rc=0\nruncvm.d/$id\n0.0.1-old\n$id\n1\n"
testing "uninstall is refused while it is in use" \
  "'$inst' --root '$t/d' --uninstall >'$t/d2.log' 2>&1; echo rc=\$?; grep -c 'RunCVM containers exist' '$t/d2.log'; grep -c 'process using /opt/runcvm.d/0.0.1-old: pid $holder (sleep)' '$t/d2.log'; ls '$t/d/opt/runcvm.d'" \
  "rc=1\n1\n1\n0.0.1-old\n$id\n"
kill "$holder"; wait "$holder" 2>/dev/null
testing "once unused, the next install removes the old version" \
  "'$inst' --root '$t/d' 2>&1 | grep -c 'removed old version 0.0.1-old'; ls '$t/d/opt/runcvm.d'" "1\n$id\n"
unshare -m --propagation private sh -c "mount --bind '$t/d/opt/runcvm.d/$id' '$t/mnt' && touch '$t/mounted2' && exec sleep 300" &
holder=$!
holders="$holders $holder"
i=0; while [ ! -e "$t/mounted2" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
testing "uninstall --force goes ahead" \
  "'$inst' --root '$t/d' --uninstall --force >/dev/null 2>&1; echo rc=\$?; ls -A '$t/d/opt'" "rc=0\n"
kill "$holder"; wait "$holder" 2>/dev/null

# --- a failed install leaves the previous version working ------------------------------------------
# The store on a 20 MB tmpfs (in a private mount namespace): the bundle does not fit.
newroot e
mkdir -p "$t/e/opt/runcvm.d"
testing "an install that runs out of space changes nothing" \
  "unshare -m --propagation private sh -c '
     mount -t tmpfs -o size=20m tmpfs \"$t/e/opt/runcvm.d\" || exit 9
     mkdir -p \"$t/e/opt/runcvm.d/0.0.1-old/bin\" && cp \"$t/a.log\" \"$t/e/opt/runcvm.d/0.0.1-old/VERSION\"
     ln -s runcvm.d/0.0.1-old \"$t/e/opt/runcvm\"
     cp -p \"$t/e/opt/runcvm.d/0.0.1-old/VERSION\" \"$t/e.version\"
     \"$inst\" --root \"$t/e\" >\"$t/e.log\" 2>&1; echo rc=\$?
     readlink \"$t/e/opt/runcvm\"; ls -A \"$t/e/opt/runcvm.d\"; cmp \"$t/e/opt/runcvm/VERSION\" \"$t/e.version\" && echo same
     ls -A \"$t/e/etc/docker\"'; grep -c 'nothing was changed' '$t/e.log'" \
  "rc=1\nruncvm.d/0.0.1-old\n0.0.1-old\nsame\n1\n"
rm -f "$t/e/opt/runcvm"

# --- a killed install: the previous version stays, the next install cleans up ----------------------
newroot f
mkdir -p "$t/f/opt/runcvm.d/0.0.1-old"
ln -s runcvm.d/0.0.1-old "$t/f/opt/runcvm"
setsid "$inst" --root "$t/f" >/dev/null 2>&1 &
killer=$!
i=0; while ! ls -d "$t/f/opt/runcvm.d/.new-"* >/dev/null 2>&1 && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.5
kill -s KILL -- "-$killer" 2>/dev/null; wait "$killer" 2>/dev/null
testing "killed while unpacking: the old version is still current" \
  "readlink '$t/f/opt/runcvm'; ls -A '$t/f/opt/runcvm.d' | sed 's/^.new-.*/.new-XXXXXX/'" \
  "runcvm.d/0.0.1-old\n.new-XXXXXX\n0.0.1-old\n"
testing "the next install completes and cleans up" \
  "'$inst' --root '$t/f' >/dev/null 2>&1; echo rc=\$?; readlink '$t/f/opt/runcvm'; ls -A '$t/f/opt/runcvm.d'" \
  "rc=0\nruncvm.d/$id\n$id\n"

# --- /opt/runcvm as a plain directory (installed before versioned bundles) -----------------------------
newroot g
mkdir -p "$t/g/opt/runcvm/bin"
echo old >"$t/g/opt/runcvm/VERSION"
testing "a plain /opt/runcvm directory is replaced by the link" \
  "'$inst' --root '$t/g' >'$t/g.log' 2>&1; echo rc=\$?; readlink '$t/g/opt/runcvm'; ls -A '$t/g/opt/runcvm.d'; grep -c 'removed old version old-' '$t/g.log'" \
  "rc=0\nruncvm.d/$id\n$id\n1\n"

# --- usage errors ----------------------------------------------------------------------------------
testing "unknown option" "'$inst' --bogus 2>&1 | tail -1; '$inst' --bogus >/dev/null 2>&1; echo rc=\$?" \
  "runcvm-installer: error: unknown option: --bogus\nrc=1\n"
testing "--force without --uninstall" "'$inst' --force 2>&1; echo rc=\$?" \
  "runcvm-installer: error: --force only goes with --uninstall\nrc=1\n"

finish
