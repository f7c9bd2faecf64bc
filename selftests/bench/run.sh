#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh: `make bench` (issue #6). Builds the DH benchmark module, boots ONE
# test VM (TCG, 2 vCPUs) that runs bench.sh, and turns its output into
#	$BENCH_OUT/results.txt, results.json, handshakes.png (+ vm.log)
# BENCH_OUT defaults to build/bench.  Nothing else may run on the machine
# meanwhile (TCG has no steal time: a second VM halves every figure).
#
# Variables: BENCH_N (2000), BENCH_SCALE (auto = 100000 capped to ~10 min at
# the measured rate), BENCH_DH_MS (3000), BENCH_PHASES (all), BENCH_PERF_N (300),
# BENCH_MEM (4G), BENCH_TIMEOUT (VM limit, 5400 s), OAKLEY_KO / OAKLEY_OAK
# (the module and CLI to measure; default: the tree's).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${BENCH_OUT:-$top/build/bench}
KDIR=${KDIR:-$("$top/selftests/lib/kdir.sh")}
cache=${OAKLEY_CACHE:-$HOME/.cache/oakley}

"$here/deps.sh"
mkdir -p "$out" "$cache"
export OAKLEY_KO=${OAKLEY_KO:-$top/kernel/oakley.ko}
export OAKLEY_OAK=${OAKLEY_OAK:-$top/userspace/oak}
[ -f "$OAKLEY_KO" ] && [ -x "$OAKLEY_OAK" ] || { echo "bench: build first (make)" >&2; exit 2; }

# the DH module, built in a scratch directory (like selftests/xfrm_glue)
build=$(mktemp -d "$cache/dh_bench.XXXXXX")
trap 'rm -rf "$build"' EXIT
cp "$here/dh_bench/Kbuild" "$here/dh_bench/"*.c "$build/"
make -s -C "$KDIR" M="$build" OAK_SRC="$top" modules >"$build/build.log" 2>&1 ||
	{ cat "$build/build.log" >&2; exit 1; }
# snapshots: a rebuild on the host while the VM runs cannot hand it half a file
snap=$out/snapshot
mkdir -p "$snap"
cp "$build/oak_dh_bench.ko" "$snap/"
cp "$OAKLEY_KO" "$snap/oakley.ko"	# whatever its name was
cp "$OAKLEY_OAK" "$snap/oak"
export OAKLEY_KO=$snap/oakley.ko OAKLEY_OAK=$snap/oak OAKLEY_BENCH_DH_KO=$snap/oak_dh_bench.ko
export OAKLEY_BENCH_N=${BENCH_N:-2000} OAKLEY_BENCH_SCALE=${BENCH_SCALE:-auto}
export OAKLEY_BENCH_DH_MS=${BENCH_DH_MS:-3000} OAKLEY_BENCH_PERF_N=${BENCH_PERF_N:-300}
[ -n "${BENCH_PHASES:-}" ] && export OAKLEY_BENCH_PHASES=$BENCH_PHASES

echo "bench: N=$OAKLEY_BENCH_N SCALE=$OAKLEY_BENCH_SCALE; output in $out (started $(date -u +%T))"
t0=$(date +%s)
rc=0
(cd "$top" && "$top/selftests/vm/run.sh" --smp 2 --mem "${BENCH_MEM:-4G}" \
	--timeout "${BENCH_TIMEOUT:-5400}" -- "$here/bench.sh") 2>&1 | tee "$out/vm.log" || rc=$?
echo "bench: VM run took $(($(date +%s) - t0)) s (exit $rc)"
python3 "$here/report.py" "$out/vm.log" "$out" || rc=1
exit "$rc"
