# PID 1: without --init the workload is PID 1 of its PID namespace and sees only its own processes
# (in the VM too: no VM init, agent or kernel threads in ps).

pid1() {
  drun "$BUSYBOX" sh -c 'echo "pid=$$"; ps -o comm; true'
}
both "the workload is PID 1 and alone" pid1 'pid=1\nCOMMAND\nsh\nps\n'
