#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IKEv2 NAT traversal (RFC 7296 §2.23, ESP in UDP: RFC 3948) through a NAT:
# three namespaces, L on the private side (192.168.77.2, inner 10.1.0.0/24),
# N the NAT (nftables masquerade with random source ports onto 10.77.0.1),
# P on the public side (10.77.0.2, inner 10.2.0.0/24).
#   1. Oakley in L initiates to Oakley in P
#   2. Oakley in L initiates to charon in P
#   3. charon in L initiates to Oakley in P
#   1b. the NAT forgets its mappings (conntrack -F): P follows L's new port
#   4. encap = yes without a NAT: Oakley in N initiates to charon in P
# Each time: the IKE SA moved to port 4500 on both sides (on the public side
# to the NAT's mapping of L's port 4500), every ESP state carries
# "encap type espinudp" with those ports, ping passes both ways, no plain ESP
# (IP protocol 50) crosses the public side, and an Oakley behind the NAT
# sends keepalives (nat-keepalive = 2s: one-byte datagrams to port 4500);
# after the initiator's `oak down` / swanctl --terminate nothing is left.
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/ike_natt.sh

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/charon.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq nft tcpdump swanctl unshare

PSK="ike_natt selftest secret 0123456789"
L=oak-nat-l
N=oak-nat-n
P=oak-nat-p

ike_setup ike_natt

netns_add "$L" "$N" "$P"
veth_pair "$L" veth-l 192.168.77.2/24 "$N" veth-nl 192.168.77.1/24
veth_pair "$N" veth-np 10.77.0.1/24 "$P" veth-p 10.77.0.2/24
ip -n "$L" addr add 10.1.0.1/24 dev lo
ip -n "$P" addr add 10.2.0.1/24 dev lo
ip -n "$L" route add default via 192.168.77.1
ip -n "$L" route add 10.2.0.0/24 via 192.168.77.1 src 10.1.0.1
ip -n "$P" route add 10.1.0.0/24 via 10.77.0.1 src 10.2.0.1
ip netns exec "$N" sysctl -qw net.ipv4.ip_forward=1

nat_on()
{
	ip netns exec "$N" nft -f - <<EOF || fail "nft: cannot set up the NAT"
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "veth-np" masquerade random
	}
}
EOF
}

nat_off() { ip netns exec "$N" nft delete table ip nat 2>/dev/null; true; }

diag()
{
	local ns

	for ns in "$L" "$N" "$P"; do
		echo "## $ns: oak show sa -j"
		nsexec "$ns" "$OAKLEY_OAK" show sa -j 2>/dev/null
		echo "## $ns: oak stats -j"
		nsexec "$ns" "$OAKLEY_OAK" stats -j 2>/dev/null
		echo "## $ns: xfrm"
		ip -n "$ns" -s xfrm state
		ip -n "$ns" xfrm policy
	done
	[ -n "${CHARON_PID:-}" ] && { echo "## swanctl --list-sas"; swan --list-sas
		echo "## charon.log"; swan_log_tail 80; }
	echo "## conntrack"; ip netns exec "$N" conntrack -L 2>/dev/null
	dmesg | grep -v ADDRCONF | tail -n 40
}

die() { diag >&2; fail "$*"; }

oak_conf()	# FILE LOCAL REMOTE LOCAL_ID REMOTE_ID LTS RTS [EXTRA]
{
	cat >"$1" <<EOF
[secret psk]
psk = "$PSK"

[connection nat]
local = $2
remote = $3
local-id = $4
remote-id = $5
secret = psk
nat-keepalive = 2s
${8:-}

[child net]
local-ts = $6
remote-ts = $7
EOF
}

swan_conf()	# FILE LOCAL REMOTE LOCAL_ID REMOTE_ID LTS RTS
{
	cat >"$1" <<EOF
connections {
	nat {
		version = 2
		local_addrs = $2
		remote_addrs = $3
		local {
			auth = psk
			id = $4
		}
		remote {
			auth = psk
			id = $5
		}
		children {
			net {
				local_ts = $6
				remote_ts = $7
				esp_proposals = aes256gcm16,aes128-sha256
			}
		}
	}
}
secrets {
	ike-nat {
		id-1 = $4
		id-2 = $5
		secret = "$PSK"
	}
}
EOF
}

