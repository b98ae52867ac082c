# Memory, the behaviour runc and runcvm share: without --memory no limit is put on the container's
# cgroup (the original imposed 768 MiB on everyone); a workload that fills its memory is killed by
# the OOM killer (137: the cgroup's under runc, the guest's under runcvm) and the rest of the
# container lives on; when the killed process is the workload itself the container exits 137.
# images/fill-memory.c is bind-mounted into the busybox image as fill-memory.

no_limit() {
  c=$(cname)
  drun_d "$c" "$BUSYBOX" sh -c 'echo up; trap "exit 0" TERM; while :; do sleep 1; done'
  wait_logs "$c" up || return
  echo "memory limit: $(cgroup_value "$c" memory)"
  dk rm -f "$c" >/dev/null
}
both "no --memory, no cgroup limit" no_limit 'memory limit: max\n'

oom() {
  fill=$(static_helper fill-memory)
  drun -m 128m -v "$fill:/usr/bin/fill-memory:ro" "$BUSYBOX" sh -c 'fill-memory; echo "fill-memory: rc=$?"; echo shell alive' 2>/dev/null
  drun -m 128m -v "$fill:/usr/bin/fill-memory:ro" "$BUSYBOX" fill-memory
  echo "workload killed: exit $?"
}
both "filling memory ends in the OOM killer, 137" oom \
  'fill-memory: rc=137\nshell alive\nworkload killed: exit 137\n'
