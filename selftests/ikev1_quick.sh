#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IKEv1 Quick Mode and SA lifetimes.  Parts (OAKLEY_V1Q_PARTS="life p1life qi2",
# default all):
#
# life: the lifetime of an SA pair is the shorter of the two sides'.  A
#   responder whose child's `lifetime` (or `life-bytes`) is shorter than the
#   initiator's proposal accepts it, installs its own and says so in a
#   RESPONDER-LIFETIME notify in QR1 (RFC 2407 §4.6.3.1); an initiator
#   installs the shorter lifetime such a notify gives.  Checked on the hard
#   limits of the installed xfrm states (`ip -s xfrm state`, "expire add" and
#   "limit"): Oakley <-> Oakley both ways (both sides end with the shorter
#   one, seconds and kilobytes), and Oakley <-> charon (`life_time` in its
#   child) in both roles.  charon 5.9.8 neither sends nor honours the
#   notify: it installs its own `life_time` whatever was agreed (Oakley's
#   1 h as responder against charon's 2 h: Oakley 1 h, charon 2 h), and as
#   responder it accepts a longer proposal silently (Oakley keeps its 2 h).
# p1life: the ISAKMP SA's lifetime is the shorter of both sides' (SA Life in
#   the phase 1 transform): `oak show sa -j` expire-in on both sides,
#   Oakley <-> Oakley both ways and charon initiating with a shorter one; an
#   ISAKMP SA shows no rekey-in (not renewed), its Child SA does.
# qi2: QI2 of the first of three Quick Modes (three children, run back to
#   back by the initiator) is dropped once (nft, in the initiator's
#   namespace): the responder repeats QR1, which gets QI2 again although the
#   next Quick Mode has started meanwhile; all three SA pairs come up on both
#   sides.  Oakley <-> Oakley; then Oakley initiating to charon with one
#   child and its QI2 lost (charon stops repeating a QR1 when the next Quick
#   Mode begins, so its case is the last QI2, which only one child makes
#   certain: a duplicate QR1 gets QI2 twice).
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/ikev1_quick.sh

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/charon.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip jq modprobe nft swanctl unshare

PARTS=${OAKLEY_V1Q_PARTS:-"life p1life qi2"}
PSK="ikev1_quick selftest secret 0123456789"
A=oak-v1q-a
B=oak-v1q-b
S=oak-v1q-s

ike_setup ikev1_quick

netns_add "$A" "$B" "$S"
veth_pair "$A" veth-b 10.98.0.1/24 "$B" veth-a 10.98.0.2/24
veth_pair "$A" veth-s 10.97.0.1/24 "$S" veth-a 10.97.0.2/24

charon_start "$S" "$TMP"

diag()
{
	ike_diag "$A" "$B"
	echo "## swanctl --list-sas"; swan --list-sas
	echo "## xfrm ($S)"; ip -n "$S" -s xfrm state
	echo "## charon.log (tail)"; swan_log_tail 80
}

die() { diag >&2; fail "$*"; }

oak_in() { local ns=$1; shift; nsexec "$ns" "$OAKLEY_OAK" "$@"; }

# oak_conf FILE LOCAL REMOTE NCHILDREN CHILD_EXTRA [CONN_EXTRA]: children
# c1..cN with 10.(10+i).0.0/24 on A's side and 10.(20+i).0.0/24 on the other
oak_conf()
{
	local i lts rts

	cat >"$1" <<EOF
[secret psk]
psk = "$PSK"

[connection q]
version = 1
local = $2
remote = $3
secret = psk
ike = aes128-sha256-modp2048
${6:-}
EOF
	for i in $(seq 1 "$4"); do
		lts=10.$((10 + i)).0.0/24
		rts=10.$((20 + i)).0.0/24
		case $2 in 10.98.0.1|10.97.0.1) ;; *) local t=$lts; lts=$rts; rts=$t;; esac
		cat >>"$1" <<EOF

[child c$i]
local-ts = $lts
remote-ts = $rts
esp = aes128-sha256
$5
EOF
	done
}

