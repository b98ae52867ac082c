# VM-specific (compatibility with the original RunCVM): a workload that writes a code to
# /.runcvm/exit-code sets the container's exit code, whatever status it exits with itself.

exit_code_file() {
  drun "$BUSYBOX" sh -c 'echo 9 >/.runcvm/exit-code; exit 0' >/dev/null 2>&1
  echo "rc=$?"
}
vm_only "/.runcvm/exit-code 9, exit 0 -> exit code 9" exit_code_file 'rc=9\n'
