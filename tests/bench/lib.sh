# Benchmark helpers. Benchmarks measure and print; they never assert on timing (the machine, TCG
# vs KVM and the load decide the numbers). Ratios come from runs interleaved in one invocation
# (A B A B ...) so drift in the machine's load hits both sides alike.
#
# Uses tests/e2e/lib.sh for dockerd, the runtime registration (RUNCVM_STAGE, defaulting to
# build/stage/opt/runcvm; RUNCVM_E2E_RUNTIME) and the offline images.
SRC=${SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
E2E_TMP=${E2E_TMP:-$(mktemp -d /tmp/runcvm-bench.XXXXXX)}
export SRC E2E_TMP
. "$SRC/tests/e2e/lib.sh"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Milliseconds taken by a command (its stdout discarded, its stderr kept in $E2E_TMP/last.err);
# fails when the command does.
time_ms() {
  _t0=$(now_ms)
  "$@" >/dev/null 2>"$E2E_TMP/last.err" || return 1
  echo $(($(now_ms) - _t0))
}

# median of the numbers given as arguments (the mean of the middle two for an even count)
median() {
  [ $# -gt 0 ] || return 1
  printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END {
    if (NR % 2) print a[(NR + 1) / 2]; else printf "%d\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# ratio A B: A/B to two decimals, "-" when either is missing
ratio() {
  [ -n "$1" ] && [ -n "$2" ] && [ "$2" -gt 0 ] || { echo -; return; }
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx\n", a / b }'
}

# The boot floor in ms: a bare QEMU boot of the same kernel, as measured by tests/bench/boot-floor
# (owned elsewhere; it prints a line with "median" and a time). BENCH_BOOT_FLOOR_MS skips the run.
boot_floor_ms() {
  if [ -n "$BENCH_BOOT_FLOOR_MS" ]; then echo "$BENCH_BOOT_FLOOR_MS"; return; fi
  [ -x "$SRC/tests/bench/boot-floor" ] || return 1
  "$SRC/tests/bench/boot-floor" 2>/dev/null | to_ms_after_median
}

# The first time after the word "median" on a line, in ms: "median 4.2 s", "median=3120ms", "median: 812"
# (a bare number is taken as ms).
to_ms_after_median() {
  sed -nE 's/.*[Mm]edian[^0-9]*([0-9]+(\.[0-9]+)?) *(ms|s)?.*/\1 \3/p' | head -n 1 |
    awk '{ printf "%d\n", ($2 == "s") ? $1 * 1000 : $1 }'
}

bench_setup() {
  trap 'e2e_cleanup; rm -rf "$E2E_TMP"' EXIT
  trap 'exit 130' INT TERM HUP
  E2E_PREFIX=runcvm-bench-$$-
  export E2E_PREFIX
  e2e_setup
}
