# Large output: 20 MB of random binary data written to stdout arrives at `docker run`'s stdout
# byte for byte (the workload reports the md5 of what it wrote on stderr; we compare).

large() {
  drun "$BUSYBOX" sh -c 'head -c 20000000 /dev/urandom | tee /tmp/data; md5sum </tmp/data >&2' \
    >"$E2E_TMP/$RUNTIME.data" 2>"$E2E_TMP/$RUNTIME.md5"
  echo "rc=$?"
  echo "bytes=$(wc -c <"$E2E_TMP/$RUNTIME.data")"
  sent=$(cut -d' ' -f1 "$E2E_TMP/$RUNTIME.md5") got=$(md5sum <"$E2E_TMP/$RUNTIME.data" | cut -d' ' -f1)
  assert_eq "md5 of stdout" "$sent" "$got"
  rm -f "$E2E_TMP/$RUNTIME.data"
}
both "20 MB of binary stdout arrives intact" large 'rc=0\nbytes=20000000\n'
