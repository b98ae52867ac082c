# stdout and stderr stay separate streams: `docker run` (no -t) writes the workload's stdout to its
# stdout and stderr to its stderr, and `docker logs` keeps them apart too (also with --details).

run_streams() {
  echo "stdout only: $(drun "$BUSYBOX" sh -c 'echo out; echo err >&2' 2>/dev/null)"
  echo "stderr only: $(drun "$BUSYBOX" sh -c 'echo out; echo err >&2' 2>&1 >/dev/null)"
}
both "docker run keeps stdout and stderr apart" run_streams 'stdout only: out\nstderr only: err\n'

# `2>&1 1>/dev/null` keeps stderr alone, on purpose.
# shellcheck disable=SC2069
log_streams() {
  c=$(cname)
  drun_d "$c" "$BUSYBOX" sh -c 'echo out; echo err >&2; echo out2'
  echo "exit: $(dk wait "$c")"
  echo "logs stdout:"; dk logs "$c" 2>/dev/null
  echo "logs stderr:"; dk logs "$c" 2>&1 1>/dev/null
  echo "logs --details stdout:"; dk logs --details "$c" 2>/dev/null
  echo "logs --details stderr:"; dk logs --details "$c" 2>&1 1>/dev/null
}
both "docker logs keeps stdout and stderr apart" log_streams \
  'exit: 0\nlogs stdout:\nout\nout2\nlogs stderr:\nerr\nlogs --details stdout:\n out\n out2\nlogs --details stderr:\n err\n'
