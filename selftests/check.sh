#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: run every check stage (what `make check` does), keep going when a
# stage fails, and end with the line "N passed, N failed".
#
#   selftests/check.sh [STAGE...]    default: $OAKLEY_CHECK_STAGES, else all
#                                    stages, in this order:
#     build       module with W=1 -Werror, userspace/oak with WERROR=1
#     sparse      module build with C=2
#     checkpatch  checkpatch.pl --strict on kernel/ and uapi/ (one test per file)
#     unit        userspace + codec unit tests
#     package     make deb from a clean tree, package metadata, dkms build,
#                 systemd-analyze verify, man pages, bash completion
#     kunit       KUnit suites on UML (selftests/kunit/run.sh)
#     fuzz-smoke  short fuzzer run over the codec
#     selftests   kselftests in one VM boot
#
# Counting: `ok`/`not ok` lines (indented ones too: KTAP) in a stage's output
# are tests, leaves only (a KTAP suite's or parameterised test's own line
# summarises the results above it); "# SKIP" ones are skipped, not passed. A stage that prints no such line counts as one test,
# passed or failed by its exit status. A stage that fails without a `not ok`
# line counts one failure more (e.g. a clean TAP run but a kernel oops in the
# VM). The VM runner's verdicts (run.sh: KERNEL PROBLEM / VM DIED / VM TIMED
# OUT) count one failure each. Stages that skip themselves (tool not there yet) count as skipped.
# Logs: build/check/STAGE.log ($OAKLEY_CHECK_DIR); a failing stage's tail is
# printed. Exit status: 0 only if nothing failed.

set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 2
logdir=${OAKLEY_CHECK_DIR:-$repo/build/check}
mkdir -p "$logdir"

all_stages="build sparse checkpatch unit package kunit fuzz-smoke selftests"
stages=${*:-${OAKLEY_CHECK_STAGES:-$all_stages}}

declare -A target=(
	[build]=build-werror [sparse]=sparse [checkpatch]=checkpatch [unit]=unit [package]=check-pkg
	[kunit]=kunit [fuzz-smoke]=fuzz-smoke [selftests]=selftests
)

total_pass=0
total_fail=0
total_skip=0

# count LOG: print "pass fail skip" of the TAP/KTAP results in LOG. Only
# leaves count: a result line with deeper-indented results just before it
# (a KTAP suite, a parameterised test) summarises them and is not counted.
count()
{
	grep -E '^ *(not )?ok( |$)' "$1" | awk '
		{
			match($0, /^ */)
			d = RLENGTH
			parent = seen[d]
			seen[d] = 0
			for (k = 0; k < d; k++)
				seen[k] = 1
			if (parent)
				next
			if ($0 ~ /# *[Ss][Kk][Ii][Pp]/)
				s++
			else if ($0 ~ /^ *not ok/)
				f++
			else
				p++
		}
		END { printf "%d %d %d\n", p, f, s }'
}

run_stage()
{
	local st=$1 t=${target[$1]:-} log=$logdir/$1.log rc start secs
	local p f s nskip vmbad note=
	if [ -z "$t" ]; then
		echo "check: unknown stage '$st' (stages: $all_stages)" >&2
		total_fail=$((total_fail + 1))
		return
	fi
	printf '%-11s ' "$st"
	start=$SECONDS
	make --no-print-directory "$t" </dev/null >"$log" 2>&1
	rc=$?
	secs=$((SECONDS - start))
	read -r p f s < <(count "$log")
	nskip=$(grep -c '^oakley: SKIP' "$log")
	if [ "$nskip" -gt 0 ]; then
		s=$((s + nskip))
		note=" ($(grep '^oakley: SKIP' "$log" | sed 's/^oakley: SKIP //' | paste -sd';'))"
	fi
	# The VM runner's own verdicts (kernel oops/WARN, crash, hang) count
	# as a failed test each, whatever the TAP said.
	vmbad=$(grep -Ec '^run.sh: (KERNEL PROBLEM|VM DIED|VM TIMED OUT)' "$log")
	if [ "$vmbad" -gt 0 ]; then
		f=$((f + vmbad))
		note+=" ($(grep -E '^run.sh: (KERNEL PROBLEM|VM DIED|VM TIMED OUT)' "$log" |
			paste -sd';'))"
	fi
	if [ $((p + f + s)) -eq 0 ]; then
		if [ "$rc" -eq 0 ]; then
			p=1
		else
			f=1
		fi
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		note=" (exit status $rc with no failed test: see the log)"
	fi
	if [ "$f" -gt 0 ]; then
		echo "FAIL  $p passed, $f failed, $s skipped (${secs}s)$note"
		echo "---- tail of $log ----"
		tail -n 40 "$log" | sed 's/^/  | /'
		echo "----"
		# CI shows only the end of our output: name what failed there.
		failed_lines+=$(grep -E '^ *not ok|^run.sh: (KERNEL PROBLEM|VM DIED|VM TIMED OUT)|: FAIL' "$log" |
			head -n 20 | sed "s/^ */  $st: /")$'\n'
	else
		echo "ok    $p passed, $f failed, $s skipped (${secs}s)$note"
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
}

failed_lines=
echo "check: KDIR=${KDIR:-$(selftests/lib/kdir.sh 2>&1)}"
echo "check: stages: $stages (logs in $logdir)"
for st in $stages; do
	run_stage "$st"
done
if [ -n "$failed_lines" ]; then
	echo "failed tests (each stage's log is in $logdir):"
	printf '%s' "$failed_lines" | grep -v '^$'
fi
echo "$total_skip skipped"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
