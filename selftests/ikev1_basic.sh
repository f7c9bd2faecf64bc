#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IKEv1 with pre-shared keys: Main Mode, then Quick Mode (ESP tunnel), with
# and without PFS; Aggressive Mode (FQDN identities) where configured and
# refused where not.  Oakley <-> strongSwan (charon, `version = 1`) with each
# side initiating, then Oakley <-> Oakley; each time both sides report the
# SAs, ping passes between the protected subnets through ESP, charon lists
# the negotiated algorithms, and the initiator's teardown (Informational
# Deletes) leaves no SA and no xfrm state.  Last, a wrong PSK: no SA, no
# xfrm state on either side.
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/ikev1_basic.sh
# 3des-sha1-modp1024 is the legacy set (Hash SHA, Group 2, 3DES: 8-byte
# blocks and Appendix B's key expansion); a third field "sha256-96" sets
# Oakley's sha256-96 and charon's sha256_96 and checks that both sides' ESP
# states carry a 96-bit HMAC-SHA2-256 ICV.
# IKEV1_SETS="ike:esp[:sha256-96] ..." overrides the proposal sets (strongSwan syntax).

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/charon.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq modprobe swanctl unshare

SETS=${IKEV1_SETS:-"aes128-sha256-modp2048:aes128-sha256
aes256-sha256-modp3072:aes256-sha256-modp3072
3des-sha1-modp1024:3des-sha1
aes128-sha256-modp1536:aes128-sha256:sha256-96"}
SETS=${SETS// /$'\n'}	# one set per line, or separated by spaces
PSK="ikev1_basic selftest secret 0123456789"
O=oak-v1-o
S=oak-v1-s
A=oak-v1-a
B=oak-v1-b

ike_setup ikev1_basic

netns_add "$O" "$S"
veth_pair "$O" veth-o 10.99.0.1/24 "$S" veth-s 10.99.0.2/24
ip -n "$O" addr add 10.1.0.1/24 dev lo
ip -n "$S" addr add 10.2.0.1/24 dev lo
ip -n "$O" route add 10.2.0.0/24 via 10.99.0.2 src 10.1.0.1
ip -n "$S" route add 10.1.0.0/24 via 10.99.0.1 src 10.2.0.1

# charon answers Aggressive Mode with a PSK only when told to
EXTRA="i_dont_care_about_security_and_use_aggressive_mode_psk = yes"
[ -n "${IKEV1_DEBUG:-}" ] && EXTRA="$EXTRA
	filelog { dbg { path = $TMP/charon4.log
	default = 1
	ike = 4
	flush_line = yes } }"
charon_start "$S" "$TMP" "$EXTRA"

oakn() { nsexec "$O" "$OAKLEY_OAK" "$@"; }

diag()
{
	ike_diag "$O"
	echo "## swanctl --list-sas"; swan --list-sas
	echo "## xfrm ($S)"; ip -n "$S" -s xfrm state
	echo "## charon.log (tail)"; swan_log_tail 80
}

die() { diag >&2; fail "$*"; }

swan_up() { swan --list-sas 2>/dev/null | grep -q 'ESTABLISHED' &&
	    swan --list-sas 2>/dev/null | grep -q 'INSTALLED'; }
swan_none() { ! swan --list-sas 2>/dev/null | grep -q '^oak:'; }

oak_conf()	# FILE LOCAL REMOTE PSK IKE ESP LTS RTS [EXTRA_CONN_LINE]
{
	cat >"$1" <<EOF
[secret psk]
psk = "$4"

[connection oak]
version = 1
local = $2
remote = $3
secret = psk
ike = $5
${9:-}

[child net]
local-ts = $7
remote-ts = $8
esp = $6
EOF
}

load_configs()	# IKE ESP [OAKLEY_PSK] [sha256-96]
{
	local o96= s96=

	[ "${4:-}" = sha256-96 ] && o96="sha256-96 = yes" && s96="sha256_96 = yes"
	oak_conf "$TMP/oak.conf" 10.99.0.1 10.99.0.2 "${3:-$PSK}" "$1" "$2" 10.1.0.0/24 \
		10.2.0.0/24 "$o96"
	cat >"$TMP/swanctl.conf" <<EOF
connections {
	oak {
		version = 1
		local_addrs = 10.99.0.2
		remote_addrs = 10.99.0.1
		proposals = $1
		local {
			auth = psk
			id = 10.99.0.2
		}
		remote {
			auth = psk
			id = 10.99.0.1
		}
		children {
			net {
				local_ts = 10.2.0.0/24
				remote_ts = 10.1.0.0/24
				esp_proposals = $2
				mode = tunnel
				$s96
			}
		}
	}
}
secrets {
	ike-oak {
		id-1 = 10.99.0.1
		id-2 = 10.99.0.2
		secret = "$PSK"
	}
}
EOF
	oakn load "$TMP/oak.conf" || die "oak load failed"
	swan --load-all --file "$TMP/swanctl.conf" >"$TMP/swan-load" 2>&1 ||
		{ cat "$TMP/swan-load" >&2; die "swanctl --load-all failed"; }
}

up_both() { [ "$(sa_state "$O")" = established ] && [ "$(child_count "$O")" = 1 ] && swan_up; }
down_both() { [ "$(sa_state "$O")" = none ] && swan_none && [ -z "$(ip -n "$O" xfrm state)" ]; }

# expected IKE -> charon's IKE and ESP algorithm strings
swan_algs()
{
	case $1 in
	aes128-sha256-modp2048) echo "AES_CBC-128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048|ESP:AES_CBC-128/HMAC_SHA2_256_128";;
	aes256-sha256-modp3072) echo "AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_3072|ESP:AES_CBC-256/HMAC_SHA2_256_128/MODP_3072";;
	3des-sha1-modp1024) echo "3DES_CBC/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024|ESP:3DES_CBC/HMAC_SHA1_96";;
	# charon may name the ESP integrity _128 or _96
	aes128-sha256-modp1536) echo "AES_CBC-128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_1536|ESP:AES_CBC-128/HMAC_SHA2_256";;
	esac
}


