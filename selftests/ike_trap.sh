#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Oakley as the xfrm key manager: start = trap (acquire) and lifetimes
# (expire).
#  1. Oakley <-> Oakley, A has start = trap: after loading, A has the trap
#     policies and no SA or state; a ping makes xfrm call acquire, A
#     negotiates, then pings pass; `oak monitor -j` saw an acquire event;
#     no larval state is left; `oak down` puts the trap back and a ping
#     re-triggers; `oak del` leaves no policy.
#  2. Expiry (Oakley <-> Oakley): a child with rekey-bytes 64K / life-bytes 1M
#     and one with rekey-packets rekey on soft expiry (SPIs change, one
#     Child SA each); a child with only life-bytes on A is removed on hard
#     expiry on both sides (the Delete reaches B).
#  3. Against strongSwan as responder: Oakley start = trap, a ping brings the
#     tunnel up.
#  4. Narrowing to the packet (RFC 7296 §2.9): A traps 10.2.0.0/16, B has two
#     children, "one" for 10.2.1.0/24 and "two" for 10.2.2.0/24.  A ping to
#     10.2.2.1 makes A propose the packet's addresses as the first selectors,
#     so B picks "two" (not "one", the first child that merely intersects
#     A's /16) and the ping passes.
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/ike_trap.sh
# OAKLEY_TRAP_PARTS="1 2 3 4" selects parts.

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/charon.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq modprobe

PARTS=${OAKLEY_TRAP_PARTS:-"1 2 3 4"}
PSK="ike_trap selftest secret 0123456789"
A=oak-trap-a
B=oak-trap-b

ike_setup ike_trap

oak_a() { nsexec "$A" "$OAKLEY_OAK" "$@"; }
oak_b() { nsexec "$B" "$OAKLEY_OAK" "$@"; }
die() { ike_diag "$A" "$B" >&2; fail "$*"; }

npols() { main_pols "$1" | wc -l; }
nstates() { ip -n "$1" xfrm state | grep -c '^src '; }
# larval (acquire) states: no SPI yet
nlarval() { ip -n "$1" xfrm state | grep -c 'spi 0x00000000'; }
# spi-in of NS's Child SA named CHILD ("" when none)
child_spi() { nsexec "$1" "$OAKLEY_OAK" show sa -j |
	jq -r --arg c "$2" '[.. | objects | select(has("spi-in") and .name == $c)][0]["spi-in"] // ""'; }
nchild() { nsexec "$1" "$OAKLEY_OAK" show sa -j |
	jq --arg c "$2" '[.. | objects | select(has("spi-in") and .name == $c)] | length'; }

# eq VALUE CMD... / ne VALUE CMD...: CMD prints (not) VALUE; for wait_for, which
# runs CMD again on every poll (a "$(...)" argument would be expanded only once)
eq() { [ "$("${@:2}")" = "$1" ]; }
ne() { [ "$("${@:2}")" != "$1" ]; }

# wait_for SECONDS CMD...: poll every 0.2 s until CMD succeeds
wait_for()
{
	local n=$(($1 * 5))

	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}

both_up() { [ "$(sa_state "$A")" = established ] && [ "$(sa_state "$B")" = established ] &&
	    [ "$(child_count "$A")" -ge 1 ] && [ "$(child_count "$B")" -ge 1 ]; }
both_none() { [ "$(sa_state "$A")" = none ] && [ "$(sa_state "$B")" = none ]; }

netns_add "$A" "$B"
veth_pair "$A" veth-a 10.99.0.1/24 "$B" veth-b 10.99.0.2/24
ip -n "$A" addr add 10.1.0.1/24 dev lo
ip -n "$B" addr add 10.2.0.1/24 dev lo
for i in 1 2 3; do
	ip -n "$A" addr add 10.1.$i.1/24 dev lo
	ip -n "$B" addr add 10.2.$i.1/24 dev lo
