#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IKEv1 failure paths (issue 15), Oakley <-> strongSwan (charon, `version =
# 1`) and Oakley <-> Oakley:
#  - no common proposal, Oakley initiating and responding: the responder
#    answers NO-PROPOSAL-CHOSEN (Oakley counts `no-proposal`), the initiator
#    fails at once (Oakley counts `no-proposal` too and reports an "error"
#    event with notify 14), no ISAKMP SA and no xfrm state on either side;
#  - identity mismatch (the peer's ID is not the configured remote-id), on
#    the responder and on the initiator: INVALID-ID-INFORMATION (18)
#    reported by the side that refuses, nothing installed on either side; an
#    initiator that refuses sends a Delete, so the responder (charon or
#    Oakley), which completed Main Mode, keeps no ISAKMP SA either; a
#    responder that refuses sends INVALID-ID-INFORMATION protected in Main
#    Mode message 6's place (RFC 2408 §5.4), and the initiator (charon or
#    Oakley) fails within seconds instead of retransmitting message 5; charon
#    refusing Oakley's ID likewise ends Oakley's exchange at once;
#  - Aggressive Mode, Oakley <-> Oakley: no common proposal and identity
#    mismatch at the responder are answered in the clear (NO-PROPOSAL-CHOSEN,
#    INVALID-ID-INFORMATION) and the initiator fails within seconds;
#  - every third IKE datagram lost each way (nft, lib/ike.sh), Oakley <->
#    Oakley: Main Mode and Quick Mode complete through retransmissions, then
#    a ping passes;
#  - a flood of Main Mode message 1 from 40 sources: B keeps at most
#    half-open-max half-open SAs and charges each exactly its message plus
#    8 KiB (half-open-bytes); with a per-source rate, each source gets about
#    one message through and a legitimate peer is still served;
#  - a silent peer (its only connection is for another peer, so nothing
#    answers; configs/other_peer.conf): the
#    initiator retransmits Main Mode message 1 six times (after 1, 2, 4, 8,
#    8 and 8 s: kernel/ikev1/ikev1.h V1_RTX_*) and gives up 8 s after the
#    last one, about 39 s after `oak up`; the failure is counted
#    (`ike-failed`) and reported, no SA and no xfrm state are left.
# Every check polls with a deadline (wait_for); none relies on a sleep.
# About 3-4 minutes under TCG, most of it the silent peer's 39 s and the
# loss rounds.
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/ikev1_negative.sh

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/charon.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq modprobe nft swanctl unshare

PSK="ikev1_negative selftest secret 0123456789"
O=oak-v1n-o
S=oak-v1n-s
A=oak-v1n-a
B=oak-v1n-b
# an initiator refused by a notify fails within this many seconds (TCG on a
# busy host included); unanswered, it would retransmit for about 39 s
QUICK=${IKEV1_NEG_QUICK:-20}
# what the two sides of a "no common proposal" case offer
IKE_OAK=aes256-sha256-modp2048
IKE_OTHER=aes128-sha1-modp1024

ike_setup ikev1_negative

stat_of() { nsexec "$1" "$OAKLEY_OAK" stats -j | jq -r ".\"$2\" // 0"; }

# oak monitor -j of NS into $TMP/mon-NS (ip netns exec execs oak: $! is it)
declare -A MON_PID
monitor_start()	# NS
{
	: >"$TMP/mon-$1"
	ip netns exec "$1" "$OAKLEY_OAK" monitor -j >>"$TMP/mon-$1" 2>&1 &
	MON_PID[$1]=$!
	at_exit "kill $!"
}

# before its namespace goes: nothing may keep it alive
monitor_stop()	# NS
{
	kill "${MON_PID[$1]}" 2>/dev/null
	wait "${MON_PID[$1]}" 2>/dev/null
}

monitor_has()	# NS JQ-CONDITION: an event of oak monitor -j matches (10 s)
{
	local end=$((SECONDS + 10))
	while :; do
		jq -e "select($2)" "$TMP/mon-$1" 2>/dev/null | grep -q . && return 0
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}

reset_monitors() { local ns; for ns in "$@"; do : >"$TMP/mon-$ns"; done; }

no_sa() { [ "$(sa_state "$1")" = none ]; }
no_xfrm() { local ns; for ns in "$@"; do [ -z "$(ip -n "$ns" xfrm state)" ] || return 1; done; }

