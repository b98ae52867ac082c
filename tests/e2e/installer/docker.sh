#!/bin/sh
# The installer with the real dockerd (issue 9's acceptance): install, then
# `docker run --runtime=runcvm --rm IMAGE echo hello` prints hello from a VM; re-running the
# installer while a runcvm container runs changes nothing; a newer installer upgrades under it
# (the container keeps running on its version, new containers get the new one); uninstall is
# refused while the container exists, and afterwards leaves the host exactly as it was.
. "$(dirname "$0")/lib.sh"
installer_e2e_begin
cname=${E2E_PREFIX}runs

"$inst" >"$t/install.log" 2>&1
check "install" "rc=0" "rc=$?"
sed 's/^/    /' "$t/install.log"
check "docker info lists the runtime" "/opt/runcvm/bin/runcvm-runtime" "$(e2e_runtime_path runcvm)"
out=$(dk run --runtime=runcvm --rm --name "${E2E_PREFIX}hello" "$BUSYBOX" sh -c 'echo hello; uname -r' 2>&1)
check "docker run --runtime=runcvm prints hello" "hello" "$(echo "$out" | head -n 1)"
check "... from a VM (its own kernel)" "VM" \
  "$([ -n "$(echo "$out" | sed -n 2p)" ] && [ "$(echo "$out" | sed -n 2p)" != "$(uname -r)" ] && echo VM || echo "$out")"

# A container that keeps running through the re-install, the upgrade and the refused uninstall.
dk run -d --runtime=runcvm --name "$cname" "$BUSYBOX" sh -c 'echo started; exec sleep 900' >/dev/null
wait_logs "$cname" started 300
started=$(dk inspect -f '{{.State.StartedAt}}' "$cname")
old_version=$(cat /opt/runcvm/VERSION)
cp -p "$daemon_json" "$t/daemon.json.installed"
snapshot() { find /opt/runcvm /opt/runcvm.d/ "$daemon_json"* -printf '%p %y %m %s %T@ %l\n' | sort; }
snapshot >"$t/snapshot"

"$inst" >"$t/reinstall.log" 2>&1
check "re-install while it runs" "rc=0" "rc=$?"
check "... changes nothing" "same" "$(snapshot | cmp - "$t/snapshot" && echo same)"

newer=$t/runcvm-installer-newer
new_id=$(make_newer_installer "$newer" +upgrade-test)
"$newer" >"$t/upgrade.log" 2>&1
check "upgrade to a newer installer while it runs" "rc=0" "rc=$?"
sed 's/^/    /' "$t/upgrade.log"
check "... switches /opt/runcvm" "runcvm.d/$new_id" "$(readlink /opt/runcvm)"
check "... keeps the version in use" "kept" "$([ -d "/opt/runcvm.d/$id" ] && echo kept)"
check "... daemon.json unchanged" "same" "$(cmp "$daemon_json" "$t/daemon.json.installed" && echo same)"
check "the container still runs, not restarted" "true $started" \
  "$(dk inspect -f '{{.State.Running}} {{.State.StartedAt}}' "$cname")"
check "docker exec works in it, on its own version" "$old_version" \
  "$(dk exec "$cname" cat /opt/runcvm/VERSION 2>&1)"
check "a new container gets the new version" "$old_version+upgrade-test" \
  "$(dk run --runtime=runcvm --rm --name "${E2E_PREFIX}new" "$BUSYBOX" cat /opt/runcvm/VERSION 2>&1)"

"$newer" --uninstall >"$t/refused.log" 2>&1
check "uninstall is refused while a runcvm container exists" "rc=1" "rc=$?"
check "... naming it" "1" "$(grep -c "docker container $cname" "$t/refused.log")"
check "... and changes nothing" "runcvm.d/$new_id same" \
  "$(readlink /opt/runcvm) $(cmp "$daemon_json" "$t/daemon.json.installed" && echo same)"

dk rm -f "$cname" >/dev/null
"$newer" --uninstall >"$t/uninstall.log" 2>&1
check "uninstall" "rc=0" "rc=$?"
sed 's/^/    /' "$t/uninstall.log"
check "the host is as before the install" \
  "daemon.json as before\ncontainers.conf as before\ndockerd has no runtime runcvm\nother runtimes as before" \
  "$(host_restored 2>&1)"
check "docker run --runtime=runcvm now fails" "rc=125" \
  "$(dk run --runtime=runcvm --rm "$BUSYBOX" true >/dev/null 2>&1; echo "rc=$?")"

finish
