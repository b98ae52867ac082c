# --network=host is refused (the VM would take over the host's interfaces) with the runtime's
# error, and the host's interfaces are as they were. VM-specific: runc runs it, as the control.

# The host's own interfaces: veths and bridges come and go with other containers, and docker0's
# state and carrier with them, so those are left out; names, flags a runtime would set, MACs,
# MTUs and addresses of the rest must not change.
host_net() {
  ip -o link | grep -vE ': (veth|br-)' |
    sed 's/ state [A-Z]*//; s/^[0-9]*: //; s/NO-CARRIER,//; s/,LOWER_UP//'
  ip -o addr | grep -vE ': (veth|br-)' | sed 's/^[0-9]*: //; s/valid_lft.*//'
}

host_refused() {
  before=$(host_net)
  out=$(drun --network host "$BUSYBOX" echo ran 2>&1)
  case $out in
    *"--network=host is not supported"*) echo refused ;;
    ran) echo ran ;;
    *) echo "unexpected: $out" ;;
  esac
  after=$(host_net)
  if [ "$before" = "$after" ]; then echo unchanged; else
    echo changed
    printf '%s\n' "$before" >"$E2E_TMP/net-before"; printf '%s\n' "$after" >"$E2E_TMP/net-after"
    diff "$E2E_TMP/net-before" "$E2E_TMP/net-after" >&2
  fi
}
vm_only "--network=host is refused and the host's interfaces are untouched" host_refused \
  'refused\nunchanged\n'