oak_conf()	# FILE LOCAL REMOTE IKE LTS RTS [EXTRA_CONN_LINE]
{
	cat >"$1" <<EOF
[secret psk]
psk = "$PSK"

[connection oak]
version = 1
local = $2
remote = $3
secret = psk
ike = $4
${7:-}

[child net]
local-ts = $5
remote-ts = $6
esp = aes128-sha256
EOF
}

# ======== Oakley <-> strongSwan ========

netns_add "$O" "$S"
veth_pair "$O" veth-o 10.99.0.1/24 "$S" veth-s 10.99.0.2/24
ip -n "$O" addr add 10.1.0.1/24 dev lo
ip -n "$S" addr add 10.2.0.1/24 dev lo
ip -n "$O" route add 10.2.0.0/24 via 10.99.0.2 src 10.1.0.1
ip -n "$S" route add 10.1.0.0/24 via 10.99.0.1 src 10.2.0.1
# charon's own budget for an unanswered message: about 41 s (5 tries), so
# that an initiator failing within $QUICK s can only have taken a notify
CHARON_RETRANSMIT_TRIES=5 charon_start "$S" "$TMP"
monitor_start "$O"

diag()
{
	ike_diag "$@"
	local ns
	for ns in "$@"; do
		[ -f "$TMP/mon-$ns" ] || continue
		echo "## $ns: tail of oak monitor -j"
		tail -n 10 "$TMP/mon-$ns"
	done
	if [ -n "${CHARON_PID:-}" ]; then
		echo "## swanctl --list-sas"; swan --list-sas
		echo "## xfrm ($S)"; ip -n "$S" -s xfrm state
		echo "## charon.log (tail)"; swan_log_tail 60
	fi
}

die()
{
	local ns live=

	for ns in "$O" "$A" "$B"; do
		ip netns list | grep -qw "^$ns" && live="$live $ns"
	done
	# shellcheck disable=SC2086 # a list of words
	diag $live >&2
	fail "$*"
}

swan_installed() { swan --list-sas 2>/dev/null | grep -q 'INSTALLED'; }
# seconds from charon's last IKE SA going CONNECTING to its DESTROYING, by its log
swan_took()
{
	swan_log_tail 400 | awk '/state change: CREATED => CONNECTING/ { t0 = $1 }
		/state change: CONNECTING => DESTROYING/ { t1 = $1 }
		END { if (t0 && t1 >= t0) printf "%d\n", t1 - t0 + 0.999; else print 999 }'
}
swan_gone() { ! swan --list-sas 2>/dev/null | grep -q '^oak:'; }
swan_established() { swan --list-sas 2>/dev/null | grep -q 'ESTABLISHED'; }

load_swan()	# PROPOSALS REMOTE_ID
{
	cat >"$TMP/swanctl.conf" <<EOF
connections {
	oak {
		version = 1
		local_addrs = 10.99.0.2
		remote_addrs = 10.99.0.1
		proposals = $1
		local {
			auth = psk
			id = 10.99.0.2
		}
		remote {
			auth = psk
			id = $2
		}
		children {
			net {
				local_ts = 10.2.0.0/24
				remote_ts = 10.1.0.0/24
				esp_proposals = aes128-sha256
				mode = tunnel
			}
		}
	}
}
secrets {
	ike-oak {
		id-1 = 10.99.0.1
		id-2 = 10.99.0.2
		secret = "$PSK"
	}
}
EOF
	swan --load-all --file "$TMP/swanctl.conf" >"$TMP/swan-load" 2>&1 ||
		{ cat "$TMP/swan-load" >&2; die "swanctl --load-all failed"; }
}

load_oak_o()	# IKE [EXTRA_CONN_LINE]
{
	oak_conf "$TMP/o.conf" 10.99.0.1 10.99.0.2 "$1" 10.1.0.0/24 10.2.0.0/24 "${2:-}"
	nsexec "$O" "$OAKLEY_OAK" load "$TMP/o.conf" || die "oak load in $O"
}

# nothing negotiated survives: no Oakley SA, no xfrm state on either side,
# charon has no IPsec SA (charon's own half-open SA, when it initiated,
# lasts until its retransmissions end: swanctl --terminate takes it)
swan_case_clean()	# WHAT
{
	wait_for 20 no_sa "$O" || die "$1: Oakley kept an SA ($(sa_state "$O"))"
	wait_for 10 no_xfrm "$O" "$S" || die "$1: xfrm states left"
	swan_installed && die "$1: charon installed an IPsec SA"
	[ "$(stat_of "$O" ike-sas)" = 0 ] || die "$1: Oakley's ike-sas gauge is not 0"
	swan --terminate --ike oak --timeout 5 >/dev/null 2>&1
	return 0
}

