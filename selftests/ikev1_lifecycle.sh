#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IKEv1 lifecycle: Dead Peer Detection (RFC 3706), INITIAL-CONTACT (RFC 2407
# §4.6.3.3) and Deletes, Oakley <-> Oakley and Oakley <-> strongSwan (charon
# 5.9.8, `version = 1`).  Asserts on `oak show sa -j`, `oak stats -j`,
# `oak monitor -j` events, xfrm states and `swanctl --list-sas`:
#   oo    A (dpd = 2s, restart) and B (dpd = 0, answers only):
#         - idle: A's R-U-THEREs are answered (A sends, no retransmission, no
#           dead peer, the same SAs); with ping traffic A sends nothing;
#         - B drops all its IKE (nft): A reports dead-peer within dpd + the
#           retransmissions (printed), its SAs are gone; B back: A restarts,
#           B ends with exactly one ISAKMP SA and one IPsec SA pair
#           (INITIAL-CONTACT from A removed B's stale SAs), ping passes;
#         - B restarts (its Deletes lost, then `oak up`): A ends with one
#           ISAKMP SA and one pair;
#         - `oak down` on either side clears the other within seconds.
#   am    Aggressive Mode (FQDN IDs): B restarts (its Deletes lost, then
#         `oak up`): its INITIAL-CONTACT in message 3 leaves A with one
#         ISAKMP SA and one pair;
#   swan  charon as peer:
#         - charon probes (dpd_delay 2s, dpd_timeout 6s), Oakley does not:
#           its SA outlives several timeouts (Oakley answers); then
#           `swanctl --terminate --ike` clears Oakley;
#         - Oakley probes (dpd = 2s), charon does not: answered, SAs stay;
#           `oak down` clears charon;
#         - charon SIGKILLed: dead-peer (time printed), SAs and xfrm states
#           gone; charon started again: dpd-action = restart brings the SA
#           back, ping passes;
#         - charon restarts and initiates again: Oakley keeps exactly one
#           ISAKMP SA and one pair (charon's INITIAL-CONTACT);
#         - Oakley forgets its SAs (Deletes dropped) and initiates again:
#           charon keeps exactly one IKE SA (Oakley's INITIAL-CONTACT).
#   rekey Quick Mode rekeys (the child's `rekey`, 8 s; charon's 10 s) under `ping -i 0.2`
#         (0 replies lost, the inbound SPIs change, at least two
#         child-rekeyed events, exactly one SA pair per child once the old
#         ones are deleted), Oakley <-> Oakley with A's timer and `oak
#         rekey` (rka, with PFS; then both sides at once: the Quick Modes
#         cross, B steps aside), then B's timer (rkb); charon as peer with Oakley's
#         timer (charon answers), then with charon's rekey_time (Oakley
#         answers).
#   trap  A with a `start = trap` child:
#         policies and no state until a ping, then the tunnel; dpd-action =
#         trap: B silent, dead-peer, no SA and no state but the trap
#         policies; B back: traffic starts the connection again (acquire),
#         one SA each side.
# OAKLEY_V1LC_PARTS="oo am rekey trap swan" selects parts (~4 min in the TCG VM, the two
# dead-peer waits of ~25 s each in oo and swan, one more in trap; rekey ~2.5 min).
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/ikev1_lifecycle.sh

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/charon.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq nft bc swanctl unshare

PARTS=${OAKLEY_V1LC_PARTS:-"oo am rekey trap swan"}
part() { [[ " $PARTS " == *" $1 "* ]]; }
PSK="ikev1_lifecycle selftest secret 0123456789"
IKE=aes128-sha256-modp2048
ESP=aes128-sha256
A=oak-v1lc-a
B=oak-v1lc-b
S=oak-v1lc-s

ike_setup ikev1_lifecycle

netns_add "$A" "$B" "$S"
veth_pair "$A" veth-ab 10.97.0.1/24 "$B" veth-ba 10.97.0.2/24
veth_pair "$A" veth-as 10.96.0.1/24 "$S" veth-sa 10.96.0.2/24
ip -n "$A" addr add 10.1.0.1/24 dev lo
ip -n "$A" addr add 10.1.1.1/24 dev lo
ip -n "$B" addr add 10.2.0.1/24 dev lo
ip -n "$S" addr add 10.3.0.1/24 dev lo
ip -n "$A" route add 10.2.0.0/24 via 10.97.0.2 src 10.1.0.1
ip -n "$B" route add 10.1.0.0/24 via 10.97.0.1 src 10.2.0.1
ip -n "$A" route add 10.3.0.0/24 via 10.96.0.2 src 10.1.1.1
ip -n "$S" route add 10.1.1.0/24 via 10.96.0.1 src 10.3.0.1