# swan_conf NCHILDREN CHILD_EXTRA [CONN_EXTRA]: charon's side of A <-> S
swan_conf()
{
	local i

	{
		cat <<EOF
connections {
	q {
		version = 1
		local_addrs = 10.97.0.2
		remote_addrs = 10.97.0.1
		proposals = aes128-sha256-modp2048
		${3:-}
		local {
			auth = psk
			id = 10.97.0.2
		}
		remote {
			auth = psk
			id = 10.97.0.1
		}
		children {
EOF
		for i in $(seq 1 "$1"); do
			cat <<EOF
			c$i {
				local_ts = 10.$((20 + i)).0.0/24
				remote_ts = 10.$((10 + i)).0.0/24
				esp_proposals = aes128-sha256
				$2
			}
EOF
		done
		cat <<EOF
		}
	}
}
secrets {
	ike-q {
		id-1 = 10.97.0.1
		id-2 = 10.97.0.2
		secret = "$PSK"
	}
}
EOF
	} >"$TMP/swanctl.conf"
	swan --load-all --file "$TMP/swanctl.conf" >"$TMP/swan-load" 2>&1 ||
		{ cat "$TMP/swan-load" >&2; die "swanctl --load-all failed"; }
}

# hard_secs NS -> the hard "expire add" seconds of each ESP state, one a line
hard_secs()
{
	ip -n "$1" -s xfrm state | awk '/expire add:/ { sub(/\(sec\)/, "", $6); print $6 }'
}

# hard_bytes NS -> the hard byte limit of each ESP state ("(INF)" when none)
hard_bytes()
{
	ip -n "$1" -s xfrm state | awk '/limit:.*\(bytes\)/ { sub(/\(bytes\)/, "", $5); print $5 }'
}

# expect_all WHAT NS FUNC VALUE: exactly two states, both with VALUE
expect_all()
{
	local got

	got=$($3 "$2" | sort -u | tr '\n' ' ')
	[ "$(ip -n "$2" xfrm state | grep -c '^src')" = 2 ] && [ "$got" = "$4 " ] ||
		die "$1: $2's states have $3 '$got', want '$4'"
}

oo_children() { [ "$(child_count "$A")" = "$1" ] && [ "$(child_count "$B")" = "$1" ]; }
oo_none()
{
	[ "$(sa_state "$A")" = none ] && [ "$(sa_state "$B")" = none ] &&
		[ -z "$(ip -n "$A" xfrm state)$(ip -n "$B" xfrm state)" ]
}
swan_installed() { swan --list-sas 2>/dev/null | grep -c 'INSTALLED'; }
os_children()
{
	[ "$(child_count "$A")" = "$1" ] && [ "$(swan_installed)" = "$1" ]
}
os_none()
{
	[ "$(sa_state "$A")" = none ] && ! swan --list-sas 2>/dev/null | grep -q '^q:' &&
		[ -z "$(ip -n "$A" xfrm state)$(ip -n "$S" xfrm state)" ]
}

# oo_life WHAT A_EXTRA B_EXTRA SECS BYTES: A initiates one child to B; both
# sides' states end with hard limits SECS and BYTES
oo_life()
{
	local what=$1

	oak_conf "$TMP/a.conf" 10.98.0.1 10.98.0.2 1 "$2"
	oak_conf "$TMP/b.conf" 10.98.0.2 10.98.0.1 1 "$3"
	oak_in "$A" load "$TMP/a.conf" || die "$what: load A"
	oak_in "$B" load "$TMP/b.conf" || die "$what: load B"
	oak_in "$A" up q || die "$what: oak up failed"
	wait_for 30 oo_children 1 || die "$what: not established"
	expect_all "$what" "$A" hard_secs "$4"
	expect_all "$what" "$B" hard_secs "$4"
	expect_all "$what" "$A" hard_bytes "$5"
	expect_all "$what" "$B" hard_bytes "$5"
	oak_in "$A" down q || die "$what: oak down failed"
	wait_for 20 oo_none || die "$what: SAs left after oak down"
	log "$what: ok"
}