# ---- no common proposal, Oakley initiates: charon answers NO-PROPOSAL-CHOSEN ----
what="no common proposal, Oakley initiates (charon responds)"
load_oak_o "$IKE_OAK"
load_swan "$IKE_OTHER" 10.99.0.1
reset_monitors "$O"
np=$(stat_of "$O" no-proposal)
t0=$SECONDS
nsexec "$O" "$OAKLEY_OAK" up oak || die "$what: oak up failed"
# the notify ends it at once, long before the 39 s retransmission budget
wait_for 20 no_sa "$O" || die "$what: Oakley's ISAKMP SA did not fail"
took=$((SECONDS - t0))
[ "$took" -le "$QUICK" ] || die "$what: Oakley failed only after $took s"
[ "$(stat_of "$O" no-proposal)" -gt "$np" ] || die "$what: Oakley did not count no-proposal"
monitor_has "$O" '.event == "error" and .notify == 14' ||
	die "$what: no error event with NO-PROPOSAL-CHOSEN (14) in $O"
swan_established && die "$what: charon has an ISAKMP SA"
wait_for 10 swan_gone || die "$what: charon kept its responder SA"
swan_case_clean "$what"
log "$what: NO-PROPOSAL-CHOSEN taken after $took s, counted and reported, nothing installed"

# ---- no common proposal, charon initiates: Oakley answers NO-PROPOSAL-CHOSEN ----
what="no common proposal, charon initiates (Oakley responds)"
reset_monitors "$O"
np=$(stat_of "$O" no-proposal)
swan --initiate --child net --timeout 15 >"$TMP/swan-init" 2>&1 &&
	{ cat "$TMP/swan-init" >&2; die "$what: charon got an SA"; }
[ "$(stat_of "$O" no-proposal)" -gt "$np" ] || die "$what: Oakley did not count no-proposal"
[ "$(sa_state "$O")" = none ] || die "$what: Oakley made an SA"
swan_established && die "$what: charon has an ISAKMP SA"
swan_case_clean "$what"
log "$what: refused with NO-PROPOSAL-CHOSEN, counted, nothing installed"

# ---- identity mismatch, Oakley initiates: charon's ID is not the remote-id ----
what="identity mismatch, Oakley initiates (Oakley refuses charon's ID)"
load_oak_o "$IKE_OAK" "remote-id = @not-charon.example"
load_swan "$IKE_OAK" 10.99.0.1
reset_monitors "$O"
nsexec "$O" "$OAKLEY_OAK" up oak || die "$what: oak up failed"
monitor_has "$O" '.event == "error" and .notify == 18' ||
	die "$what: no error event with INVALID-ID-INFORMATION (18) in $O"
# charon completed Main Mode with its message 6: Oakley's Delete ends it
wait_for 10 swan_gone || die "$what: charon kept its ISAKMP SA (no Delete from Oakley?)"
swan_case_clean "$what"
log "$what: refused (INVALID-ID-INFORMATION), charon's ISAKMP SA deleted, nothing installed"

# ---- identity mismatch, charon initiates: Oakley expects another ID ----
what="identity mismatch, charon initiates (Oakley refuses charon's ID)"
reset_monitors "$O"
failed=$(stat_of "$O" ike-failed)
swan --initiate --child net --timeout 60 >"$TMP/swan-init" 2>&1 &&
	{ cat "$TMP/swan-init" >&2; die "$what: charon got an SA"; }
took=$(swan_took)
monitor_has "$O" '.event == "error" and .notify == 18' ||
	die "$what: no error event with INVALID-ID-INFORMATION (18) in $O"
[ "$(stat_of "$O" ike-failed)" -gt "$failed" ] || die "$what: Oakley did not count ike-failed"
# charon took Oakley's protected notify in message 6's place (RFC 2408 §5.4)
# and gave up at once, not after its ~41 s of retransmissions of message 5
# (timed by charon's own log: swanctl alone can take seconds on a busy host)
grep -q 'received INVALID_ID_INFORMATION' <<<"$(swan_log_tail 400)" ||
	die "$what: charon did not receive INVALID_ID_INFORMATION"
