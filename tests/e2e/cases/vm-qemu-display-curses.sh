# VM-specific: RUNCVM_QEMU_DISPLAY=curses shows the VM's VGA text screen on docker run -t's
# terminal and turns what is typed there into the VM's keyboard: the workload runs on the VM's
# console (/dev/tty1, 80x25), what it prints appears on the terminal, a typed line reaches it, and
# its exit code is docker run's. Driven through a pseudo-terminal; curses draws with cursor
# movements, so the terminal's output is read with escape sequences removed. docker exec still
# goes through the control channel. runc ignores the option (the workload is on a pty with the
# caller's size): the control.

# The output without CSI/charset/keypad escape sequences.
plain() { sed -e 's|\x1b\[[0-?]*[ -/]*[@-~]||g' -e 's|\x1b[()][0-9A-Za-z]||g' -e 's|\x1b[=>78cDEHMZ]||g' "$1"; }

screen() {
  # No spaces or doubled letters in what is checked: curses may skip blank cells with a cursor
  # movement and write a run of one character with a repeat sequence. The workload's last line
  # is printed just before it exits: init leaves QEMU time to draw it (kCursesLastFrame).
  pty 30 100 'type-here' 'typed-Qz9\n' \
    "$DOCKER" run -it --rm --runtime "$RUNTIME" --name "$(cname)" -e RUNCVM_QEMU_DISPLAY=curses \
    "$BUSYBOX" sh -c 'echo "on-$(tty)-$(stty size | tr " " x)"; echo type-here; read l; echo "got-$l"; exit 7' \
    >"$E2E_TMP/curses.out"
  plain "$E2E_TMP/curses.out" >"$E2E_TMP/curses.plain"
  grep -q 'got-' "$E2E_TMP/curses.plain" ||
    { e2e_log "the terminal showed (escape sequences removed):"; tail -c 1500 "$E2E_TMP/curses.plain" >&2; }
  grep -o 'on-/dev/[a-z0-9/]*-[0-9]*x[0-9]*' "$E2E_TMP/curses.plain" | head -n 1
  grep -o 'got-[A-Za-z0-9-]*' "$E2E_TMP/curses.plain" | head -n 1
  grep -o 'rc=[0-9]*' "$E2E_TMP/curses.out"
}
vm_only "curses: the workload on the VM's console, typed input reaches it, exit code kept" screen \
  'on-/dev/tty1-25x80\ngot-typed-Qz9\nrc=7\n'

# docker run -d -t: the screen goes to the container's log; docker exec works as without a display.
# The workload's TERM is the console's (linux).
exec_alongside() {
  c=$(cname)
  drun_d "$c" -t -e RUNCVM_QEMU_DISPLAY=curses "$BUSYBOX" sh -c '{ tty; echo "$TERM"; } >/tmp/t; mv /tmp/t /tmp/tty; exec sleep 600'
  for _ in $(seq 150); do dk exec "$c" test -s /tmp/tty 2>/dev/null && break; sleep 1; done
  dk exec "$c" cat /tmp/tty
  dk exec "$c" sh -c 'echo exec-out; echo exec-err >&2; exit 4' >exec.out 2>exec.err
  echo "exec rc=$?"
  cat exec.out exec.err
  dk rm -f "$c" >/dev/null
}
vm_only "curses: docker exec goes through the control channel; the workload is on tty1" \
  exec_alongside '/dev/tty1\nlinux\nexec rc=4\nexec-out\nexec-err\n'
