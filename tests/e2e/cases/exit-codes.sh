# Exit codes: `docker run` returns the workload's status (0, 1, 42, 255), 128+9 when it is killed by
# SIGKILL (with --init: a PID 1 cannot SIGKILL itself, the kernel ignores it in a PID namespace's
# init, and that holds for the workload in the VM too), 127 with "executable file not found" for a missing command and 126 for a file that is
# not executable, exactly as under runc.

status() {
  for code in 0 1 42 255; do
    drun "$BUSYBOX" sh -c "exit $code"; echo "exit $code -> $?"
  done
}
both "workload status is docker run's status" status 'exit 0 -> 0\nexit 1 -> 1\nexit 42 -> 42\nexit 255 -> 255\n'

killed() {
  drun --init "$BUSYBOX" sh -c 'kill -9 $$'; echo "--init, kill -9 \$\$ -> $?"
  drun "$BUSYBOX" sh -c 'kill -9 $$; echo survived'; echo "PID 1, kill -9 \$\$ -> $?"
}
both "killed by SIGKILL -> 137; PID 1 cannot be" killed '--init, kill -9 $$ -> 137\nsurvived\nPID 1, kill -9 $$ -> 0\n'

not_found() {
  err=$(drun "$BUSYBOX" /no/such/command 2>&1 >/dev/null); echo "missing command -> $?"
  assert_contains "docker's error" "$err" "no such file or directory"
  err=$(drun "$BUSYBOX" nosuchcommand 2>&1 >/dev/null); echo "command not in PATH -> $?"
  assert_contains "docker's error" "$err" "executable file not found"
}
both "command not found -> 127" not_found 'missing command -> 127\ncommand not in PATH -> 127\n'

not_executable() {
  err=$(drun "$BUSYBOX" /etc/passwd 2>&1 >/dev/null); echo "not executable -> $?"
  assert_contains "docker's error" "$err" "permission denied"
}
both "not executable -> 126" not_executable 'not executable -> 126\n'
