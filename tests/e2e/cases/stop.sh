# docker stop: the workload (PID 1) gets SIGTERM, its trap runs (the logs show it) and its exit
# status becomes the container's; a workload that ignores SIGTERM is SIGKILLed after the timeout.

trapped() {
  c=$(cname)
  drun_d "$c" "$BUSYBOX" sh -c 'trap "echo got TERM; exit 3" TERM; echo ready; while :; do sleep 1; done'
  wait_logs "$c" ready || return
  start=$(date +%s)
  dk stop -t 20 "$c" >/dev/null
  took=$(($(date +%s) - start))
  [ "$took" -lt 20 ] || e2e_fail "docker stop took ${took}s: the workload never saw SIGTERM"
  dk logs "$c" 2>&1
  echo "exit code: $(exit_code_of "$c")"
}
both "docker stop delivers SIGTERM to the workload" trapped 'ready\ngot TERM\nexit code: 3\n'

ignored() {
  c=$(cname)
  drun_d "$c" "$BUSYBOX" sh -c 'trap "" TERM; echo ready; while :; do sleep 1; done'
  wait_logs "$c" ready || return
  dk stop -t 3 "$c" >/dev/null
  echo "exit code: $(exit_code_of "$c")"
}
both "docker stop kills after the timeout" ignored 'exit code: 137\n'
