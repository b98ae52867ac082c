// Allocates and touches memory, 4 MiB at a time, until the OOM killer ends it: the memory cases
// bind-mount it into the busybox image (whose tools cannot grow one process step by step) to show
// that a workload filling its memory gets the same end under runcvm (the guest's OOM killer) as
// under runc (the cgroup's). Exits 1 if an allocation is refused instead.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  const size_t chunk = 4 << 20;
  for (size_t total = 0;; total += chunk) {
    char* p = malloc(chunk);
    if (p == NULL) {
      fprintf(stderr, "fill-memory: malloc refused after %zu MiB\n", total >> 20);
      return 1;
    }
    memset(p, 0x5a, chunk);
  }
}