# ip netns exec execs oak: $! is the monitor itself
ip netns exec "$A" "$OAKLEY_OAK" monitor -j >>"$TMP/mon-a" 2>&1 &
MON_A=$!
at_exit "kill $MON_A"
ip netns exec "$B" "$OAKLEY_OAK" monitor -j >>"$TMP/mon-b" 2>&1 &
MON_B=$!
at_exit "kill $MON_B"

oa() { nsexec "$A" "$OAKLEY_OAK" "$@"; }
ob() { nsexec "$B" "$OAKLEY_OAK" "$@"; }

diag()
{
	ike_diag "$A" "$B"
	echo "## $A: oak monitor -j (tail)"; tail -n 30 "$TMP/mon-a"
	if [ -n "${CHARON_PID:-}" ]; then
		echo "## swanctl --list-sas"; swan --list-sas
		echo "## $S: ip xfrm state"; ip -n "$S" xfrm state
		echo "## charon.log (tail)"; swan_log_tail 60
	fi
}

die() { diag >&2; fail "$*"; }

stat_of() { nsexec "$1" "$OAKLEY_OAK" stats -j | jq -r ".\"$2\""; }

# ike_count NS CONN -> IKE SAs of the connection; est_count: established ones
ike_count()
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j | jq --arg c "$2" '[.[] | select(.conn == $c)] | length'
}
est_count()
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j |
		jq --arg c "$2" '[.[] | select(.conn == $c and .state == "established")] | length'
}
# kids NS CONN -> installed Child SAs of the connection
kids()
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j |
		jq --arg c "$2" '[.[] | select(.conn == $c) | .. | objects | select(has("spi-in"))] |
			length'
}
# spis NS CONN -> the IKE SAs' initiator SPIs and the Child SAs' inbound SPIs
spis()
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j |
		jq -c --arg c "$2" '[.[] | select(.conn == $c) | .. | objects |
			(.["spi-i"]?, .["spi-in"]?) | select(. != null)]'
}
states_of() { ip -n "$1" xfrm state | grep -c '^src'; }
# events TYPE CONN [a|b] -> how many TYPE events A's (or B's) monitor printed for CONN
events() { jq -c --arg t "$1" --arg c "$2" 'select(.event == $t and .conn == $c)' \
	"$TMP/mon-${3:-a}" 2>/dev/null | wc -l; }
dead_more() { [ "$(events dead-peer "$1")" -gt "$2" ]; }

# one NS CONN: exactly one ISAKMP SA (established), one IPsec SA, one pair of states
one() { [ "$(ike_count "$1" "$2")" = 1 ] && [ "$(est_count "$1" "$2")" = 1 ] &&
	[ "$(kids "$1" "$2")" = 1 ] && [ "$(states_of "$1")" = 2 ]; }
none() { [ "$(ike_count "$1" "$2")" = 0 ] && [ "$(states_of "$1")" = 0 ]; }

# block NS: drop all of NS's IKE (UDP 500/4500) both ways; unblock NS
block()
{
	ip netns exec "$1" nft -f - <<EOF || die "nft: cannot block IKE in $1"
table inet v1lc {
	chain in { type filter hook input priority 0; udp dport { 500, 4500 } drop; }
	chain out { type filter hook output priority 0; udp dport { 500, 4500 } drop; }
}
EOF
}
unblock() { ip netns exec "$1" nft delete table inet v1lc 2>/dev/null; true; }

oak_conf()	# LOCAL REMOTE LTS RTS CONN DPD DPD-ACTION [CHILD-START]
{
	cat <<EOF
[secret psk]
psk = "$PSK"

[connection $5]
version = 1
local = $1
remote = $2
secret = psk
ike = $IKE
dpd = $6
dpd-action = $7

[child net]
local-ts = $3
remote-ts = $4
esp = $ESP
${8:+start = $8}
EOF
}

idle_probe()	# NS CONN SECONDS: the peer answers every R-U-THERE
{
	local tx0 rtx0 dead0 s0

	tx0=$(stat_of "$1" tx-packets)
	rtx0=$(stat_of "$1" retransmits)
	dead0=$(events dead-peer "$2")
	s0=$(spis "$1" "$2")
	sleep "$3"
	[ "$(stat_of "$1" tx-packets)" -ge $((tx0 + 2)) ] ||
		die "$2: idle for $3 s, no R-U-THERE sent (tx $tx0 -> $(stat_of "$1" tx-packets))"
	[ "$(stat_of "$1" retransmits)" = "$rtx0" ] ||
		die "$2: R-U-THERE retransmitted: its ACK was not taken"
	[ "$(events dead-peer "$2")" = "$dead0" ] || die "$2: dead-peer while the peer answers"
	[ "$(spis "$1" "$2")" = "$s0" ] || die "$2: the SAs changed while idle ($s0 -> $(spis "$1" "$2"))"
}

