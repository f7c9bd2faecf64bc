#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One %any responder, several initiators: B has one connection (remote =
# %any) with one child, 10.201.0.0/16 <-> 10.200.0.0/16; A1 and A2, each
# with its own identity, address and inner /32 (10.200.0.1, 10.200.0.2),
# bring up a Child SA to it, so B holds two IKE SAs of one connection whose
# Child SAs have the same name and different (narrowed) selectors.
#  1. both up: B has 2 IKE SAs, 2 Child SAs, 3 policies (out/in/fwd) per
#     initiator, 2 states per initiator; both ping through ESP;
#  2. A2 rekeys its Child SA (the successor keeps the reqid and the
#     policies): B keeps all 6 policies, both still ping;
#  3. `oak down` on A1: B keeps exactly A2's IKE SA, Child SA, 3 policies
#     and 2 states (none of A1's left behind), A2 still pings; A1 comes
#     back up;
#  4. A1 restarts without a Delete (link down, `oak down`, link up, `oak
#     up`): its INITIAL_CONTACT removes only A1's old IKE SA on B;
#  5. A1's link goes down for good: B's DPD (dpd = 2s) removes A1's IKE SA
#     and exactly A1's policies and states; A2 still pings; A1 reconnects;
#  6. A2 reauthenticates (reauth = 30s, make-before-break): B ends with
#     one IKE SA per initiator and all 6 policies, A2's pings pass.
# Asserts on oak show sa -j and ip xfrm state / policy, never on log text.
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/ike_multi.sh

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq modprobe

PSK="ike_multi selftest secret 0123456789"
IKE=aes256gcm16-prfsha384-x25519
B=oak-mul-b
A1=oak-mul-a1
A2=oak-mul-a2

ike_setup ike_multi

netns_add "$B" "$A1" "$A2"
veth_pair "$A1" veth-a1 10.97.1.1/24 "$B" veth-b1 10.97.1.2/24
veth_pair "$A2" veth-a2 10.97.2.1/24 "$B" veth-b2 10.97.2.2/24
ip -n "$B" addr add 10.98.0.2/32 dev lo
ip -n "$B" addr add 10.201.0.1/24 dev lo
for i in 1 2; do
	ns=oak-mul-a$i
	ip -n "$ns" addr add "10.200.0.$i/32" dev lo
	ip -n "$ns" route add 10.98.0.2/32 via "10.97.$i.2"
	ip -n "$ns" route add 10.201.0.0/16 via "10.97.$i.2" src "10.200.0.$i"
	ip -n "$B" route add "10.200.0.$i/32" via "10.97.$i.1"
done

die() { ike_diag "$B" "$A1" "$A2" >&2; fail "$*"; }

cat >"$TMP/b.conf" <<EOF
[secret psk]
psk = "$PSK"

[connection rw]
local = 10.98.0.2
remote = %any
remote-id = %any
secret = psk
ike = $IKE
dpd = 2s

[child net]
local-ts = 10.201.0.0/16
remote-ts = 10.200.0.0/16
esp = aes256gcm16
EOF

conf_a()	# N [EXTRA]: initiator AN's configuration
{
	cat <<EOF
[secret psk]
psk = "$PSK"

[connection gw]
local = 10.97.$1.1
remote = 10.98.0.2
local-id = a$1@multi
secret = psk
ike = $IKE
dpd = 0
${2:-}

[child net]
local-ts = 10.200.0.$1/32
remote-ts = 10.201.0.0/16
esp = aes256gcm16
EOF
}

# peer_sas NS ADDR -> established IKE SAs with that peer address
peer_sas()
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j |
		jq --arg r "$2" '[.[] | select(.remote == $r and .state == "established")] | length'
}

# peer_children NS ADDR -> Child SAs of the IKE SAs with that peer address
peer_children()
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j |
		jq --arg r "$2" '[.[] | select(.remote == $r) | (.children // [])[]] | length'
}

# ike_spis NS -> the IKE SAs' initiator SPIs, sorted
ike_spis() { nsexec "$1" "$OAKLEY_OAK" show sa -j | jq -r '[.[]."spi-i"] | sort | join(",")'; }

# sel_pols INNER -> B's policies whose selector holds INNER/32
sel_pols() { ip -n "$B" xfrm policy | grep -E '^src ' | grep -cF " $1/32" || true; }

# peer_states ADDR -> B's xfrm states to or from that outer address
peer_states() { ip -n "$B" xfrm state | grep -E '^src ' | grep -cw "$1" || true; }

all_pols() { main_pols "$B" | wc -l; }

