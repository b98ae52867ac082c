# Entrypoint: --entrypoint replaces the image's entrypoint and the remaining arguments become its
# argv; --entrypoint '' with a command runs the command; the image's CMD runs when nothing is given.

entry() {
  echo "$(drun --entrypoint /bin/echo "$BUSYBOX" a 'b  c')"
  echo "$(drun --entrypoint '' "$BUSYBOX" echo empty entrypoint)"
  drun --entrypoint /argv-exit "$STATIC" 5 'x y' 2>/dev/null; echo "rc=$?"
  echo "$(echo 'echo from the default CMD' | drun -i "$BUSYBOX")"
}
both "--entrypoint and CMD" entry \
  'a b  c\nempty entrypoint\nargv[0]=/argv-exit\nargv[1]=5\nargv[2]=x y\nrc=5\nfrom the default CMD\n'