# ---------------- Oakley <-> Oakley ----------------
oo_up() { one "$A" gw && one "$B" gw; }
ping_b() { nsexec "$A" ping -c 2 -i 0.2 -W 3 -I 10.1.0.1 10.2.0.1 >/dev/null 2>&1; }

if part oo; then
	oak_conf 10.97.0.1 10.97.0.2 10.1.0.0/24 10.2.0.0/24 gw 2s restart >"$TMP/a.conf"
	oak_conf 10.97.0.2 10.97.0.1 10.2.0.0/24 10.1.0.0/24 gw 0 clear >"$TMP/b.conf"
	oa load "$TMP/a.conf" || die "oak load in $A"
	ob load "$TMP/b.conf" || die "oak load in $B"
	oa up gw || die "oak up gw"
	wait_for 60 oo_up || die "gw not up"
	ping_b || die "no traffic through gw"

	idle_probe "$A" gw 7
	log "oo: idle, A's R-U-THEREs are answered by B (no retransmission, same SAs)"

	# traffic from the peer: no R-U-THERE
	nsexec "$A" ping -c 40 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1 >/dev/null 2>&1 &
	pid=$!
	sleep 3
	tx0=$(stat_of "$A" tx-packets)
	sleep 4
	tx1=$(stat_of "$A" tx-packets)
	wait $pid || die "ping through gw failed"
	[ "$tx1" = "$tx0" ] || die "A sent $((tx1 - tx0)) IKE messages while ESP came in"
	log "oo: with inbound ESP, no R-U-THERE"

	dead0=$(events dead-peer gw)
	block "$B"
	t0=$(date +%s.%N)
	wait_for 60 dead_more gw "$dead0" || die "dead peer not detected within 60 s"
	DPD_OO=$(echo "$(date +%s.%N) - $t0" | bc)
	[ "$(est_count "$A" gw)" = 0 ] && [ "$(kids "$A" gw)" = 0 ] &&
		[ "$(states_of "$A")" = 0 ] || die "SAs left after the dead peer"
	# at most 2 x dpd + the retransmissions (23.5 s) + rounding; more on a loaded TCG host
	[ "$(echo "$DPD_OO < 45" | bc)" = 1 ] || die "dead peer detection took ${DPD_OO}s"
	log "oo: dead peer detected after ${DPD_OO}s (dpd 2s + R-U-THERE retransmissions 23.5s)"
	[ "$(ike_count "$B" gw)" = 1 ] || die "B should still hold its stale SA (dpd = 0)"
	unblock "$B"
	t0=$(date +%s.%N)
	wait_for 90 oo_up || die "dpd-action = restart: not back with one SA on each side" \
		"(A $(ike_count "$A" gw), B $(ike_count "$B" gw))"
	ping_b || die "restart: no traffic through gw"
	log "oo: restart: back $(echo "$(date +%s.%N) - $t0" | bc)s after unblocking;" \
		"B kept one ISAKMP SA and one pair (INITIAL-CONTACT)"

	# B restarts: its Deletes are lost, it initiates again
	block "$B"
	ob down gw || die "oak down gw in $B"
	wait_for 10 none "$B" gw || die "B kept SAs after oak down"
	unblock "$B"
	ob up gw || die "oak up gw in $B"
	wait_for 60 oo_up || die "B restarted: A has $(ike_count "$A" gw) ISAKMP SAs," \
		"$(kids "$A" gw) IPsec SAs, $(states_of "$A") states"
	ping_b || die "B restarted: no traffic"
	log "oo: B restarted: A kept one ISAKMP SA and one pair (INITIAL-CONTACT)"

	oa down gw || die "oak down gw in $A"
	wait_for 10 none "$B" gw || die "oak down in A: B kept its SAs"
	ob up gw || die "oak up gw in $B (2)"
	wait_for 60 oo_up || die "gw not up (2)"
	ob down gw || die "oak down gw in $B (2)"
	wait_for 10 none "$A" gw || die "oak down in B: A kept its SAs"
	log "oo: oak down on either side clears the other"
	oa del gw >/dev/null 2>&1
	ob del gw >/dev/null 2>&1
	[ "$(events dead-peer gw)" = 1 ] || die "$(events dead-peer gw) dead-peer events, expected 1"
fi

# ---------------- INITIAL-CONTACT in Aggressive Mode ----------------
am_conf()	# LOCAL REMOTE LTS RTS LOCAL-ID REMOTE-ID
{
	oak_conf "$1" "$2" "$3" "$4" am 0 clear |
		sed "s/^version = 1\$/&\nexchange = aggressive\nlocal-id = $5\nremote-id = $6/"
}
am_up() { one "$A" am && one "$B" am; }