[ "$took" -le "$QUICK" ] || die "$what: charon failed only after $took s"
swan_case_clean "$what"
log "$what: refused (INVALID-ID-INFORMATION, charon failed after $took s), nothing installed"

# ---- identity mismatch, Oakley initiates: charon expects another ID ----
what="identity mismatch, Oakley initiates (charon refuses Oakley's ID)"
load_oak_o "$IKE_OAK"
load_swan "$IKE_OAK" @not-oakley.example
reset_monitors "$O"
failed=$(stat_of "$O" ike-failed)
t0=$SECONDS
nsexec "$O" "$OAKLEY_OAK" up oak || die "$what: oak up failed"
wait_for 30 no_sa "$O" || die "$what: Oakley's ISAKMP SA did not fail"
took=$((SECONDS - t0))
monitor_has "$O" '.event == "error" and .notify > 0' ||
	die "$what: no error event with charon's notify in $O"
[ "$(stat_of "$O" ike-failed)" -gt "$failed" ] || die "$what: Oakley did not count ike-failed"
[ "$took" -le "$QUICK" ] || die "$what: Oakley failed only after $took s"
swan_case_clean "$what"
log "$what: charon's notify $(jq -r 'select(.event == "error") | .notify' "$TMP/mon-$O" | tail -n 1) ended it after $took s, nothing installed"

charon_stop
monitor_stop "$O"
ip netns del "$O"
ip netns del "$S"

# ======== Oakley <-> Oakley ========

netns_add "$A" "$B"
veth_pair "$A" veth-a 10.98.0.1/24 "$B" veth-b 10.98.0.2/24
ip -n "$A" addr add 10.3.0.1/24 dev lo
ip -n "$B" addr add 10.4.0.1/24 dev lo
ip -n "$A" route add 10.4.0.0/24 via 10.98.0.2 src 10.3.0.1
ip -n "$B" route add 10.3.0.0/24 via 10.98.0.1 src 10.4.0.1
monitor_start "$A"
monitor_start "$B"

load_ab()	# IKE_A IKE_B [EXTRA_A] [EXTRA_B]
{
	oak_conf "$TMP/a.conf" 10.98.0.1 10.98.0.2 "$1" 10.3.0.0/24 10.4.0.0/24 "${3:-}"
	oak_conf "$TMP/b.conf" 10.98.0.2 10.98.0.1 "$2" 10.4.0.0/24 10.3.0.0/24 "${4:-}"
	nsexec "$A" "$OAKLEY_OAK" load "$TMP/a.conf" || die "oak load in $A"
	nsexec "$B" "$OAKLEY_OAK" load "$TMP/b.conf" || die "oak load in $B"
}

ab_none() { no_sa "$A" && no_sa "$B"; }
ab_up() { [ "$(sa_state "$A")" = established ] && [ "$(sa_state "$B")" = established ] &&
	  [ "$(child_count "$A")" = 1 ] && [ "$(child_count "$B")" = 1 ]; }

ab_clean()	# WHAT
{
	wait_for 20 ab_none || die "$1: an ISAKMP SA is left ($A $(sa_state "$A"), $B $(sa_state "$B"))"
	wait_for 10 no_xfrm "$A" "$B" || die "$1: xfrm states left"
	[ -z "$(main_pols "$A")$(main_pols "$B")" ] || die "$1: xfrm policies left"
	[ "$(stat_of "$A" ike-sas)" = 0 ] && [ "$(stat_of "$B" ike-sas)" = 0 ] ||
		die "$1: ike-sas gauge not 0"
}

# ---- no common proposal, each side initiating ----
for ini in "$A" "$B"; do
	res=$B
	[ "$ini" = "$B" ] && res=$A
	what="Oakley <-> Oakley: no common proposal, $ini initiates"
	load_ab "$IKE_OAK" "$IKE_OTHER"
	reset_monitors "$A" "$B"
	np_i=$(stat_of "$ini" no-proposal)
	np_r=$(stat_of "$res" no-proposal)
	nsexec "$ini" "$OAKLEY_OAK" up oak || die "$what: oak up failed"
	wait_for 20 no_sa "$ini" || die "$what: the initiator's ISAKMP SA did not fail"
	[ "$(stat_of "$res" no-proposal)" -gt "$np_r" ] || die "$what: the responder did not count it"
	[ "$(stat_of "$ini" no-proposal)" -gt "$np_i" ] || die "$what: the initiator did not count it"
	monitor_has "$ini" '.event == "error" and .notify == 14' ||
		die "$what: no NO-PROPOSAL-CHOSEN event in $ini"
	ab_clean "$what"
	log "$what: NO-PROPOSAL-CHOSEN on both sides, nothing installed"
