# The two commands (see README.md):
#   make run    install what is missing, build, start Redis + seven daemons
#   make test   install what is missing, build normal + sanitizer, run all
# Other targets: build, build-asan, build-nosd, install, bench, schemas,
# format, clean.

BUILD      ?= build
ASAN_BUILD ?= build-asan
NOSD_BUILD ?= build-nosd
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
CHAOS_SECONDS ?= 600
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=
MAKEFLAGS  += --no-print-directory

.PHONY: all deps build build-asan build-nosd build-fuzz fuzz chaos test run \
	bench schemas format clean install

all: build

deps:
	@deploy/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DKEEL_WERROR=ON $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug \
		-DKEEL_WERROR=ON -DKEEL_SANITIZE=ON -DKEEL_CHECK_EVENTS=ON \
		$(CMAKE_ARGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

# The build without libsystemd must keep compiling (sd_none.c).
build-nosd: deps
	@cmake -S . -B $(NOSD_BUILD) -DKEEL_WERROR=ON -DKEEL_SYSTEMD=OFF \
		$(CMAKE_ARGS) >/dev/null
	@cmake --build $(NOSD_BUILD) -j $(JOBS) --target keel-intake

# libFuzzer targets (clang): the envelope walker and decoders, every
# message validator, the configuration parser (tests/fuzz/README.md).
build-fuzz: deps
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug \
		-DKEEL_FUZZ=ON $(CMAKE_ARGS) >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_envelope \
		fuzz_validate fuzz_config fuzz_http

# Each target for FUZZ_SECONDS (60); make test runs 20 s each.
fuzz: build-fuzz
	@KEEL_FUZZ_DIR=$(CURDIR)/$(FUZZ_BUILD) KEEL_FUZZ_SECONDS=$(FUZZ_SECONDS) \
		tests/t_fuzz.sh

# The chaos run (tests/chaos/chaos.c) for CHAOS_SECONDS (600; make test
# runs 40 s of it): faults injected, the history checked.
chaos: build
	@KEEL_BIN_DIR=$(CURDIR)/$(BUILD) KEEL_CHAOS_SECONDS=$(CHAOS_SECONDS) \
		$(BUILD)/tests/t_chaos

# Every test program of both builds, and the scripted checks, in one
# prove run so that its last line sums up everything.
test: build build-asan build-nosd build-fuzz
	@KEEL_BIN_DIR=$(CURDIR)/$(BUILD) \
	 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 prove --exec '' --timer $(BUILD)/tests/t_* $(ASAN_BUILD)/tests/t_* \
		tests/t_*.sh tests/hosts/t_*.sh

# make run builds only what it runs: the seven daemons and keelctl.  The
# daemons run as a job of their own (set -m) that owns the terminal, so a
# Ctrl-C stops them cleanly and make ends without "*** Interrupt".
RUN_TARGETS = keel-intake keel-pricing keel-scheduling keel-ticketing \
	keel-change keel-billing keel-notify keel-gateway keelctl
run: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DKEEL_WERROR=ON $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) --target $(RUN_TARGETS)
	@KEEL_BIN_DIR=$(CURDIR)/$(BUILD) KEEL_RUN_PARENT=$$PPID \
		bash -c 'set -m; deploy/run.sh; exit $$?'

# Keel against the raw nng + Redis limit (bench/README.md).
bench: deps
	@KEEL_WITH_BENCH=1 deploy/install-deps.sh
	@cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release \
		$(CMAKE_ARGS) >/dev/null
	@cmake --build build-release -j $(JOBS)
	@bench/run.sh

# The daemons and keelctl, keelctl(1) and its bash completion, under
# PREFIX (/usr/local), staged under DESTDIR when it is set.
PREFIX ?= /usr/local
install: build
	@DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

schemas: build
	@$(BUILD)/keel-schemagen --write $(CURDIR)

# clang-format (Debian package clang-format) over every C file.
format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(NOSD_BUILD) $(FUZZ_BUILD)