check_algs()	# WHAT IKE
{
	local exp ike esp

	exp=$(swan_algs "$2")
	[ -n "$exp" ] || return 0
	IFS='|' read -r ike esp <<<"$exp"
	swan --list-sas >"$TMP/sas" 2>&1
	grep -qF "IKEv1" "$TMP/sas" && grep -qF "$ike" "$TMP/sas" && grep -qF "$esp" "$TMP/sas" ||
		{ cat "$TMP/sas" >&2; die "$1: charon does not report IKEv1 $ike / $esp"; }
}

check_traffic()	# WHAT NS FROM TO
{
	local before after

	before=$(esp_packets "$2")
	nsexec "$2" ping -c 3 -i 0.2 -W 3 -I "$3" "$4" >"$TMP/ping" 2>&1 ||
		{ cat "$TMP/ping" >&2; die "$1: ping through the tunnel failed"; }
	after=$(esp_packets "$2")
	[ "$after" -ge $((before + 6)) ] || die "$1: ESP counters $before -> $after"
}

while read -r set; do
	[ -n "$set" ] || continue
	ike=${set%%:*}
	rest=${set#*:}
	esp=${rest%%:*}
	opt=
	[ "$rest" = "$esp" ] || opt=${rest#*:}
	load_configs "$ike" "$esp" "" "$opt"

	what="Oakley initiates IKEv1 $ike / $esp"
	oakn up oak || die "$what: oak up failed"
	wait_for 30 up_both || die "$what: not established"
	check_algs "$what" "$ike"
	check_trunc96 "$what" "$opt" "$O" "$S"
	check_traffic "$what" "$O" 10.1.0.1 10.2.0.1
	oakn down oak || die "$what: oak down failed"
	wait_for 20 down_both || die "$what: SAs left after oak down"
	log "$what: ok"

	what="strongSwan initiates IKEv1 $ike / $esp"
	swan --initiate --child net >"$TMP/swan-init" 2>&1 ||
		{ cat "$TMP/swan-init" >&2; die "$what: swanctl --initiate failed"; }
	wait_for 30 up_both || die "$what: not established"
	check_algs "$what" "$ike"
	check_trunc96 "$what" "$opt" "$O" "$S"
	check_traffic "$what" "$O" 10.1.0.1 10.2.0.1
	swan --terminate --ike oak >/dev/null 2>&1 || die "$what: swanctl --terminate failed"
	wait_for 20 down_both || die "$what: SAs left after swanctl --terminate"
	log "$what: ok"
done <<<"$SETS"

# Aggressive Mode with FQDN identities, only where configured
am_configs()	# OAKLEY_EXCHANGE
{
	cat >"$TMP/oak.conf" <<EOF
[secret psk]
psk = "$PSK"

[connection oak]
version = 1
exchange = $1
local = 10.99.0.1
remote = 10.99.0.2
local-id = oak.example
remote-id = swan.example
secret = psk
ike = aes128-sha256-modp2048

[child net]
local-ts = 10.1.0.0/24
remote-ts = 10.2.0.0/24
esp = aes128-sha256
EOF
	cat >"$TMP/swanctl.conf" <<EOF
connections {
	oak {
		version = 1
		aggressive = yes
		local_addrs = 10.99.0.2
		remote_addrs = 10.99.0.1
		proposals = aes128-sha256-modp2048
		local {
			auth = psk
			id = swan.example
		}
		remote {
			auth = psk
			id = oak.example
		}
		children {
			net {
				local_ts = 10.2.0.0/24
				remote_ts = 10.1.0.0/24
				esp_proposals = aes128-sha256
			}
		}
	}
}
secrets {
	ike-oak {
		id-1 = oak.example
		id-2 = swan.example
		secret = "$PSK"
	}
}
EOF
	oakn load "$TMP/oak.conf" || die "oak load failed"
	swan --load-all --file "$TMP/swanctl.conf" >"$TMP/swan-load" 2>&1 ||
		{ cat "$TMP/swan-load" >&2; die "swanctl --load-all failed"; }
}

am_configs aggressive
what="Oakley initiates IKEv1 Aggressive Mode"
oakn up oak || die "$what: oak up failed"
wait_for 30 up_both || die "$what: not established"
check_traffic "$what" "$O" 10.1.0.1 10.2.0.1
oakn down oak || die "$what: oak down failed"
wait_for 20 down_both || die "$what: SAs left after oak down"
log "$what: ok"

what="strongSwan initiates IKEv1 Aggressive Mode"
swan --initiate --child net >"$TMP/swan-init" 2>&1 ||
	{ cat "$TMP/swan-init" >&2; die "$what: swanctl --initiate failed"; }
wait_for 30 up_both || die "$what: not established"
check_traffic "$what" "$O" 10.1.0.1 10.2.0.1
swan --terminate --ike oak >/dev/null 2>&1 || die "$what: swanctl --terminate failed"
wait_for 20 down_both || die "$what: SAs left after swanctl --terminate"
log "$what: ok"

what="Aggressive Mode refused without exchange = aggressive"
am_configs main
swan --initiate --child net --timeout 6 >/dev/null 2>&1 && die "$what: charon got an SA"
[ "$(sa_state "$O")" = none ] && [ -z "$(ip -n "$O" xfrm state)" ] || die "$what: Oakley has an SA"
swan --terminate --ike oak >/dev/null 2>&1
log "$what: ok"

# a wrong PSK, Oakley initiating: no SA, no xfrm state on either side
what="IKEv1 wrong PSK"
load_configs aes128-sha256-modp2048 aes128-sha256 "not the $PSK"
oakn up oak >/dev/null 2>&1
sleep 3
[ -z "$(ip -n "$O" xfrm state)" ] && [ -z "$(ip -n "$S" xfrm state)" ] ||
	die "$what: xfrm states exist"
swan --list-sas 2>/dev/null | grep -q 'INSTALLED' && die "$what: charon installed a Child SA"
oakn down oak >/dev/null 2>&1
log "$what: ok"

charon_stop
ip netns del "$O"
ip netns del "$S"

# Oakley <-> Oakley, with PFS (without: the strongSwan cases above)
netns_add "$A" "$B"
veth_pair "$A" veth-a 10.98.0.1/24 "$B" veth-b 10.98.0.2/24
ip -n "$A" addr add 10.3.0.1/24 dev lo
ip -n "$B" addr add 10.4.0.1/24 dev lo
ip -n "$A" route add 10.4.0.0/24 via 10.98.0.2 src 10.3.0.1
ip -n "$B" route add 10.3.0.0/24 via 10.98.0.1 src 10.4.0.1
for pfs in aes128-sha256-modp2048; do
	what="Oakley <-> Oakley IKEv1 esp $pfs"
	oak_conf "$TMP/a.conf" 10.98.0.1 10.98.0.2 "$PSK" aes256-sha256-modp2048 "$pfs" \
		10.3.0.0/24 10.4.0.0/24
	oak_conf "$TMP/b.conf" 10.98.0.2 10.98.0.1 "$PSK" aes256-sha256-modp2048 "$pfs" \
		10.4.0.0/24 10.3.0.0/24
	nsexec "$A" "$OAKLEY_OAK" load "$TMP/a.conf" || die "$what: load A"
	nsexec "$B" "$OAKLEY_OAK" load "$TMP/b.conf" || die "$what: load B"
	nsexec "$A" "$OAKLEY_OAK" up oak || die "$what: oak up failed"
	oo_up() { [ "$(child_count "$A")" = 1 ] && [ "$(child_count "$B")" = 1 ]; }
	wait_for 30 oo_up || { ike_diag "$A" "$B" >&2; fail "$what: not established"; }
	check_traffic "$what" "$A" 10.3.0.1 10.4.0.1
	nsexec "$A" "$OAKLEY_OAK" down oak || die "$what: oak down failed"
	oo_down() { [ "$(sa_state "$A")" = none ] && [ "$(sa_state "$B")" = none ] &&
		    [ -z "$(ip -n "$A" xfrm state)$(ip -n "$B" xfrm state)" ]; }
	wait_for 20 oo_down || { ike_diag "$A" "$B" >&2; fail "$what: SAs left after oak down"; }
	log "$what: ok"
done
ip netns del "$A"
ip netns del "$B"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