# a_up N: AN and B both see AN's IKE SA established with one Child SA
a_up()
{
	local ns=oak-mul-a$1 peer=10.97.$1.1

	[ "$(sa_state "$ns")" = established ] && [ "$(child_count "$ns")" = 1 ] &&
		[ "$(peer_sas "$B" "$peer")" = 1 ] && [ "$(peer_children "$B" "$peer")" = 1 ]
}

# b_has N WANT: B holds WANT (0 or 1) IKE SAs of AN, and AN's share of the
# xfrm objects: 3 policies and 2 states each
b_has()
{
	local peer=10.97.$1.1 n=$2

	[ "$(peer_sas "$B" "$peer")" = "$n" ] && [ "$(peer_children "$B" "$peer")" = "$n" ] &&
		[ "$(sel_pols "10.200.0.$1")" = $((3 * n)) ] &&
		[ "$(peer_states "$peer")" = $((2 * n)) ]
}

# check_b N1 N2 WHAT: B holds exactly A1's (N1) and A2's (N2) SAs and xfrm objects
check_b()
{
	b_has 1 "$1" && b_has 2 "$2" && [ "$(all_pols)" = $((3 * ($1 + $2))) ] && return 0
	die "$3: B has A1 $(peer_sas "$B" 10.97.1.1) IKE / $(peer_children "$B" 10.97.1.1)" \
		"Child SAs, $(sel_pols 10.200.0.1) policies, $(peer_states 10.97.1.1) states;" \
		"A2 $(peer_sas "$B" 10.97.2.1) / $(peer_children "$B" 10.97.2.1)," \
		"$(sel_pols 10.200.0.2) policies, $(peer_states 10.97.2.1) states;" \
		"$(all_pols) policies in all (want A1 $1, A2 $2)"
}

# ping_ok N WHAT: AN's inner address pings B's through ESP (B's inbound
# state from AN counts the requests)
ping_ok()
{
	local ns=oak-mul-a$1 before after

	before=$(esp_packets "$B" src "10.97.$1.1")
	nsexec "$ns" ping -c 3 -i 0.2 -W 2 -I "10.200.0.$1" 10.201.0.1 >"$TMP/ping" 2>&1 ||
		{ cat "$TMP/ping" >&2; die "$2: ping from A$1 failed"; }
	after=$(esp_packets "$B" src "10.97.$1.1")
	[ "$after" -ge $((before + 3)) ] || die "$2: A$1's pings did not pass ESP ($before -> $after)"
}

bring_up()	# N WHAT
{
	nsexec "oak-mul-a$1" "$OAKLEY_OAK" up gw || die "$2: oak up gw on A$1 failed"
	wait_for 60 a_up "$1" || die "$2: A$1's IKE SA / Child SA did not come up"
}

conf_a 1 >"$TMP/a1.conf"
conf_a 2 >"$TMP/a2.conf"
assert_ok nsexec "$B" "$OAKLEY_OAK" load "$TMP/b.conf"
assert_ok nsexec "$A1" "$OAKLEY_OAK" load "$TMP/a1.conf"
assert_ok nsexec "$A2" "$OAKLEY_OAK" load "$TMP/a2.conf"

# ---- 1. both initiators up ----
bring_up 1 "part 1"
bring_up 2 "part 1"
check_b 1 1 "part 1"
ping_ok 1 "part 1"
ping_ok 2 "part 1"
log "part 1: A1 and A2 up through one %any connection: 6 policies, 4 states on B"

