#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [--timeout S] [TEST.sh ...]
# The VM selftests (all of TEST_PROGS, or the ones named) on a debug kernel:
# Debian's 6.1 built with KASAN + UBSAN + lockdep (selftests/kasan/kernel.sh),
# with oakley.ko built against that kernel in build/kasan/.  Any KASAN/UBSAN
# report, lockdep splat, WARN or BUG in the guest fails the run (vm/run.sh).
# First run: ~1 h for the kernel build on two cores; then minutes.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${OAKLEY_KASAN_CACHE:-$HOME/.cache/oakley/kasan-vm}
timeout=${OAKLEY_VM_TIMEOUT:-7200}
if [ "${1:-}" = --timeout ]; then
	timeout=$2
	shift 2
fi
tests=$*

rel=$("$repo/selftests/kasan/kernel.sh" | tail -n 1)
kdir=$cache/build
mod=$repo/build/kasan/mod

# A private copy of the module sources: kbuild builds next to them, and the
# tree's own objects belong to the distribution kernel.
mkdir -p "$mod"
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '*.cmd' --exclude '*.mod' \
	--exclude '*.mod.c' --exclude modules.order --exclude Module.symvers \
	"$repo/Kbuild" "$repo/kernel" "$repo/uapi" "$mod/"
make -s -C "$kdir" M="$mod" CONFIG_OAKLEY=m -j"$(nproc)" modules
make -s -C "$repo" oak selftests-build >/dev/null

cp "$mod/kernel/oakley.ko" "$repo/build/kasan/oakley.ko"
export OAKLEY_KO=$repo/build/kasan/oakley.ko OAKLEY_KVER=$rel
export KSFT_TIMEOUT=${KSFT_TIMEOUT:-1800}
# Exchanges take ~5x longer on this kernel: tests that drive rekeys by short
# lifetimes stretch them, and the windows that watch them, by this factor.
export OAKLEY_TIME_SCALE=${OAKLEY_TIME_SCALE:-3}
echo "kasan: kernel $rel, module $OAKLEY_KO"
cd "$repo"
exec selftests/vm/run.sh --kernel "$cache/bzImage" --kver "$rel" --modroot "$cache/root" \
	--timeout "$timeout" -- make -C selftests run_tests KSFT_TIMEOUT="$KSFT_TIMEOUT" \
	${tests:+TEST_PROGS="$tests"} ${tests:+TEST_GEN_PROGS=}