part_life()
{
	local what

	oo_life "life: responder shorter (seconds)" "lifetime = 2h" "lifetime = 1h" 3600 "(INF)"
	oo_life "life: initiator shorter (seconds)" "lifetime = 1h" "lifetime = 2h" 3600 "(INF)"
	oo_life "life: responder shorter (kilobytes)" "lifetime = 1h" \
		"lifetime = 1h
life-bytes = 10M" 3600 10485760
	oo_life "life: initiator shorter (kilobytes)" "lifetime = 1h
life-bytes = 10M" "lifetime = 1h
life-bytes = 20M" 3600 10485760

	# charon initiates with 2 h, Oakley (1 h) answers with RESPONDER-LIFETIME
	what="life: charon initiates, Oakley's lifetime shorter"
	oak_conf "$TMP/a.conf" 10.97.0.1 10.97.0.2 1 "lifetime = 1h"
	oak_in "$A" load "$TMP/a.conf" || die "$what: load A"
	swan_conf 1 "life_time = 2h
				rekey_time = 100m"
	swan --initiate --child c1 >"$TMP/swan-init" 2>&1 ||
		{ cat "$TMP/swan-init" >&2; die "$what: swanctl --initiate failed"; }
	wait_for 30 os_children 1 || die "$what: not established"
	expect_all "$what" "$A" hard_secs 3600
	# charon parses the notify (and logs it) but installs its configured lifetime
	expect_all "$what" "$S" hard_secs 7200
	swan --terminate --ike q >/dev/null 2>&1 || die "$what: swanctl --terminate failed"
	wait_for 20 os_none || die "$what: SAs left after swanctl --terminate"
	log "$what: ok"

	# Oakley initiates with 2 h to charon's 1 h
	what="life: Oakley initiates, charon's lifetime shorter"
	oak_conf "$TMP/a.conf" 10.97.0.1 10.97.0.2 1 "lifetime = 2h"
	oak_in "$A" load "$TMP/a.conf" || die "$what: load A"
	swan_conf 1 "life_time = 1h
				rekey_time = 50m"
	oak_in "$A" up q || die "$what: oak up failed"
	wait_for 30 os_children 1 || die "$what: not established"
	# charon accepts a longer proposal without a notify: Oakley keeps 2 h,
	# charon installs its own 1 h
	expect_all "$what" "$A" hard_secs 7200
	expect_all "$what" "$S" hard_secs 3600
	oak_in "$A" down q || die "$what: oak down failed"
	wait_for 20 os_none || die "$what: SAs left after oak down"
	log "$what: ok"
}

# qi2_drop NS N: drop the Nth (from 0) QI2 (Quick Mode, exchange 32, short) NS sends
qi2_drop()
{
	ip netns exec "$1" nft -f - <<EOF || die "nft: cannot add the QI2 rule in $1"
table inet oakqi2 {
	chain out {
		type filter hook output priority 0; policy accept;
		udp dport 500 @th,208,8 == 32 udp length < 120 numgen inc mod 1000000 == $2 counter drop
	}
}
EOF
}

qi2_dropped()
{
	ip netns exec "$1" nft -j list table inet oakqi2 |
		jq '[.nftables[] | .rule? // empty | .expr[] | .counter? // empty | .packets] | add'
}

part_qi2()
{
	local what n

	what="qi2: Oakley <-> Oakley, first QI2 lost"
	oak_conf "$TMP/a.conf" 10.98.0.1 10.98.0.2 3 ""
	oak_conf "$TMP/b.conf" 10.98.0.2 10.98.0.1 3 ""
	oak_in "$A" load "$TMP/a.conf" || die "$what: load A"
	oak_in "$B" load "$TMP/b.conf" || die "$what: load B"
	qi2_drop "$A" 0
	oak_in "$A" up q || die "$what: oak up failed"
	wait_for 40 oo_children 3 || die "$what: not all three SA pairs on both sides"
	n=$(qi2_dropped "$A")
	[ "$n" = 1 ] || die "$what: $n QI2 dropped, want 1"
	oak_in "$A" down q || die "$what: oak down failed"
	wait_for 20 oo_none || die "$what: SAs left after oak down"
	ip netns exec "$A" nft delete table inet oakqi2
	log "$what: ok"

	# charon keeps one response to repeat: the next Quick Mode's QI1 ends its
	# repetitions of QR1, and a Quick Mode whose QI2 was lost before another
	# began stays pending there.  So the QI2 lost here is the only one: with
	# three children "the third QI2 sent" was once QI2 of the second Quick
	# Mode (CI): a QR1 slower than our first retransmission of QI1 (1 s)
	# comes twice and gets QI2 twice, which the count cannot tell apart.
	what="qi2: Oakley initiates to charon, its QI2 lost"
	oak_conf "$TMP/a.conf" 10.97.0.1 10.97.0.2 1 ""
	oak_in "$A" load "$TMP/a.conf" || die "$what: load A"
	swan_conf 1 ""
	qi2_drop "$A" 0
	oak_in "$A" up q || die "$what: oak up failed"
	wait_for 40 os_children 1 || die "$what: the SA pair not on both sides"
	n=$(qi2_dropped "$A")
	[ "$n" = 1 ] || die "$what: $n QI2 dropped, want 1"
	oak_in "$A" down q || die "$what: oak down failed"
	wait_for 20 os_none || die "$what: SAs left after oak down"
	ip netns exec "$A" nft delete table inet oakqi2
	log "$what: ok"
}

# sa_left NS KEY -> KEY ("expire-in", "rekey-in") of the IKE SA, then of each Child SA
sa_left()
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j | jq -r --arg k "$2" '.[0][$k], (.[0].children[] | .[$k])'
}