done
ip -n "$A" route add 10.2.0.0/16 via 10.99.0.2 src 10.1.0.1
ip -n "$B" route add 10.1.0.0/16 via 10.99.0.1 src 10.2.0.1

# ---- part 1: trap, Oakley <-> Oakley ----------------------------------------

trap_conf()	# LOCAL REMOTE LNET RNET START
{
	cat <<EOF
[secret psk]
psk = "$PSK"

[connection gw]
local = $1
remote = $2
secret = psk
ike = aes256gcm16-prfsha384-x25519
start = $5

[child net]
local-ts = $3
remote-ts = $4
esp = aes256gcm16
EOF
}

part1()
{
	local mon i spi1

	log "part 1: start = trap, Oakley <-> Oakley"
	trap_conf 10.99.0.1 10.99.0.2 10.1.0.0/24 10.2.0.0/24 trap >"$TMP/a1.conf"
	trap_conf 10.99.0.2 10.99.0.1 10.2.0.0/24 10.1.0.0/24 none >"$TMP/b1.conf"
	oak_a monitor -j >"$TMP/mon-a" 2>&1 &
	mon=$!
	at_exit "kill $mon 2>/dev/null"
	sleep 0.3
	oak_a load "$TMP/a1.conf" || die "oak load (A) failed"
	oak_b load "$TMP/b1.conf" || die "oak load (B) failed"
	sleep 0.5
	[ "$(sa_state "$A")" = none ] || die "an IKE SA exists before any traffic"
	[ "$(npols "$A")" = 3 ] || die "A has $(npols "$A") policies, want the 3 trap policies"
	[ "$(nstates "$A")" = 0 ] || die "A has xfrm states before any traffic"
	[ "$(npols "$B")" = 0 ] || die "B (start = none) has policies"
	log "trap installed: 3 policies, no SA, no state"

	# the first packets start the negotiation and are dropped meanwhile
	nsexec "$A" ping -c 3 -i 0.3 -W 1 -I 10.1.0.1 10.2.0.1 >/dev/null 2>&1
	wait_for 30 both_up || die "the ping did not bring the tunnel up"
	nsexec "$A" ping -c 3 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1 >"$TMP/ping" 2>&1 ||
		{ cat "$TMP/ping" >&2; die "ping through the trapped tunnel failed"; }
	[ "$(child_count "$A")" = 1 ] || die "A has $(child_count "$A") Child SAs"
	[ "$(nstates "$A")" = 2 ] || die "A has $(nstates "$A") xfrm states, want 2"
	[ "$(nlarval "$A")" = 0 ] || die "a larval state was left in A"
	[ "$(npols "$A")" = 3 ] || die "A has $(npols "$A") policies after the trap fired"
	spi1=$(child_spi "$A" net)
	log "acquire -> tunnel up (spi-in $spi1), pings pass"

	[ "$(jq -c 'select(.event == "acquire" and .conn == "gw" and .child == "net" and
			     .remote == "10.2.0.1")' "$TMP/mon-a" | wc -l)" -ge 1 ] ||
		{ cat "$TMP/mon-a" >&2; die "no acquire event"; }
	log "oak monitor -j: $(jq -c 'select(.event == "acquire")' "$TMP/mon-a" | head -n 1)"

	oak_a down gw || die "oak down gw failed"
	wait_for 10 both_none || die "oak down did not remove the SAs"
	wait_for 5 eq 0 nstates "$A" || die "A kept xfrm states after oak down"
	[ "$(npols "$A")" = 3 ] || die "trap not restored: A has $(npols "$A") policies"
	[ "$(npols "$B")" = 0 ] || die "B kept policies after the Delete"
	log "oak down: SAs gone, the trap policies are back"

	nsexec "$A" ping -c 3 -i 0.3 -W 1 -I 10.1.0.1 10.2.0.1 >/dev/null 2>&1
	wait_for 30 both_up || die "the trap did not fire again after oak down"
	nsexec "$A" ping -c 3 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1 >"$TMP/ping" 2>&1 ||
		{ cat "$TMP/ping" >&2; die "ping after the re-trigger failed"; }
	[ "$(child_spi "$A" net)" != "$spi1" ] || die "the same Child SA after a re-trigger?"
	[ "$(jq -c 'select(.event == "acquire")' "$TMP/mon-a" | wc -l)" -ge 2 ] ||
		die "no second acquire event"
	log "re-triggered: new Child SA $(child_spi "$A" net)"

	oak_a del gw || die "oak del gw failed"
	oak_b del gw || die "oak del gw (B) failed"
	wait_for 10 both_none || die "SAs left after oak del"
	[ "$(npols "$A")" = 0 ] || die "A kept $(npols "$A") policies after oak del"
	[ "$(nstates "$A")" = 0 ] || die "A kept xfrm states after oak del"
	[ "$(npols "$B")" = 0 ] || die "B kept policies after oak del"
	kill "$mon" 2>/dev/null
	wait "$mon" 2>/dev/null
	log "oak del: no policy, no state left"
}