# the IKE SA's ports in NS, "LOCAL REMOTE"
oak_ports() { nsexec "$1" "$OAKLEY_OAK" show sa -j | jq -r '.[0] | "\(."local-port") \(."remote-port")"'; }
oak_up() { [ "$(sa_state "$1")" = established ] && [ "$(child_count "$1")" = 1 ]; }
oak_none() { [ "$(sa_state "$1")" = none ] && [ -z "$(ip -n "$1" xfrm state)" ]; }
swan_up() { grep -q INSTALLED <<<"$(swan --list-sas 2>/dev/null)"; }
swan_none() { ! grep -q '^nat:' <<<"$(swan --list-sas 2>/dev/null)"; }

# every ESP state of NS is UDP-encapsulated; with PORTS ("SPORT DPORT" of
# the outbound state) they are those
check_encap()	# WHAT NS [OUT_SPORT OUT_DPORT]
{
	local st n

	# into a variable first: `... | grep -q` under pipefail fails when grep
	# stops reading before ip has written everything (SIGPIPE)
	st=$(ip -n "$2" xfrm state)
	n=$(grep -c '^src' <<<"$st")
	[ "$n" -ge 2 ] || die "$1: $2 has $n xfrm states"
	[ "$(grep -c 'encap type espinudp' <<<"$st")" = "$n" ] ||
		die "$1: $2 has ESP states without UDP encapsulation"
	[ -z "${3:-}" ] && return 0
	grep -q "encap type espinudp sport $3 dport $4 " <<<"$st" ||
		die "$1: $2 has no state encapsulated from port $3 to port $4"
	grep -q "encap type espinudp sport $4 dport $3 " <<<"$st" ||
		die "$1: $2 has no state encapsulated from port $4 to port $3"
}

# Ping both ways while tcpdump watches the public side: no plain ESP, ESP
# in UDP to port 4500 there, and (KEEPALIVE=1) keepalives from the NAT.
check_path()	# WHAT KEEPALIVE
{
	local cap=$TMP/pub.pcap esp udp ka

	ip netns exec "$N" tcpdump -i veth-np -n -U -w "$cap" 'esp or udp port 4500' \
		>/dev/null 2>"$TMP/tcpdump.err" &
	local tpid=$!
	# counted from here: tcpdump must be capturing before the first ping
	wait_for 20 grep -q 'listening on' "$TMP/tcpdump.err" || die "$1: tcpdump did not start"
	nsexec "$L" ping -c 3 -i 0.3 -W 2 -I 10.1.0.1 10.2.0.1 >/dev/null ||
		die "$1: ping from the private side failed"
	nsexec "$P" ping -c 3 -i 0.3 -W 2 -I 10.2.0.1 10.1.0.1 >/dev/null ||
		die "$1: ping from the public side failed"
	[ "$2" = 1 ] && sleep 5	# nat-keepalive = 2s
	sleep 1
	kill "$tpid"; wait "$tpid" 2>/dev/null
	esp=$(tcpdump -r "$cap" -n esp 2>/dev/null | wc -l)
	udp=$(tcpdump -r "$cap" -n 'udp port 4500 and udp[8:4] != 0' 2>/dev/null | wc -l)
	ka=$(tcpdump -r "$cap" -n 'udp dst port 4500 and udp[4:2] = 9 and udp[8] = 0xff' \
		2>/dev/null | wc -l)
	[ "$esp" = 0 ] || die "$1: $esp plain ESP packets on the public side"
	[ "$udp" -ge 12 ] || die "$1: only $udp ESP-in-UDP packets on the public side"
	[ "$2" = 1 ] && { [ "$ka" -ge 2 ] || die "$1: $ka NAT keepalives in 5 s (nat-keepalive = 2s)"; }
	log "$1: public side: $udp ESP in UDP, 0 plain ESP, $ka keepalives"
}

# Load FILE in NS once MON (an `oak monitor -j` of NS started before) shows
# the load's conn-added: from then on the monitor sees every event.
load_seen()	# NS FILE MON
{
	local i

	for i in $(seq 1 20); do
		nsexec "$1" "$OAKLEY_OAK" load "$2" || die "load $2 in $1"
		wait_for 2 grep -q '"conn-added"' "$3" && return 0
		nsexec "$1" "$OAKLEY_OAK" load /dev/null
	done
	die "oak monitor in $1 saw no conn-added"
}

L_TS="10.1.0.0/24"
P_TS="10.2.0.0/24"
nat_on

