# docker kill: -s USR1 reaches the workload's trap; plain docker kill (SIGKILL) ends it with 137.

usr1() {
  c=$(cname)
  drun_d "$c" "$BUSYBOX" sh -c 'trap "echo got USR1; exit 4" USR1; echo ready; while :; do sleep 1; done'
  wait_logs "$c" ready || return
  dk kill -s USR1 "$c" >/dev/null
  echo "wait: $(dk wait "$c")"
  dk logs "$c" 2>&1
}
both "docker kill -s USR1 reaches the workload" usr1 'wait: 4\nready\ngot USR1\n'

sigkill() {
  c=$(cname)
  drun_d "$c" "$BUSYBOX" sh -c 'echo ready; while :; do sleep 1; done'
  wait_logs "$c" ready || return
  dk kill "$c" >/dev/null
  echo "wait: $(dk wait "$c")"
}
both "docker kill ends the container with 137" sigkill 'wait: 137\n'