done

# ---- identity mismatch: B (responder) expects another ID ----
# (Main Mode: B's notify goes protected in message 6's place; Aggressive
# Mode: in the clear, answering message 1; A fails within seconds)
for mode in main aggressive; do
	what="Oakley <-> Oakley: $mode mode, identity mismatch at the responder"
	load_ab "$IKE_OAK" "$IKE_OAK" "exchange = $mode" \
		"exchange = $mode
remote-id = @not-a.example"
	reset_monitors "$A" "$B"
	failed=$(stat_of "$B" ike-failed)
	failed_a=$(stat_of "$A" ike-failed)
	t0=$SECONDS
	nsexec "$A" "$OAKLEY_OAK" up oak || die "$what: oak up failed"
	monitor_has "$B" '.event == "error" and .notify == 18' ||
		die "$what: $B reported no INVALID-ID-INFORMATION (18)"
	[ "$(stat_of "$B" ike-failed)" -gt "$failed" ] || die "$what: $B did not count ike-failed"
	wait_for 10 no_sa "$B" || die "$what: $B kept the ISAKMP SA"
	# A takes B's notify: it fails at once, not after its 39 s budget
	wait_for 20 no_sa "$A" || die "$what: $A kept its ISAKMP SA"
	took=$((SECONDS - t0))
	[ "$took" -le "$QUICK" ] || die "$what: $A failed only after $took s"
	monitor_has "$A" '.event == "error" and .notify == 18' ||
		die "$what: $A reported no INVALID-ID-INFORMATION (18) from $B"
	[ "$(stat_of "$A" ike-failed)" -gt "$failed_a" ] || die "$what: $A did not count ike-failed"
	ab_clean "$what"
	log "$what: refused (INVALID-ID-INFORMATION), $A failed after $took s, nothing installed"
done

# ---- Aggressive Mode, no common proposal: plain NO-PROPOSAL-CHOSEN ----
what="Oakley <-> Oakley: aggressive mode, no common proposal"
load_ab "$IKE_OAK" "$IKE_OTHER" "exchange = aggressive" "exchange = aggressive"
reset_monitors "$A" "$B"
np_i=$(stat_of "$A" no-proposal)
np_r=$(stat_of "$B" no-proposal)
t0=$SECONDS
nsexec "$A" "$OAKLEY_OAK" up oak || die "$what: oak up failed"
wait_for 20 no_sa "$A" || die "$what: the initiator's ISAKMP SA did not fail"
took=$((SECONDS - t0))
[ "$took" -le "$QUICK" ] || die "$what: $A failed only after $took s"
[ "$(stat_of "$B" no-proposal)" -gt "$np_r" ] || die "$what: the responder did not count it"
[ "$(stat_of "$A" no-proposal)" -gt "$np_i" ] || die "$what: the initiator did not count it"
monitor_has "$A" '.event == "error" and .notify == 14' ||
	die "$what: no NO-PROPOSAL-CHOSEN event in $A"
ab_clean "$what"
log "$what: NO-PROPOSAL-CHOSEN in the clear, $A failed after $took s, nothing installed"

# ---- identity mismatch: A (initiator) expects another ID ----
what="Oakley <-> Oakley: identity mismatch at the initiator"
load_ab "$IKE_OAK" "$IKE_OAK" "remote-id = @not-b.example" ""
reset_monitors "$A" "$B"
failed=$(stat_of "$A" ike-failed)
nsexec "$A" "$OAKLEY_OAK" up oak || die "$what: oak up failed"
monitor_has "$A" '.event == "error" and .notify == 18' ||
	die "$what: $A reported no INVALID-ID-INFORMATION (18)"
[ "$(stat_of "$A" ike-failed)" -gt "$failed" ] || die "$what: $A did not count ike-failed"
# B completed Main Mode before A checked its ID: A's Delete takes it down
ab_clean "$what"
log "$what: refused (INVALID-ID-INFORMATION), the responder's ISAKMP SA deleted, nothing installed"

