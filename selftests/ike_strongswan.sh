#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IKEv2 interoperability with strongSwan: Oakley in one namespace, charon in
# another, over a veth pair.  For each proposal set, Oakley initiates once and
# charon initiates once; each time both sides must report the IKE SA and the
# Child SA, ping must pass between the protected subnets through ESP, and the
# teardown by the initiator must remove the SAs on both sides.
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/ike_strongswan.sh
#
# The last set, default:default, is both sides' own defaults (charon sends one
# IKE proposal of some 40 transforms).  3des-sha1-modp1024 is the legacy set
# (RFC 8247 SHOULD NOTs, configured explicitly on both sides); a third field
# "sha256-96" sets Oakley's sha256-96 and charon's sha256_96 and checks that
# both sides' ESP states carry a 96-bit HMAC-SHA2-256 ICV.
# IKE_SWAN_SETS="ike:esp[:sha256-96] ..." overrides the proposal sets (strongSwan syntax).

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/charon.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq modprobe swanctl unshare

SETS=${IKE_SWAN_SETS:-"aes256gcm16-prfsha384-ecp384:aes256gcm16
aes128-sha256-modp2048:aes128-sha256
aes256-sha512-x25519:aes256-sha512
chacha20poly1305-prfsha256-x25519:chacha20poly1305
3des-sha1-modp1024:3des-sha1
aes128-sha256-modp1536:aes128-sha256:sha256-96
default:default"}
SETS=${SETS// /$'\n'}	# one set per line, or separated by spaces
PSK="ike_strongswan selftest secret 0123456789"
O=oak-swan-o
S=oak-swan-s

ike_setup ike_strongswan

netns_add "$O" "$S"
veth_pair "$O" veth-o 10.99.0.1/24 "$S" veth-s 10.99.0.2/24
ip -n "$O" addr add 10.1.0.1/24 dev lo
ip -n "$S" addr add 10.2.0.1/24 dev lo
ip -n "$O" route add 10.2.0.0/24 via 10.99.0.2 src 10.1.0.1
ip -n "$S" route add 10.1.0.0/24 via 10.99.0.1 src 10.2.0.1

charon_start "$S" "$TMP"

oakn() { nsexec "$O" "$OAKLEY_OAK" "$@"; }

diag()
{
	echo "## oak show sa -j"; oakn show sa -j
	echo "## oak stats -j"; oakn stats -j
	echo "## swanctl --list-sas"; swan --list-sas
	echo "## xfrm ($O)"; ip -n "$O" -s xfrm state; ip -n "$O" xfrm policy
	echo "## xfrm ($S)"; ip -n "$S" -s xfrm state
	echo "## charon.log (tail)"; swan_log_tail 60
	echo "## dmesg (tail)"; dmesg | grep -v ADDRCONF | tail -n 30
}

die() { diag >&2; fail "$*"; }

swan_up() { swan --list-sas 2>/dev/null | grep -q 'ESTABLISHED' &&
	    swan --list-sas 2>/dev/null | grep -q 'INSTALLED'; }
swan_none() { ! swan --list-sas 2>/dev/null | grep -q '^oak:'; }

# "default": no ike/esp line for Oakley, charon's own default proposals
# (one IKE proposal of some 40 transforms, and an AEAD one)
load_configs()	# IKE ESP [sha256-96]
{
	local oike="ike = $1" oesp="esp = $2" o96= s96=

	[ "$1" = default ] && oike=
	[ "$2" = default ] && oesp=
	[ "${3:-}" = sha256-96 ] && o96="sha256-96 = yes" && s96="sha256_96 = yes"
	cat >"$TMP/oak.conf" <<EOF
[secret psk]
psk = "$PSK"

[connection oak]
local = 10.99.0.1
remote = 10.99.0.2
secret = psk
$oike
$o96

[child net]
local-ts = 10.1.0.0/24
remote-ts = 10.2.0.0/24
$oesp
EOF
	cat >"$TMP/swanctl.conf" <<EOF
connections {
	oak {
		version = 2
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

wait_up()
{
	for i in $(seq 1 150); do
		[ "$(sa_state "$O")" = established ] && [ "$(child_count "$O")" = 1 ] && swan_up && return 0
		sleep 0.2
	done
	return 1
}

wait_down()
{
	for i in $(seq 1 100); do
		[ "$(sa_state "$O")" = none ] && swan_none && return 0
		sleep 0.2
	done
	return 1
}

# expected_algs IKE -> "OAKLEY_ALGS|CHARON_IKE_ALGS|CHARON_ESP_ALGS" for the default sets
expected_algs()
{
	case $1 in
	aes256gcm16-prfsha384-ecp384)
		echo "aes256gcm16 - prfsha384 ecp384|AES_GCM_16-256/PRF_HMAC_SHA2_384/ECP_384|ESP:AES_GCM_16-256";;
	aes128-sha256-modp2048)
		echo "aes128 sha256 prfsha256 modp2048|AES_CBC-128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048|ESP:AES_CBC-128/HMAC_SHA2_256_128";;
	aes256-sha512-x25519)
		echo "aes256 sha512 prfsha512 x25519|AES_CBC-256/HMAC_SHA2_512_256/PRF_HMAC_SHA2_512/CURVE_25519|ESP:AES_CBC-256/HMAC_SHA2_512_256";;
	chacha20poly1305-prfsha256-x25519)
		echo "chacha20poly1305 - prfsha256 x25519|CHACHA20_POLY1305/PRF_HMAC_SHA2_256/CURVE_25519|ESP:CHACHA20_POLY1305";;
	3des-sha1-modp1024)
		echo "3des sha1 prfsha1 modp1024|3DES_CBC/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024|ESP:3DES_CBC/HMAC_SHA1_96";;
	aes128-sha256-modp1536)	# charon may name the ESP integrity _128 or _96
		echo "aes128 sha256 prfsha256 modp1536|AES_CBC-128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_1536|ESP:AES_CBC-128/HMAC_SHA2_256";;
	esac
}

