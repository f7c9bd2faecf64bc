#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed-packet torture of the live module (issue 5).  Three namespaces:
#
#   A (Oakley, initiator of "gw") --veth-- B (Oakley) --veth-- C (attacker)
#
# B has "gw" for A (a real Oakley<->Oakley IKE SA with a Child SA), "any"
# (remote %any) on its second address, so it parses whatever C sends, and
# the IKEv1 connection "v1any" (remote %any) on a third, for the v1_*
# batches: Main Mode message 1 truncated, with lying payload, proposal and
# transform lengths, looping chains, attributes running past their
# transform, 1,000 transforms and other odd SA payloads, KE and Nonce of
# wrong sizes and degenerate DH values in message 3, bit flips of message 1
# and of message 5 (encrypted under real keys; a Python Main Mode initiator,
# torture/ikev1.py, completes the exchange after each batch).
# selftests/torture/torture.py, run in C, sends batches of malformed IKE
# datagrams (truncated headers, lying lengths, looping chains, huge SA
# payloads, bad KE values and curve points, IKEv1, every exchange type in
# every state, SK with bad ICV / padding / IV under real keys, bit flips of
# IKE_SA_INIT and IKE_AUTH); run in A (and B) it forges SK payloads with the
# real gw SPIs against B (and A).  After each batch: the kernel log is clean,
# the expected drop counters of `oak stats -j` moved, objects - half-open did
# not grow, a fresh handshake completes.  At the end the real tunnel still
# carries a ping, `oak down/up gw` works, and once the half-open SAs have
# expired every object count is back at its baseline.
#
# The module is loaded with init_rate=0 and a high half_open_cookie (when it
# has those parameters) so the parsers, not the flood defence, see every
# datagram; the flood defence has its own test.
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/ike_torture.sh
# OAKLEY_TORTURE_BATCHES overrides the list of batches run from C.

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq modprobe
PY=/usr/bin/python3
[ -x "$PY" ] || skip "no /usr/bin/python3"
"$PY" -c 'import cryptography' 2>/dev/null || skip "python3-cryptography is not installed"
TORTURE=$(cd "$(dirname "${BASH_SOURCE[0]}")/torture" && pwd)/torture.py
BATCHES=${OAKLEY_TORTURE_BATCHES:-flip_init truncated lengths proposals ke ikev1 sk_keys exchanges flip_auth v1_truncated v1_lengths v1_proposals v1_ke v1_flip1 v1_flip3}
PSK="ike_torture selftest secret 0123456789"

# no rate limit or cookies: the batches come from one address, fast
ike_setup ike_torture init_rate=0 half_open_cookie=100000

A=oak-tor-a
B=oak-tor-b
C=oak-tor-c
netns_add "$A" "$B" "$C"
veth_pair "$A" veth-a 10.99.0.1/24 "$B" veth-b 10.99.0.2/24
veth_pair "$C" veth-c 10.98.0.1/24 "$B" veth-bc 10.98.0.2/24
ip -n "$B" addr add 10.98.0.3/24 dev veth-bc
ip -n "$A" addr add 10.1.0.1/24 dev lo
ip -n "$B" addr add 10.2.0.1/24 dev lo
ip -n "$A" route add 10.2.0.0/24 via 10.99.0.2 src 10.1.0.1
ip -n "$B" route add 10.1.0.0/24 via 10.99.0.1 src 10.2.0.1

cat >"$TMP/a.conf" <<EOF
[secret psk]
psk = "$PSK"

[connection gw]
local = 10.99.0.1
remote = 10.99.0.2
secret = psk
ike = aes256gcm16-prfsha256-x25519

[child net]
local-ts = 10.1.0.0/24
remote-ts = 10.2.0.0/24
esp = aes256gcm16
EOF
cat >"$TMP/b.conf" <<EOF
[secret psk]
psk = "$PSK"

[connection gw]
local = 10.99.0.2
remote = 10.99.0.1
secret = psk
ike = aes256gcm16-prfsha256-x25519

[child net]
local-ts = 10.2.0.0/24
remote-ts = 10.1.0.0/24
esp = aes256gcm16

[connection any]
local = 10.98.0.2
remote = %any
remote-id = %any
secret = psk
ike = aes256gcm16-prfsha256-x25519, aes256-sha256-ecp256, aes256-sha256-modp2048

[child t]
local-ts = 10.50.0.0/24
remote-ts = 10.51.0.0/16
esp = aes256gcm16

[connection v1any]
version = 1
local = 10.98.0.3
remote = %any
secret = psk
ike = aes128-sha256-modp2048

[child v1t]
local-ts = 10.52.0.0/24
remote-ts = 10.53.0.0/16
esp = aes128-sha256
EOF

