# docker exec runs in the container (under runcvm: in the VM, in the workload's PID namespace),
# with its user, workdir and environment, separate stdout and stderr, stdin, a terminal, exit
# codes, arguments carried byte for byte, and many sessions at once. One container per runtime
# serves every check, so the VM boots once.

start_sleeper() {
  C=$(cname)
  drun_d "$C" "$BUSYBOX" sleep 600
  # The first exec waits for the VM to boot, as a docker exec issued early must.
  dk exec "$C" true || e2e_fail "first exec failed"
}

exec_basics() {
  start_sleeper
  dk exec "$C" sh -c 'echo out; echo err >&2; exit 7' 2>"$E2E_TMP/err"; echo "rc=$?"
  echo "stderr: $(cat "$E2E_TMP/err")"
  dk exec -u 1000:1000 -w /tmp -e 'FOO=a b' "$C" sh -c 'id; pwd; echo "$FOO"'
  dk exec -u alice "$C" sh -c 'id -un; echo "$HOME"'
  # The workload's PID namespace: the workload is PID 1 and exec sessions see it.
  dk exec "$C" sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo'
  echo hello | dk exec -i "$C" cat
}
both "output, exit code, user, workdir, env, stdin, PID namespace" exec_basics \
  'out\nrc=7\nstderr: err\nuid=1000(alice) gid=1000(alice) groups=1000(alice)\n/tmp\na b\nalice\n/home/alice\nsleep 600 \nhello\n'

exec_bytes() {
  start_sleeper
  # Arguments and values with newlines, quotes, UTF-8 (bytes 0x80-0x85 broke the original) and
  # empty strings arrive intact.
  dk exec -e 'V=line1
line2 "q" '"'s'"' €…' "$C" sh -c 'printf "[%s]\n" "$@"; printf "[%s]\n" "$V"' sh \
    '' 'two words' 'a
b' '€ … ü' "'\"\\"
}
both "arguments and environment byte for byte" exec_bytes \
  '[]\n[two words]\n[a\nb]\n[€ … ü]\n['"'"'"\\]\n[line1\nline2 "q" '"'"'s'"'"' €…]\n'

exec_binary_stdio() {
  start_sleeper
  head -c 3000000 /dev/urandom >"$E2E_TMP/in"
  want=$(md5sum <"$E2E_TMP/in")
  got=$(dk exec -i "$C" cat <"$E2E_TMP/in" | md5sum)
  assert_eq "3 MB of binary stdin -> stdout" "$want" "$got"
  echo done
}
both "binary data through exec stdin and stdout" exec_binary_stdio 'done\n'

exec_tty() {
  start_sleeper
  # The client sets the size just after the start: wait for it, as a shell would after SIGWINCH.
  pty 30 100 '' '' "$DOCKER" exec -it "$C" sh -c \
    'i=0; while [ $i -lt 150 ]; do s=$(stty size 2>/dev/null); case $s in [1-9]*) break;; esac; sleep 0.2; i=$((i+1)); done; echo "$s"; test -t 0 && echo tty; exit 4' |
    grep -v 'failed to resize tty'
}
both "exec -it has a terminal of the client's size" exec_tty '30 100\\r\ntty\\r\nrc=4\n'

exec_concurrent() {
  start_sleeper
  i=0
  while [ $i -lt 24 ]; do
    (dk exec "$C" sh -c "echo session $i; exit $((i % 5))" >"$E2E_TMP/s$i" 2>&1; echo "rc=$?" >>"$E2E_TMP/s$i") &
    i=$((i + 1))
  done
  wait
  i=0
  while [ $i -lt 24 ]; do
    assert_eq "session $i" "$(printf 'session %s\nrc=%s' $i $((i % 5)))" "$(cat "$E2E_TMP/s$i")"
    i=$((i + 1))
  done
  echo done
}
both "24 concurrent execs each get their own streams and codes" exec_concurrent 'done\n'

exec_detached() {
  start_sleeper
  dk exec -d "$C" sh -c 'echo detached >/tmp/detached-mark'
  sleep 2
  dk exec "$C" cat /tmp/detached-mark
}
both "exec -d runs in the background" exec_detached 'detached\n'

exec_stopped() {
  C=$(cname)
  drun_d "$C" "$BUSYBOX" true
  dk wait "$C" >/dev/null
  dk exec "$C" true 2>&1 | sed 's/[0-9a-f]\{64\}/<id>/'; echo "rc=$?"
}
both "exec into a stopped container fails as with runc" exec_stopped \
  'Error response from daemon: Container <id> is not running\nrc=0\n'
