# CPUs: the container's cgroup keeps Docker's settings (--cpus quota, --cpuset-cpus) for every
# process in it (under runcvm QEMU's vCPU threads too, so QEMU is pinned to the set); without
# flags the workload sees every CPU the container may use, and with --cpuset-cpus exactly the set.
# (--cpus N gives ceil(N) vCPUs: VM-specific, see vm-cpus.sh.)

nproc_seen() {
  echo "none: $(drun "$BUSYBOX" nproc) (host $(nproc))"
  echo "cpuset 0: $(drun --cpuset-cpus 0 "$BUSYBOX" nproc)"
}
both "nproc without flags and with --cpuset-cpus" nproc_seen "none: $(nproc) (host $(nproc))\ncpuset 0: 1\n"

cgroup_kept() {
  c=$(cname)
  drun_d "$c" --cpus 1.5 --cpuset-cpus 0 "$BUSYBOX" sh -c 'echo up; trap "exit 0" TERM; while :; do sleep 1; done'
  wait_logs "$c" up || return
  echo "quota: $(cgroup_value "$c" cpu)  cpuset: $(cgroup_value "$c" cpuset)"
  # Every process of the container, QEMU and its threads included, may run on CPU 0 only.
  for p in $(cgroup_value "$c" procs); do
    for t in /proc/$p/task/*; do sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "$t/status" 2>/dev/null; done
  done | sort -u | sed 's/^/threads on: /'
  dk rm -f "$c" >/dev/null
}
both "--cpus and --cpuset-cpus stay on the container's cgroup" cgroup_kept \
  'quota: 150000 100000  cpuset: 0\nthreads on: 0\n'
