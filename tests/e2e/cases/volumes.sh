# Volumes and bind mounts reach the VM at their destinations, with their options: named and
# anonymous volumes, host directories and files (read-write and read-only, -v and --mount),
# --volumes-from, a named volume filled from the image (and volume-nocopy), --read-only with a
# writable volume and file bind (Docker's /etc/hosts is read-only then). Writes by the workload
# reach the host and other containers at once; writes from outside are seen by the workload (after
# cache=auto's 1 s attribute timeout, see README).

shared() {
  c=$(cname) v=$(cname) h=$(mktemp -d /tmp/runcvm-e2e-vol.XXXXXX)
  dk volume create "$v" >/dev/null
  drun_d "$c" -v "$v:/data" -v "$h:/host" "$BUSYBOX" sh -c \
    'echo one >/data/a; echo one >/host/a; echo written; trap "exit 0" TERM; while :; do sleep 1; done'
  wait_logs "$c" written || return
  # The workload's writes, seen while it still runs: by another container, and by the host.
  echo "other container: $(dk run --rm -v "$v:/data" "$BUSYBOX" cat /data/a)"
  echo "host: $(cat "$h/a")"
  # Writes from outside, seen by the workload.
  dk run --rm -v "$v:/data" "$BUSYBOX" sh -c 'echo two >/data/b; echo uno >/data/a'
  echo three >"$h/b"; echo tres >"$h/a"
  sleep 2
  dk exec "$c" sh -c 'echo "workload: $(cat /data/a /data/b /host/a /host/b | tr "\n" " ")"'
  dk rm -f "$c" >/dev/null; dk volume rm "$v" >/dev/null; rm -rf "$h"
}
both "writes cross between the workload, the host and other containers" shared \
  'other container: one\nhost: one\nworkload: uno two tres three \n'

readonly_mounts() {
  v=$(cname) h=$(mktemp -d /tmp/runcvm-e2e-vol.XXXXXX)
  echo hosted >"$h/f"; echo conf >"$h/app.conf"
  dk volume create "$v" >/dev/null
  drun -v "$h:/ro:ro" --mount "type=bind,src=$h,dst=/ro2,readonly" \
    --mount "type=volume,src=$v,dst=/rov,readonly" -v "$h:/rw" -v "$h/app.conf:/etc/app.conf" \
    "$BUSYBOX" sh -c 'exec 2>&1; cat /ro/f /ro2/f; for d in /ro /ro2 /rov; do touch $d/x; done
      echo more >>/etc/app.conf; touch /rw/made; cat /etc/app.conf'
  echo "host: $(cat "$h/app.conf" | tr '\n' ' ')$(ls "$h" | tr '\n' ' ')"
  dk volume rm "$v" >/dev/null; rm -rf "$h"
}
both "read-only and read-write binds, a file bind" readonly_mounts \
  'hosted\nhosted\ntouch: /ro/x: Read-only file system\ntouch: /ro2/x: Read-only file system\ntouch: /rov/x: Read-only file system\nconf\nmore\nhost: conf more app.conf f made \n'

anonymous() {
  a=$(cname)
  dk run --runtime "$RUNTIME" --name "$a" -v /anon "$BUSYBOX" sh -c 'echo anon >/anon/f'
  echo "type: $(dk inspect -f '{{range .Mounts}}{{.Type}} {{.Destination}}{{end}}' "$a")"
  drun --volumes-from "$a" "$BUSYBOX" sh -c 'cat /anon/f; echo again >>/anon/f'
  dk run --rm --volumes-from "$a" "$BUSYBOX" cat /anon/f
  dk rm -v "$a" >/dev/null
}
both "anonymous volume and --volumes-from" anonymous 'type: volume /anon\nanon\nanon\nagain\n'

from_image() {
  v=$(cname) w=$(cname)
  drun -v "$v:/home" "$BUSYBOX" sh -c 'ls /home; stat -c "%n %u:%g" /home/alice'
  drun --mount "type=volume,src=$w,dst=/home,volume-nocopy" "$BUSYBOX" sh -c 'echo "nocopy: $(ls -A /home | wc -l)"'
  dk volume rm "$v" "$w" >/dev/null
}
both "a new named volume is filled from the image unless volume-nocopy" from_image \
  'alice\n/home/alice 1000:1000\nnocopy: 0\n'

readonly_root() {
  v=$(cname) h=$(mktemp -d /tmp/runcvm-e2e-vol.XXXXXX)
  echo conf >"$h/app.conf"
  drun --read-only -v "$v:/data" -v "$h/app.conf:/etc/app.conf" "$BUSYBOX" sh -c 'exec 2>&1
    touch /data/x && echo volume writable; echo more >>/etc/app.conf && echo file bind writable
    echo 1.2.3.4 x >>/etc/hosts; touch /x'
  echo "rc=$? host: $(cat "$h/app.conf" | tr '\n' ' ')"
  dk volume rm "$v" >/dev/null; rm -rf "$h"
}
both "--read-only root, writable volume and file bind" readonly_root \
  'volume writable\nfile bind writable\nsh: can'"'"'t create /etc/hosts: Read-only file system\ntouch: /x: Read-only file system\nrc=1 host: conf more \n'