# ---- part 2: lifetimes ----------------------------------------------------

life_conf()	# LOCAL REMOTE SIDE(1|2) OTHER WITH_LIMITS
{
	cat <<EOF
[secret psk]
psk = "$PSK"

[connection life]
local = $1
remote = $2
secret = psk
ike = aes256gcm16-prfsha384-x25519

[child bytes]
local-ts = 10.$3.1.0/24
remote-ts = 10.$4.1.0/24
esp = aes256gcm16
EOF
	[ "$5" = yes ] && echo "rekey-bytes = 64K" && echo "life-bytes = 1M"
	cat <<EOF

[child packets]
local-ts = 10.$3.2.0/24
remote-ts = 10.$4.2.0/24
esp = aes256gcm16
EOF
	[ "$5" = yes ] && echo "rekey-packets = 40" && echo "life-packets = 1000"
	cat <<EOF

[child hard]
local-ts = 10.$3.3.0/24
remote-ts = 10.$4.3.0/24
esp = aes256gcm16
EOF
	[ "$5" = yes ] && echo "life-bytes = 60K"
}

all_children() { [ "$(child_count "$A")" = 3 ] && [ "$(child_count "$B")" = 3 ]; }
hard_gone() { [ "$(nchild "$A" hard)" = 0 ] && [ "$(nchild "$B" hard)" = 0 ]; }

part2()
{
	local c sb sp

	log "part 2: soft and hard expiry"
	life_conf 10.99.0.1 10.99.0.2 1 2 yes >"$TMP/a2.conf"
	life_conf 10.99.0.2 10.99.0.1 2 1 no >"$TMP/b2.conf"
	oak_a load "$TMP/a2.conf" || die "oak load (A) failed"
	oak_b load "$TMP/b2.conf" || die "oak load (B) failed"
	for c in bytes packets hard; do
		oak_a up "life/$c" || die "oak up life/$c failed"
		wait_for 30 eq 1 nchild "$A" "$c" || die "child $c did not come up"
	done
	wait_for 20 all_children || die "not all 3 children up on both sides"
	sb=$(child_spi "$A" bytes)
	sp=$(child_spi "$A" packets)
	log "3 children up: bytes $sb, packets $sp"

	# ~100 KB each way: past rekey-bytes (64K), far below life-bytes (1M)
	nsexec "$A" ping -q -c 100 -i 0.02 -s 1000 -W 2 -I 10.1.1.1 10.2.1.1 >"$TMP/ping" 2>&1 ||
		{ cat "$TMP/ping" >&2; die "ping on child bytes failed"; }
	wait_for 20 ne "$sb" child_spi "$A" bytes ||
		die "soft byte expiry did not rekey child bytes"
	wait_for 20 eq 1 nchild "$A" bytes || die "A: old Child SA bytes not removed"
	log "rekey-bytes: bytes $sb -> $(child_spi "$A" bytes)"

	nsexec "$A" ping -q -c 50 -i 0.02 -W 2 -I 10.1.2.1 10.2.2.1 >"$TMP/ping" 2>&1 ||
		{ cat "$TMP/ping" >&2; die "ping on child packets failed"; }
	wait_for 20 ne "$sp" child_spi "$A" packets ||
		die "soft packet expiry did not rekey child packets"
	wait_for 20 eq 1 nchild "$A" packets || die "A: old Child SA packets not removed"
	log "rekey-packets: packets $sp -> $(child_spi "$A" packets)"

	# ~80 KB each way: past A's life-bytes (60K); B has no limit on it
	nsexec "$A" ping -q -c 80 -i 0.02 -s 1000 -W 1 -I 10.1.3.1 10.2.3.1 >/dev/null 2>&1
	wait_for 20 hard_gone || die "hard expiry did not remove child hard on both sides"
	[ "$(nchild "$A" bytes)" = 1 ] && [ "$(nchild "$B" packets)" = 1 ] ||
		die "hard expiry of one child touched the others"
	log "life-bytes: child hard removed on both sides"

	oak_a del life || die "oak del life failed"
	oak_b del life || die "oak del life (B) failed"
	wait_for 10 both_none || die "SAs left after oak del life"
	wait_for 5 eq 0 nstates "$A" || die "states left in A"
	[ "$(npols "$A")" = 0 ] && [ "$(npols "$B")" = 0 ] || die "policies left"
}

