# VM-specific: --cpus N gives ceil(N) vCPUs (never more than the container may use), so nproc in
# the VM follows --cpus; under runc, the control, nproc ignores the quota and shows every CPU.
# Needs a host with at least 2 CPUs for the control to differ.

vcpus() {
  echo "--cpus 1: $(drun --cpus 1 "$BUSYBOX" nproc)"
  echo "--cpus 0.5: $(drun --cpus 0.5 "$BUSYBOX" nproc)"
  echo "--cpus 1.5 --cpuset-cpus 0: $(drun --cpus 1.5 --cpuset-cpus 0 "$BUSYBOX" nproc)"
}
vm_only "--cpus N gives ceil(N) vCPUs" vcpus '--cpus 1: 1\n--cpus 0.5: 1\n--cpus 1.5 --cpuset-cpus 0: 1\n'
