# stdin: `docker run -i` passes the caller's stdin to the workload and closes it at EOF (text and
# 5 MB of binary round-trip intact); without -i the workload's stdin is empty.

small() {
  echo "-i: $(echo hello | drun -i "$BUSYBOX" cat)"
  echo "no -i: [$(echo hello | drun "$BUSYBOX" cat)]"
}
both "stdin with and without -i" small '-i: hello\nno -i: []\n'

binary() {
  [ -f "$E2E_TMP/stdin.bin" ] || head -c 5000000 /dev/urandom >"$E2E_TMP/stdin.bin"
  want=$(md5sum <"$E2E_TMP/stdin.bin" | cut -d' ' -f1)
  got=$(drun -i "$BUSYBOX" cat <"$E2E_TMP/stdin.bin" | md5sum | cut -d' ' -f1)
  assert_eq "md5 of 5 MB echoed through cat" "$want" "$got"
  echo "bytes seen by the workload: $(drun -i "$BUSYBOX" wc -c <"$E2E_TMP/stdin.bin")"
}
both "5 MB of binary stdin round-trips" binary 'bytes seen by the workload: 5000000\n'
