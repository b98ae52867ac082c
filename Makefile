# RunCVM: a thin driver over CMake and the bundle recipes (toybox-style: the logic lives in the
# scripts and CMakeLists it calls). `make help` lists the targets.

SHELL := /bin/bash
JOBS ?= $(shell nproc)
PREFIX ?= /opt/runcvm
DESTDIR ?=
STAGE := $(CURDIR)/build/stage

STATIC_DIR := build/static
HOST_DIR := build/host
BIN := build/out/runcvm

.PHONY: all help setup binary host bundle qemu kernels install stage test unit e2e bench clean distclean installer

all: binary bundle

help:
	@echo "make setup      install build and test dependencies (apt packages, pinned Zig); needs root"
	@echo "make            the static binary ($(BIN)) and the bundle (QEMU, virtiofsd, mke2fs, kernels)"
	@echo "make host       developer build: system g++ with ASan+UBSan, unit tests"
	@echo "make test       unit, shell and end-to-end tests through ctest"
	@echo "make installer  the single-file installer, build/out/runcvm-installer"
	@echo "make install    run it: /opt/runcvm, Docker's and Podman's runtime (DESTDIR=DIR: into DIR)"
	@echo "make bench      the benchmarks in tests/bench"

setup:
	build/setup.sh

# --- the static multicall binary -----------------------------------------------------------------
binary: $(STATIC_DIR)/build.ninja
	cmake --build $(STATIC_DIR) --target runcvm -j $(JOBS)
	@mkdir -p build/out
	cp $(STATIC_DIR)/out/runcvm $(BIN)
	@echo "runcvm: $$(stat -c %s $(BIN)) bytes, $$(file -b $(BIN) | cut -d, -f1-4)"

$(STATIC_DIR)/build.ninja: CMakeLists.txt
	build/fetch-sources.sh
	cmake -S . -B $(STATIC_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DRUNCVM_STATIC=ON \
	  -DRUNCVM_UNIT_TESTS=OFF -DCMAKE_TOOLCHAIN_FILE=build/toolchain/zig-musl.cmake

# --- developer build ------------------------------------------------------------------------------
host: $(HOST_DIR)/build.ninja
	cmake --build $(HOST_DIR) -j $(JOBS)

$(HOST_DIR)/build.ninja: CMakeLists.txt
	cmake -S . -B $(HOST_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRUNCVM_SANITIZE=ON \
	  -DRUNCVM_BIN=$(CURDIR)/$(BIN)

# --- the bundle -----------------------------------------------------------------------------------
bundle: qemu kernels

qemu:
	$(MAKE) -C qemu

kernels: binary
	$(MAKE) -C kernels RUNCVM_BIN=$(CURDIR)/$(BIN)

# The same as running the installer by hand; DESTDIR installs into a scratch root instead of /.
install: installer
	$(if $(DESTDIR),mkdir -p "$(DESTDIR)" && )build/out/runcvm-installer $(if $(DESTDIR),--root "$(DESTDIR)")

# The tree the end-to-end tests register with dockerd (never touches /opt/runcvm).
stage: all
	build/install.sh "$(STAGE)$(PREFIX)"

installer: all
	$(MAKE) -C installer

# --- tests ----------------------------------------------------------------------------------------
test: host stage installer
	cd $(HOST_DIR) && RUNCVM_STAGE=$(STAGE)$(PREFIX) ctest --output-on-failure $(CTEST_ARGS)

unit: host
	cd $(HOST_DIR) && ctest --output-on-failure -L 'unit|shell' -E '^e2e/'

e2e: host stage installer
	cd $(HOST_DIR) && RUNCVM_STAGE=$(STAGE)$(PREFIX) ctest --output-on-failure -L e2e $(CTEST_ARGS)

bench: stage
	tests/bench/run-all

clean:
	rm -rf build/out build/static build/host build/stage qemu/out kernels/out

distclean: clean
	rm -rf build/third_party build/cache build/zig/node_modules
