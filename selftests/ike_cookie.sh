#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IKE_SA_INIT cookies (RFC 7296 §2.6) between Oakley and strongSwan, both ways.
#
#  1. charon demands cookies (dos_protection, cookie_threshold = 1, primed with
#     one half-open IKE SA from a spoofed source): Oakley initiates, gets
#     N(COOKIE), repeats its request with the cookie and the same Ni and KEi,
#     and the IKE SA and Child SA come up.  Oakley sent three new requests
#     (IKE_SA_INIT twice, IKE_AUTH once), retransmissions not counted.
#  2. Oakley demands cookies (half-open-cookie = 0 in the configuration's
#     [limits] section: always): charon initiates, Oakley answers N(COOKIE)
#     (cookies-sent), charon's second request passes, the SAs come up; ping
#     through ESP both times.
#  3. The SA dump shows traffic selectors as negotiated: charon initiates a
#     child whose selectors are an address range and a port range
#     (10.2.0.5-10.2.0.9[tcp/1024-2047] <-> 10.1.0.0/24[tcp/1024-2047]: few
#     enough xfrm selectors, 3 prefixes x 1 port mask, to be installed);
#     Oakley narrows its 10.2.0.0/24 <-> 10.1.0.0/24 to them and `oak show
#     sa` (and -j) prints them as such, not as a /32 of the first address and
#     any port.
#
# Runs inside the test VM only:  selftests/vm/run.sh --timeout 900 -- selftests/ike_cookie.sh

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/charon.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq modprobe swanctl unshare python3

FLOOD="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tools/ike_flood.py"
PSK="ike_cookie selftest secret 0123456789"
IKE=aes256gcm16-prfsha384-x25519
O=oak-ck-o
S=oak-ck-s

ike_setup ike_cookie

netns_add "$O" "$S"
veth_pair "$O" veth-o 10.99.0.1/24 "$S" veth-s 10.99.0.2/24
ip -n "$O" addr add 10.1.0.1/24 dev lo
ip -n "$S" addr add 10.2.0.1/24 dev lo
ip -n "$O" route add 10.2.0.0/24 via 10.99.0.2 src 10.1.0.1
ip -n "$S" route add 10.1.0.0/24 via 10.99.0.1 src 10.2.0.1
# charon's answer to the spoofed priming request goes to O, which drops it
ip -n "$S" route add 10.77.0.0/16 via 10.99.0.1
ip netns exec "$S" sysctl -qw net.ipv4.conf.all.rp_filter=0
ip netns exec "$S" sysctl -qw net.ipv4.conf.default.rp_filter=0

charon_start "$S" "$TMP" "dos_protection = yes
	cookie_threshold = 1
	half_open_timeout = 60"

oakn() { nsexec "$O" "$OAKLEY_OAK" "$@"; }
ostat() { oakn stats -j | jq -r ".[\"$1\"] // 0"; }

diag()
{
	echo "## oak show sa -j"; oakn show sa -j
	echo "## oak stats -j"; oakn stats -j
	echo "## swanctl --list-sas"; swan --list-sas
	echo "## charon.log (tail)"; swan_log_tail 80
	echo "## dmesg (tail)"; dmesg | grep -v ADDRCONF | tail -n 30
}

die() { diag >&2; fail "$*"; }

cat >"$TMP/oak.conf" <<EOF
[secret psk]
psk = "$PSK"

[connection oak]
local = 10.99.0.1
remote = 10.99.0.2
secret = psk
ike = $IKE

[child net]
local-ts = 10.1.0.0/24
remote-ts = 10.2.0.0/24
esp = aes256gcm16

