# docker cp into and out of a running container, and docker diff, agree with what the workload
# sees and wrote: under runcvm the workload's writes land in the container's overlay (through
# virtiofsd), where docker cp and docker diff look. docker diff is compared on the paths the case
# touches (under runcvm it also lists the mount points RunCVM adds, see README). A file docker cp
# replaces is seen by the workload within 1 s (cache=auto, see README).

cp_diff() {
  c=$(cname) f=$E2E_TMP/cp-in.$RUNTIME
  echo from-host >"$f"
  drun_d "$c" "$BUSYBOX" sh -c 'echo made >/made; mkdir /tmp/d; echo ready; trap "exit 0" TERM; while :; do sleep 1; done'
  wait_logs "$c" ready || return
  dk cp "$f" "$c:/tmp/d/in"
  dk exec "$c" sh -c 'cat /tmp/d/in; echo later >/later; rm /made'
  echo from-host-again, longer >"$f"
  dk cp "$f" "$c:/tmp/d/in"
  # docker cp replaces the file (a new inode): under runcvm the guest looks the name up again once
  # virtiofsd's 1 s entry timeout (cache=auto) has passed.
  sleep 2
  dk exec "$c" cat /tmp/d/in
  dk cp "$c:/later" - | tar -xO
  dk cp "$c:/made" - >/dev/null 2>&1 || echo "/made: gone"
  dk diff "$c" | grep -E ' /(made|later|tmp)' | sort
  dk rm -f "$c" >/dev/null
}
both "docker cp and docker diff on a running container" cp_diff \
  'from-host\nfrom-host-again, longer\nlater\n/made: gone\nA /later\nA /tmp/d\nA /tmp/d/in\nC /tmp\n'
