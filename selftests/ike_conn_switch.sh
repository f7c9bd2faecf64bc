#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The responder's connection switch (RFC 7296 §2.15: the IDi picks the
# connection).  Responder B has several connections on the same local and
# remote address, told apart by remote-id:
#   x      remote 10.99.0.1, remote-id @x.switch  (ike = $IKE)
#   y      remote 10.99.0.1, remote-id @y.switch  (ike = $IKE)
#   zbad   remote %any,      remote-id @z.switch  (ike = aes128-sha256-modp2048)
#   zgood  remote %any,      remote-id @z.switch  (ike = $IKE)   (second part only)
# IKE_SA_INIT lands on x or y (exact remote address first); the IDi then
# decides.  Initiator A has one connection per identity:
#  - IDi @x and IDi @y: established on x and on y (at least one of them is a
#    switch, whichever of the two IKE_SA_INIT landed on), a Child SA each;
#  - IDi @nobody: no connection names it: AUTHENTICATION_FAILED on both sides;
#  - IDi @z with only zbad: zbad's proposals do not hold the negotiated IKE
#    algorithms, so it is not chosen: AUTHENTICATION_FAILED;
#  - IDi @z with zbad and zgood: zgood, whatever the order of the index.
# The lookup runs before authentication, from any peer that completed
# IKE_SA_INIT: under the debug kernel (make check-kasan-vm
# TESTS=ike_conn_switch.sh) it must not sleep under RCU (issue 14, defect 1).
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/ike_conn_switch.sh

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip jq modprobe

IKE=aes256gcm16-prfsha384-x25519
PSK="ike_conn_switch selftest secret 0123456789"

ike_setup ike_conn_switch

A=oak-sw-a
B=oak-sw-b
netns_add "$A" "$B"
veth_pair "$A" veth-a 10.99.0.1/24 "$B" veth-b 10.99.0.2/24

conn()	# NAME REMOTE LOCAL-ID REMOTE-ID IKE
{
	cat <<EOF

[connection $1]
local = $([ "$2" = 10.99.0.2 ] && echo 10.99.0.1 || echo 10.99.0.2)
remote = $2
$([ -n "$3" ] && echo "local-id = $3")
$([ -n "$4" ] && echo "remote-id = $4")
secret = psk
ike = $5

[child net]
local-ts = $([ "$2" = 10.99.0.2 ] && echo 10.1.0.0/24 || echo 10.2.0.0/24)
remote-ts = $([ "$2" = 10.99.0.2 ] && echo 10.2.0.0/24 || echo 10.1.0.0/24)
esp = aes256gcm16
EOF
}

secret() { printf '[secret psk]\npsk = "%s"\n' "$PSK"; }

load()	# NS: the configuration on stdin
{
	cat >"$TMP/cur.conf"
	chmod 600 "$TMP/cur.conf"
	nsexec "$1" "$OAKLEY_OAK" load "$TMP/cur.conf" || fail "oak load in $1"
}

conf_a()
{
	secret
	for who in x y z nobody; do
		conn "$who" 10.99.0.2 "@$who.switch" "" "$IKE"
	done
}

conf_b()	# [zgood]
{
	secret
	conn x 10.99.0.1 "" "@x.switch" "$IKE"
	conn y 10.99.0.1 "" "@y.switch" "$IKE"
	conn zbad %any "" "@z.switch" aes128-sha256-modp2048
	[ "${1:-}" != zgood ] || conn zgood %any "" "@z.switch" "$IKE"
}

diag() { ike_diag "$A" "$B"; }
die() { diag >&2; fail "$*"; }

stat_of() { nsexec "$1" "$OAKLEY_OAK" stats -j | jq -r ".\"$2\""; }

# sa_of NS -> "CONN STATE CHILDREN" of the first IKE SA, or "none"
sa_of()
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j |
		jq -r '.[0] // empty | "\(.conn) \(.state) \((.children // []) | length)"' |
		grep . || echo none
}

up_on()	# A-CONN B-CONN: both sides established on those, one Child SA each
{
	local end=$((SECONDS + $(tscale 30)))
	while :; do
		[ "$(sa_of "$A")" = "$1 established 1" ] &&
			[ "$(sa_of "$B")" = "$2 established 1" ] && return 0
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}

none_both()
{
	local end=$((SECONDS + $(tscale 30)))
	while :; do
		[ "$(sa_of "$A")" = none ] && [ "$(sa_of "$B")" = none ] &&
			[ -z "$(ip -n "$A" xfrm state; ip -n "$B" xfrm state)" ] && return 0
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}

switch_ok()	# A-CONN B-CONN
{
	nsexec "$A" "$OAKLEY_OAK" up "$1" || die "oak up $1"
	up_on "$1" "$2" || die "IDi @$1.switch: not established on $2 (A: $(sa_of "$A"), B: $(sa_of "$B"))"
	nsexec "$A" "$OAKLEY_OAK" down "$1" || die "oak down $1"
	none_both || die "oak down $1: SAs or states left"
	log "IDi @$1.switch: the responder chose $2, established with a Child SA"
}

refused()	# A-CONN WHY
{
	local af_a af_b

	af_a=$(stat_of "$A" auth-failed)
	af_b=$(stat_of "$B" auth-failed)
	nsexec "$A" "$OAKLEY_OAK" up "$1" || die "oak up $1"
	none_both || die "IDi @$1.switch ($2): an SA or state stayed"
	[ "$(stat_of "$B" auth-failed)" -gt "$af_b" ] || die "IDi @$1.switch: B did not count AUTHENTICATION_FAILED"
	[ "$(stat_of "$A" auth-failed)" -gt "$af_a" ] || die "IDi @$1.switch: A did not count AUTHENTICATION_FAILED"
	log "IDi @$1.switch ($2): AUTHENTICATION_FAILED on both sides, nothing installed"
}

conf_a | load "$A"
conf_b | load "$B"

switch_ok x x
switch_ok y y
refused nobody "no connection names it"
refused z "the only connection naming it, zbad, lacks the negotiated IKE algorithms"

conf_b zgood | load "$B"
switch_ok z zgood
# and the others still work with the larger index
switch_ok y y
refused nobody "no connection names it"

[ "$(stat_of "$B" ike-sas)" = 0 ] || die "B: ike-sas not 0"
[ "$(stat_of "$B" half-open)" = 0 ] || die "B: half-open not 0"
dmesg_check
log "PASS"