# ---- 2. A Child SA rekey keeps its policies ----
old_spi=$(nsexec "$A2" "$OAKLEY_OAK" show sa -j | jq -r '[.. | objects | select(has("spi-in"))][0]["spi-in"]')
assert_ok nsexec "$A2" "$OAKLEY_OAK" rekey gw/net
rekeyed()
{
	local spi

	spi=$(nsexec "$A2" "$OAKLEY_OAK" show sa -j | jq -r '[.. | objects | select(has("spi-in"))] |
		if length == 1 then .[0]["spi-in"] else "" end')
	[ -n "$spi" ] && [ "$spi" != "$old_spi" ] && b_has 2 1
}
wait_for 60 rekeyed || die "part 2: A2's Child SA was not rekeyed (or B kept the old one)"
check_b 1 1 "part 2"
ping_ok 2 "part 2"
ping_ok 1 "part 2"
log "part 2: A2's Child SA rekeyed: B still has 6 policies, both ping"

# ---- 3. oak down on A1 ----
a2_spis=$(nsexec "$B" "$OAKLEY_OAK" show sa -j | jq -r '[.[] | select(.remote == "10.97.2.1")."spi-i"] | join(",")')
nsexec "$A1" "$OAKLEY_OAK" down gw || die "part 3: oak down gw on A1 failed"
a1_gone() { b_has 1 0; }
wait_for 30 a1_gone || check_b 0 1 "part 3: after A1's oak down"
check_b 0 1 "part 3: after A1's oak down"
[ "$(nsexec "$B" "$OAKLEY_OAK" show sa -j | jq -r '[.[]."spi-i"] | join(",")')" = "$a2_spis" ] ||
	die "part 3: A2's IKE SA on B changed"
ping_ok 2 "part 3"
log "part 3: A1 down: B kept exactly A2's IKE SA, 3 policies and 2 states"
bring_up 1 "part 3"
check_b 1 1 "part 3: A1 back"
ping_ok 1 "part 3"
log "part 3: A1 reconnected"

a1_none() { [ "$(sa_state "$A1")" = none ]; }

# a link that went down lost its routes
a1_link_up()
{
	ip -n "$A1" link set veth-a1 up
	ip -n "$A1" route replace 10.98.0.2/32 via 10.97.1.2
	ip -n "$A1" route replace 10.201.0.0/16 via 10.97.1.2 src 10.200.0.1
	ip -n "$B" route replace 10.200.0.1/32 via 10.97.1.1
}

# ---- 4. A1 restarts without a Delete: INITIAL_CONTACT ----
spis_before=$(ike_spis "$B")
ip -n "$A1" link set veth-a1 down
nsexec "$A1" "$OAKLEY_OAK" down gw >/dev/null 2>&1
wait_for 30 a1_none || die "part 4: A1 kept its IKE SA"
a1_link_up
bring_up 1 "part 4"
check_b 1 1 "part 4"
spis_after=$(ike_spis "$B")
[ "$spis_after" != "$spis_before" ] || die "part 4: B's IKE SAs did not change"
echo "$spis_after" | grep -q "$a2_spis" || die "part 4: INITIAL_CONTACT from A1 removed A2's IKE SA"
ping_ok 1 "part 4"
ping_ok 2 "part 4"
log "part 4: A1's INITIAL_CONTACT replaced only A1's IKE SA on B"

# ---- 5. A1 vanishes: B's DPD ----
ip -n "$A1" link set veth-a1 down
t0=$SECONDS
wait_for 120 a1_gone || check_b 0 1 "part 5: A1 vanished, B's DPD"
check_b 0 1 "part 5: A1 vanished, B's DPD"
ping_ok 2 "part 5"
log "part 5: B's DPD removed A1's SAs after $((SECONDS - t0))s, exactly A2's left"
a1_link_up
nsexec "$A1" "$OAKLEY_OAK" down gw >/dev/null 2>&1
wait_for 30 a1_none || die "part 5: A1 kept its IKE SA"
bring_up 1 "part 5"
check_b 1 1 "part 5: A1 back"
ping_ok 1 "part 5"
log "part 5: A1 reconnected"

# ---- 6. A2 reauthenticates (make-before-break) ----
nsexec "$A2" "$OAKLEY_OAK" down gw || die "part 6: oak down gw on A2 failed"
wait_for 30 b_has 2 0 || check_b 1 0 "part 6: A2 down"
conf_a 2 "reauth = 30s
jitter = 0" >"$TMP/a2r.conf"
assert_ok nsexec "$A2" "$OAKLEY_OAK" load "$TMP/a2r.conf"
bring_up 2 "part 6"
first=$(ike_spis "$A2")
two_a2() { [ "$(peer_sas "$B" 10.97.2.1)" = 2 ]; }
wait_for 90 two_a2 || die "part 6: A2 did not reauthenticate"
# the old IKE SA goes 10 s (at most) after the new one is up
reauthed() { [ "$(ike_spis "$A2")" != "$first" ] && b_has 2 1; }
wait_for 60 reauthed || die "part 6: after A2's reauth not one IKE SA + Child SA on B"
check_b 1 1 "part 6"
ping_ok 2 "part 6"
ping_ok 1 "part 6"
log "part 6: A2 reauthenticated: B has one IKE SA per initiator and all 6 policies"

nsexec "$A1" "$OAKLEY_OAK" down gw || die "oak down gw on A1 failed"
nsexec "$A2" "$OAKLEY_OAK" down gw || die "oak down gw on A2 failed"
b_empty() { [ "$(all_pols)" = 0 ] && [ -z "$(ip -n "$B" xfrm state)" ]; }
wait_for 30 b_empty || die "xfrm policies or states left on B after both went down"
log "both down: nothing left on B"

ip netns del "$A1"
ip netns del "$A2"
ip netns del "$B"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