# ---- every third IKE datagram lost each way: retransmissions carry Main Mode and Quick Mode ----
# (deterministic, lib/ike.sh: with a random 30 % one handshake in ~25 lost
# nothing at all, and then the retransmission check failed)
what="Oakley <-> Oakley: every third datagram lost"
load_ab "$IKE_OAK" "$IKE_OAK"
ike_lossy "$A" || die "nft: cannot add the loss rule in $A"
ike_lossy "$B" || die "nft: cannot add the loss rule in $B"
rtx0=$(($(stat_of "$A" retransmits) + $(stat_of "$B" retransmits)))
nsexec "$A" "$OAKLEY_OAK" up oak || die "$what: oak up failed"
wait_for 90 ab_up || die "$what: no SAs"
rtx=$(($(stat_of "$A" retransmits) + $(stat_of "$B" retransmits) - rtx0))
drop_a=$(ike_lossy_dropped "$A")
drop_b=$(ike_lossy_dropped "$B")
ike_lossy_off "$A"
ike_lossy_off "$B"
[ "$drop_a" -ge 1 ] && [ "$drop_b" -ge 1 ] || die "$what: the loss rules dropped nothing ($drop_a, $drop_b)"
[ "$rtx" -ge 1 ] || die "$what: $drop_a + $drop_b datagrams lost but no retransmission"
before=$(esp_packets "$A")
nsexec "$A" ping -c 3 -i 0.3 -W 3 -I 10.3.0.1 10.4.0.1 >"$TMP/ping" 2>&1 ||
	{ cat "$TMP/ping" >&2; die "$what: ping through the tunnel failed"; }
[ "$(esp_packets "$A")" -ge $((before + 6)) ] || die "$what: the ping did not go through ESP"
nsexec "$A" "$OAKLEY_OAK" down oak || die "$what: oak down failed"
ab_clean "$what"
log "$what: Main Mode + Quick Mode completed ($drop_a + $drop_b dropped, $rtx retransmissions), ping passed"

# ---- silent peer: B has no connection for A; A retransmits, then gives up ----
what="Oakley: silent peer"
load_ab "$IKE_OAK" "$IKE_OAK"
nsexec "$B" "$OAKLEY_OAK" load "$(dirname "${BASH_SOURCE[0]}")/configs/other_peer.conf" ||
	die "$what: oak load other_peer.conf in $B"
reset_monitors "$A" "$B"
rtx0=$(stat_of "$A" retransmits)
failed0=$(stat_of "$A" ike-failed)
nosa0=$(stat_of "$B" rx-drop-no-sa)
t0=$SECONDS
nsexec "$A" "$OAKLEY_OAK" up oak || die "$what: oak up failed"
a_connecting() { [ "$(sa_state "$A")" = connecting ]; }
wait_for 5 a_connecting || die "$what: no SA while retransmitting"
# the budget is about 39 s: give it 75
wait_for 75 no_sa "$A" || die "$what: $A never gave up"
took=$((SECONDS - t0))
[ "$took" -ge 30 ] || die "$what: $A gave up after $took s, before its retransmissions were spent"
[ "$(stat_of "$A" retransmits)" -ge $((rtx0 + 6)) ] ||
	die "$what: $(($(stat_of "$A" retransmits) - rtx0)) retransmissions, 6 expected"
[ "$(stat_of "$A" ike-failed)" -gt "$failed0" ] || die "$what: ike-failed did not move"
monitor_has "$A" '.event == "error" and ((.message // "") | test("answer"))' ||
	die "$what: no error event for the unanswered peer in $A"
[ "$(stat_of "$B" rx-drop-no-sa)" -ge $((nosa0 + 7)) ] ||
	die "$what: $B did not count the 7 unmatched copies as rx-drop-no-sa"
ab_clean "$what"
log "$what: 6 retransmissions, gave up after $took s, counted and reported"

# ---- a flood of Main Mode message 1 (the limits of core/dos.h) ----
# B answers anyone (remote = %any): every message 1 of the flood would make
# a half-open responder SA.  40 sources (addresses of A's) send 10 each.
#  1. half-open-max 25, no per-source limit: B's half-open SAs stop at 25,
#     the rest is dropped (rx-drop-half-open) and the 25 hold exactly
#     25 x (message 1 + 8 KiB) of half-open-bytes;
#  2. then init-rate 1/s, burst 1, from 4 half-open SAs on (it has 25): the
#     same 40 sources get about one message each through, the rest is
#     dropped (rx-drop-ratelimit), and A from its own address still gets its
#     ISAKMP SA and IPsec SA.
FLOOD1="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tools/ikev1_flood.py"
what="Oakley: Main Mode message 1 flood"
for i in $(seq 100 139); do
	ip -n "$A" addr add "10.98.0.$i/32" dev veth-a || die "$what: address 10.98.0.$i"
