# VM-specific memory behaviour (runc is the control: it shows none of it).
#  - --memory M is the guest's RAM (MemTotal is M less the kernel's reservation) and the container's
#    cgroup limit is M + the stated overhead (256 MiB + M/16), so QEMU is never the OOM victim;
#    without --memory the guest gets 512 MiB.
#  - A workload filling the guest's memory meets the guest's OOM killer: exit 137, QEMU lives on,
#    and the container's cgroup never ran out (State.OOMKilled stays false; runc's is true).
#  - A --memory the VM cannot boot with fails docker run at once, naming --memory.
#  - Memory the workload frees goes back to the host (free page reporting): QEMU's RSS falls.

# "ok" when MemTotal (kB, from the guest) is within the 25% below M MiB that a kernel reserves.
memtotal_ok() { awk -v t="$1" -v m="$2" 'BEGIN { k = m * 1024; print (t <= k && t > k * 0.75) ? "ok" : "MemTotal " int(t / 1024) " MiB" }'; }

sized() {
  c=$(cname)
  drun_d "$c" -m 256m "$BUSYBOX" sh -c 'awk "/^MemTotal/ { print \$2 }" /proc/meminfo; trap "exit 0" TERM; while :; do sleep 1; done'
  wait_logs "$c" '^[0-9]+' || return
  echo "-m 256m: guest RAM $(memtotal_ok "$(dk logs "$c" 2>&1 | head -n 1)" 256), limit $(($(cgroup_value "$c" memory) / 1048576)) MiB"
  dk rm -f "$c" >/dev/null
  echo "default: guest RAM $(memtotal_ok "$(drun "$BUSYBOX" awk '/^MemTotal/ { print $2 }' /proc/meminfo)" 512)"
}
vm_only "--memory is the guest's RAM, the cgroup gets the overhead" sized \
  '-m 256m: guest RAM ok, limit 528 MiB\ndefault: guest RAM ok\n'

guest_oom() {
  c=$(cname)
  dk run --runtime "$RUNTIME" --name "$c" -m 128m -v "$(static_helper fill-memory):/usr/bin/fill-memory:ro" \
    "$BUSYBOX" fill-memory 2>"$E2E_TMP/oom.err"
  echo "exit $? oomkilled=$(dk inspect -f '{{.State.OOMKilled}}' "$c")"
  grep -q 'stopped before the workload' "$E2E_TMP/oom.err" && cat "$E2E_TMP/oom.err" >&2 || echo "VM stayed up"
  dk rm -f "$c" >/dev/null
}
vm_only "the guest's OOM killer ends the workload, QEMU survives" guest_oom \
  'exit 137 oomkilled=false\nVM stayed up\n'

too_small() {
  out=$(drun -m 6m "$BUSYBOX" true 2>&1); echo "rc=$?"
  case $out in *--memory*) echo "names --memory" ;; *) echo "error: $out" ;; esac
}
vm_only "a --memory the VM cannot boot with fails docker run" too_small 'rc=125\nnames --memory\n'

# QEMU's resident set in MiB, found among the container's processes; empty when there is none.
qemu_rss_mib() {
  for p in $(cgroup_value "$1" procs); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = qemu-system-x86 ] &&
      awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/$p/status"
  done
}

freed() {
  c=$(cname)
  drun_d "$c" -m 512m --tmpfs /big:size=400m "$BUSYBOX" sh -c 'dd if=/dev/zero of=/big/f bs=1M count=300 2>/dev/null; echo filled
    while [ ! -e /tmp/release ]; do sleep 0.2; done; rm /big/f; echo freed; trap "exit 0" TERM; while :; do sleep 1; done'
  wait_logs "$c" filled 300 || return
  full=$(qemu_rss_mib "$c")
  [ -n "$full" ] || { echo "no QEMU"; dk rm -f "$c" >/dev/null; return; }
  dk exec "$c" touch /tmp/release
  wait_logs "$c" freed || return
  i=0 now=$full
  while [ "$i" -lt 120 ] && [ "$now" -gt $((full - 200)) ]; do sleep 0.5; i=$((i + 1)); now=$(qemu_rss_mib "$c"); done
  e2e_log "QEMU RSS: $full MiB with 300 MiB in a guest tmpfs, $now MiB $((i / 2)) s after it was freed"
  [ "$now" -le $((full - 200)) ] && echo "returned to the host" || echo "kept: $full -> $now MiB"
  dk rm -f "$c" >/dev/null
}
vm_only "memory the guest frees goes back to the host" freed 'returned to the host\n'
