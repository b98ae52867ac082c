# CMake toolchain file for the shipped binary: Zig 0.11 (clang 16, libc++ 16) targeting
# x86_64-linux-musl, fully static. See ../../README.md, "Building".
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER   ${CMAKE_CURRENT_LIST_DIR}/zcc)
set(CMAKE_CXX_COMPILER ${CMAKE_CURRENT_LIST_DIR}/zcxx)
set(CMAKE_AR     ${CMAKE_CURRENT_LIST_DIR}/zar CACHE FILEPATH "")
set(CMAKE_RANLIB ${CMAKE_CURRENT_LIST_DIR}/zranlib CACHE FILEPATH "")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
# Never pick up the host's glibc headers or libraries.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