# ---- part 3: strongSwan as responder --------------------------------------

part3()
{
	local S=oak-trap-s O=oak-trap-o

	log "part 3: start = trap towards strongSwan"
	require_cmd swanctl unshare
	netns_add "$O" "$S"
	veth_pair "$O" veth-o 10.98.0.1/24 "$S" veth-s 10.98.0.2/24
	ip -n "$O" addr add 10.5.0.1/24 dev lo
	ip -n "$S" addr add 10.6.0.1/24 dev lo
	ip -n "$O" route add 10.6.0.0/24 via 10.98.0.2 src 10.5.0.1
	ip -n "$S" route add 10.5.0.0/24 via 10.98.0.1 src 10.6.0.1
	charon_start "$S" "$TMP"
	trap_conf 10.98.0.1 10.98.0.2 10.5.0.0/24 10.6.0.0/24 trap >"$TMP/o.conf"
	cat >"$TMP/swanctl.conf" <<EOF
connections {
	gw {
		version = 2
		local_addrs = 10.98.0.2
		remote_addrs = 10.98.0.1
		proposals = aes256gcm16-prfsha384-x25519
		local {
			auth = psk
			id = 10.98.0.2
		}
		remote {
			auth = psk
			id = 10.98.0.1
		}
		children {
			net {
				local_ts = 10.6.0.0/24
				remote_ts = 10.5.0.0/24
				esp_proposals = aes256gcm16
				mode = tunnel
			}
		}
	}
}
secrets {
	ike-gw {
		id-1 = 10.98.0.1
		id-2 = 10.98.0.2
		secret = "$PSK"
	}
}
EOF
	swan --load-all --file "$TMP/swanctl.conf" >"$TMP/swan-load" 2>&1 ||
		{ cat "$TMP/swan-load" >&2; fail "swanctl --load-all failed"; }
	nsexec "$O" "$OAKLEY_OAK" load "$TMP/o.conf" || fail "oak load failed"
	[ "$(npols "$O")" = 3 ] || fail "no trap policies towards charon"
	[ "$(sa_state "$O")" = none ] || fail "an IKE SA exists before any traffic"

	nsexec "$O" ping -c 3 -i 0.3 -W 1 -I 10.5.0.1 10.6.0.1 >/dev/null 2>&1
	swan_ok() { [ "$(sa_state "$O")" = established ] && [ "$(child_count "$O")" = 1 ] &&
		    swan --list-sas 2>/dev/null | grep -q INSTALLED; }
	wait_for 30 swan_ok ||
		{ ike_diag "$O" >&2; swan --list-sas >&2; swan_log_tail >&2; fail "no tunnel"; }
	nsexec "$O" ping -c 3 -i 0.2 -W 2 -I 10.5.0.1 10.6.0.1 >"$TMP/ping" 2>&1 ||
		{ cat "$TMP/ping" >&2; ike_diag "$O" >&2; fail "ping towards charon failed"; }
	[ "$(nlarval "$O")" = 0 ] || fail "a larval state was left"
	log "acquire -> tunnel with charon up, pings pass"
	nsexec "$O" "$OAKLEY_OAK" del gw || fail "oak del failed"
	wait_for 10 eq none sa_state "$O" || fail "SA left after oak del"
	[ "$(npols "$O")" = 0 ] || fail "policies left after oak del"
	charon_stop
	ip netns del "$O"
	ip netns del "$S"
}

