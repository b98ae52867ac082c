# docker exec of a missing or non-executable command, or with a missing workdir, fails at once with
# runc's message and Docker's exit code 126 (under runcvm the runtime checks the VM's root before
# runc runs, instead of the VM reporting it later in other words). Commands and workdirs on a volume
# and on a --tmpfs still work. One container per runtime serves every check. (The docker client ends
# its error line with \r\n.)

exec_failures() {
  C=$(cname)
  mkdir -p "$E2E_TMP/vol" && printf '#!/bin/sh\necho from volume\n' >"$E2E_TMP/vol/run.sh" &&
    chmod 755 "$E2E_TMP/vol/run.sh"
  drun_d "$C" -v "$E2E_TMP/vol:/data" --tmpfs /scratch "$BUSYBOX" sleep 600
  # The first exec waits for the VM to boot, as a docker exec issued early must.
  dk exec "$C" true || e2e_fail "first exec failed"
  dk exec "$C" nosuch 2>&1; echo "rc=$?"
  dk exec "$C" /etc/passwd 2>&1; echo "rc=$?"
  dk exec "$C" /nosuch/x 2>&1; echo "rc=$?"
  dk exec -w /nonexistent "$C" pwd 2>&1; echo "rc=$?"
  dk exec -w /etc/passwd "$C" pwd 2>&1; echo "rc=$?"
  dk exec -w /data "$C" ./run.sh 2>&1; echo "rc=$?"
  dk exec -w /scratch "$C" pwd 2>&1; echo "rc=$?"
}
both "exec start failures: messages and exit codes as runc's" exec_failures \
  'OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: unknown\r\nrc=126
OCI runtime exec failed: exec failed: unable to start container process: exec: "/etc/passwd": permission denied: unknown\r\nrc=126
OCI runtime exec failed: exec failed: unable to start container process: exec: "/nosuch/x": stat /nosuch/x: no such file or directory: unknown\r\nrc=126
OCI runtime exec failed: exec failed: unable to start container process: chdir to cwd ("/nonexistent") set in config.json failed: no such file or directory: unknown\r\nrc=126
OCI runtime exec failed: exec failed: unable to start container process: chdir to cwd ("/etc/passwd") set in config.json failed: not a directory: unknown: Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type\r\nrc=126
from volume\nrc=0
/scratch\nrc=0\n'
