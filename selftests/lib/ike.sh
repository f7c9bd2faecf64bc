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

# check_trunc96 WHAT OPTION NS... : with OPTION "sha256-96", each NS has at
# least two xfrm states with HMAC-SHA2-256 truncated to 96 bits (the caller's
# die reports it otherwise); any other OPTION checks nothing.
check_trunc96()
{
	local what=$1 opt=$2 ns n

	shift 2
	[ "$opt" = sha256-96 ] || return 0
	for ns in "$@"; do
		n=$(ip -n "$ns" xfrm state | grep -c 'auth-trunc hmac(sha256) 0x[0-9a-f]* 96$')
		[ "$n" -ge 2 ] || { ip -n "$ns" xfrm state >&2
			die "$what: $ns has $n states with a 96-bit HMAC-SHA2-256 ICV"; }
	done
}

# esp_packets NS [xfrm state selector...] -> sum of the ESP states' packet counters
esp_packets()
{
	local ns=$1

	shift
	ip -n "$ns" -s xfrm state list "$@" | awk '/^[ \t]+[0-9]+\(bytes\), [0-9]+\(packets\)/ {
		sub(/\(packets\)/, "", $2); n += $2 } END { print n + 0 }'
}

# Deterministic loss for the retransmission tests: NS drops every third UDP
# datagram it sends to an IKE port (nft numgen), counted.  netem's random
# loss can lose one exchange's every copy (or none at all), and the test
# with it; every third never drops two in a row, so each exchange finishes,
# and over a handshake requests, responses and retransmissions all get hit.
ike_lossy()	# NS
{
	ip netns exec "$1" nft -f - <<EOF
table inet oakloss {
	chain out {
		type filter hook output priority 0;
		udp dport { 500, 4500 } numgen inc mod 3 == 0 counter drop
	}
}
EOF
}

ike_lossy_dropped()	# NS: datagrams ike_lossy dropped so far
{
	ip netns exec "$1" nft -j list table inet oakloss |
		jq '[.nftables[] | .rule? // empty | .expr[] | .counter? // empty | .packets] | add'
}

ike_lossy_off() { ip netns exec "$1" nft delete table inet oakloss; }

# A lost ping reply explained: while a ping runs, record what can say where
# its packet went, and print it around each lost icmp_seq
# (selftests/tools/loss_witness.py).  The ping must run with -D -O.
#   witness_start DIR NS [PEER_NS]  tcpdump of ESP and IKE in NS (when tcpdump
#                                   is installed); xfrm_stat, states and
#                                   `ip xfrm monitor` of both; oak monitor
#   witness_stop                    stop the capture, xfrm_stat again
#   witness_moved NS COUNTER        how much an xfrm_stat counter grew
#   witness_report PINGFILE [PEERLOG]  the counters that moved, then the
#                                   timeline around each lost reply (with
#                                   OAKLEY_WITNESS_KEEP=DIR, the sources are
#                                   copied to a new directory in DIR)
witness_start()
{
	local ns
	WITNESS_DIR=$1
	WITNESS_NS="$2 ${3:-}"
	WITNESS_PID=
	for ns in $WITNESS_NS; do
		ip netns exec "$ns" cat /proc/net/xfrm_stat >"$WITNESS_DIR/xfrm_stat.$ns.0"
		ip -n "$ns" -s xfrm state >"$WITNESS_DIR/states.$ns"
		ip -tshort -n "$ns" xfrm monitor >"$WITNESS_DIR/xmon.$ns" 2>/dev/null &
		WITNESS_PID="$WITNESS_PID $!"
	done
	ip netns exec "$2" "$OAKLEY_OAK" monitor -j >"$WITNESS_DIR/events.json" 2>/dev/null &
	WITNESS_PID="$WITNESS_PID $!"
	command -v tcpdump >/dev/null || return 0
	ip netns exec "$2" tcpdump -i any -n -tt -l -U \
		'esp or udp port 500 or udp port 4500' >"$WITNESS_DIR/wire" 2>/dev/null &
	WITNESS_PID="$WITNESS_PID $!"
}

witness_stop()
{
	local ns
	if [ -n "${WITNESS_PID:-}" ]; then
		sleep 0.2
		kill $WITNESS_PID 2>/dev/null
		wait $WITNESS_PID 2>/dev/null
		WITNESS_PID=
	fi
	for ns in ${WITNESS_NS:-}; do
		ip netns exec "$ns" cat /proc/net/xfrm_stat >"$WITNESS_DIR/xfrm_stat.$ns.1" 2>/dev/null
	done
}

# witness_moved NS COUNTER: how much /proc/net/xfrm_stat's COUNTER grew in NS
# between witness_start and witness_stop
witness_moved()
{
	awk -v c="$2" '$1 == c { v[FILENAME == ARGV[1]] = $2 } END { print v[0] - v[1] }' \
		"$WITNESS_DIR/xfrm_stat.$1.0" "$WITNESS_DIR/xfrm_stat.$1.1"
}

witness_report()	# PINGFILE [PEERLOG]
{
	local ns
	for ns in ${WITNESS_NS:-}; do
		[ -f "$WITNESS_DIR/xfrm_stat.$ns.1" ] || continue
		awk -v ns="$ns" 'NR == FNR { n[$1] = $2; next }
			$2 != n[$1] { print "witness: " ns ": " $1 " +" $2 - n[$1] }' \
			"$WITNESS_DIR/xfrm_stat.$ns.0" "$WITNESS_DIR/xfrm_stat.$ns.1"
	done
	dmesg --time-format iso >"$WITNESS_DIR/klog" 2>/dev/null
	jq -rc '"\(."time-ns" / 1e9) \(del(."time-ns"))"' "$WITNESS_DIR/events.json" \
		>"$WITNESS_DIR/events" 2>/dev/null
	python3 "$(dirname "${BASH_SOURCE[0]}")/../tools/loss_witness.py" --ping "$1" \
		--wire "$WITNESS_DIR/wire" --klog "$WITNESS_DIR/klog" ${2:+--peerlog "$2"} \
		--label "event=$WITNESS_DIR/events" $(for ns in ${WITNESS_NS:-}; do
			echo "--label xfrm:$ns=$WITNESS_DIR/xmon.$ns"; done)
	# OAKLEY_WITNESS_KEEP=DIR (e.g. the VM's result share): keep the sources
	[ -n "${OAKLEY_WITNESS_KEEP:-}" ] || return 0
	local keep
	keep=$(mktemp -d "$OAKLEY_WITNESS_KEEP/loss.XXXXXX") &&
		cp "$1" "$WITNESS_DIR"/wire "$WITNESS_DIR"/klog "$WITNESS_DIR"/events \
			"$WITNESS_DIR"/xfrm_stat.* "$WITNESS_DIR"/states.* "$WITNESS_DIR"/xmon.* \
			${2:+"$2"} "$keep/" 2>/dev/null
}
