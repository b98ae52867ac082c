// A static getfattr/setfattr for the file cases (busybox has neither), bind-mounted into the
// busybox image at /usr/bin/xattr by tests/e2e/cases/files.sh, which compares extended
// attributes on the root filesystem and on volumes between runtimes.
//   xattr set PATH NAME VALUE   setxattr(2); prints nothing
//   xattr get PATH NAME         prints the value
//   xattr list PATH             prints the names, one a line, sorted
// Errors print "xattr: OP: strerror" on stderr and exit 1.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

static int fail(const char* op) {
  fprintf(stderr, "xattr: %s: %s\n", op, strerror(errno));
  return 1;
}

static int cmp(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

int main(int argc, char** argv) {
  char buf[65536];
  if (argc == 5 && strcmp(argv[1], "set") == 0) {
    return setxattr(argv[2], argv[3], argv[4], strlen(argv[4]), 0) == 0 ? 0 : fail("set");
  }
  if (argc == 4 && strcmp(argv[1], "get") == 0) {
    ssize_t n = getxattr(argv[2], argv[3], buf, sizeof buf);
    if (n < 0) return fail("get");
    printf("%.*s\n", (int)n, buf);
    return 0;
  }
  if (argc == 3 && strcmp(argv[1], "list") == 0) {
    ssize_t n = listxattr(argv[2], buf, sizeof buf);
    if (n < 0) return fail("list");
    char* names[1024];
    int count = 0;
    for (char* p = buf; p < buf + n && count < 1024; p += strlen(p) + 1) names[count++] = p;
    qsort(names, count, sizeof names[0], cmp);
    for (int i = 0; i < count; i++) puts(names[i]);
    return 0;
  }
  fprintf(stderr, "usage: xattr set PATH NAME VALUE | get PATH NAME | list PATH\n");
  return 2;
}
