#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The request queue, INFORMATIONAL exchanges and liveness checks (DPD):
#  - oak monitor -j across up / Child rekey / down: each event exactly once;
#  - Oakley <-> Oakley with two Child SAs: `oak down CONN/CHILD` on either
#    side removes exactly that Child SA on both sides; `oak up CONN/CHILD`
#    brings it back through CREATE_CHILD_SA;
#  - concurrency: a liveness check (held up by a delayed peer), a Child
#    rekey and a Child delete issued at once go out one after another: the
#    peer drops nothing as out of window, (almost) nothing is retransmitted;
#  - both sides with start = start: one IKE SA (the same on both) remains;
#  - DPD (dpd = 2s): the peer's link goes down, Oakley detects it within
#    dpd + the retransmission budget (printed), removes the SAs, reports
#    dead-peer; dpd-action = restart re-establishes when the link returns,
#    going on through attempts the peer refuses (NO_PROPOSAL_CHOSEN) until
#    its configuration is back;
#    dpd-action = trap puts the connection's trap policies back;
#  - strongSwan: `oak down` removes charon's SAs, charon's --terminate
#    --child / --ike remove Oakley's, a stopped charon is detected as dead.
# Asserts on oak show sa -j, oak stats -j, oak monitor -j, ip xfrm and
# swanctl --list-sas; never on log text.
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/ike_dpd.sh

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/charon.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq modprobe tc

PSK="ike_dpd selftest secret 0123456789"
IKE=aes256gcm16-prfsha384-x25519
A=oak-dpd-a
B=oak-dpd-b
S=oak-dpd-s

ike_setup ike_dpd
modprobe sch_netem || skip "no sch_netem"

netns_add "$A" "$B" "$S"
veth_pair "$A" veth-a 10.99.0.1/24 "$B" veth-b 10.99.0.2/24
veth_pair "$A" veth-as 10.98.0.1/24 "$S" veth-s 10.98.0.2/24
ip -n "$A" addr add 10.1.1.1/24 dev lo
ip -n "$A" addr add 10.1.2.1/24 dev lo
ip -n "$A" addr add 10.1.3.1/24 dev lo
ip -n "$B" addr add 10.2.1.1/24 dev lo
ip -n "$B" addr add 10.2.2.1/24 dev lo
ip -n "$S" addr add 10.3.0.1/24 dev lo
ip -n "$A" route add 10.2.0.0/16 via 10.99.0.2
ip -n "$B" route add 10.1.0.0/16 via 10.99.0.1
ip -n "$A" route add 10.3.0.0/24 via 10.98.0.2 src 10.1.3.1
ip -n "$S" route add 10.1.3.0/24 via 10.98.0.1 src 10.3.0.1

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
	echo "## $B: oak monitor -j (tail)"; tail -n 15 "$TMP/mon-b"
	if [ -n "${CHARON_PID:-}" ]; then
		echo "## swanctl --list-sas"; swan --list-sas
		echo "## charon.log (tail)"; swan_log_tail 40
	fi
}

die() { diag >&2; fail "$*"; }

stat_of() { nsexec "$1" "$OAKLEY_OAK" stats -j | jq -r ".\"$2\""; }

# children NS [CONN] -> sorted, comma-separated names of the installed Child SAs
children()
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j |
		jq -r --arg c "${2:-gw}" '[.[] | select(.conn == $c) | .. | objects |
			select(has("spi-in")) | .name] | sort | join(",")'
}

# ike_count NS [CONN] -> number of IKE SAs of the connection
ike_count()
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j |
		jq --arg c "${2:-gw}" '[.[] | select(.conn == $c)] | length'
}

# conn_state NS CONN -> state of the connection's first IKE SA or "none"
conn_state()
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j |
		jq -r --arg c "$2" '[.[] | select(.conn == $c)][0].state // "none"'
}

# child_spi NS CHILD -> inbound SPI of that Child SA of gw
child_spi()
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j |
		jq -r --arg n "$2" '[.. | objects | select(has("spi-in") and .name == $n)][0]["spi-in"] // ""'
}

wait_for()	# SECONDS COMMAND...: until the command succeeds
{
	local end=$((SECONDS + $1))
	shift
	while :; do
		"$@" && return 0
		[ $SECONDS -lt $end ] || return 1
		sleep 0.1
	done
}

both_children() { [ "$(children "$A")" = "$1" ] && [ "$(children "$B")" = "$1" ]; }
one_or_two() { both_children c1 || both_children c1,c2; }
dead_more() { [ "$(events a dead-peer "$1")" -gt "$2" ]; }
b_one() { [ "$(ike_count "$B")" = 1 ]; }
both_none() { [ "$(ike_count "$A")" = 0 ] && [ "$(ike_count "$B")" = 0 ]; }
states_of() { ip -n "$1" xfrm state | grep -c '^src'; }