if part am; then
	am_conf 10.97.0.1 10.97.0.2 10.1.0.0/24 10.2.0.0/24 a.v1lc.example b.v1lc.example \
		>"$TMP/a-am.conf"
	am_conf 10.97.0.2 10.97.0.1 10.2.0.0/24 10.1.0.0/24 b.v1lc.example a.v1lc.example \
		>"$TMP/b-am.conf"
	oa load "$TMP/a-am.conf" || die "oak load (am) in $A"
	ob load "$TMP/b-am.conf" || die "oak load (am) in $B"
	oa up am || die "oak up am"
	wait_for 60 am_up || die "am not up"
	ping_b || die "no traffic through am"
	# B restarts: its Deletes are lost, it initiates again in Aggressive Mode
	block "$B"
	ob down am || die "oak down am in $B"
	wait_for 10 none "$B" am || die "B kept SAs after oak down (am)"
	unblock "$B"
	ob up am || die "oak up am in $B"
	wait_for 60 am_up || die "am: B restarted: A has $(ike_count "$A" am) ISAKMP SAs," \
		"$(kids "$A" am) IPsec SAs, $(states_of "$A") states"
	ping_b || die "am: B restarted: no traffic"
	log "am: B restarted in Aggressive Mode: A kept one ISAKMP SA and one pair (INITIAL-CONTACT)"
	oa del am >/dev/null 2>&1
	ob del am >/dev/null 2>&1
	wait_for 10 none "$A" am || die "am: A kept SAs after oak del"
fi

# ---------------- dpd-action = trap ----------------
tr_up() { one "$A" tr && one "$B" tr; }
ping_tr() { nsexec "$A" ping -c 1 -W 2 -I 10.1.0.1 10.2.0.1 >/dev/null 2>&1; }

if part trap; then
	oak_conf 10.97.0.1 10.97.0.2 10.1.0.0/24 10.2.0.0/24 tr 2s trap trap >"$TMP/a.conf"
	oak_conf 10.97.0.2 10.97.0.1 10.2.0.0/24 10.1.0.0/24 tr 0 clear >"$TMP/b.conf"
	oa load "$TMP/a.conf" || die "oak load tr in $A"
	ob load "$TMP/b.conf" || die "oak load tr in $B"
	# start = trap: policies, no state, no SA until traffic
	[ -n "$(main_pols "$A")" ] && [ "$(states_of "$A")" = 0 ] && [ "$(ike_count "$A" tr)" = 0 ] ||
		die "start = trap: no trap policies, or states/SAs before any traffic"
	wait_for 60 ping_tr || die "start = trap: traffic did not start the connection"
	wait_for 30 tr_up || die "start = trap: not one SA each side"
	log "trap: start = trap: no state until a ping, then the tunnel"
	dead0=$(events dead-peer tr)
	block "$B"
	t0=$(date +%s.%N)
	wait_for 60 dead_more tr "$dead0" || die "trap: dead peer not detected within 60 s"
	DPD_TRAP=$(echo "$(date +%s.%N) - $t0" | bc)
	sleep 1
	[ "$(ike_count "$A" tr)" = 0 ] && [ "$(states_of "$A")" = 0 ] ||
		die "trap: SAs or states left after the dead peer"
	[ -n "$(main_pols "$A")" ] || die "dpd-action = trap: no trap policies after the dead peer"
	log "trap: dead peer detected after ${DPD_TRAP}s; only the trap policies are left" \
		"($(main_pols "$A" | wc -l))"
	unblock "$B"
	wait_for 60 ping_tr || die "trap: traffic did not start the connection again"
	wait_for 30 tr_up || die "trap: not one SA each side (A $(ike_count "$A" tr)," \
		"B $(ike_count "$B" tr))"
	log "trap: traffic brought tr back, one ISAKMP SA and one pair each side"
	oa del tr >/dev/null 2>&1
	ob del tr >/dev/null 2>&1
	wait_for 20 none "$A" tr || die "trap: SAs left after oak del"
fi

# ---------------- strongSwan ----------------
# swan_conf_with CONN_EXTRA CHILD_EXTRA: charon's connection oak (IKEv1, PSK)
swan_conf_with()
{
	cat >"$TMP/swanctl.conf" <<EOF
connections {
	oak {
		version = 1
		local_addrs = 10.96.0.2
		remote_addrs = 10.96.0.1
		proposals = $IKE
		$1
		local {
			auth = psk
			id = 10.96.0.2
		}
		remote {
			auth = psk
			id = 10.96.0.1
		}
		children {
			net {
				local_ts = 10.3.0.0/24
				remote_ts = 10.1.1.0/24
				esp_proposals = $ESP
				$2
			}
		}
	}
}
secrets {
	ike-oak {
		id-1 = 10.96.0.1
		id-2 = 10.96.0.2
		secret = "$PSK"
	}
}
EOF
	swan --load-all --file "$TMP/swanctl.conf" >"$TMP/swan-load" 2>&1 ||
		{ cat "$TMP/swan-load" >&2; die "swanctl --load-all failed"; }
}

