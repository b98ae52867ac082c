# --init: an init process is PID 1 and the workload runs as its child (runc: docker-init; runcvm:
# whatever init it brings, so the check is loose: PID 1 is not the workload, the workload's parent
# is PID 1) and the workload's exit code still comes through.

init() {
  drun --init "$BUSYBOX" sh -c '
    [ $$ != 1 ] && echo "workload is not PID 1"
    [ "$(cut -d" " -f4 /proc/$$/stat)" = 1 ] && echo "its parent is PID 1"
    [ "$(cat /proc/1/comm)" != sh ] && echo "PID 1 is an init"
    exit 9'
  echo "rc=$?"
}
both "--init puts an init at PID 1" init 'workload is not PID 1\nits parent is PID 1\nPID 1 is an init\nrc=9\n'
