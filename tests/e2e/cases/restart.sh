# Restart: docker restart runs the workload again in the same container (the logs show both runs);
# an exited container can be started again (docker start -a) and keeps its exit code.

restarted() {
  c=$(cname)
  drun_d "$c" "$BUSYBOX" sh -c 'trap "echo stopping; exit 0" TERM; echo started; while :; do sleep 1; done'
  wait_logs "$c" started || return
  dk restart -t 20 "$c" >/dev/null
  i=0
  while [ "$(dk logs "$c" 2>&1 | grep -c started)" -lt 2 ] && [ $i -lt 240 ]; do sleep 0.5; i=$((i + 1)); done
  dk logs "$c" 2>&1
  echo "status: $(dk inspect -f '{{.State.Status}} restarts={{.RestartCount}}' "$c")"
}
both "docker restart runs the workload again" restarted 'started\nstopping\nstarted\nstatus: running restarts=0\n'

started_again() {
  c=$(cname)
  dk run --runtime "$RUNTIME" --name "$c" "$BUSYBOX" sh -c 'echo run; exit 5'; echo "run: rc=$?"
  dk start -a "$c"; echo "start -a: rc=$?"
  echo "logs:"; dk logs "$c" 2>&1
  echo "exit code: $(exit_code_of "$c")"
}
both "docker start runs an exited container again" started_again \
  'run\nrun: rc=5\nrun\nstart -a: rc=5\nlogs:\nrun\nrun\nexit code: 5\n'