[limits]
half-open-cookie = 0
EOF
cat >"$TMP/swanctl.conf" <<EOF
connections {
	oak {
		version = 2
		local_addrs = 10.99.0.2
		remote_addrs = 10.99.0.1
		proposals = $IKE
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
				esp_proposals = aes256gcm16
				mode = tunnel
			}
			rng {
				local_ts = 10.2.0.5-10.2.0.9[tcp/1024-2047]
				remote_ts = 10.1.0.0/24[tcp/1024-2047]
				esp_proposals = aes256gcm16
				mode = tunnel
			}
		}
	}
	any {
		version = 2
		local_addrs = 10.99.0.2
		proposals = $IKE
		local {
			auth = psk
			id = 10.99.0.2
		}
		remote {
			auth = psk
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

swan_up() { swan --list-sas 2>/dev/null | grep -q 'ESTABLISHED' &&
	    swan --list-sas 2>/dev/null | grep -q 'INSTALLED'; }

wait_up()
{
	for i in $(seq 1 150); do
		[ "$(sa_state "$O")" = established ] && [ "$(child_count "$O")" = 1 ] &&
			swan_up && return 0
		sleep 0.2
	done
	return 1
}

wait_down()
{
	for i in $(seq 1 100); do
		[ "$(sa_state "$O")" = none ] && ! swan --list-sas 2>/dev/null | grep -q '^oak:' &&
			return 0
		sleep 0.2
	done
	return 1
}

ping_through()
{
	nsexec "$O" ping -c 3 -i 0.2 -W 3 -I 10.1.0.1 10.2.0.1 >"$TMP/ping" 2>&1 ||
		{ cat "$TMP/ping" >&2; die "$1: ping through the tunnel failed"; }
}

# ---- 1: charon wants a cookie from Oakley ----
nsexec "$O" python3 "$FLOOD" --dst 10.99.0.2 --src 10.77.0.1/32 --count 1 >/dev/null ||
	die "cannot send the priming request"
for i in $(seq 1 50); do
	swan --list-sas 2>/dev/null | grep -q CONNECTING && break
	sleep 0.2
done
swan --list-sas 2>/dev/null | grep -q CONNECTING || die "charon has no half-open IKE SA"
tx0=$(ostat tx-packets)
rtx0=$(ostat retransmits)
oakn up oak || die "oak up failed"
wait_up || die "Oakley -> charon with a cookie: not established"
tx=$(($(ostat tx-packets) - tx0))
rtx=$(($(ostat retransmits) - rtx0))
log "Oakley initiates through charon's cookie: $tx messages sent, $rtx of them retransmits"
# new requests: IKE_SA_INIT, IKE_SA_INIT again with the COOKIE, IKE_AUTH (2 without a cookie)
[ $((tx - rtx)) -ge 3 ] ||
	die "Oakley sent $((tx - rtx)) new requests, expected 3 (IKE_SA_INIT, with COOKIE, IKE_AUTH)"
ping_through "Oakley initiates"
oakn down oak || die "oak down failed"
wait_down || die "SAs left after oak down"

# ---- 2: Oakley wants a cookie from charon ----
ck0=$(nsexec "$O" "$OAKLEY_OAK" stats -j | jq -r '.["cookies-sent"] // 0')
swan --initiate --child net >"$TMP/init" 2>&1 || { cat "$TMP/init" >&2; die "swanctl --initiate failed"; }
wait_up || die "charon -> Oakley with a cookie: not established"
ck=$(($(ostat cookies-sent) - ck0))
log "charon initiates through Oakley's cookie: cookies-sent +$ck"
[ "$ck" -ge 1 ] || die "Oakley sent no cookie with [limits] half-open-cookie = 0"
[ "$(ostat half-open)" = 0 ] || die "half-open $(ostat half-open) after the exchange"
ping_through "charon initiates"
swan --terminate --ike oak >/dev/null 2>&1
wait_down || die "SAs left after swanctl --terminate"

# ---- 3: selectors as negotiated in the SA dump ----
swan --initiate --child rng >"$TMP/init" 2>&1 || { cat "$TMP/init" >&2; die "swanctl --initiate rng failed"; }
wait_up || die "charon -> Oakley, child rng: not established"
oakn show sa -j >"$TMP/sa.json" || die "oak show sa -j failed"
oakn show sa >"$TMP/sa.txt" || die "oak show sa failed"
lts=$(jq -c '.[0].children[0]["local-ts"]' "$TMP/sa.json")
rts=$(jq -c '.[0].children[0]["remote-ts"]' "$TMP/sa.json")
log "child rng in Oakley's dump: local-ts $lts, remote-ts $rts"
[ "$lts" = '["10.1.0.0/24[tcp/1024-2047]"]' ] || die "local-ts $lts, not the port range"
[ "$rts" = '["10.2.0.5..10.2.0.9[tcp/1024-2047]"]' ] || die "remote-ts $rts, not the ranges"
grep -qF '10.2.0.5..10.2.0.9[tcp/1024-2047]' "$TMP/sa.txt" ||
	{ cat "$TMP/sa.txt" >&2; die "oak show sa does not print the range"; }
swan --terminate --ike oak >/dev/null 2>&1
wait_down || die "SAs left after swanctl --terminate (rng)"

charon_stop
ip netns del "$O"
ip netns del "$S"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
