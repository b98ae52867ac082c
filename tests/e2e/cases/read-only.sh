# Read-only root: with --read-only writing to / fails with EROFS (the same message and exit code
# as runc), while a --tmpfs mount stays writable.

ro() {
  out=$(drun --read-only "$BUSYBOX" touch /x 2>&1); echo "rc=$?"
  echo "$out"
  drun --read-only --tmpfs /scratch "$BUSYBOX" sh -c 'exec 2>&1; touch /scratch/x && echo tmpfs writable; echo hi >/etc/x; echo "rc=$?"' 2>&1
}
both "--read-only" ro \
  'rc=1\ntouch: /x: Read-only file system\ntmpfs writable\nsh: can'"'"'t create /etc/x: Read-only file system\nrc=1\n'
