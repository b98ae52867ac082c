# docker exec's remaining options and lifetime: --env-file, a session's capabilities (the
# container's, not more), no network listener serving exec, and exec sessions ending with the
# workload, as a container's exit ends them under runc. (--privileged: vm-exec-privileged.sh.)

start_sleeper() {
  C=$(cname)
  drun_d "$C" "$BUSYBOX" sleep 600
  dk exec "$C" true || e2e_fail "first exec failed"
}

# cap_bit PID BIT: 1 when capability BIT is in the effective set of process PID, as seen by an exec
# session (PID self: the session itself).
cap_bit() {
  dk exec "$C" sh -c 'c=$(sed -n "s/^CapEff:[[:space:]]*//p" /proc/$1/status); echo $(((0x$c >> $2) & 1))' sh "$1" "$2"
}

exec_env_file_caps() {
  start_sleeper
  printf 'A=from file\nB=two  words\n# a comment\n' >"$E2E_TMP/env"
  dk exec --env-file "$E2E_TMP/env" "$C" sh -c 'echo "[$A] [$B]"'
  echo "exec has CAP_SYS_ADMIN: $(cap_bit self 21)"
  echo "workload has CAP_SYS_ADMIN: $(cap_bit 1 21)"
  echo "CAP_NET_RAW (bit 13), a default one: $(cap_bit self 13)"
}
both "exec --env-file, and the container's capabilities" exec_env_file_caps \
  '[from file] [two  words]
exec has CAP_SYS_ADMIN: 0
workload has CAP_SYS_ADMIN: 0
CAP_NET_RAW (bit 13), a default one: 1\n'

# Listening TCP sockets (state 0A) and bound UDP sockets, as the kernel lists them for the network
# namespace the command runs in (under runcvm: the VM's only one).
listeners() {
  dk exec "$C" sh -c 'cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk "\$4 == \"0A\"" | wc -l;
                      cat /proc/net/udp /proc/net/udp6 2>/dev/null | grep -vc local_address'
}

exec_no_listener() {
  start_sleeper
  # With sessions open: nothing in the VM listens on the network to serve them (exec travels
  # over the virtio-serial control channel).
  dk exec "$C" sleep 8 &
  dk exec "$C" sh -c 'while [ ! -e /tmp/stop ]; do echo output; sleep 0.1; done' >/dev/null &
  sleep 3
  echo "tcp listeners, udp sockets: $(listeners | tr '\n' ' ')"
  dk exec "$C" touch /tmp/stop
  wait
}
both "no process listens on a network port for exec" exec_no_listener \
  'tcp listeners, udp sockets: 0 0 \n'

exec_ends_with_workload() {
  C=$(cname)
  drun_d "$C" "$BUSYBOX" sh -c 'while [ ! -e /tmp/stop ]; do sleep 0.2; done; exit 3'
  dk exec "$C" true || e2e_fail "first exec failed"
  (dk exec "$C" sleep 600 >/dev/null 2>&1; echo "$?" >"$E2E_TMP/exec-rc") &
  sleep 2
  dk exec "$C" touch /tmp/stop
  wait
  # The session is killed with its PID namespace: SIGKILL (137), or, when the container's own
  # teardown wins the race, the docker client's failure. Either way it ends, and not with 0.
  [ "$(cat "$E2E_TMP/exec-rc")" -ne 0 ] && echo "exec session ended"
  echo "container exit code: $(dk wait "$C")"
}
both "the workload's exit ends the exec sessions" exec_ends_with_workload \
  'exec session ended\ncontainer exit code: 3\n'