swan_conf()	# DPD_DELAY
{
	swan_conf_with "dpd_delay = $1
		dpd_timeout = 6s" "dpd_action = clear"
}

swan_ike() { swan --list-sas 2>/dev/null | grep -c '^oak: #.*ESTABLISHED'; }
swan_ikes() { swan --list-sas 2>/dev/null | grep -c '^oak: #'; }
swan_kids() { swan --list-sas 2>/dev/null | grep -c 'INSTALLED'; }
swan_one() { [ "$(swan_ikes)" = 1 ] && [ "$(swan_ike)" = 1 ] && [ "$(swan_kids)" = 1 ]; }
swan_none() { [ "$(swan_ikes)" = 0 ]; }
sw_up() { one "$A" sw && swan_one; }
ping_s() { nsexec "$A" ping -c 2 -i 0.2 -W 3 -I 10.1.1.1 10.3.0.1 >/dev/null 2>&1; }
swan_initiate()
{
	swan --initiate --child net >"$TMP/swan-init" 2>&1 ||
		{ cat "$TMP/swan-init" >&2; die "$1: swanctl --initiate failed"; }
}
# charon comes back as after a reboot: no state left in its namespace
swan_restart()	# DPD_DELAY
{
	kill -9 "$CHARON_PID" 2>/dev/null
	charon_stop
	ip -n "$S" xfrm state flush
	ip -n "$S" xfrm policy flush
	charon_start "$S" "$TMP"
	swan_conf "$1"
}

