# SPDX-License-Identifier: GPL-2.0
#
# Oakley: in-kernel IKE. Top-level Makefile (out-of-tree build).
#
#   make              build kernel/oakley.ko (against KDIR) and userspace/oak
#   make install      install module + oak + man page, run depmod
#   make deb          Debian packages oakley-dkms and oak in build/deb/
#   make deps         install the Debian packages everything here needs
#   make demo         boot a VM, load two gateways' configs, show them
#   make check        every check below; prints "N passed, N failed"
#   make help         all targets
#
# The module is built with the kernel's own build system:
#   make -C $(KDIR) M=$(CURDIR) CONFIG_OAKLEY=m
# Kbuild (not this file) is what that reads; it descends into kernel/.

SHELL := /bin/bash
MAKEFLAGS += --no-print-directory

# KDIR: /lib/modules/$(uname -r)/build if present, else the newest
# /lib/modules/*/build (Debian's headers); see selftests/lib/kdir.sh. Empty
# until `make deps` installed headers: targets that need it check.
KDIR ?= $(shell $(CURDIR)/selftests/lib/kdir.sh 2>/dev/null)
ifneq ($(KDIR),)
KVER := $(shell KDIR=$(KDIR) $(CURDIR)/selftests/lib/kdir.sh --kver 2>/dev/null)
OAKLEY_KVER := $(KVER)
export KDIR OAKLEY_KVER
ifeq ($(MAKELEVEL),0)
ifeq ($(filter deps help clean distclean checkpatch,$(MAKECMDGOALS)),)
$(info oakley: KDIR=$(KDIR) (kernel $(KVER)))
endif
endif
endif
need_kdir = $(if $(KDIR),,$(error no kernel headers found in /lib/modules/*/build: run `make deps` or set KDIR))

KSRC_VER := 6.1
KSRC ?= $(HOME)/.cache/oakley/src/linux-source-$(KSRC_VER)
KSFT_DIR ?= $(KSRC)/tools/testing/selftests
export KSRC KSFT_DIR

BUILD ?= $(CURDIR)/build
KBUILD_ARGS := -C $(KDIR) M=$(CURDIR) CONFIG_OAKLEY=m
VM_TIMEOUT ?= 4200

PREFIX ?= /usr/local
DESTDIR ?=
INSTALL_MOD_PATH ?= $(DESTDIR)
export INSTALL_MOD_PATH
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man

# Files under checkpatch.pl: every kernel and uapi source.
CHECKPATCH_FILES = $(sort $(shell find kernel uapi -name '*.[ch]' -not -name '*.mod.c' 2>/dev/null))
# Message types not checked (none: the code is kept --strict clean). Add a
# type here, with a comment saying why, if one ever has to be tolerated.
CHECKPATCH_IGNORE ?=
CHECKPATCH = perl $(KSRC)/scripts/checkpatch.pl --strict --no-tree --terse --show-types \
	$(if $(CHECKPATCH_IGNORE),--ignore $(CHECKPATCH_IGNORE))

.PHONY: deb check-pkg
.PHONY: all module oak install deps demo check ci checkpatch sparse build-werror \
	unit kunit check-kasan check-kasan-vm fuzz fuzz-smoke selftests selftests-build vm clean distclean help

all: module oak

module:
	$(need_kdir)
	$(MAKE) $(KBUILD_ARGS) modules

# Warnings are errors here: W=1 (extra kernel warnings) + -Werror, and the
# userspace build is asked for the same with WERROR=1.
build-werror:
	$(need_kdir)
	$(MAKE) $(KBUILD_ARGS) W=1 KCFLAGS=-Werror modules
	$(MAKE) oak WERROR=1

oak:
	@if [ -f userspace/Makefile ]; then \
		$(MAKE) -C userspace all $(if $(WERROR),WERROR=$(WERROR)); \
	else \
		echo "oakley: SKIP userspace/oak: userspace/Makefile does not exist yet"; \
	fi

install: all
	$(need_kdir)
	$(MAKE) $(KBUILD_ARGS) INSTALL_MOD_DIR=extra CONFIG_MODULE_SIG_ALL= modules_install
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER)
	$(MAKE) -C userspace install PREFIX=$(PREFIX) SBINDIR=$(SBINDIR) MANDIR=$(MANDIR) \
		DESTDIR=$(DESTDIR)
	install -d -m 0700 $(DESTDIR)/etc/oakley

deps:
	@selftests/lib/deps.sh

# Debian packages (packaging/mkdeb.sh): oakley-dkms (module sources + DKMS)
# and oak (CLI, man pages, systemd units, bash completion, examples). The
# version is the one in VERSION.
deb: oak
	packaging/mkdeb.sh $(BUILD)/deb

# The packaging checks (selftests/pkg/check.sh, TAP): make deb from a clean
# copy of the tree, the packages' metadata and files, dkms build against
# KDIR, systemd-analyze verify, man pages without warnings, bash completion.
check-pkg:
	$(need_kdir)
	@selftests/pkg/check.sh

# Static checks --------------------------------------------------------------

checkpatch:
	@[ -f $(KSRC)/scripts/checkpatch.pl ] || { echo "checkpatch.pl missing: make deps"; exit 1; }
	@rc=0; out=$$(mktemp); \
	for f in $(CHECKPATCH_FILES); do \
		if $(CHECKPATCH) -f $$f >$$out 2>&1; then \
			echo "ok - checkpatch $$f"; \
		else \
			rc=1; echo "not ok - checkpatch $$f"; sed 's/^/# /' $$out; \
		fi; \
	done; rm -f $$out; exit $$rc

# sparse (C=2: every file, rebuilt or not). Fails on any sparse or compiler
# warning in our own sources; warnings inside kernel headers are shown only.
sparse:
	$(need_kdir)
	@mkdir -p $(BUILD)
	@command -v sparse >/dev/null || { echo "sparse missing: make deps"; exit 1; }
	@$(MAKE) $(KBUILD_ARGS) C=2 modules 2>&1 | tee $(BUILD)/sparse.out; \
	rc=$${PIPESTATUS[0]}; \
	if grep -E '(warning|error):' $(BUILD)/sparse.out | grep -E '^($(CURDIR)/)?(kernel|uapi)/' \
		>$(BUILD)/sparse.bad; then \
		echo "sparse: problems in our sources:"; cat $(BUILD)/sparse.bad; exit 1; \
	fi; exit $$rc

# Tests --------------------------------------------------------------------

unit:
	@rc=0; \
	if [ -f userspace/Makefile ]; then $(MAKE) -C userspace test || rc=1; \
	else echo "oakley: SKIP userspace unit tests: userspace/Makefile does not exist yet"; fi; \
	if [ -f selftests/codec/Makefile ]; then $(MAKE) -C selftests/codec test || rc=1; \
	else echo "oakley: SKIP codec tests: selftests/codec/Makefile does not exist yet"; fi; \
	selftests/tools/uapi_spec_check.py -q || rc=1; \
	exit $$rc

kunit:
	@if [ -x selftests/kunit/run.sh ]; then selftests/kunit/run.sh; \
	else echo "oakley: SKIP kunit: selftests/kunit/run.sh does not exist yet"; fi

# KUnit suites on a UML kernel built with KASAN (generic) + UBSAN, in its own
# cache (~/.cache/oakley/kunit-kasan; first build ~45 min on 2 busy cores, then ~10).
check-kasan:
	selftests/kunit/run.sh --kasan

# The whole VM suite on Debian's 6.1 rebuilt with KASAN + UBSAN + lockdep
# (selftests/kasan/; kernel cached in ~/.cache/oakley/kasan-vm, first build ~1 h).
# TESTS="ike_basic.sh ike_rekey.sh" runs only those.
check-kasan-vm: all
	selftests/kasan/run.sh $(TESTS)

# Codec fuzzers (selftests/codec) and the config-parser fuzzer (userspace).
# fuzz: long runs; fuzz-smoke: a short run of each, for make check.
FUZZ_SMOKE_SECONDS ?= 15
fuzz fuzz-smoke:
	@rc=0; \
	if [ -f selftests/codec/Makefile ]; then $(MAKE) -C selftests/codec $@ || rc=1; \
	else echo "oakley: SKIP codec $@: selftests/codec/Makefile does not exist yet"; fi; \
	if [ -f userspace/Makefile ]; then \
		$(MAKE) -C userspace fuzz $(if $(filter fuzz-smoke,$@),FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS)) \
			|| rc=1; \
	else echo "oakley: SKIP config fuzzer: userspace/Makefile does not exist yet"; fi; \
	exit $$rc

selftests-build: all
	$(MAKE) -C selftests all

# Build on the host, run every kselftest inside one VM boot.
snapshot_ko = mkdir -p $(BUILD)/vm/$(1) && cp kernel/oakley.ko $(BUILD)/vm/$(1)/oakley.ko

# The tests load a snapshot of oakley.ko (OAKLEY_KO), so a rebuild on the host
# while the VM runs cannot hand them a half-written module.
selftests: selftests-build
	$(need_kdir)
	$(call snapshot_ko,selftests)
	OAKLEY_KO=$(BUILD)/vm/selftests/oakley.ko \
		selftests/vm/run.sh --timeout $(VM_TIMEOUT) -- $(MAKE) -C selftests run_tests

# An interactive-ish helper: run CMD in the VM from the repository.
#   make vm CMD='ip netns add x; lsmod'
vm:
	selftests/vm/run.sh -- bash -c '$(CMD)'

# deps first, then a fresh make (so KDIR is found on a machine that had no
# headers before), then the VM.
# demo.sh copies oakley.ko and oak into build/vm/demo/ and boots the VM itself.
demo: deps
	$(MAKE) all
	selftests/demo.sh

# CHECK_STAGES="sparse unit" runs only those stages (see selftests/check.sh).
check: deps
	@selftests/check.sh $(CHECK_STAGES)

ci:
	.ci/run

# Benchmark (issue #6; not part of `make check`): one TCG VM with 2 vCPUs runs
# the DH bound, Oakley vs charon handshakes, memory, scale and config load;
# writes build/bench/results.txt, results.json, handshakes.png. Run it alone:
# another VM on the machine distorts every figure. Knobs (see
# selftests/bench/run.sh): BENCH_N BENCH_SCALE BENCH_PHASES BENCH_DH_MS ...
.PHONY: bench
bench: all
	$(need_kdir)
	BENCH_OUT=$(BUILD)/bench selftests/bench/run.sh

# Housekeeping -------------------------------------------------------------

clean:
	-$(MAKE) $(KBUILD_ARGS) clean
	-[ -f userspace/Makefile ] && $(MAKE) -C userspace clean
	-$(MAKE) -C selftests clean
	rm -rf $(BUILD)

distclean: clean
	rm -rf $(HOME)/.cache/oakley/vm

help:
	@echo "Build:   make [KDIR=...]        module + oak"
	@echo "         make install           module, oak, man page, depmod (as root)"
	@echo "         make deps              install the Debian packages (idempotent)"
	@echo "         make deb               Debian packages oakley-dkms and oak in build/deb/"
	@echo "Try it:  make demo              two gateways in a VM"
	@echo "Checks:  make check             everything below; 'N passed, N failed'"
	@echo "         make build-werror      W=1 -Werror module build + oak"
	@echo "         make sparse            module build under sparse (C=2)"
	@echo "         make checkpatch        checkpatch.pl --strict on kernel/ and uapi/"
	@echo "         make unit              userspace + codec unit tests"
	@echo "         make check-pkg         make deb, dkms build, units, man pages, completion"
	@echo "         make kunit             KUnit suites (UML)"
	@echo "         make check-kasan       KUnit suites on a KASAN + UBSAN UML kernel"
	@echo "         make check-kasan-vm    the VM suite on a KASAN + UBSAN + lockdep kernel"
	@echo "         make fuzz              codec + config fuzzers (long); fuzz-smoke: short"
	@echo "         make selftests         kselftests in one VM boot (TAP)"
	@echo "         make bench             performance vs strongSwan (one VM, run alone; build/bench/)"
	@echo "VM:      make vm CMD='...'      run a command in the test VM"
	@echo "         selftests/vm/run.sh [--timeout S] -- CMD ARGS..."
