# tty: with -t the workload's stdin/stdout/stderr are a terminal with the caller's size (stty size),
# output gets the terminal's CRLF, the exit code still comes through, and with -it what is typed
# reaches the workload and is echoed; without -t nothing is a terminal.
# (-it everywhere: with -t alone the docker client leaves its own terminal cooked, which adds a \r.
# The client sets the size just after the start, so the workload waits for it, as a shell would
# after SIGWINCH; "failed to resize tty" is a benign client message about that race.)

tty_run() {  # tty_run ROWS COLS WAIT_FOR INPUT DOCKER-RUN-ARGS...
  _r=$1 _c=$2 _w=$3 _i=$4; shift 4
  pty "$_r" "$_c" "$_w" "$_i" "$DOCKER" run --rm --runtime "$RUNTIME" --name "$(cname)" "$@" |
    grep -v 'failed to resize tty'
}

size() {
  tty_run 33 101 '' '' -it "$BUSYBOX" sh -c \
    'i=0; while [ $i -lt 150 ]; do s=$(stty size 2>/dev/null); case $s in [1-9]*) break;; esac; sleep 0.2; i=$((i+1)); done; echo "$s"; exit 3'
}
both "-t: the terminal has the caller's size; exit code kept" size '33 101\\r\nrc=3\n'

is_tty() {
  tty_run 24 80 '' '' -it "$BUSYBOX" sh -c 'for fd in 0 1 2; do test -t $fd && echo "fd $fd: tty"; done'
  echo "without -t: [$(drun "$BUSYBOX" sh -c 'for fd in 0 1 2; do test -t $fd && echo "fd $fd: tty"; done')]"
}
both "-t gives a terminal, no -t does not" is_tty 'fd 0: tty\\r\nfd 1: tty\\r\nfd 2: tty\\r\nrc=0\nwithout -t: []\n'

typed() {
  tty_run 24 80 'ready' 'abc\n' -it "$BUSYBOX" sh -c 'echo ready; read x; echo "got $x"'
}
both "-it: typed input reaches the workload and is echoed" typed 'ready\\r\nabc\\r\ngot abc\\r\nrc=0\n'