if part swan; then
	charon_start "$S" "$TMP"
	swan_conf 2s
	oak_conf 10.96.0.1 10.96.0.2 10.1.1.0/24 10.3.0.0/24 sw 0 clear >"$TMP/s.conf"
	oa load "$TMP/s.conf" || die "oak load sw"

	# charon probes, Oakley only answers
	swan_initiate "charon probes"
	wait_for 60 sw_up || die "sw not up (charon initiates)"
	ping_s || die "no traffic through sw"
	rx0=$(stat_of "$A" rx-packets)
	tx0=$(stat_of "$A" tx-packets)
	s0=$(spis "$A" sw)
	sleep 12	# charon: 2 s idle + 6 s timeout, more than once
	swan_one || die "charon dropped its SA: Oakley did not answer R-U-THERE"
	[ "$(spis "$A" sw)" = "$s0" ] || die "Oakley's SAs changed while charon probed"
	[ "$(stat_of "$A" rx-packets)" -ge $((rx0 + 3)) ] &&
		[ "$(stat_of "$A" tx-packets)" -ge $((tx0 + 3)) ] ||
		die "charon's R-U-THEREs not seen or not answered (rx $rx0 -> $(stat_of "$A" rx-packets)," \
			"tx $tx0 -> $(stat_of "$A" tx-packets))"
	log "swan: charon's R-U-THEREs answered by Oakley (dpd = 0): SA kept over 12 s idle"
	swan --terminate --ike oak >/dev/null 2>&1 || die "swanctl --terminate --ike failed"
	wait_for 10 none "$A" sw || die "swanctl --terminate --ike: Oakley kept its SAs"
	log "swan: swanctl --terminate --ike clears Oakley"

	# Oakley probes, charon only answers
	swan_conf 0s
	oak_conf 10.96.0.1 10.96.0.2 10.1.1.0/24 10.3.0.0/24 sw 2s restart >"$TMP/s.conf"
	oa load "$TMP/s.conf" || die "oak load sw (dpd 2s)"
	oa up sw || die "oak up sw"
	wait_for 60 sw_up || die "sw not up (Oakley initiates)"
	idle_probe "$A" sw 7
	log "swan: Oakley's R-U-THEREs answered by charon"
	oa down sw || die "oak down sw"
	wait_for 10 swan_none || die "oak down: charon kept its SAs"
	log "swan: oak down clears charon"

	# charon dies without a Delete, then comes back
	oa up sw || die "oak up sw (2)"
	wait_for 60 sw_up || die "sw not up (2)"
	dead0=$(events dead-peer sw)
	kill -9 "$CHARON_PID" 2>/dev/null
	charon_stop
	t0=$(date +%s.%N)
	wait_for 60 dead_more sw "$dead0" || die "killed charon not detected as dead within 60 s"
	DPD_SWAN=$(echo "$(date +%s.%N) - $t0" | bc)
	[ "$(est_count "$A" sw)" = 0 ] && [ "$(kids "$A" sw)" = 0 ] &&
		[ "$(states_of "$A")" = 0 ] || die "SAs left after charon died"
	[ "$(echo "$DPD_SWAN < 45" | bc)" = 1 ] || die "dead charon detection took ${DPD_SWAN}s"
	log "swan: dead charon detected after ${DPD_SWAN}s, Oakley's SAs and xfrm states gone"
	# Oakley's restart attempt must not meet a charon without its connection
	# (NO-PROPOSAL-CHOSEN ends an attempt): its IKE is held back meanwhile
	block "$A"
	ip -n "$S" xfrm state flush
	ip -n "$S" xfrm policy flush
	charon_start "$S" "$TMP"
	swan_conf 0s
	unblock "$A"
	t0=$(date +%s.%N)
	wait_for 90 sw_up || die "dpd-action = restart: sw not back with charon"
	ping_s || die "restart: no traffic through sw"
	log "swan: dpd-action = restart: back $(echo "$(date +%s.%N) - $t0" | bc)s after charon"

	# charon restarts and initiates again: its INITIAL-CONTACT
	oa down sw || die "oak down sw (after restart)"
	wait_for 10 swan_none || die "oak down: charon kept its SAs (after restart)"
	oak_conf 10.96.0.1 10.96.0.2 10.1.1.0/24 10.3.0.0/24 sw 0 clear >"$TMP/s.conf"
	oa load "$TMP/s.conf" || die "oak load sw (dpd 0)"
	swan_initiate "charon restarts"
	wait_for 60 sw_up || die "sw not up (charon initiates, 2)"
	swan_restart 0s
	swan_initiate "charon restarted"
	wait_for 60 swan_one || die "restarted charon: no SA"
	wait_for 20 one "$A" sw || die "charon restarted: Oakley has $(ike_count "$A" sw) ISAKMP" \
		"SAs, $(kids "$A" sw) IPsec SAs, $(states_of "$A") states"
	ping_s || die "charon restarted: no traffic"
	log "swan: charon restarted: Oakley kept one ISAKMP SA and one pair (INITIAL-CONTACT)"

	# Oakley forgets its SAs (its Deletes lost) and initiates again: its INITIAL-CONTACT
	block "$A"
	oa down sw || die "oak down sw (blocked)"
	wait_for 10 none "$A" sw || die "Oakley kept SAs after oak down"
	unblock "$A"
	[ "$(swan_ikes)" = 1 ] || die "charon should still hold the SA Oakley forgot"
	oa up sw || die "oak up sw (3)"
	wait_for 60 one "$A" sw || die "sw not up (3)"
	wait_for 20 swan_one || die "Oakley restarted: charon has $(swan_ikes) IKE SAs," \
		"$(swan_kids) Child SAs"
	ping_s || die "Oakley restarted: no traffic"
	log "swan: Oakley restarted: charon kept one IKE SA (INITIAL-CONTACT)"
	oa down sw || die "oak down sw (end)"
	wait_for 10 swan_none || die "oak down: charon kept its SAs (end)"
	charon_stop
	log "DPD detection: ${DPD_OO:+Oakley peer ${DPD_OO}s, }charon ${DPD_SWAN}s"
fi