die() { ike_diag "$A" "$B" >&2; fail "$*"; }
stat_of() { nsexec "$1" "$OAKLEY_OAK" stats -j | jq -r "[.. | objects | .\"$2\"? // empty][0] // 0"; }
mod_objects() { cat /sys/module/oakley/parameters/objects 2>/dev/null || echo 0; }

assert_ok nsexec "$A" "$OAKLEY_OAK" load "$TMP/a.conf"
assert_ok nsexec "$B" "$OAKLEY_OAK" load "$TMP/b.conf"

tunnel_up()
{
	nsexec "$A" "$OAKLEY_OAK" up gw || die "oak up gw failed"
	for _ in $(seq 1 150); do
		[ "$(sa_state "$A")" = established ] && [ "$(child_count "$A")" = 1 ] &&
			[ "$(child_count "$B")" -ge 1 ] && break
		sleep 0.1
	done
	[ "$(sa_state "$A")" = established ] || die "gw: initiator IKE SA: $(sa_state "$A")"
}

ping_tunnel()
{
	nsexec "$A" ping -c 2 -i 0.3 -W 3 -I 10.1.0.1 10.2.0.1 >"$TMP/ping" 2>&1 ||
		{ cat "$TMP/ping" >&2; die "ping through the gw tunnel failed ($1)"; }
}

tunnel_up
ping_tunnel "before the torture"
base_b=$(stat_of "$B" objects)
base_a=$(stat_of "$A" objects)
base_mod=$(mod_objects)
log "baseline: objects A $base_a, B $base_b, module $base_mod"

failed=0
torture()	# NS PEER STATS_NS [torture.py options...] BATCH...
{
	local ns=$1 peer=$2 sns=$3

	shift 3
	if ! nsexec "$ns" "$PY" "$TORTURE" --peer "$peer" --psk "$PSK" --stats-ns "$sns" \
		--oak "$OAKLEY_OAK" "$@"; then
		failed=$((failed + 1))
		log "FAILED: torture $*"
	fi
	dmesg_check
}

TORTURE_KLOG_BAD=$("$OAKLEY_LIB/dmesg-check.sh" --pattern)
export TORTURE_KLOG_BAD
log "batches from $C: $BATCHES"
# shellcheck disable=SC2086 # a list of words
torture "$C" 10.98.0.2 "$B" --peer1 10.98.0.3 $BATCHES

# Forged SK payloads with the real gw SPIs, against both ends.
spis=$(nsexec "$A" "$OAKLEY_OAK" show sa -j |
	jq -r '[.. | objects | select(has("spi-i") and has("state"))][0] | "\(.["spi-i"]):\(.["spi-r"])"')
case "$spis" in *[0-9a-f]:*[0-9a-f]) ;; *) die "no SPIs of the gw IKE SA: $spis" ;; esac
log "batch sk_forged against the responder (gw SPIs $spis)"
TORTURE_SPIS=$spis:responder torture "$A" 10.99.0.2 "$B" --no-handshake sk_forged
log "batch sk_forged against the initiator"
TORTURE_SPIS=$spis:initiator torture "$B" 10.99.0.1 "$A" --no-handshake sk_forged
[ "$(sa_state "$A")" = established ] || die "gw IKE SA lost after the forged SK payloads"
ping_tunnel "after the torture"

log "a real Oakley handshake after the torture: oak down gw, oak up gw"
nsexec "$A" "$OAKLEY_OAK" down gw || die "oak down gw failed"
for _ in $(seq 1 50); do
	[ "$(child_count "$B")" = 0 ] && break
	sleep 0.1
done
tunnel_up
ping_tunnel "after oak down/up"

# Half-open SAs of the torture expire after 30 s (IKEv1 responders: after
# their 6 retransmissions, about 39 s); then nothing may be left.
for _ in $(seq 1 90); do
	[ "$(stat_of "$B" half-open)" = 0 ] && [ "$(stat_of "$B" objects)" = "$base_b" ] && break
	sleep 1
done
log "after: objects A $(stat_of "$A" objects), B $(stat_of "$B" objects) (half-open $(stat_of "$B" half-open)), module $(mod_objects)"
[ "$(stat_of "$B" half-open)" = 0 ] || die "half-open SAs never expired"
assert_eq "$(stat_of "$B" objects)" "$base_b" "objects in B after the torture"
assert_eq "$(stat_of "$A" objects)" "$base_a" "objects in A after the torture"
assert_eq "$(mod_objects)" "$base_mod" "module-wide objects after the torture"
nsexec "$B" "$OAKLEY_OAK" stats -j | jq -c -M . >&2

[ "$failed" = 0 ] || die "$failed torture runs failed (see the not ok lines above)"
nsexec "$A" "$OAKLEY_OAK" down gw
ip netns del "$A"
ip netns del "$B"
ip netns del "$C"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