# expect_left WHAT NS LO HI: the IKE SA is IKEv1, not renewed (no rekey-in),
# and expires in LO..HI seconds; its Child SA rekeys
expect_left()
{
	local exp rk ver ch

	ver=$(nsexec "$2" "$OAKLEY_OAK" show sa -j | jq -r '.[0].version')
	exp=$(sa_left "$2" expire-in | head -1)
	rk=$(sa_left "$2" rekey-in | head -1)
	ch=$(sa_left "$2" rekey-in | sed -n 2p)
	[ "$ver" = 1 ] || die "$1: $2's SA has version '$ver'"
	[ "$rk" = null ] || die "$1: $2's ISAKMP SA has rekey-in '$rk' (it is not renewed)"
	[ "$exp" != null ] && [ "$exp" -ge "$3" ] && [ "$exp" -le "$4" ] ||
		die "$1: $2's ISAKMP SA expires in '$exp' s, want $3..$4"
	[ -n "$ch" ] && [ "$ch" != null ] && [ "$ch" -gt 0 ] ||
		die "$1: $2's Child SA has rekey-in '$ch'"
	log "$1: $2's ISAKMP SA expires in $exp s, its Child SA rekeys in $ch s"
}

# oo_p1life WHAT A_EXTRA B_EXTRA LO HI: A initiates to B; both ISAKMP SAs expire in LO..HI s
oo_p1life()
{
	oak_conf "$TMP/a.conf" 10.98.0.1 10.98.0.2 1 "" "$2"
	oak_conf "$TMP/b.conf" 10.98.0.2 10.98.0.1 1 "" "$3"
	oak_in "$A" load "$TMP/a.conf" || die "$1: load A"
	oak_in "$B" load "$TMP/b.conf" || die "$1: load B"
	oak_in "$A" up q || die "$1: oak up failed"
	wait_for 30 oo_children 1 || die "$1: not established"
	expect_left "$1" "$A" "$4" "$5"
	expect_left "$1" "$B" "$4" "$5"
	oak_in "$A" down q || die "$1: oak down failed"
	wait_for 20 oo_none || die "$1: SAs left after oak down"
	log "$1: ok"
}

# os_p1life WHAT OAK_LIFE SWAN_REAUTH LO HI: charon (reauth_time SWAN_REAUTH +
# over_time 10m) initiates to Oakley (ike-lifetime OAK_LIFE); Oakley's
# ISAKMP SA expires in LO..HI s and charon keeps the SA
os_p1life()
{
	oak_conf "$TMP/a.conf" 10.97.0.1 10.97.0.2 1 "" "ike-rekey = $2
ike-lifetime = $2"
	oak_in "$A" load "$TMP/a.conf" || die "$1: load A"
	swan_conf 1 "" "reauth_time = $3
		over_time = 10m
		rand_time = 0"
	swan --initiate --child c1 >"$TMP/swan-init" 2>&1 ||
		{ cat "$TMP/swan-init" >&2; die "$1: swanctl --initiate failed"; }
	wait_for 30 os_children 1 || die "$1: not established"
	expect_left "$1" "$A" "$4" "$5"
	sleep 2
	os_children 1 || die "$1: charon did not keep the SA"
	swan --terminate --ike q >/dev/null 2>&1 || die "$1: swanctl --terminate failed"
	wait_for 20 os_none || die "$1: SAs left after swanctl --terminate"
	log "$1: ok"
}

# p1life: phase 1's SA Life.  The initiator proposes its `ike-lifetime`, the
# responder returns it; each side ends the ISAKMP SA at the shorter of that
# and its own, and a responder whose own is shorter says so in a
# RESPONDER-LIFETIME notify after phase 1.  charon proposes its reauth_time
# plus over_time.
part_p1life()
{
	oo_p1life "p1life: responder shorter" "ike-rekey = 2h
ike-lifetime = 2h" "ike-rekey = 1h
ike-lifetime = 1h" 3500 3600
	oo_p1life "p1life: initiator shorter" "ike-rekey = 1h
ike-lifetime = 1h" "ike-rekey = 2h
ike-lifetime = 2h" 3500 3600

	os_p1life "p1life: charon initiates with a shorter life" 2h 1h 4100 4200
	# Oakley answers with its shorter lifetime and a RESPONDER-LIFETIME
	# notify, which charon takes without complaint (and ignores)
	os_p1life "p1life: charon initiates with a longer life" 1h 3h 3500 3600
}

for p in $PARTS; do
	case $p in
	life) part_life;;
	p1life) part_p1life;;
	qi2) part_qi2;;
	*) fail "unknown part '$p'";;
	esac
done

charon_stop
ip netns del "$A"
ip netns del "$B"
ip netns del "$S"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
