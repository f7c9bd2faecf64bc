#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IKEv2 between two Oakley instances: two namespaces over a veth pair, a PSK
# connection each side, `oak up` on one side, then traffic through the
# tunnel.  Checks: the IKE SA is ESTABLISHED on both sides with one Child SA,
# ping works between the protected subnets, the ESP states' counters rose,
# `oak down` removes everything on both sides (the peer via the Delete).
# This is the quick smoke test of the engine; the algorithm / mode / family
# matrix is ike_matrix.sh, failures, loss and lifetime hygiene are
# ike_negative.sh, interoperability is ike_strongswan.sh.
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/ike_basic.sh
#
# Variant: IKE_BASIC_IKE / IKE_BASIC_ESP override the proposals (strongSwan
# syntax), e.g. IKE_BASIC_IKE=aes128-sha256-modp2048.

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq modprobe lsmod comm

IKE=${IKE_BASIC_IKE:-aes256gcm16-prfsha384-x25519}
ESP=${IKE_BASIC_ESP:-aes256gcm16}

# esp4/esp6 are left to oak load (checked below), not loaded beforehand
rmmod esp4 esp6 2>/dev/null
OAKLEY_DEPS_EXTRA=xfrm_user ike_setup ike_basic
# the engine's pr_debug() lines end up in the diagnostics on failure

A=oak-ike-a
B=oak-ike-b
netns_add "$A" "$B"
veth_pair "$A" veth-a 10.99.0.1/24 "$B" veth-b 10.99.0.2/24
ip -n "$A" addr add 10.1.0.1/24 dev lo
ip -n "$B" addr add 10.2.0.1/24 dev lo
ip -n "$A" route add 10.2.0.0/24 via 10.99.0.2 src 10.1.0.1
ip -n "$B" route add 10.1.0.0/24 via 10.99.0.1 src 10.2.0.1

conf()	# NAME LOCAL REMOTE LOCAL_TS REMOTE_TS
{
	cat <<EOF
[secret psk]
psk = "ike_basic selftest secret 0123456789"

[connection $1]
local = $2
remote = $3
secret = psk
ike = $IKE

[child net]
local-ts = $4
remote-ts = $5
esp = $ESP
EOF
}

conf gw 10.99.0.1 10.99.0.2 10.1.0.0/24 10.2.0.0/24 >"$TMP/a.conf"
conf gw 10.99.0.2 10.99.0.1 10.2.0.0/24 10.1.0.0/24 >"$TMP/b.conf"

die() { ike_diag "$A" "$B" >&2; fail "$*"; }

assert_ok nsexec "$A" "$OAKLEY_OAK" load "$TMP/a.conf"
assert_ok nsexec "$B" "$OAKLEY_OAK" load "$TMP/b.conf"

# oak load itself loads the modules and instantiates the algorithms the
# connection can use (kernel/core/warm.c), so that a handshake, under the
# engine's lock, does not: the ESP type (esp4) and the transform xfrm
# allocates for the Child SA are there before any handshake, and the
# handshake loads no module.
crypto_has() { awk -F' *: ' '$1 == "name" { print $2 }' /proc/crypto | grep -Fx "$1" >/dev/null; }
lsmod | awk 'NR > 1 { print $1 }' | sort >"$TMP/mods.load"
grep -qx esp4 "$TMP/mods.load" || die "oak load did not load esp4 (modules: $(xargs <"$TMP/mods.load"))"
if [ -z "${IKE_BASIC_ESP:-}" ]; then
	crypto_has 'seqiv(rfc4106(gcm(aes)))' ||
		die "oak load did not instantiate seqiv(rfc4106(gcm(aes))) (ESP $ESP)"
fi
if [ -z "${IKE_BASIC_IKE:-}" ]; then
	crypto_has 'gcm(aes)' || die "oak load did not instantiate gcm(aes) (IKE $IKE)"
fi
# every preload worked, also A's, which ran before any engine existed (the IKE
# cipher's shared transforms once failed there with -ENODEV)
"$OAKLEY_LIB/dmesg-check.sh" --since "$OAKLEY_MARK" --match 'cannot preload' >&2 ||
	die "oak load could not preload an algorithm"