# ---------------- Quick Mode rekey ----------------
# rk_conf LOCAL REMOTE LTS RTS CONN REKEY LIFETIME: oak_conf (dpd 0) with the child's lifetimes
rk_conf()
{
	oak_conf "$1" "$2" "$3" "$4" "$5" 0 clear
	printf 'rekey = %s\nlifetime = %s\n' "$6" "$7"
}
# rk_swan_conf REKEY_TIME LIFE_TIME: charon's connection oak for rks (IKEv1, PSK)
rk_swan_conf()
{
	swan_conf_with "" "rekey_time = $1
				life_time = $2
				rand_time = 1s"
}
# inspi NS CONN -> the inbound SPIs of the connection's Child SAs
inspi()
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j |
		jq -c --arg c "$2" '[.[] | select(.conn == $c) | .. | objects | .["spi-in"]? |
			select(. != null)]'
}
# rk_ping NS SRC DST COUNT NAME: COUNT pings 0.2 s apart, every reply counted
rk_ping()
{
	local out sent got

	out=$(nsexec "$1" ping -c "$4" -i 0.2 -W 2 -I "$2" "$3" 2>&1)
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' <<<"$out")
	got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$out")
	RK_PINGS="$RK_PINGS $5:${got:-?}/${sent:-?}"
	[ -n "$sent" ] && [ "$sent" = "$4" ] && [ "$got" = "$sent" ] ||
		die "$5: $((${sent:-0} - ${got:-0})) of ${sent:-?} replies lost across the rekeys"
}
# One SA pair on each side, between two rekeys (8 s apart; the old pair's
# states go ~4 s after each, so a window of ~3 s, which the TCG VM's slow
# `oak show` must not miss): the cheap xfrm state counts first, then one
# `oak show sa` per side for its established ISAKMP SAs and Child SAs
rk_states2() { [ "$(states_of "$A")" = 2 ] && [ "$(states_of "${1:-$B}")" = 2 ]; }
rk_sa_kids()	# NS CONN -> "ISAKMP-SAs/Child-SAs"
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j | jq -r --arg c "$2" '[.[] | select(.conn == $c)] |
		"\([.[] | select(.state == "established")] | length)/\([.. | objects |
		select(has("spi-in"))] | length)"'
}
rk_one_oo()
{
	rk_states2 && [ "$(rk_sa_kids "$A" "$1")" = 1/1 ] && [ "$(rk_sa_kids "$B" "$1")" = 1/1 ]
}
rk_one_swan()
{
	rk_states2 "$A" && [ "$(rk_sa_kids "$A" "$1")" = 1/1 ] && [ "$(swan_kids)" = 1 ] &&
		[ "$(swan_ike)" = 1 ]
}
rk_more() { [ "$(events child-rekeyed "$1")" -gt "$2" ]; }
# rk_check CONN NAME EV_A0 EV_B0 SPI0 [swan]: two rekeys or more, new SPIs, one pair left
# (and A's child-down events still $RK_DOWN0)
rk_check()
{
	local ra rb

	ra=$(($(events child-rekeyed "$1") - $3))
	rb=$(($(events child-rekeyed "$1" b) - $4))
	[ "$ra" -ge 2 ] || die "$2: $ra child-rekeyed events in A, expected at least 2"
	[ "${6:-}" = swan ] || [ "$rb" -ge 2 ] ||
		die "$2: $rb child-rekeyed events in B, expected at least 2"
	[ "$(inspi "$A" "$1")" != "$5" ] || die "$2: the inbound SPI did not change ($5)"
	[ "$(events child-down "$1")" = "$RK_DOWN0" ] ||
		die "$2: child-down events in A during the rekeys"
	if [ "${6:-}" = swan ]; then
		wait_for 20 rk_one_swan "$1" ||
			die "$2: not one pair left: A $(kids "$A" "$1") Child SAs," \
				"$(states_of "$A") states; charon $(swan_kids) Child SAs"
	else
		wait_for 20 rk_one_oo "$1" ||
			die "$2: not one pair left: A $(kids "$A" "$1") Child SAs," \
				"$(states_of "$A") states; B $(kids "$B" "$1"), $(states_of "$B")"
	fi
	RK_SEEN="$RK_SEEN $2:$ra"
	log "rekey: $2: $ra rekeys seen by A, every ping answered, one pair left"
}
RK_PINGS=
RK_SEEN=

# rk_oo_up CONN "A_REKEY A_LIFE" "B_REKEY B_LIFE": CONN up A -> B with those
# child lifetimes, traffic through it; sets s0 (A's inbound SPIs), ea/eb
# (child-rekeyed events of A/B) and RK_DOWN0 (A's child-down events)
rk_oo_up()
{
	# shellcheck disable=SC2086 # the lifetimes are two words
	rk_conf 10.97.0.1 10.97.0.2 10.1.0.0/24 10.2.0.0/24 "$1" $2 >"$TMP/a-rk.conf"
	# shellcheck disable=SC2086
	rk_conf 10.97.0.2 10.97.0.1 10.2.0.0/24 10.1.0.0/24 "$1" $3 >"$TMP/b-rk.conf"
	oa load "$TMP/a-rk.conf" || die "oak load $1 in $A"
	ob load "$TMP/b-rk.conf" || die "oak load $1 in $B"
	oa up "$1" || die "oak up $1"
	wait_for 60 rk_one_oo "$1" || die "$1 not up"
	ping_b || die "no traffic through $1"
	s0=$(inspi "$A" "$1")
	ea=$(events child-rekeyed "$1")
	eb=$(events child-rekeyed "$1" b)
	RK_DOWN0=$(events child-down "$1")
}

