#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dmesg-check.sh [--since MARK] [--match ERE] [FILE]
# Scan a kernel log (FILE, or the live `dmesg`) for signs of a kernel bug:
# BUG:, WARNING:, Oops, refcount_t, list_add/list_del corruption, UBSAN,
# KASAN, general protection fault, kernel panic, lockdep splats.
# With --since MARK only the lines after the last line containing MARK count
# (tests write MARK to /dev/kmsg before they start; see lib.sh).
# With --match ERE the lines matching ERE are the problem instead.
# Exit 0 if clean; 1 (and the offending lines with some context on stdout)
# if not; 2 on usage errors.

OAKLEY_DMESG_BAD='(^|[^A-Za-z_])BUG[: ]|WARNING:|Oops|refcount_t|list_(add|del) corruption|UBSAN|KASAN|general protection fault|Kernel panic|kernel BUG at|INFO: task .* blocked|possible circular locking|unreferenced object'

since=
while [ $# -gt 0 ]; do
	case "$1" in
	--since) since=${2:?--since needs a MARK}; shift 2 ;;
	--match) OAKLEY_DMESG_BAD=${2:?--match needs a pattern}; shift 2 ;;
	--pattern) echo "$OAKLEY_DMESG_BAD"; exit 0 ;;
	-h|--help) sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "dmesg-check: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done

if [ $# -gt 0 ]; then
	log=$(tr -d '\r' <"$1") || exit 2
else
	log=$(dmesg 2>&1) || { echo "dmesg-check: cannot read dmesg: $log" >&2; exit 2; }
fi

if [ -n "$since" ]; then
	log=$(printf '%s\n' "$log" | awk -v m="$since" 'index($0, m) { buf = ""; next }
		{ buf = buf $0 "\n" } END { printf "%s", buf }')
fi

hits=$(printf '%s\n' "$log" | grep -E -n -- "$OAKLEY_DMESG_BAD")
[ -z "$hits" ] && exit 0

echo "dmesg-check: kernel log shows a problem:"
first=$(printf '%s\n' "$hits" | head -n 1 | cut -d: -f1)
printf '%s\n' "$log" | sed -n "$((first > 5 ? first - 5 : 1)),$((first + 40))p" | sed 's/^/  | /'
n=$(printf '%s\n' "$hits" | wc -l)
[ "$n" -gt 1 ] && echo "dmesg-check: $n matching lines in all:" &&
	printf '%s\n' "$hits" | head -n 20 | sed 's/^/  ! /'
exit 1
