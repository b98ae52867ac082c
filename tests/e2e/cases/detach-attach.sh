# Detached containers: -d returns at once; docker logs -f follows the output until the workload
# exits and docker wait returns its exit code; docker attach to a running -i container relays
# stdin and output and returns the exit code.

follow() {
  c=$(cname)
  drun_d "$c" "$BUSYBOX" sh -c 'echo one; sleep 2; echo two >&2; sleep 1; echo three; exit 7'
  dk logs -f "$c" 2>&1
  echo "wait: $(dk wait "$c")"
}
both "-d, docker logs -f, docker wait" follow 'one\ntwo\nthree\nwait: 7\n'

attach() {
  c=$(cname)
  drun_d "$c" -i "$BUSYBOX" sh -c 'echo ready; read x; echo "got $x"; echo err >&2; exit 6'
  wait_logs "$c" ready || return
  # Keep stdin open until the workload has exited: at stdin EOF the docker 20.10 client may stop
  # relaying output before the container has written it (a client race, also under runc).
  { echo go; while [ "$(dk inspect -f '{{.State.Running}}' "$c")" = true ]; do sleep 0.5; done; } |
    dk attach "$c" 2>"$E2E_TMP/attach.err"; echo "attach: rc=$?"
  echo "stderr: $(cat "$E2E_TMP/attach.err")"
}
both "docker attach relays stdin, output and the exit code" attach 'got go\nattach: rc=6\nstderr: err\n'