done
b_flood_conf()	# LIMIT-LINE...
{
	oak_conf "$TMP/bf.conf" 10.98.0.2 %any "$IKE_OAK" 10.4.0.0/24 10.3.0.0/24
	printf '\n[limits]\n' >>"$TMP/bf.conf"
	printf '%s\n' "$@" >>"$TMP/bf.conf"
	nsexec "$B" "$OAKLEY_OAK" load "$TMP/bf.conf" || die "$what: oak load in $B"
}
flood1()	# OUT-FILE
{
	nsexec "$A" python3 "$FLOOD1" --dst 10.98.0.2 --src-range 10.98.0.100-139 \
		--count 10 --linger 0.5 >"$1" || die "$what: ikev1_flood.py failed"
	log "$what: $(cat "$1")"
}
PEAK=0
# B has taken the flood: the drops stop growing; the half-open gauge's peak in PEAK
b_settled()	# STAT
{
	local h d
	h=$(stat_of "$B" half-open)
	[ "$h" -gt "$PEAK" ] && PEAK=$h
	d=$(stat_of "$B" "$1")
	[ "$d" = "${LAST_D:-x}" ] && return 0
	LAST_D=$d
	return 1
}

b_flood_conf "half-open-cookie = 1000" "half-open-max = 25" "init-rate = 0"
ho0=$(stat_of "$B" rx-drop-half-open)
flood1 "$TMP/flood1"
LAST_D=
sleep 1
wait_for 30 b_settled rx-drop-half-open || die "$what: B still counting drops"
len=$(jq .len "$TMP/flood1")
sent=$(jq .sent "$TMP/flood1")
ho=$(($(stat_of "$B" rx-drop-half-open) - ho0))
[ "$(stat_of "$B" half-open)" = 25 ] ||
	die "$what: B has $(stat_of "$B" half-open) half-open SAs, half-open-max is 25"
[ "$PEAK" -le 25 ] || die "$what: B's half-open SAs peaked at $PEAK (max 25)"
[ "$ho" -ge 100 ] || die "$what: only $ho of $sent dropped as rx-drop-half-open"
[ "$(stat_of "$B" half-open-bytes)" = $((25 * (len + 8192))) ] ||
	die "$what: half-open-bytes $(stat_of "$B" half-open-bytes), want 25 x ($len + 8192)"
log "$what: $sent sent, B kept 25 half-open SAs ($((25 * (len + 8192))) bytes), dropped $ho (rx-drop-half-open)"

b_flood_conf "half-open-cookie = 4" "half-open-max = 1000" "init-rate = 1" "init-burst = 1"
rl0=$(stat_of "$B" rx-drop-ratelimit)
flood1 "$TMP/flood2"
LAST_D=
sleep 1
wait_for 30 b_settled rx-drop-ratelimit || die "$what: B still counting drops"
sent=$(jq .sent "$TMP/flood2")
secs=$(jq '.seconds | ceil' "$TMP/flood2")
rl=$(($(stat_of "$B" rx-drop-ratelimit) - rl0))
h=$(stat_of "$B" half-open)
# each source: its one token, one more per second of the flood
[ "$h" -le $((25 + 40 * (secs + 2))) ] || die "$what: $h half-open SAs after a rate-limited burst"
[ "$rl" -ge $((sent / 2)) ] || die "$what: only $rl of $sent dropped as rx-drop-ratelimit"
# a legitimate peer, a source of its own, is served meanwhile
nsexec "$A" "$OAKLEY_OAK" up oak || die "$what: oak up failed"
a_up() { [ "$(sa_state "$A")" = established ] && [ "$(child_count "$A")" = 1 ]; }
wait_for 30 a_up || die "$what: A got no SAs during the flood ($(sa_state "$A"))"
log "$what: rate-limited burst: $sent sent, $rl dropped (rx-drop-ratelimit), $h half-open; A established"

monitor_stop "$A"
monitor_stop "$B"
ip netns del "$A"
ip netns del "$B"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