if part rekey; then
	rk_t0=$SECONDS
	# A rekeys (`oak rekey`, then its timer), B answers; with PFS
	ESP=$ESP-modp2048 rk_oo_up rka "8s 30s" "1h 2h"
	oa rekey rka/net || die "oak rekey rka/net refused"
	wait_for 10 rk_more rka "$ea" || die "oak rekey rka/net: no child-rekeyed event"
	[ "$(inspi "$A" rka)" != "$s0" ] || die "oak rekey rka/net: the inbound SPI did not change"
	log "rekey: oak rekey rka/net: rekeyed"
	rk_ping "$A" 10.1.0.1 10.2.0.1 85 rka
	rk_check rka "A's rekeys" "$ea" "$eb" "$s0"
	pfs=$(nsexec "$A" "$OAKLEY_OAK" show sa -j | jq -r '[.. | objects | select(has("spi-in")) |
		.dh] | join(" ")')
	[ "$pfs" = modp2048 ] || die "rka: the rekeyed pair's PFS group is '$pfs', not modp2048"

	# both sides rekey the pair at once (no rekey notify in IKEv1): A's IKE
	# is held back while both start, so that each Quick Mode waits for its
	# QR1 when the other's QI1 comes; B, the ISAKMP SA's responder, steps
	# aside: one pair is left and no reply is lost
	ea=$(events child-rekeyed rka)
	s0=$(inspi "$A" rka)
	echo "v1lc: rekey collision" >/dev/kmsg
	(
		sleep 1
		block "$A"
		oa rekey rka/net || echo "oak rekey rka/net in A failed"
		ob rekey rka/net || echo "oak rekey rka/net in B failed"
		sleep 0.5
		unblock "$A"
	) >"$TMP/rk-both" 2>&1 &
	rk_pa=$!
	rk_ping "$A" 10.1.0.1 10.2.0.1 45 rka-both
	wait "$rk_pa"
	[ ! -s "$TMP/rk-both" ] || die "rekey by both sides: $(cat "$TMP/rk-both")"
	"$OAKLEY_LIB/dmesg-check.sh" --since "v1lc: rekey collision" \
		--match 'rekey collision: the peer' >/dev/null &&
		die "rekey by both sides: the Quick Modes did not cross (B did not step aside)"
	[ "$(events child-rekeyed rka)" -gt "$ea" ] || die "rekey by both sides: not rekeyed"
	[ "$(inspi "$A" rka)" != "$s0" ] || die "rekey by both sides: the inbound SPI did not change"
	[ "$(events child-down rka)" = "$RK_DOWN0" ] || die "rekey by both sides: child-down events"
	wait_for 20 rk_one_oo rka || die "rekey by both sides: not one pair left: A" \
		"$(kids "$A" rka) Child SAs, $(states_of "$A") states; B $(kids "$B" rka)," \
		"$(states_of "$B")"
	log "rekey: both sides at once ($(($(events child-rekeyed rka) - ea)) rekeys, the Quick" \
		"Modes crossed, B stepped aside): every ping answered, one pair left"
	oa del rka >/dev/null 2>&1
	ob del rka >/dev/null 2>&1
	wait_for 10 none "$A" rka || die "rka: A kept SAs after oak del"

	# B rekeys (its timer), A answers
	rk_oo_up rkb "1h 2h" "8s 30s"
	rk_ping "$A" 10.1.0.1 10.2.0.1 85 rkb
	rk_check rkb "B's rekeys" "$ea" "$eb" "$s0"
	oa del rkb >/dev/null 2>&1
	ob del rkb >/dev/null 2>&1
	wait_for 10 none "$A" rkb || die "rkb: A kept SAs after oak del"

	# charon: Oakley rekeys, charon answers; then charon rekeys, Oakley answers
	charon_start "$S" "$TMP"
	for who in oakley charon; do
		if [ $who = oakley ]; then
			rk_swan_conf 1h 2h
			rk_conf 10.96.0.1 10.96.0.2 10.1.1.0/24 10.3.0.0/24 rks 8s 30s >"$TMP/s-rk.conf"
		else
			rk_swan_conf 10s 40s
			rk_conf 10.96.0.1 10.96.0.2 10.1.1.0/24 10.3.0.0/24 rks 1h 2h >"$TMP/s-rk.conf"
		fi
		oa load "$TMP/s-rk.conf" || die "oak load rks in $A"
		oa up rks || die "oak up rks"
		wait_for 60 rk_one_swan rks || die "rks not up ($who rekeys)"
		ping_s || die "no traffic through rks ($who rekeys)"
		s0=$(inspi "$A" rks)
		ea=$(events child-rekeyed rks)
		RK_DOWN0=$(events child-down rks)
		# charon's rekeys come 2 s or so before its rekey_time
		n=85
		[ $who = oakley ] || n=105
		rk_ping "$A" 10.1.1.1 10.3.0.1 "$n" "rks-$who"
		rk_check rks "$who's rekeys with charon" "$ea" 0 "$s0" swan
		oa down rks || die "oak down rks"
		wait_for 10 swan_none || die "oak down: charon kept its SAs ($who rekeys)"
		oa del rks >/dev/null 2>&1
	done
	charon_stop
	log "rekey: pings (received/sent)$RK_PINGS; rekeys seen by A$RK_SEEN;" \
		"part took $((SECONDS - rk_t0)) s"
fi

ip netns del "$A"
ip netns del "$B"
ip netns del "$S"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