# Both sides report the negotiated algorithms they were configured with.
check_algs()	# WHAT IKE
{
	local exp oak swan_ike swan_esp got

	exp=$(expected_algs "$2")
	[ -n "$exp" ] || return 0	# a custom IKE_SWAN_SETS entry
	IFS='|' read -r oak swan_ike swan_esp <<<"$exp"
	got=$(oakn show sa -j | jq -r '.[0] | "\(.encr) \(.integ // "-") \(.prf) \(.dh)"')
	[ "$got" = "$oak" ] || die "$1: Oakley reports '$got', expected '$oak'"
	swan --list-sas >"$TMP/sas" 2>&1
	grep -qF "$swan_ike" "$TMP/sas" && grep -qF "$swan_esp" "$TMP/sas" ||
		{ cat "$TMP/sas" >&2; die "$1: charon does not report $swan_ike / $swan_esp"; }
}


check_traffic()	# WHAT
{
	local before after
	before=$(esp_packets "$O")
	nsexec "$O" ping -c 3 -i 0.2 -W 3 -I 10.1.0.1 10.2.0.1 >"$TMP/ping" 2>&1 ||
		{ cat "$TMP/ping" >&2; die "$1: ping through the tunnel failed"; }
	after=$(esp_packets "$O")
	[ "$after" -ge $((before + 6)) ] || die "$1: Oakley's ESP counters $before -> $after"
}

while read -r set; do
	[ -n "$set" ] || continue
	ike=${set%%:*}
	rest=${set#*:}
	esp=${rest%%:*}
	opt=
	[ "$rest" = "$esp" ] || opt=${rest#*:}
	load_configs "$ike" "$esp" "$opt"

	what="Oakley initiates $ike / $esp"
	oakn up oak || die "$what: oak up failed"
	wait_up || die "$what: not established"
	check_algs "$what" "$ike"
	check_trunc96 "$what" "$opt" "$O" "$S"
	check_traffic "$what"
	oakn down oak || die "$what: oak down failed"
	wait_down || die "$what: SAs left after oak down"
	log "$what: ok"

	what="strongSwan initiates $ike / $esp"
	swan --initiate --child net >"$TMP/swan-init" 2>&1 ||
		{ cat "$TMP/swan-init" >&2; die "$what: swanctl --initiate failed"; }
	wait_up || die "$what: not established"
	check_algs "$what" "$ike"
	check_trunc96 "$what" "$opt" "$O" "$S"
	check_traffic "$what"
	swan --terminate --ike oak >/dev/null 2>&1 || die "$what: swanctl --terminate failed"
	wait_down || die "$what: SAs left after swanctl --terminate"
	[ -z "$(ip -n "$O" xfrm state)" ] || die "$what: xfrm states left in Oakley's namespace"
	log "$what: ok"
done <<<"$SETS"

charon_stop
ip netns del "$O"
ip netns del "$S"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