# ---- part 4: the packet's selectors first ---------------------------------

narrow_conf_a()
{
	cat <<EOF
[secret psk]
psk = "$PSK"

[connection gw]
local = 10.99.0.1
remote = 10.99.0.2
secret = psk
ike = aes256gcm16-prfsha384-x25519
dpd = 0
start = trap

[child wide]
local-ts = 10.1.0.0/24
remote-ts = 10.2.0.0/16
esp = aes256gcm16
EOF
}

narrow_conf_b()
{
	cat <<EOF
[secret psk]
psk = "$PSK"

[connection gw]
local = 10.99.0.2
remote = 10.99.0.1
secret = psk
ike = aes256gcm16-prfsha384-x25519
dpd = 0

[child one]
local-ts = 10.2.1.0/24
remote-ts = 10.1.0.0/24
esp = aes256gcm16

[child two]
local-ts = 10.2.2.0/24
remote-ts = 10.1.0.0/24
esp = aes256gcm16
EOF
}

# names of NS's Child SAs, sorted, comma-separated
child_names() { nsexec "$1" "$OAKLEY_OAK" show sa -j |
	jq -r '[.. | objects | select(has("spi-in")) | .name] | sort | join(",")'; }

part4()
{
	log "part 4: trap narrowed to the packet's addresses"
	narrow_conf_a >"$TMP/a4.conf"
	narrow_conf_b >"$TMP/b4.conf"
	oak_a load "$TMP/a4.conf" || die "oak load (A) failed"
	oak_b load "$TMP/b4.conf" || die "oak load (B) failed"
	sleep 0.5
	[ "$(sa_state "$A")" = none ] || die "an IKE SA exists before any traffic"

	nsexec "$A" ping -c 3 -i 0.3 -W 1 -I 10.1.0.1 10.2.2.1 >/dev/null 2>&1
	wait_for 30 both_up || die "the ping to 10.2.2.1 did not bring the tunnel up"
	[ "$(child_names "$B")" = two ] ||
		die "B picked child '$(child_names "$B")' for a packet to 10.2.2.1, want 'two'"
	nsexec "$A" ping -c 3 -i 0.2 -W 2 -I 10.1.0.1 10.2.2.1 >"$TMP/ping" 2>&1 ||
		{ cat "$TMP/ping" >&2; die "ping to 10.2.2.1 through the narrowed tunnel failed"; }
	[ "$(child_count "$A")" = 1 ] && [ "$(child_count "$B")" = 1 ] ||
		die "A has $(child_count "$A"), B $(child_count "$B") Child SAs, want 1 each"
	[ "$(nlarval "$A")" = 0 ] || die "a larval state was left in A"
	log "B chose child 'two' for 10.1.0.1 -> 10.2.2.1; pings pass"

	oak_a del gw || die "oak del gw failed"
	oak_b del gw || die "oak del gw (B) failed"
	wait_for 10 both_none || die "SAs left after oak del"
	wait_for 5 eq 0 nstates "$A" || die "A kept xfrm states after oak del"
	[ "$(npols "$A")" = 0 ] && [ "$(npols "$B")" = 0 ] || die "policies left after oak del"
}

for p in $PARTS; do
	"part$p"
done

ip netns del "$A"
ip netns del "$B"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