# events SIDE TYPE [CONN] -> how many TYPE events the monitor of SIDE printed
events() { jq -c --arg t "$2" --arg c "${3:-gw}" 'select(.event == $t and .conn == $c)' \
	"$TMP/mon-$1" 2>/dev/null | wc -l; }

# refusals -> A's error events for gw with NO_PROPOSAL_CHOSEN (14)
refusals() { jq -c 'select(.event == "error" and .conn == "gw" and .notify == 14)' \
	"$TMP/mon-a" 2>/dev/null | wc -l; }
refused_twice() { [ "$(refusals)" -ge "$(($1 + 2))" ]; }

conf_ab()	# SIDE(a|b) DPD-ACTION DPD
{
	local l r n1 n2 p1 p2
	if [ "$1" = a ]; then
		l=10.99.0.1 r=10.99.0.2 n1=10.1.1.0/24 n2=10.1.2.0/24 p1=10.2.1.0/24 p2=10.2.2.0/24
	else
		l=10.99.0.2 r=10.99.0.1 n1=10.2.1.0/24 n2=10.2.2.0/24 p1=10.1.1.0/24 p2=10.1.2.0/24
	fi
	cat <<EOF
[secret psk]
psk = "$PSK"

[connection gw]
local = $l
remote = $r
secret = psk
ike = $IKE
dpd = $3
dpd-action = $2

[child c1]
local-ts = $n1
remote-ts = $p1
esp = aes256gcm16

[child c2]
local-ts = $n2
remote-ts = $p2
esp = aes256gcm16
EOF
}

load_ab()	# ACTION-A ACTION-B [DPD-B]: A has dpd = 2s
{
	conf_ab a "$1" 2s >"$TMP/a.conf"
	conf_ab b "$2" "${3:-2s}" >"$TMP/b.conf"
	oa load "$TMP/a.conf" || die "oak load in $A"
	ob load "$TMP/b.conf" || die "oak load in $B"
}

# up_both: gw with both Child SAs on both sides
up_both()
{
	oa up gw || die "oak up gw"
	wait_for 60 one_or_two || die "gw did not come up with c1"
	oa up gw/c2 || die "oak up gw/c2"
	wait_for 60 both_children c1,c2 || die "c2 did not come up (CREATE_CHILD_SA)"
}

ping_ok()	# CHILD-NUMBER
{
	nsexec "$A" ping -c 1 -W 3 -I "10.1.$1.1" "10.2.$1.1" >/dev/null 2>&1
}

# ---- 1. monitor: up, Child rekey, down; each event once ----
# B does not probe: A's own liveness checks are what section 3 waits for
load_ab clear clear 0
: >"$TMP/mon-a"
oa up gw || die "oak up gw"
wait_for 60 one_or_two || die "gw/c1 not up"
sleep 1
nch=$(children "$A" | tr , '\n' | grep -c .)
spi0=$(child_spi "$A" c1)
oa rekey gw/c1 || die "oak rekey gw/c1"
rekeyed() { s=$(child_spi "$A" c1); [ -n "$s" ] && [ "$s" != "$spi0" ] &&
	[ "$(children "$A" | tr , '\n' | grep -c .)" = "$nch" ]; }
wait_for 60 rekeyed || die "gw/c1 was not rekeyed (SPI $spi0)"
ping_ok 1 || die "no traffic through c1 after its rekey"
oa down gw || die "oak down gw"
wait_for 30 both_none || die "SAs left after oak down"
sleep 0.5
for ev in ike-up:1 child-up:$nch child-rekeyed:1 child-down:$nch ike-down:1 dead-peer:0 \
	error:0; do
	n=$(events a "${ev%%:*}")
	[ "$n" = "${ev#*:}" ] || die "monitor: $n ${ev%%:*} events, expected ${ev#*:}"
done
[ "$(jq -c . "$TMP/mon-a" | wc -l)" = "$(wc -l <"$TMP/mon-a")" ] ||
	die "oak monitor -j printed a line that is not one JSON object"
log "monitor: ike-up, child-up ($nch), child-rekeyed, child-down ($nch), ike-down: each once"