# 1. Oakley <-> Oakley
what="Oakley (behind the NAT) -> Oakley"
oak_conf "$TMP/l.conf" 192.168.77.2 10.77.0.2 l.nat.test p.nat.test "$L_TS" "$P_TS"
oak_conf "$TMP/p.conf" 10.77.0.2 %any p.nat.test l.nat.test "$P_TS" "$L_TS"
nsexec "$L" "$OAKLEY_OAK" monitor -j >"$TMP/mon-l" 2>&1 &
monpid=$!
nsexec "$P" "$OAKLEY_OAK" monitor -j >"$TMP/mon-p" 2>&1 &
monpid_p=$!
load_seen "$P" "$TMP/p.conf" "$TMP/mon-p"
load_seen "$L" "$TMP/l.conf" "$TMP/mon-l"
nsexec "$L" "$OAKLEY_OAK" up nat || die "$what: oak up"
wait_for 30 oak_up "$L" || die "$what: L not established"
wait_for 10 oak_up "$P" || die "$what: P not established"
read -r lp rp <<<"$(oak_ports "$L")"
[ "$lp $rp" = "4500 4500" ] || die "$what: L's IKE SA uses ports $lp -> $rp, not 4500 -> 4500"
read -r plp prp <<<"$(oak_ports "$P")"
[ "$plp" = 4500 ] && [ "$prp" != 4500 ] && [ "$prp" != 500 ] ||
	die "$what: P's IKE SA uses ports $plp -> $prp, not 4500 -> the NAT's mapping"
check_encap "$what" "$L" 4500 4500
check_encap "$what" "$P" 4500 "$prp"
check_path "$what" 1
grep -q '"nat-detected"' "$TMP/mon-l" || die "$what: no nat-detected event on L"
kill "$monpid"; wait "$monpid" 2>/dev/null
log "$what: ok"

# 1b. the NAT forgets its mappings: L's next datagrams get a new port, and
# P's IKE SA and ESP states follow it (km new_mapping on ESP from it)
what="NAT mapping changed (conntrack -F)"
ip netns exec "$N" conntrack -F >/dev/null 2>&1 || die "$what: conntrack -F failed"
# the first replies may still leave for the old port: wait for the new one
moved() { read -r _ nrp <<<"$(oak_ports "$P")"; [ "$nrp" != "$prp" ]; }
nsexec "$L" ping -c 20 -i 0.2 -W 1 -I 10.1.0.1 10.2.0.1 >/dev/null 2>&1 &
wait_for 10 moved || die "$what: P's IKE SA still sends to port $prp"
wait $!
read -r _ nrp <<<"$(oak_ports "$P")"
check_encap "$what" "$P" 4500 "$nrp"
nsexec "$L" ping -c 3 -i 0.3 -W 2 -I 10.1.0.1 10.2.0.1 >/dev/null ||
	die "$what: ping from the private side failed after the change"
nsexec "$P" ping -c 3 -i 0.3 -W 2 -I 10.2.0.1 10.1.0.1 >/dev/null ||
	die "$what: ping from the public side failed after the change"
grep -q '"nat-mapping"' "$TMP/mon-p" || die "$what: no nat-mapping event on P"
kill "$monpid_p"; wait "$monpid_p" 2>/dev/null
log "$what: port $prp -> $nrp, traffic continues: ok"
what="Oakley (behind the NAT) -> Oakley"
nsexec "$L" "$OAKLEY_OAK" down nat || die "$what: oak down"
wait_for 20 oak_none "$L" && wait_for 20 oak_none "$P" || die "$what: SAs left after oak down"
nsexec "$L" "$OAKLEY_OAK" load /dev/null
nsexec "$P" "$OAKLEY_OAK" load /dev/null
log "$what: ok"

# 2. Oakley (L) -> charon (P)
what="Oakley (behind the NAT) -> charon"
charon_start "$P" "$TMP"
swan_conf "$TMP/swanctl.conf" 10.77.0.2 %any p.nat.test l.nat.test "$P_TS" "$L_TS"
swan --load-all --file "$TMP/swanctl.conf" >"$TMP/swan-load" 2>&1 ||
	{ cat "$TMP/swan-load" >&2; die "$what: swanctl --load-all"; }
