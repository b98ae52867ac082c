# --network=container:NAME is refused (the VM would take the other container's interfaces away
# from it) with the runtime's error, and the other container keeps running. The runtime accepts a
# namespace given by path only when no process is in it yet (Podman's /run/netns/netns-<id>);
# Docker's container:NAME path is a running container's. VM-specific: runc runs it, as the control.

container_refused() {
  other=$(cname)
  drun_d "$other" "$BUSYBOX" sh -c 'echo up; exec sleep 600' || { echo "cannot start $other"; return; }
  wait_logs "$other" up 240 || return
  out=$(drun --network "container:$other" "$BUSYBOX" echo ran 2>&1)
  case $out in
    *"--network=container:NAME"*"is not supported"*) echo refused ;;
    ran) echo ran ;;
    *) echo "unexpected: $out" ;;
  esac
  dk inspect -f '{{.State.Running}}' "$other"
}
vm_only "--network=container: is refused and the other container keeps running" container_refused \
  'refused\ntrue\n'