# ---- 2. Delete of one Child SA, from either side ----
up_both
oa down gw/c2 || die "oak down gw/c2 in $A"
wait_for 20 both_children c1 || die "oak down gw/c2 ($A): children A=$(children "$A") B=$(children "$B")"
[ "$(states_of "$A")" = 2 ] && [ "$(states_of "$B")" = 2 ] ||
	die "after oak down gw/c2: xfrm states $(states_of "$A") / $(states_of "$B"), expected 2 / 2"
ping_ok 1 || die "c1 does not carry traffic after c2 was deleted"
oa up gw/c2 || die "oak up gw/c2 again"
wait_for 60 both_children c1,c2 || die "c2 did not come back"
ob down gw/c1 || die "oak down gw/c1 in $B"
wait_for 20 both_children c2 || die "oak down gw/c1 ($B): children A=$(children "$A") B=$(children "$B")"
ping_ok 2 || die "c2 does not carry traffic after c1 was deleted by the peer"
[ "$(ike_count "$A")" = 1 ] && [ "$(ike_count "$B")" = 1 ] || die "the IKE SA did not survive"
oa up gw/c1 || die "oak up gw/c1 again"
wait_for 60 both_children c1,c2 || die "c1 did not come back"
log "oak down CONN/CHILD on either side removes exactly that Child SA on both sides"

# ---- 3. a liveness check, a Child rekey and a Child delete at once ----
drop_b=$(stat_of "$B" rx-drop-replay)
rtx_a=$(stat_of "$A" retransmits)
rtx_b=$(stat_of "$B" retransmits)
spi1=$(child_spi "$A" c1)
# the peer answers 200 ms late: the liveness check is still outstanding
tc -n "$B" qdisc add dev veth-b root netem delay 200ms || die "tc netem in $B"
tx=$(stat_of "$A" tx-packets)
end=$((SECONDS + 15))
while [ "$(stat_of "$A" tx-packets)" = "$tx" ]; do	# idle: wait for the DPD probe
	[ $SECONDS -lt $end ] || die "no liveness check within 15 s of idling (dpd = 2s)"
	sleep 0.05
done
oa rekey gw/c1 & p1=$!
oa down gw/c2 & p2=$!
wait $p1 || die "oak rekey gw/c1 (concurrent) failed"
wait $p2 || die "oak down gw/c2 (concurrent) failed"
crekeyed() { s=$(child_spi "$A" c1); [ -n "$s" ] && [ "$s" != "$spi1" ] && both_children c1; }
wait_for 30 crekeyed || die "concurrent: c1 not rekeyed / c2 not deleted"
tc -n "$B" qdisc del dev veth-b root
[ "$(stat_of "$B" rx-drop-replay)" = "$drop_b" ] ||
	die "concurrent: the peer dropped $(($(stat_of "$B" rx-drop-replay) - drop_b)) requests as out of window"
# a loaded TCG host may delay an answer past 0.5 s; a window violation would
# cost every later request its retransmissions (and the peer's drops above)
rtx=$(($(stat_of "$A" retransmits) - rtx_a))
[ "$rtx" -le 3 ] && [ "$(stat_of "$B" retransmits)" = "$rtx_b" ] ||
	die "concurrent: retransmissions A +$rtx, B $rtx_b -> $(stat_of "$B" retransmits)"
ping_ok 1 || die "concurrent: c1 carries no traffic"
log "DPD + Child rekey + Child delete at once: sent in turn (no out-of-window drop, $rtx retransmissions)"
oa down gw || die "oak down gw"
wait_for 30 both_none || die "SAs left after oak down"

# ---- 3b. both sides initiate at once (start = start on both): one IKE SA remains ----
conf_ab a clear 2s >"$TMP/a.conf"
conf_ab b clear 0 >"$TMP/b.conf"
sed -i 's/^dpd-action = clear$/dpd-action = clear\nstart = start/' "$TMP/a.conf" "$TMP/b.conf"
est_a=$(stat_of "$A" ike-established)
est_b=$(stat_of "$B" ike-established)
oa load "$TMP/a.conf" || die "oak load (start = start) in $A"
ob load "$TMP/b.conf" || die "oak load (start = start) in $B"
single() { [ "$(ike_count "$A")" = 1 ] && [ "$(ike_count "$B")" = 1 ] &&
	[ "$(conn_state "$A" gw)" = established ] && both_children c1,c2 &&
	[ "$(states_of "$A")" = 4 ] && [ "$(states_of "$B")" = 4 ]; }
wait_for 90 single || die "start = start on both sides: IKE SAs $(ike_count "$A") / $(ike_count "$B")"
sleep 3
single || die "start = start on both sides: not stable"
[ "$(nsexec "$A" "$OAKLEY_OAK" show sa -j | jq -r '.[0]["spi-i"]')" = \
	"$(nsexec "$B" "$OAKLEY_OAK" show sa -j | jq -r '.[0]["spi-i"]')" ] ||
	die "start = start on both sides: the peers kept different IKE SAs"
