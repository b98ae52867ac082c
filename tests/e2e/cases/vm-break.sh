# VM-specific: RUNCVM_BREAK=prenet|postnet|preqemu opens a shell at that point of the container's
# boot, on its terminal (docker run -it); the boot goes on when the shell exits. Driven through a
# pseudo-terminal: the shell must run what is typed (BREAK-42, not the typed BREAK-$((40+2))).
# runc ignores the option (no shell, the workload runs at once): the control.

at() {
  pty 24 80 'exit the shell to continue' 'echo BREAK-$((40+2)); exit\n' \
    "$DOCKER" run -it --rm --runtime "$RUNTIME" --name "$(cname)" -e "RUNCVM_BREAK=$1" \
    "$BUSYBOX" echo workload-ran >"$E2E_TMP/break.out"
  grep -o "RUNCVM_BREAK=$1" "$E2E_TMP/break.out" | head -n 1
  grep -o 'BREAK-42' "$E2E_TMP/break.out" | head -n 1
  grep -o 'workload-ran' "$E2E_TMP/break.out" | head -n 1
  grep -o 'rc=[0-9]*' "$E2E_TMP/break.out"
}

prenet() { at prenet; }
vm_only "RUNCVM_BREAK=prenet: a shell before the network is handed over" prenet \
  'RUNCVM_BREAK=prenet\nBREAK-42\nworkload-ran\nrc=0\n'

postnet() { at postnet; }
vm_only "RUNCVM_BREAK=postnet: a shell once the network is bridged" postnet \
  'RUNCVM_BREAK=postnet\nBREAK-42\nworkload-ran\nrc=0\n'

preqemu() { at preqemu; grep -c 'Preparing to run: .*qemu-system-x86_64' "$E2E_TMP/break.out"; }
vm_only "RUNCVM_BREAK=preqemu: a shell just before QEMU starts, with its command line" preqemu \
  'RUNCVM_BREAK=preqemu\nBREAK-42\nworkload-ran\nrc=0\n1\n'
