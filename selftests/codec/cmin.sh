#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cmin.sh FUZZER OUTDIR "SEED_DIRS" NEW_DIR...
# Corpus minimisation with libFuzzer's -merge=1: the inputs of NEW_DIRs that
# add coverage to what the SEED_DIRS already reach are copied to OUTDIR,
# keeping their names (libFuzzer names merged files by content hash).
set -eu
fuzzer=$1 out=$2 seeds=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/m" "$out"
for d in $seeds; do
	[ -d "$d" ] && cp "$d"/* "$tmp/m/" 2>/dev/null || true
done
before=$(ls "$tmp/m" | wc -l)
"$fuzzer" -merge=1 -max_len=65536 "$tmp/m" "$@" > "$tmp/log" 2>&1 ||
	{ tail -n 20 "$tmp/log" >&2; exit 1; }
# libFuzzer names what it adds by SHA-1: map them back to the source files
n=0
for d in "$@"; do
	for f in "$d"/*; do
		[ -f "$f" ] || continue
		h=$(sha1sum < "$f" | cut -c1-40)
		if [ -f "$tmp/m/$h" ]; then
			cp "$f" "$out/"
			rm -f "$tmp/m/$h"
			n=$((n + 1))
		fi
	done
done
echo "cmin.sh: $n new inputs add coverage: copied to $out (over $before seeds)"