nsexec "$L" "$OAKLEY_OAK" load "$TMP/l.conf" || die "$what: load L"
nsexec "$L" "$OAKLEY_OAK" up nat || die "$what: oak up"
wait_for 30 oak_up "$L" || die "$what: L not established"
wait_for 10 swan_up || die "$what: charon not established"
read -r lp rp <<<"$(oak_ports "$L")"
[ "$lp $rp" = "4500 4500" ] || die "$what: L's IKE SA uses ports $lp -> $rp"
check_encap "$what" "$L" 4500 4500
check_encap "$what" "$P"
check_path "$what" 1
nsexec "$L" "$OAKLEY_OAK" down nat || die "$what: oak down"
wait_for 20 oak_none "$L" && wait_for 20 swan_none || die "$what: SAs left after oak down"
nsexec "$L" "$OAKLEY_OAK" load /dev/null
charon_stop
log "$what: ok"

# 3. charon (L) -> Oakley (P)
what="charon (behind the NAT) -> Oakley"
ip netns exec "$N" conntrack -F >/dev/null 2>&1
charon_start "$L" "$TMP"
swan_conf "$TMP/swanctl.conf" 192.168.77.2 10.77.0.2 l.nat.test p.nat.test "$L_TS" "$P_TS"
swan --load-all --file "$TMP/swanctl.conf" >"$TMP/swan-load" 2>&1 ||
	{ cat "$TMP/swan-load" >&2; die "$what: swanctl --load-all"; }
nsexec "$P" "$OAKLEY_OAK" load "$TMP/p.conf" || die "$what: load P"
swan --initiate --child net --timeout 30 >"$TMP/swan-init" 2>&1 ||
	{ cat "$TMP/swan-init" >&2; die "$what: swanctl --initiate"; }
wait_for 10 oak_up "$P" || die "$what: P not established"
read -r plp prp <<<"$(oak_ports "$P")"
[ "$plp" = 4500 ] && [ "$prp" != 4500 ] && [ "$prp" != 500 ] ||
	die "$what: P's IKE SA uses ports $plp -> $prp, not 4500 -> the NAT's mapping"
check_encap "$what" "$P" 4500 "$prp"
check_encap "$what" "$L"
check_path "$what" 0
swan --terminate --ike nat --timeout 20 >/dev/null 2>&1
wait_for 20 oak_none "$P" && wait_for 20 swan_none || die "$what: SAs left after terminate"
nsexec "$P" "$OAKLEY_OAK" load /dev/null
charon_stop
log "$what: ok"

# 4. encap = yes, no NAT: Oakley (N, 10.77.0.1) -> charon (P)
what="encap = yes without a NAT: Oakley -> charon"
nat_off
ip -n "$N" addr add 10.3.0.1/24 dev lo
ip -n "$N" route add 10.2.0.0/24 via 10.77.0.2 src 10.3.0.1
ip -n "$P" route replace 10.3.0.0/24 via 10.77.0.1 src 10.2.0.1
charon_start "$P" "$TMP"
swan_conf "$TMP/swanctl.conf" 10.77.0.2 10.77.0.1 p.nat.test n.nat.test "$P_TS" 10.3.0.0/24
swan --load-all --file "$TMP/swanctl.conf" >"$TMP/swan-load" 2>&1 ||
	{ cat "$TMP/swan-load" >&2; die "$what: swanctl --load-all"; }
oak_conf "$TMP/n.conf" 10.77.0.1 10.77.0.2 n.nat.test p.nat.test 10.3.0.0/24 "$P_TS" \
	"start = start
encap = yes"
nsexec "$N" "$OAKLEY_OAK" load "$TMP/n.conf" || die "$what: load N"
wait_for 30 oak_up "$N" || die "$what: N not established"
wait_for 10 swan_up || die "$what: charon not established"
read -r lp rp <<<"$(oak_ports "$N")"
[ "$lp $rp" = "4500 4500" ] || die "$what: N's IKE SA uses ports $lp -> $rp"
check_encap "$what" "$N" 4500 4500
check_encap "$what" "$P" 4500 4500
nsexec "$N" ping -c 3 -i 0.3 -W 2 -I 10.3.0.1 10.2.0.1 >/dev/null || die "$what: ping failed"
nsexec "$N" "$OAKLEY_OAK" down nat || die "$what: oak down"
wait_for 20 oak_none "$N" && wait_for 20 swan_none || die "$what: SAs left after oak down"
nsexec "$N" "$OAKLEY_OAK" load /dev/null
charon_stop
log "$what: ok"

ip netns del "$L"
ip netns del "$N"
ip netns del "$P"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