ping_ok 1 && ping_ok 2 || die "start = start on both sides: no traffic"
# and an initiation from both sides at the same moment
oa down gw || die "oak down gw (start = start)"
wait_for 30 both_none || die "SAs left after oak down"
oa up gw & p1=$!
ob up gw & p2=$!
wait $p1 || die "oak up gw in $A (both at once)"
wait $p2 || die "oak up gw in $B (both at once)"
wait_for 90 single || die "both initiate: IKE SAs $(ike_count "$A") / $(ike_count "$B")"
sleep 3
single || die "both initiate: not stable"
[ "$(nsexec "$A" "$OAKLEY_OAK" show sa -j | jq -r '.[0]["spi-i"]')" = \
	"$(nsexec "$B" "$OAKLEY_OAK" show sa -j | jq -r '.[0]["spi-i"]')" ] ||
	die "both initiate: the peers kept different IKE SAs"
ping_ok 1 && ping_ok 2 || die "both initiate: no traffic"
log "start = start on both sides, then oak up on both at once: one IKE SA with both" \
	"Child SAs remains ($(($(stat_of "$A" ike-established) - est_a)) +" \
	"$(($(stat_of "$B" ike-established) - est_b)) IKE SAs were established)"
oa down gw || die "oak down gw"
wait_for 30 both_none || die "SAs left after oak down"

# ---- 4. DPD, dpd-action = restart ----
load_ab restart clear
oa up gw || die "oak up gw (restart)"
wait_for 60 one_or_two || die "gw/c1 not up (restart)"
dead0=$(events a dead-peer gw)
ip -n "$B" link set veth-b down
t0=$(date +%s.%N)
wait_for 60 dead_more gw "$dead0" || die "dead peer not detected within 60 s"
t1=$(date +%s.%N)
DPD_RESTART=$(echo "$t1 - $t0" | bc)
[ "$(children "$A")" = "" ] || die "Child SAs left after the dead peer"
log "dead peer detected after ${DPD_RESTART}s (dpd 2s + retransmissions 23.5s)"
# expected: at most 2 x dpd (2 s) + the retransmissions (23.5 s) + rounding; more on a loaded TCG host
[ "$(echo "$DPD_RESTART < 50" | bc)" = 1 ] || die "dead peer detection took ${DPD_RESTART}s"
# The peer comes back refusing the proposal (its configuration not restored
# yet): the restart attempts go on through NO_PROPOSAL_CHOSEN (two refusals
# seen), and succeed once the peer's configuration is back.
sed "s/^ike = .*/ike = aes128-sha256-modp3072/" "$TMP/b.conf" >"$TMP/b-other.conf"
ob load "$TMP/b-other.conf" || die "oak load in $B (another proposal)"
refused0=$(refusals)
ip -n "$B" link set veth-b up
ip -n "$B" route show 10.1.0.0/16 | grep -q . || ip -n "$B" route add 10.1.0.0/16 via 10.99.0.1
wait_for 60 refused_twice "$refused0" ||
	die "restart: $(($(refusals) - refused0)) refused attempts, the attempts stopped"
log "restart: $(($(refusals) - refused0)) attempts refused (NO_PROPOSAL_CHOSEN), still trying"
ob load "$TMP/b.conf" || die "oak load in $B"
t0=$(date +%s.%N)
back() { [ "$(conn_state "$A" gw)" = established ] && [ "$(children "$A")" != "" ] &&
	[ "$(ike_count "$A")" = 1 ]; }
wait_for 90 back || die "dpd-action = restart did not re-establish"
log "restart: re-established $(echo "$(date +%s.%N) - $t0" | bc)s after the link came back"
ping_ok 1 || die "restart: no traffic through c1"
wait_for 40 b_one || die "the peer kept a stale IKE SA ($(ike_count "$B"))"
oa down gw || die "oak down gw"
wait_for 30 both_none || die "SAs left after oak down"

