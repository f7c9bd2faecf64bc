#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ike.sh: what the IKE selftests (selftests/ike_*.sh) ask of Oakley and xfrm.
# Source after lib.sh; the oak binary is $OAKLEY_OAK.

# ike_setup NAME [PARAM=VALUE...]: what every ike_*.sh does first.  TMP is a
# private directory (mode 755: charon's helpers read configs there; removed
# at exit unless OAKLEY_KEEP_TMP is set), the kernel log gets a mark for
# dmesg_check, oakley.ko is loaded afresh with the module parameters given
# (and unloaded at exit), and its dynamic debug is on for ike_diag.
ike_setup()
{
	local name=$1

	shift
	TMP=$(mktemp -d "/tmp/oakley-$name.XXXXXX") || fail "mktemp -d failed"
	chmod 755 "$TMP"
	[ -n "${OAKLEY_KEEP_TMP:-}" ] || at_exit "rm -rf $TMP"
	dmesg_mark "$name $$"
	oakley_unload
	oakley_load "$@"
	at_exit oakley_unload
	mount -t debugfs none /sys/kernel/debug 2>/dev/null
	echo 'module oakley +p' >/sys/kernel/debug/dynamic_debug/control 2>/dev/null
}

# wait_for SECONDS COMMAND...: run COMMAND every 0.2 s until it succeeds
# (0) or SECONDS have passed (1)
wait_for()
{
	local end=$((SECONDS + $1))

	shift
	while :; do
		"$@" && return 0
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}

# ike_diag NS...: SAs, counters, xfrm states and policies of each namespace,
# then the kernel log's tail (for a failing test's stderr)
ike_diag()
{
	local ns

	for ns in "$@"; do
		echo "## $ns: oak show sa -j"
		nsexec "$ns" "$OAKLEY_OAK" show sa -j
		echo "## $ns: oak stats -j"
		nsexec "$ns" "$OAKLEY_OAK" stats -j
		echo "## $ns: ip xfrm state / policy"
		ip -n "$ns" -s xfrm state
		ip -n "$ns" xfrm policy
	done
	dmesg | grep -v 'ADDRCONF' | tail -n 60
}

# main_pols NS: xfrm policies other than the IKE sockets' own bypass
# ("socket in/out") ones
main_pols() { ip -n "$1" xfrm policy | grep -E '^[[:space:]]+dir '; }

# sa_state NS -> state of the first IKE SA, or "none"
sa_state()
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j |
		jq -r '[.. | objects | select(has("state") and has("spi-i"))][0].state // "none"'
}

# child_count NS -> number of Child SAs
child_count()
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j | jq '[.. | objects | select(has("spi-in"))] | length'
}

# esp_packets NS [xfrm state selector...] -> sum of the ESP states' packet counters
esp_packets()
{
	local ns=$1

	shift
	ip -n "$ns" -s xfrm state list "$@" | awk '/^[ \t]+[0-9]+\(bytes\), [0-9]+\(packets\)/ {
		sub(/\(packets\)/, "", $2); n += $2 } END { print n + 0 }'
}
