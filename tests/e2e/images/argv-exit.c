// The whole of the runcvm-e2e/static image: a static binary with no shell, no libc files and no
// /etc beside it. It prints each argument on stdout, one line on stderr (so the cases can tell the
// two streams apart), and exits with the code given as argv[1], so an image without a shell can
// still show that argv, both streams and the exit status cross the runtime intact.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char** argv) {
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  fflush(stdout);
  fprintf(stderr, "argv-exit: uid=%d gid=%d\n", (int)getuid(), (int)getgid());
  return argc > 1 ? atoi(argv[1]) & 255 : 0;
}