# ---- 5. DPD, dpd-action = trap ----
load_ab trap clear
oa up gw || die "oak up gw (trap)"
wait_for 60 one_or_two || die "gw/c1 not up (trap)"
dead0=$(events a dead-peer gw)
ip -n "$B" link set veth-b down
t0=$(date +%s.%N)
wait_for 60 dead_more gw "$dead0" || die "dead peer not detected within 60 s (trap)"
DPD_TRAP=$(echo "$(date +%s.%N) - $t0" | bc)
log "dead peer detected after ${DPD_TRAP}s (trap)"
[ "$(ike_count "$A")" = 0 ] || die "trap: IKE SA left after the dead peer"
[ "$(states_of "$A")" = 0 ] || die "trap: xfrm states left after the dead peer"
[ -n "$(main_pols "$A")" ] || die "dpd-action = trap: no trap policies after the dead peer"
ip -n "$B" link set veth-b up
ip -n "$B" route show 10.1.0.0/16 | grep -q . || ip -n "$B" route add 10.1.0.0/16 via 10.99.0.1
log "trap: the connection's policies are back ($(main_pols "$A" | wc -l) policies, no state)"
oa del gw >/dev/null 2>&1
ob del gw >/dev/null 2>&1
wait_for 30 both_none || die "SAs left after oak del"

# ---- 6. strongSwan: Delete both ways, dead peer ----
charon_start "$S" "$TMP"
cat >"$TMP/sw.conf" <<EOF
[secret psk]
psk = "$PSK"

[connection sw]
local = 10.98.0.1
remote = 10.98.0.2
secret = psk
ike = $IKE
dpd = 2s

[child net]
local-ts = 10.1.3.0/24
remote-ts = 10.3.0.0/24
esp = aes256gcm16
EOF
cat >"$TMP/swanctl.conf" <<EOF
connections {
	oak {
		version = 2
		local_addrs = 10.98.0.2
		remote_addrs = 10.98.0.1
		proposals = $IKE
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
				local_ts = 10.3.0.0/24
				remote_ts = 10.1.3.0/24
				esp_proposals = aes256gcm16
			}
		}
	}
}
secrets {
	ike-oak {
		id-1 = 10.98.0.1
		id-2 = 10.98.0.2
		secret = "$PSK"
	}
}
EOF
oa load "$TMP/sw.conf" || die "oak load sw"
swan --load-all --file "$TMP/swanctl.conf" >"$TMP/swan-load" 2>&1 ||
	{ cat "$TMP/swan-load" >&2; die "swanctl --load-all failed"; }
swan_up() { swan --list-sas 2>/dev/null | grep -q ESTABLISHED &&
	swan --list-sas 2>/dev/null | grep -q INSTALLED; }
swan_child() { swan --list-sas 2>/dev/null | grep -q INSTALLED; }
swan_none() { ! swan --list-sas 2>/dev/null | grep -q '^oak:'; }
sw_up() { [ "$(conn_state "$A" sw)" = established ] && [ "$(children "$A" sw)" = net ] && swan_up; }
sw_none() { [ "$(ike_count "$A" sw)" = 0 ] && swan_none; }

oa up sw || die "oak up sw"
wait_for 60 sw_up || die "sw not up with charon"
oa down sw || die "oak down sw"
wait_for 20 sw_none || die "oak down sw: SAs left (Oakley $(ike_count "$A" sw))"
log "strongSwan: oak down removes charon's SAs"

oa up sw || die "oak up sw (2)"
wait_for 60 sw_up || die "sw not up with charon (2)"
swan --terminate --child net >/dev/null 2>&1 || die "swanctl --terminate --child failed"
childless() { [ "$(children "$A" sw)" = "" ] && [ "$(conn_state "$A" sw)" = established ] &&
	! swan_child; }
wait_for 20 childless || die "swanctl --terminate --child: Oakley kept the Child SA"
swan --terminate --ike oak >/dev/null 2>&1 || die "swanctl --terminate --ike failed"
wait_for 20 sw_none || die "swanctl --terminate --ike: Oakley kept the IKE SA"
log "strongSwan: --terminate --child and --terminate --ike remove Oakley's SAs"

oa up sw || die "oak up sw (3)"
wait_for 60 sw_up || die "sw not up with charon (3)"
dead0=$(events a dead-peer sw)
# SIGKILL: no Delete from charon, it simply stops answering
kill -9 "$CHARON_PID" 2>/dev/null
charon_stop
t0=$(date +%s.%N)
wait_for 60 dead_more sw "$dead0" || die "killed charon not detected as dead within 60 s"
DPD_SWAN=$(echo "$(date +%s.%N) - $t0" | bc)
[ "$(ike_count "$A" sw)" = 0 ] || die "SAs left after charon died"
log "strongSwan: dead charon detected after ${DPD_SWAN}s, SAs removed"
oa del sw >/dev/null 2>&1

log "DPD detection times: restart ${DPD_RESTART}s, trap ${DPD_TRAP}s, charon ${DPD_SWAN}s"
ip netns del "$A"
ip netns del "$B"
ip netns del "$S"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
