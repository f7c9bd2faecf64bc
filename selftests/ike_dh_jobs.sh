#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The IKE_SA_INIT Diffie-Hellman work runs in jobs on an unbound workqueue,
# outside the engine lock (kernel/ikev2/sa_init.c).  Three parts, two
# namespaces over a veth, one %any responder in B, N initiator connections
# with start = start and their own identities in A:
#
#  1. N tunnels at once: every IKE SA and Child SA comes up on both sides
#     (jobs of both roles run in parallel; retransmissions that arrive while
#     a job runs are dropped and answered later).
#  2. N more (MODP-4096: slow DH, long half-open) and, while B has half-open
#     SAs, B deletes its responder connection: B's gauges go to 0 (jobs of
#     killed SAs only drop their reference).
#  3. N more again, and both namespaces are deleted while in flight: netns
#     exit waits for the jobs; the module's global `objects` count returns
#     to its value before the test (no SA reference leaked by a job) and the
#     module unloads; the kernel log is clean.
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/ike_dh_jobs.sh
# OAKLEY_DHJ_N overrides N (24).

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip jq modprobe

N=${OAKLEY_DHJ_N:-24}
PSK="ike_dh_jobs selftest secret 0123456789"
IKE_X=aes128gcm16-prfsha256-x25519
IKE_M=aes128gcm16-prfsha256-modp4096
TMP=$(mktemp -d /tmp/oakley-ike-dhj.XXXXXX)
[ -n "${OAKLEY_KEEP_TMP:-}" ] || at_exit "rm -rf $TMP"

dmesg_mark "ike_dh_jobs $$"
oakley_unload
params=
modinfo -p "$OAKLEY_KO" >"$TMP/params"
# all tunnels come from one address: the flood defence must not pace them
for p in init_rate=0 half_open_cookie=100000; do
	grep -q "^${p%%=*}:" "$TMP/params" && params="$params $p"
done
# shellcheck disable=SC2086 # a list of words
oakley_load $params
at_exit oakley_unload
mount -t debugfs none /sys/kernel/debug 2>/dev/null
echo 'module oakley +p' >/sys/kernel/debug/dynamic_debug/control 2>/dev/null
OBJ=/sys/module/oakley/parameters/objects
obj0=$(cat "$OBJ") || fail "no $OBJ"

A=oak-dhj-a
B=oak-dhj-b
netns_add "$A" "$B"
veth_pair "$A" veth-a 10.98.0.1/24 "$B" veth-b 10.98.0.2/24

die() { ike_diag "$A" "$B" >&2; fail "$*"; }

stat_of()	# NS KEY
{
	nsexec "$1" "$OAKLEY_OAK" stats -j | jq -r ".\"$2\""
}

# IKE SAs of NS that are established with one Child SA
up_count()
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j |
		jq '[.. | objects | select(has("spi-i")) |
		     select(.state == "established" and ((.children // []) | length) == 1)] | length'
}

cat >"$TMP/b.conf" <<EOF
[secret psk]
psk = "$PSK"

[connection resp]
local = 10.98.0.2
remote = %any
remote-id = %any
secret = psk
ike = $IKE_X, $IKE_M

[child resp]
local-ts = 10.201.0.0/16
remote-ts = 10.200.0.0/16
esp = aes128gcm16
EOF

conf_init()	# FILE PREFIX IKE: N connections PREFIX1..PREFIXN, start = start
{
	local i
	{
		printf '[secret psk]\npsk = "%s"\n' "$PSK"
		for ((i = 1; i <= N; i++)); do
			printf '\n[connection %s%d]\nlocal = 10.98.0.1\nremote = 10.98.0.2\n' "$2" "$i"
			printf 'local-id = %s%d@dhj\nsecret = psk\nike = %s\nstart = start\n' \
				"$2" "$i" "$3"
			printf '\n[child k]\nlocal-ts = 10.200.%d.%d/32\nremote-ts = 10.201.%d.%d/32\n' \
				"${#2}" "$i" "${#2}" "$i"
			printf 'esp = aes128gcm16\n'
		done
	} >"$1"
}

assert_ok nsexec "$B" "$OAKLEY_OAK" load "$TMP/b.conf"

log "part 1: $N tunnels at once ($IKE_X)"
conf_init "$TMP/a1.conf" c "$IKE_X"
assert_ok nsexec "$A" "$OAKLEY_OAK" load "$TMP/a1.conf"
for i in $(seq 1 600); do
	[ "$(up_count "$A")" = "$N" ] && [ "$(up_count "$B")" = "$N" ] && break
	sleep 0.2
done
[ "$(up_count "$A")" = "$N" ] || die "part 1: $(up_count "$A") of $N up in $A"
[ "$(up_count "$B")" = "$N" ] || die "part 1: $(up_count "$B") of $N up in $B"
[ "$(stat_of "$A" ike-failed)" = 0 ] || die "part 1: ike-failed in $A"
[ "$(stat_of "$B" ike-failed)" = 0 ] || die "part 1: ike-failed in $B"
log "part 1: all $N IKE + Child SAs up on both sides"

log "part 2: $N more ($IKE_M), the responder connection deleted while in flight"
conf_init "$TMP/a2.conf" dd "$IKE_M"
assert_ok nsexec "$A" "$OAKLEY_OAK" load "$TMP/a2.conf"
for i in $(seq 1 300); do
	[ "$(stat_of "$B" half-open)" -gt 0 ] && break
	sleep 0.05
done
h=$(stat_of "$B" half-open)
[ "$h" -gt 0 ] || die "part 2: no half-open IKE SA seen in $B"
log "part 2: $h half-open in $B, deleting resp"
assert_ok nsexec "$B" "$OAKLEY_OAK" del resp
for i in $(seq 1 100); do
	[ "$(stat_of "$B" ike-sas)" = 0 ] && [ "$(stat_of "$B" half-open)" = 0 ] && break
	sleep 0.1
done
[ "$(stat_of "$B" ike-sas)" = 0 ] || die "part 2: $B ike-sas $(stat_of "$B" ike-sas)"
[ "$(stat_of "$B" half-open)" = 0 ] || die "part 2: $B half-open $(stat_of "$B" half-open)"
log "part 2: no IKE SA left in $B"

log "part 3: $N more, both namespaces deleted while in flight"
assert_ok nsexec "$B" "$OAKLEY_OAK" load "$TMP/b.conf"
conf_init "$TMP/a3.conf" eee "$IKE_X"
assert_ok nsexec "$A" "$OAKLEY_OAK" load "$TMP/a3.conf"
sleep 0.3
ip netns del "$A"
ip netns del "$B"
# netns cleanup is asynchronous; every SA, connection and secret goes
for i in $(seq 1 300); do
	[ "$(cat "$OBJ")" = "$obj0" ] && break
	sleep 0.2
done
[ "$(cat "$OBJ")" = "$obj0" ] || fail "part 3: objects $(cat "$OBJ"), before the test $obj0"
log "part 3: objects back to $obj0"
oakley_unload
oakley_loaded && fail "oakley.ko did not unload"
dmesg_check
log "PASS"
