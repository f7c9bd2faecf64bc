#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Capture real IKE exchanges for the fuzzers' seed corpus (not a test):
#
#   selftests/vm/run.sh --keep --timeout 1200 -- selftests/torture/capture.sh
#   selftests/torture/capture_import.py RUNDIR/share/capture selftests/codec/corpus
#
# In the VM: Oakley O <-> Oakley P (INVALID_KE restart, IKE_AUTH, ping,
# rekey when CREATE_CHILD_SA exists, Delete), charon S -> Oakley O and
# Oakley O -> charon S (IKE_SA_INIT, IKE_AUTH, rekeys, Delete), and last
# Oakley O -> Oakley P with the module loaded with half_open_cookie=0 (a
# COOKIE round trip).  selftests/torture/capture.py writes every UDP/500
# datagram seen in O to /run/oakvm/capture (the run's result share), and
# charon logs its IKE SA keys (ike loglevel 4) to keys.log there, so the
# charon exchanges can be decrypted and re-encrypted for fuzz_sk.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../lib/ike.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../lib/charon.sh"

oakley_require_vm
require_cmd ip jq swanctl unshare
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURE_OUT:-/run/oakvm/capture}
PSK="oakley capture secret 0123456789"
TMP=$(mktemp -d /tmp/oakley-capture.XXXXXX)
chmod 755 "$TMP"
mkdir -p "$OUT"

oakley_unload
oakley_load
at_exit oakley_unload

O=cap-o
P=cap-p
S=cap-s
netns_add "$O" "$P" "$S"
veth_pair "$O" veth-op 10.97.0.1/24 "$P" veth-po 10.97.0.2/24
veth_pair "$O" veth-os 10.99.0.1/24 "$S" veth-so 10.99.0.2/24
ip -n "$O" addr add 10.1.0.1/24 dev lo
ip -n "$P" addr add 10.3.0.1/24 dev lo
ip -n "$S" addr add 10.2.0.1/24 dev lo
ip -n "$O" route add 10.3.0.0/24 via 10.97.0.2 src 10.1.0.1
ip -n "$P" route add 10.1.0.0/24 via 10.97.0.1 src 10.3.0.1
ip -n "$O" route add 10.2.0.0/24 via 10.99.0.2 src 10.1.0.1
ip -n "$S" route add 10.1.0.0/24 via 10.99.0.1 src 10.2.0.1

sniff_start()	# PREFIX
{
	nsexec "$O" /usr/bin/python3 "$HERE/capture.py" "$OUT" "$1" &
	for _ in $(seq 1 100); do
		# the sniffer writes its pid there once its socket is open
		SNIFF=$(cat "$OUT/.ready-$1" 2>/dev/null)
		[ -n "$SNIFF" ] && return 0
		sleep 0.2
	done
	fail "the sniffer did not start"
}

sniff_stop()
{
	sleep 1
	kill "$SNIFF" 2>/dev/null	# not our child (ip netns exec's): no wait
	sleep 0.5
}

oak_conf()	# NAME LOCAL REMOTE LTS RTS IKE ESP
{
	printf '[secret psk]\npsk = "%s"\n\n[connection %s]\nlocal = %s\nremote = %s\n' \
		"$PSK" "$1" "$2" "$3"
	printf 'secret = psk\nike = %s\n\n[child net]\nlocal-ts = %s\nremote-ts = %s\nesp = %s\n' \
		"$6" "$4" "$5" "$7"
}

wait_state()	# NS STATE
{
	for _ in $(seq 1 150); do
		[ "$(sa_state "$1")" = "$2" ] && return 0
		sleep 0.2
	done
	log "$1: IKE SA is $(sa_state "$1"), not $2"
	return 1
}

oak_o() { nsexec "$O" "$OAKLEY_OAK" "$@"; }
oak_p() { nsexec "$P" "$OAKLEY_OAK" "$@"; }

oakley_pair()	# PREFIX: O initiates to P, O proposes MODP first (INVALID_KE)
{
	oak_conf op 10.97.0.1 10.97.0.2 10.1.0.0/24 10.3.0.0/24 \
		"aes128-sha256-modp2048, aes256gcm16-prfsha256-x25519" aes256gcm16 >"$TMP/o.conf"
	oak_conf op 10.97.0.2 10.97.0.1 10.3.0.0/24 10.1.0.0/24 \
		"aes256gcm16-prfsha256-x25519" aes256gcm16 >"$TMP/p.conf"
	oak_o load "$TMP/o.conf" || fail "oak load (O)"
	oak_p load "$TMP/p.conf" || fail "oak load (P)"
	sniff_start "$1"
	oak_o up op
	wait_state "$O" established
	nsexec "$O" ping -c 2 -W 2 -I 10.1.0.1 10.3.0.1 >/dev/null
	oak_o rekey op/net 2>/dev/null && sleep 3
	oak_o rekey op 2>/dev/null && sleep 3
	oak_o down op
	wait_state "$P" none
	sniff_stop
	oak_o del op 2>/dev/null
	oak_p del op 2>/dev/null
}

log "Oakley <-> Oakley"
oakley_pair oakoak

log "charon <-> Oakley"
# (charon has a private /run: its key log goes to $TMP and is copied to $OUT)
charon_start "$S" "$TMP" "filelog { keys { path = $TMP/keys.log
	default = 0
	ike = 4
	flush_line = yes
	} }"
swan_conf()	# IKE ESP
{
	cat >"$TMP/swanctl.conf" <<SWANCONF
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
SWANCONF
}

for set in "aes256-sha256-modp2048:aes256-sha256:swan" "aes256gcm16-prfsha256-x25519:aes256gcm16:oak"; do
	ike=${set%%:*}
	rest=${set#*:}
	esp=${rest%%:*}
	who=${rest#*:}
	oak_conf oak 10.99.0.1 10.99.0.2 10.1.0.0/24 10.2.0.0/24 "$ike" "$esp" >"$TMP/o.conf"
	oak_o load "$TMP/o.conf" || fail "oak load"
	swan_conf "$ike" "$esp"
	swan --load-all --file "$TMP/swanctl.conf" >/dev/null 2>&1 || fail "swanctl --load-all"
	sniff_start "swan-$who-init-${ike%%-*}"
	if [ "$who" = swan ]; then
		swan --initiate --child net --timeout 30 >/dev/null
	else
		oak_o up oak
	fi
	wait_state "$O" established
	nsexec "$O" ping -c 2 -W 2 -I 10.1.0.1 10.2.0.1 >/dev/null
	swan --rekey --child net >/dev/null 2>&1 && sleep 3
	swan --rekey --ike oak >/dev/null 2>&1 && sleep 3
	oak_o rekey oak/net 2>/dev/null && sleep 3
	if [ "$who" = swan ]; then
		swan --terminate --ike oak --timeout 20 >/dev/null
	else
		oak_o down oak
	fi
	wait_state "$O" none
	sniff_stop
	oak_o del oak 2>/dev/null
	cp "$TMP/keys.log" "$OUT/keys.log" 2>/dev/null
done
charon_stop
cp "$TMP/keys.log" "$OUT/keys.log" || log "charon wrote no keys.log"

log "COOKIE: the module again with half_open_cookie=0"
oakley_unload
modinfo -p "$OAKLEY_KO" >"$TMP/params"
if grep -q '^half_open_cookie:' "$TMP/params"; then
	oakley_load half_open_cookie=0
	oakley_pair cookie
else
	log "no half_open_cookie parameter: no COOKIE capture"
fi
ls "$OUT" | wc -l
log "captured $(ls "$OUT" | grep -c '\.bin$') datagrams in $OUT"
