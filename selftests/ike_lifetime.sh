#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The lifetimes of IKE SAs: reauthentication (`reauth`, make-before-break),
# the hard lifetime (`ike-lifetime`) and INITIAL_CONTACT (RFC 7296 §2.4).
#  1. Reauth, Oakley <-> Oakley: A has reauth = 20s, jitter = 0.  A ping
#     every 0.2 s runs across the reauthentication: no reply is lost, the IKE
#     SA's SPIs and the Child SA's SPI change, the new Child SA keeps the
#     old one's reqid (the policies never change), then exactly one IKE SA
#     and one Child SA (2 xfrm states) remain on both sides.
#  2. Hard lifetime, Oakley <-> Oakley: A has ike-rekey = 0 (no rekey) and
#     ike-lifetime = 8s: after it the IKE SA and its Child SA are gone on both
#     sides (A's Delete reaches B), no xfrm state or policy is left.
#  3. Reauth towards strongSwan (charon responder): as 1, charon ends with
#     one IKE SA too; the only replies allowed to be lost are those charon
#     sends on its new SA before its IKE_AUTH response reaches Oakley
#     (counted by XfrmAcquireError: the responder's window, see part 6).
#  4. INITIAL_CONTACT, Oakley <-> Oakley: B (initiator) loses its SAs without
#     A hearing of it (link down, oak del); A has dpd = 0 and keeps them.  B
#     comes back and connects again (INITIAL_CONTACT): A removes the stale IKE
#     SA without a Delete, one IKE SA and one Child SA (2 states) remain.
#  5. INITIAL_CONTACT from strongSwan: charon (initiator) forgets its SA the
#     same way and initiates again; Oakley keeps exactly one IKE SA.
#  6. Reauth by strongSwan (reauth_time = 20s, make_before_break): Oakley
#     answers, keeps the reqid and holds its new outbound state back until
#     charon's Delete of the old IKE SA: no reply lost.
# The measured timings are printed.
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/ike_lifetime.sh
# OAKLEY_LIFETIME_PARTS="1 2 3 4 5 6" selects parts (in that order; repeated
# parts run again: "1 3 1 3" for loss hunting).  A lost ping reply is
# explained by the loss witness of lib/ike.sh.

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/charon.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq modprobe

PARTS=${OAKLEY_LIFETIME_PARTS:-"1 2 3 4 5 6"}
PSK="ike_lifetime selftest secret 0123456789"
A=oak-life-a
B=oak-life-b

ike_setup ike_lifetime

oak_a() { nsexec "$A" "$OAKLEY_OAK" "$@"; }
oak_b() { nsexec "$B" "$OAKLEY_OAK" "$@"; }
die() { ike_diag "$A" "$B" >&2; fail "$*"; }

