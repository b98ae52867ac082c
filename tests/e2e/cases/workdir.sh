# Working directory: -w sets the cwd, creating it (owned by root) when the image lacks it, also for
# a non-root user; without -w it is /.

workdir() {
  echo "default: $(drun "$BUSYBOX" pwd)"
  echo "-w: $(drun -w /tmp/newdir/sub "$BUSYBOX" sh -c 'pwd; stat -c "%U %a" .')"
  echo "-u alice -w: $(drun -u alice -w /home/alice/new "$BUSYBOX" sh -c 'pwd; stat -c "%U %a" .; touch x 2>/dev/null && echo writable || echo not-writable')"
}
both "-w sets (and creates) the working directory" workdir \
  'default: /\n-w: /tmp/newdir/sub\nroot 755\n-u alice -w: /home/alice/new\nroot 755\nnot-writable\n'