log "oak up gw (IKE $IKE, ESP $ESP)"
nsexec "$A" "$OAKLEY_OAK" up gw || die "oak up gw failed"

for i in $(seq 1 100); do
	[ "$(sa_state "$A")" = established ] && [ "$(sa_state "$B")" = established ] &&
		[ "$(child_count "$A")" = 1 ] && [ "$(child_count "$B")" = 1 ] && break
	sleep 0.1
done
[ "$(sa_state "$A")" = established ] || die "initiator IKE SA: $(sa_state "$A")"
[ "$(sa_state "$B")" = established ] || die "responder IKE SA: $(sa_state "$B")"
[ "$(child_count "$A")" = 1 ] || die "initiator has $(child_count "$A") Child SAs"
[ "$(child_count "$B")" = 1 ] || die "responder has $(child_count "$B") Child SAs"
log "IKE SA and Child SA established on both sides"
lsmod | awk 'NR > 1 { print $1 }' | sort >"$TMP/mods.up"
new_mods=$(comm -13 "$TMP/mods.load" "$TMP/mods.up" | xargs)
[ -z "$new_mods" ] || die "the handshake loaded modules oak load did not: $new_mods"

before_a=$(esp_packets "$A")
before_b=$(esp_packets "$B")
nsexec "$A" ping -c 3 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1 >"$TMP/ping" 2>&1 ||
	{ cat "$TMP/ping" >&2; die "ping through the tunnel failed"; }
after_a=$(esp_packets "$A")
after_b=$(esp_packets "$B")
# 3 requests out and 3 replies in, each side
[ "$after_a" -ge $((before_a + 6)) ] || die "ESP counters in $A: $before_a -> $after_a"
[ "$after_b" -ge $((before_b + 6)) ] || die "ESP counters in $B: $before_b -> $after_b"
log "ping through ESP: xfrm packet counters $before_a -> $after_a, $before_b -> $after_b"

# The metrics example of Documentation/oak.md reads the stable JSON interface.
nsexec "$A" env OAK="$OAKLEY_OAK" sh "$OAKLEY_REPO/userspace/examples/oak-metrics.sh" \
	>"$TMP/metrics" || die "oak-metrics.sh failed"
metric() { awk -v m="$1" '$1 == m { print $2 }' "$TMP/metrics"; }
[ "$(metric oakley_ike_sas)" = 1 ] || die "metrics: oakley_ike_sas $(metric oakley_ike_sas)"
[ "$(metric oakley_ike_established_total)" -ge 1 ] || die "metrics: ike_established"
out=$(grep '^oakley_child_packets{conn="gw",child="net",.*dir="out"}' "$TMP/metrics" |
	awk '{ print $2 }')
[ "${out:-0}" -ge 3 ] || { cat "$TMP/metrics" >&2; die "metrics: child packets out '$out'"; }
bad=$(grep -Ev '^(# TYPE oakley_[a-z_]+ (gauge|counter)|oakley_[a-z_]+(\{.*\})? [0-9]+)$' \
	"$TMP/metrics") && die "metrics: malformed lines: $bad"
log "oak-metrics.sh: $(grep -c '^oakley' "$TMP/metrics") samples, child packets out $out"

# traffic outside the selectors must not be protected: the veth addresses
nsexec "$A" ping -c 1 -W 2 10.99.0.2 >/dev/null || die "plain ping on the veth failed"
[ "$(esp_packets "$A")" = "$after_a" ] || die "unprotected traffic hit the ESP states"

log "oak down gw"
nsexec "$A" "$OAKLEY_OAK" down gw || die "oak down gw failed"
for i in $(seq 1 50); do
	[ "$(sa_state "$B")" = none ] && break
	sleep 0.1
done
[ "$(sa_state "$A")" = none ] || die "initiator still has an IKE SA"
[ "$(sa_state "$B")" = none ] || die "responder did not act on the Delete"
[ -z "$(ip -n "$A" xfrm state)" ] || die "xfrm states left in $A"
[ -z "$(ip -n "$B" xfrm state)" ] || die "xfrm states left in $B"
[ -z "$(main_pols "$A")" ] || die "xfrm policies left in $A"
[ -z "$(main_pols "$B")" ] || die "xfrm policies left in $B"
log "everything removed on both sides"

ip netns del "$A"
ip netns del "$B"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