npols() { main_pols "$1" | wc -l; }
# pol_reqids NS: the reqids the policies' templates name, sorted, one line
pol_reqids() { ip -n "$1" xfrm policy | sed -n 's/.* reqid \([0-9]*\) .*/\1/p' | sort -u | xargs; }
nstates() { ip -n "$1" xfrm state | grep -c '^src '; }
# sa_summary NS -> "IKE-SAs CHILD-SAs STATE SPIi/SPIr SPI-IN" (first IKE SA, first Child SA),
# one `oak show sa -j` (polls are slow under emulation: few processes each)
sa_summary()
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j | jq -r '[.. | objects | select(has("spi-i"))] as $i |
		[.. | objects | select(has("spi-in"))] as $c |
		"\($i | length) \($c | length) \($i[0].state // "none")" +
		" \($i[0]."spi-i" // "-")/\($i[0]."spi-r" // "-") \($c[0]."spi-in" // "-")"'
}
ike_sas() { sa_summary "$1" | cut -d' ' -f1; }
ike_spis() { sa_summary "$1" | cut -d' ' -f4; }
child_spi() { sa_summary "$1" | cut -d' ' -f5; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
secs_since() { local d=$(($(now_ms) - $1)); printf '%d.%01d' $((d / 1000)) $((d % 1000 / 100)); }

# wait_for SECONDS CMD...: poll every 0.2 s until CMD succeeds, for at most SECONDS
wait_for()
{
	local end=$((SECONDS + $1))

	shift
	while [ "$SECONDS" -lt "$end" ]; do
		"$@" && return 0
		sleep 0.2
	done
	"$@"
}

# one_pair NS [OLD-SPIS OLD-CHILD-SPI]: one IKE SA, established, with one Child SA
# and its two xfrm states (and other SPIs than the old ones)
one_pair()
{
	local n c st spis cspi

	read -r n c st spis cspi <<<"$(sa_summary "$1")"
	[ "$n" = 1 ] && [ "$c" = 1 ] && [ "$st" = established ] &&
		[ "$spis" != "${2:-}" ] && [ "$cspi" != "${3:-}" ] && [ "$(nstates "$1")" = 2 ]
}
both_one() { one_pair "$A" && one_pair "$B"; }
# eq VALUE CMD...: CMD prints VALUE (for wait_for: CMD runs again on every poll)
eq() { [ "$("${@:2}")" = "$1" ]; }
both_none() { [ "$(ike_sas "$A")" = 0 ] && [ "$(ike_sas "$B")" = 0 ]; }

netns_add "$A" "$B"
veth_pair "$A" veth-a 10.97.0.1/24 "$B" veth-b 10.97.0.2/24
ip -n "$A" addr add 10.1.0.1/24 dev lo
ip -n "$B" addr add 10.2.0.1/24 dev lo
ip -n "$A" route add 10.2.0.0/24 via 10.97.0.2 src 10.1.0.1
ip -n "$B" route add 10.1.0.0/24 via 10.97.0.1 src 10.2.0.1

conf()	# LOCAL REMOTE LNET RNET EXTRA-CONNECTION-KEYS...
{
	local l=$1 r=$2 ln=$3 rn=$4 k

	shift 4
	printf '[secret psk]\npsk = "%s"\n\n[connection gw]\n' "$PSK"
	printf 'local = %s\nremote = %s\nsecret = psk\n' "$l" "$r"
	printf 'ike = aes256gcm16-prfsha384-x25519\ndpd = 0\n'
	for k in "$@"; do
		printf '%s\n' "$k"
	done
	printf '\n[child net]\nlocal-ts = %s\nremote-ts = %s\nesp = aes256gcm16\n' "$ln" "$rn"
}

# pinger NS SRC DST COUNT FILE PEER-NS: ping every 0.2 s in the background
# (sets PING_PID), with the loss witness of lib/ike.sh on NS and PEER-NS
pinger()
{
	witness_start "$TMP" "$1" "$6"
	nsexec "$1" ping -D -O -c "$4" -i 0.2 -W 3 -I "$2" "$3" >"$5" 2>&1 &
	PING_PID=$!
}

# ping_done FILE [PEERLOG]: wait for the pinger (not in a subshell: the
# ping is this shell's child); sets GOT to the replies received, and when
# one is missing prints the witness's account of it
ping_done()
{
	wait "$PING_PID"
	witness_stop
	GOT=$(grep 'bytes from' "$1" | grep -o 'icmp_seq=[0-9]*' | sort -u | wc -l)
	[ "$GOT" = 175 ] || witness_report "$1" ${2:+"$2"} >&2
}

# up_retry CHECK CMD...: run CMD (an initiation) until CHECK holds within 60 s, 3 tries.  The
# VM's first handshake loads the kernel's crypto modules from the 9p root, which under a
# loaded emulator can outlast the initiator's 15 s of retransmissions.
up_retry()
{
	local check=$1 i

	shift
	for i in 1 2 3; do
		"$@" >/dev/null 2>&1 || return 1
		wait_for 60 "$check" && return 0
		log "not up after try $i: initiating again"
	done
	return 1
}

# ab_up KEY...: A (with these connection keys) initiates to B; sets T0 to `oak up`'s time
ab_up()
{
	conf 10.97.0.1 10.97.0.2 10.1.0.0/24 10.2.0.0/24 "$@" >"$TMP/a.conf"
	conf 10.97.0.2 10.97.0.1 10.2.0.0/24 10.1.0.0/24 >"$TMP/b.conf"
	oak_b load "$TMP/b.conf" || die "oak load (B) failed"
	oak_a load "$TMP/a.conf" || die "oak load (A) failed"
	T0=$(now_ms)
	up_retry both_one oak_a up gw || die "the tunnel did not come up"
}

# ---- part 1: reauth, Oakley <-> Oakley ---------------------------------------

reauth_done_ab() { one_pair "$A" "$1" "$2" && one_pair "$B" "$1"; }

part1()
{
	local spis cspi t0 tup ra rb

	log "part 1: reauth = 20s, Oakley <-> Oakley"
	ab_up "reauth = 20s" "jitter = 0"
	t0=$T0
	spis=$(ike_spis "$A")
	cspi=$(child_spi "$A")
	ra=$(pol_reqids "$A")
	rb=$(pol_reqids "$B")
	log "up: IKE SA $spis, Child SA $cspi, reqids $ra / $rb"

	# 35 s of pings: across the reauth at 20 s and the old SA's removal
	pinger "$A" 10.1.0.1 10.2.0.1 175 "$TMP/ping1" "$B"
	wait_for 90 eq 2 ike_sas "$A" || die "no second IKE SA: reauth did not start"
	tup=$(secs_since "$t0")
	wait_for 90 reauth_done_ab "$spis" "$cspi" ||
		die "after the reauth not exactly one IKE SA + Child SA on each side"
	log "reauth: new IKE SA after ${tup}s, old one gone after $(secs_since "$t0")s:" \
	    "$spis -> $(ike_spis "$A"), Child SA $cspi -> $(child_spi "$A")"
	[ "$(npols "$A")" = 3 ] && [ "$(npols "$B")" = 3 ] ||
		die "policies: A $(npols "$A"), B $(npols "$B"), want 3 each"
	# the new Child SA took the old one's reqid: the policies never changed
	[ "$(pol_reqids "$A")" = "$ra" ] && [ "$(pol_reqids "$B")" = "$rb" ] ||
		die "reqids $ra / $rb became $(pol_reqids "$A") / $(pol_reqids "$B")"
	ping_done "$TMP/ping1"
	[ "$GOT" = 175 ] || { grep -v icmp_seq "$TMP/ping1" >&2; die "$((175 - GOT)) of 175 pings lost"; }
	log "175 of 175 pings answered across the reauth"

	oak_a del gw || die "oak del gw failed"
	oak_b del gw || die "oak del gw (B) failed"
	wait_for 30 both_none || die "SAs left after oak del"
	wait_for 5 eq 0 nstates "$A" || die "A kept xfrm states"
	[ "$(npols "$A")" = 0 ] && [ "$(npols "$B")" = 0 ] || die "policies left after oak del"
}

# ---- part 2: IKE hard lifetime -------------------------------------------------

part2()
{
	local t0 dt

	log "part 2: ike-lifetime = 8s without rekey"
	ab_up "ike-rekey = 0" "ike-lifetime = 8s"
	t0=$T0
	dt=$(secs_since "$t0")
	# oak show sa -j: an IKEv2 SA without rekey, its hard lifetime counting down
	nsexec "$A" "$OAKLEY_OAK" show sa -j >"$TMP/sa2" || die "oak show sa failed"
	jq -e '.[0] | .version == 2 and .["rekey-in"] == null and .["expire-in"] <= 8 and
	       (.children[0] | .["rekey-in"] > 0 and .["expire-in"] >= .["rekey-in"])' \
		"$TMP/sa2" >/dev/null || { cat "$TMP/sa2" >&2; die "oak show sa: times wrong"; }
	nsexec "$A" ping -c 2 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1 >"$TMP/ping2" 2>&1 ||
		{ cat "$TMP/ping2" >&2; die "ping failed"; }
	wait_for 60 both_none || die "the IKE SA outlived its hard lifetime"
	dt="${dt}s up, gone after $(secs_since "$t0")s"
	[ "$(($(now_ms) - t0))" -ge 7500 ] || die "the IKE SA went too early ($dt)"
	wait_for 5 eq 0 nstates "$A" || die "A kept xfrm states"
	[ "$(nstates "$B")" = 0 ] || die "B kept xfrm states: the Delete did not reach it"
	[ "$(npols "$A")" = 0 ] && [ "$(npols "$B")" = 0 ] || die "policies left"
	log "hard lifetime: $dt (from oak up); both sides clean"
	oak_a del gw
	oak_b del gw
}

# ---- part 4: INITIAL_CONTACT, Oakley <-> Oakley --------------------------------

part4()
{
	local old t0

	log "part 4: INITIAL_CONTACT, Oakley <-> Oakley"
	conf 10.97.0.1 10.97.0.2 10.1.0.0/24 10.2.0.0/24 >"$TMP/a4.conf"
	conf 10.97.0.2 10.97.0.1 10.2.0.0/24 10.1.0.0/24 >"$TMP/b4.conf"
	oak_a load "$TMP/a4.conf" || die "oak load (A) failed"
	oak_b load "$TMP/b4.conf" || die "oak load (B) failed"
	up_retry both_one oak_b up gw || die "the tunnel did not come up"
	old=$(ike_spis "$A")

	# B forgets everything; A hears nothing of it
	ip -n "$B" link set veth-b down
	oak_b del gw || die "oak del (B) failed"
	wait_for 30 eq 0 ike_sas "$B" || die "B kept its SA"
	ip -n "$B" link set veth-b up
	ip -n "$B" route replace 10.1.0.0/24 via 10.97.0.1 src 10.2.0.1
	wait_for 10 nsexec "$B" ping -c 1 -W 1 10.97.0.1 >/dev/null 2>&1 || die "link not back"
	one_pair "$A" || die "A lost its SA although it heard nothing"
	log "B restarted; A still holds IKE SA $old"

	oak_b load "$TMP/b4.conf" || die "oak load (B) again failed"
	t0=$(now_ms)
	oak_b up gw || die "oak up (B) again failed"
	wait_for 60 one_pair "$B" || die "B did not reconnect"
	wait_for 30 both_one || die "A has $(ike_sas "$A") IKE SAs, $(child_count "$A") Child SAs" \
		"and $(nstates "$A") states after INITIAL_CONTACT, want 1, 1, 2"
	[ "$(ike_spis "$A")" != "$old" ] || die "A kept the stale IKE SA, not the new one"
	[ "$(npols "$A")" = 3 ] || die "A has $(npols "$A") policies, want 3"
	nsexec "$B" ping -c 3 -i 0.2 -W 2 -I 10.2.0.1 10.1.0.1 >"$TMP/ping4" 2>&1 ||
		{ cat "$TMP/ping4" >&2; die "ping through the new tunnel failed"; }
	log "INITIAL_CONTACT: A replaced $old by $(ike_spis "$A") in $(secs_since "$t0")s," \
	    "1 IKE SA, 1 Child SA, 2 states"
	oak_a del gw
	oak_b del gw
	wait_for 30 both_none || die "SAs left after oak del"
}

# ---- parts 3 and 5: strongSwan --------------------------------------------------

S=oak-life-s
O=oak-life-o

swan_setup()
{
	netns_add "$O" "$S"
	veth_pair "$O" veth-o 10.96.0.1/24 "$S" veth-s 10.96.0.2/24
	ip -n "$O" addr add 10.5.0.1/24 dev lo
	ip -n "$S" addr add 10.6.0.1/24 dev lo
	ip -n "$O" route add 10.6.0.0/24 via 10.96.0.2 src 10.5.0.1
	ip -n "$S" route add 10.5.0.0/24 via 10.96.0.1 src 10.6.0.1
	charon_start "$S" "$TMP" "make_before_break = yes"
	cat >"$TMP/swanctl.conf" <<EOF
connections {
	gw {
		version = 2
		local_addrs = 10.96.0.2
		remote_addrs = 10.96.0.1
		proposals = aes256gcm16-prfsha384-x25519
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
		id-1 = 10.96.0.1
		id-2 = 10.96.0.2
		secret = "$PSK"
	}
}
EOF
	swan --load-all --file "$TMP/swanctl.conf" >"$TMP/swan-load" 2>&1 ||
		{ cat "$TMP/swan-load" >&2; fail "swanctl --load-all failed"; }
}

sdie() { ike_diag "$O" >&2; swan --list-sas >&2; swan_log_tail >&2; fail "$*"; }
swan_ike_sas() { swan --list-sas 2>/dev/null | grep -c '^gw: #'; }
# o_one [OLD-SPIS]: one IKE SA + Child SA on Oakley (not OLD-SPIS), one IKE SA on charon
o_one() { one_pair "$O" "${1:-}" && [ "$(swan_ike_sas)" = 1 ] &&
	  swan --list-sas 2>/dev/null | grep -q INSTALLED; }

part3()
{
	local spis t0 ro early

	log "part 3: reauth = 20s towards strongSwan"
	conf 10.96.0.1 10.96.0.2 10.5.0.0/24 10.6.0.0/24 "reauth = 20s" "jitter = 0" \
		>"$TMP/o3.conf"
	nsexec "$O" "$OAKLEY_OAK" load "$TMP/o3.conf" || sdie "oak load failed"
	t0=$(now_ms)
	up_retry o_one nsexec "$O" "$OAKLEY_OAK" up gw || sdie "no tunnel with charon"
	spis=$(ike_spis "$O")
	ro=$(pol_reqids "$O")
	pinger "$O" 10.5.0.1 10.6.0.1 175 "$TMP/ping3" "$S"
	wait_for 90 eq 2 ike_sas "$O" || sdie "reauth did not start"
	wait_for 90 o_one "$spis" ||
		sdie "after the reauth: Oakley $(ike_sas "$O"), charon $(swan_ike_sas) IKE SAs"
	log "reauth with charon: $spis -> $(ike_spis "$O") after $(secs_since "$t0")s," \
	    "1 IKE SA on each side"
	[ "$(pol_reqids "$O")" = "$ro" ] || sdie "reqid $ro became $(pol_reqids "$O")"
	ping_done "$TMP/ping3" "$CHARON_DIR/charon.log"
	# charon, the responder, sends on its new Child SA as soon as it has
	# installed it, a few ms before its IKE_AUTH response reaches us: a
	# reply it sends then meets the larval state of our reserved SPI
	# (XfrmAcquireError), the one window no initiator can close (part 6:
	# Oakley answering holds its outbound state back).  Any other loss fails.
	early=$(witness_moved "$O" XfrmAcquireError)
	[ $((175 - GOT)) -le "$early" ] ||
		{ grep -v icmp_seq "$TMP/ping3" >&2; sdie "$((175 - GOT)) of 175 pings lost"; }
	log "$GOT of 175 pings answered across the reauth" \
	    "($early sent by charon on its new SA before its IKE_AUTH response came)"
	nsexec "$O" "$OAKLEY_OAK" del gw || sdie "oak del failed"
	wait_for 30 eq 0 swan_ike_sas || sdie "charon kept its SA after oak del"
}

part5()
{
	local old t0

	log "part 5: INITIAL_CONTACT from strongSwan"
	conf 10.96.0.1 10.96.0.2 10.5.0.0/24 10.6.0.0/24 >"$TMP/o5.conf"
	nsexec "$O" "$OAKLEY_OAK" load "$TMP/o5.conf" || sdie "oak load failed"
	up_retry o_one swan --initiate --child net || sdie "no tunnel from charon"
	old=$(ike_spis "$O")

	# charon forgets its SA; Oakley hears nothing of it
	ip -n "$S" link set veth-s down
	swan --terminate --ike gw --force >/dev/null 2>&1
	wait_for 30 eq 0 swan_ike_sas || sdie "charon kept its SA"
	ip -n "$S" link set veth-s up
	ip -n "$S" route replace 10.5.0.0/24 via 10.96.0.1 src 10.6.0.1
	wait_for 10 nsexec "$S" ping -c 1 -W 1 10.96.0.1 >/dev/null 2>&1 || sdie "link not back"
	one_pair "$O" || sdie "Oakley lost its SA although it heard nothing"

	t0=$(now_ms)
	swan --initiate --child net >"$TMP/swan-init" 2>&1 ||
		{ cat "$TMP/swan-init" >&2; sdie "swanctl --initiate (again) failed"; }
	wait_for 60 o_one "$old" ||
		sdie "Oakley has $(ike_sas "$O") IKE SAs, $(nstates "$O") states, want 1 and 2"
	nsexec "$O" ping -c 3 -i 0.2 -W 2 -I 10.5.0.1 10.6.0.1 >"$TMP/ping5" 2>&1 ||
		{ cat "$TMP/ping5" >&2; sdie "ping through the new tunnel failed"; }
	log "charon's INITIAL_CONTACT: $old replaced by $(ike_spis "$O") in $(secs_since "$t0")s"
	nsexec "$O" "$OAKLEY_OAK" del gw
}

# charon reauthenticates (make-before-break, reauth_time = 20s): Oakley
# answers and holds its new outbound state back until charon deletes the old
# IKE SA, so no packet can reach charon on an SA it cannot receive on yet
part6()
{
	local spis ro

	log "part 6: strongSwan reauthenticates, Oakley answers"
	conf 10.96.0.1 10.96.0.2 10.5.0.0/24 10.6.0.0/24 >"$TMP/o6.conf"
	nsexec "$O" "$OAKLEY_OAK" load "$TMP/o6.conf" || sdie "oak load failed"
	sed 's/^\t\tversion = 2$/&\n\t\treauth_time = 20s\n\t\trand_time = 0/' \
		"$TMP/swanctl.conf" >"$TMP/swanctl6.conf"
	swan --load-all --file "$TMP/swanctl6.conf" >"$TMP/swan-load" 2>&1 ||
		{ cat "$TMP/swan-load" >&2; sdie "swanctl --load-all (reauth) failed"; }
	up_retry o_one swan --initiate --child net || sdie "no tunnel from charon"
	spis=$(ike_spis "$O")
	ro=$(pol_reqids "$O")
	pinger "$O" 10.5.0.1 10.6.0.1 175 "$TMP/ping6" "$S"
	wait_for 90 eq 2 ike_sas "$O" || sdie "charon did not reauthenticate"
	wait_for 90 o_one "$spis" ||
		sdie "after the reauth: Oakley $(ike_sas "$O"), charon $(swan_ike_sas) IKE SAs"
	log "charon reauthenticated: $spis -> $(ike_spis "$O"), 1 IKE SA on each side"
	[ "$(pol_reqids "$O")" = "$ro" ] || {
		# oak_child_adopt_reqid() says (pr_debug) what the other IKE SAs held
		dmesg | grep -e 'no predecessor' -e 'its child' >&2
		sdie "reqid $ro became $(pol_reqids "$O")"
	}
	ping_done "$TMP/ping6" "$CHARON_DIR/charon.log"
	[ "$GOT" = 175 ] || { grep -v icmp_seq "$TMP/ping6" >&2; sdie "$((175 - GOT)) of 175 pings lost"; }
	log "175 of 175 pings answered across charon's reauth"
	swan --load-all --file "$TMP/swanctl.conf" >"$TMP/swan-load" 2>&1 ||
		sdie "swanctl --load-all failed"
	nsexec "$O" "$OAKLEY_OAK" del gw || sdie "oak del failed"
	wait_for 30 eq 0 swan_ike_sas || sdie "charon kept its SA after oak del"
}

swan_done=
for p in $PARTS; do
	if [ "$p" = 3 ] || [ "$p" = 5 ] || [ "$p" = 6 ]; then
		[ -n "$swan_done" ] || swan_setup
		swan_done=1
	fi
	"part$p"
done

if [ -n "$swan_done" ]; then
	charon_stop
	ip netns del "$O"
	ip netns del "$S"
fi
ip netns del "$A"
ip netns del "$B"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
