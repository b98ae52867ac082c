# An image holding one static binary and nothing else (no shell, no /etc) runs: its default CMD,
# given arguments, both output streams, its exit code, a numeric user.

default_cmd() {
  drun "$STATIC" 2>"$E2E_TMP/err"; echo "rc=$?"
  cat "$E2E_TMP/err"
}
both "default CMD" default_cmd 'argv[0]=/argv-exit\nargv[1]=0\nargv[2]=default\nrc=0\nargv-exit: uid=0 gid=0\n'

with_args() {
  drun -u 1234:5678 "$STATIC" /argv-exit 42 'two words' 2>"$E2E_TMP/err"; echo "rc=$?"
  cat "$E2E_TMP/err"
}
both "arguments, exit code, numeric user" with_args \
  'argv[0]=/argv-exit\nargv[1]=42\nargv[2]=two words\nrc=42\nargv-exit: uid=1234 gid=5678\n'
