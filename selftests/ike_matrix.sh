#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IKEv2 algorithm / mode / address-family matrix between two Oakley instances
# (two namespaces over a veth pair).  All connections are loaded at once, with
# `start = start` on the initiator side, so the whole matrix comes up from one
# `oak load` (this also tests start-on-load and that each connection sends
# from its own local address: every case has its own secondary addresses,
# never the interface's primary one).
#
# Covered (a covering set, not the full product): every IKE encryption
# (aes128/aes256 CBC with sha256/sha384/sha512, aes128gcm16, aes256gcm16,
# chacha20poly1305, and the legacy 3des and sha1) and every DH group
# (modp2048/3072/4096, ecp256, ecp384, x25519, the legacy modp1024/1536)
# appears in an IKE proposal; every ESP transform appears in a Child SA (a
# legacy PFS group too); tunnel and transport mode, each over IPv4 and IPv6.
# Per case: both sides ESTABLISHED with the expected algorithms and one Child
# SA, ping and a TCP transfer (busybox nc) pass through ESP, the ESP states'
# counters rise; after `oak down` nothing is left and the tunnel-mode inner
# addresses (routed into a dummy device, so only the policy reaches the peer)
# are unreachable.  `oak up` of an established connection is a no-op.
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/ike_matrix.sh

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq modprobe busybox timeout cmp ss

# name family mode ike esp (one proposal each: what is negotiated is known)
CASES="c1 4 tunnel aes128-sha256-modp2048 aes128-sha256
c2 6 tunnel aes256-sha384-modp3072 aes256-sha384
c3 4 transport aes256-sha512-modp4096 aes256-sha512
c4 6 transport aes128gcm16-prfsha256-ecp256 aes128gcm16
c5 4 tunnel aes256gcm16-prfsha384-ecp384 aes256gcm16
c6 6 tunnel chacha20poly1305-prfsha512-x25519 chacha20poly1305
c7 4 tunnel aes128-sha512-x25519 aes128-sha512
c8 6 tunnel 3des-sha1-modp1024 3des-sha1
c9 4 transport aes128-sha1-modp1536 aes128-sha1-modp1024"

ike_setup ike_matrix
modprobe dummy 2>/dev/null

A=oak-mx-a
B=oak-mx-b
netns_add "$A" "$B"
# the primary addresses are never a connection's address
veth_pair "$A" veth-a 10.99.0.1/24 "$B" veth-b 10.99.0.2/24
ip -n "$A" addr add fd00:99::1/64 dev veth-a nodad
ip -n "$B" addr add fd00:99::2/64 dev veth-b nodad
for ns in "$A" "$B"; do
	ip -n "$ns" link add dummy0 type dummy || fail "no dummy device"
	ip -n "$ns" link set dummy0 up
done

# per case N: outer A/B addresses, inner (tunnel) A/B addresses and prefixes
outer()	# FAMILY N SIDE(1|2)
{
	if [ "$1" = 4 ]; then echo "10.99.0.$((10 * $3 + $2))"; else echo "fd00:99::$3:$2"; fi
}

inner()	# FAMILY N SIDE -> address (the prefix is /24 or /64 around it)
{
	if [ "$1" = 4 ]; then echo "10.$((100 + $2)).$3.1"; else echo "fd$3$2::1"; fi
}

plen() { [ "$1" = 4 ] && echo 24 || echo 64; }

net_of()	# FAMILY N SIDE
{
	if [ "$1" = 4 ]; then echo "10.$((100 + $2)).$3.0/24"; else echo "fd$3$2::/64"; fi
}

bracket() { [ "$1" = 4 ] && echo "$2" || echo "[$2]"; }

{
	echo '[secret psk]'
	echo 'psk = "ike_matrix selftest secret 0123456789"'
} | tee "$TMP/a.conf" >"$TMP/b.conf"

while read -r name fam mode ike esp <&3; do
	n=${name#c}
	la=$(outer "$fam" "$n" 1)
	lb=$(outer "$fam" "$n" 2)
	nodad=$([ "$fam" = 6 ] && echo nodad)
	ip -n "$A" addr add "$la/$(plen "$fam")" dev veth-a $nodad
	ip -n "$B" addr add "$lb/$(plen "$fam")" dev veth-b $nodad
	if [ "$mode" = tunnel ]; then
		ia=$(inner "$fam" "$n" 1)
		ib=$(inner "$fam" "$n" 2)
		ip -n "$A" addr add "$ia/$(plen "$fam")" dev lo
		ip -n "$B" addr add "$ib/$(plen "$fam")" dev lo
		# the peer's inner prefix goes nowhere but through the policy
		ip -n "$A" route add "$(net_of "$fam" "$n" 2)" dev dummy0 src "$ia"
		ip -n "$B" route add "$(net_of "$fam" "$n" 1)" dev dummy0 src "$ib"
		tsa=$(net_of "$fam" "$n" 1)
		tsb=$(net_of "$fam" "$n" 2)
	else
		tsa=$la
		tsb=$lb
		# the TCP client cannot pick its source: make the route do it
		ip -n "$A" route add "$lb" dev veth-a src "$la"
		ip -n "$B" route add "$la" dev veth-b src "$lb"
	fi
	for side in a b; do
		if [ $side = a ]; then l=$la r=$lb lt=$tsa rt=$tsb; else l=$lb r=$la lt=$tsb rt=$tsa; fi
		cat >>"$TMP/$side.conf" <<EOF

[connection $name]
local = $(bracket "$fam" "$l")
remote = $(bracket "$fam" "$r")
secret = psk
ike = $ike
$([ $side = a ] && echo "start = start")

[child $name]
local-ts = $lt
remote-ts = $rt
mode = $mode
esp = $esp
EOF
	done
done 3<<<"$CASES"

die() { ike_diag "$A" "$B" >&2; fail "$*"; }

sa_json()	# NS CONN -> the IKE SA object of CONN, or null
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j |
		jq -c --arg c "$2" '[.. | objects | select(has("spi-i") and .conn == $c)][0]'
}

sa_field()	# NS CONN JQ-EXPR
{
	sa_json "$1" "$2" | jq -r "$3"
}

all_up()	# NS -> number of ESTABLISHED IKE SAs with one Child SA
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j |
		jq '[.. | objects | select(has("spi-i") and .state == "established" and
			(.children | length) == 1)] | length'
}

ncases=$(wc -l <<<"$CASES")
t0=$SECONDS
assert_ok nsexec "$B" "$OAKLEY_OAK" load "$TMP/b.conf"
assert_ok nsexec "$A" "$OAKLEY_OAK" load "$TMP/a.conf"
log "loaded $ncases connections (start = start on $A)"
while [ $SECONDS -lt $((t0 + 60)) ]; do
	[ "$(all_up "$A")" = "$ncases" ] && [ "$(all_up "$B")" = "$ncases" ] && break
	sleep 0.2
done
[ "$(all_up "$A")" = "$ncases" ] || die "$A: $(all_up "$A")/$ncases connections up"
[ "$(all_up "$B")" = "$ncases" ] || die "$B: $(all_up "$B")/$ncases connections up"
log "all $ncases IKE SAs and Child SAs up in $((SECONDS - t0)) s, without oak up"

# `oak up` of an established connection: success, and still one IKE SA
spi=$(sa_field "$A" c1 '."spi-i"')
assert_ok nsexec "$A" "$OAKLEY_OAK" up c1
[ "$(sa_field "$A" c1 '."spi-i"')" = "$spi" ] || die "oak up replaced an established IKE SA"
[ "$(nsexec "$A" "$OAKLEY_OAK" show sa -j | jq '[.. | objects |
	select(has("spi-i") and .conn == "c1")] | length')" = 1 ] || die "oak up made a second IKE SA"
log "oak up on an established connection: no-op, exit 0"

dd if=/dev/urandom of="$TMP/blob" bs=1024 count=256 2>/dev/null

tcp_xfer()	# FROM_NS TO_NS TO_ADDR PORT
{
	rm -f "$TMP/recv"
	nsexec "$2" timeout 60 busybox nc -l -p "$4" </dev/null >"$TMP/recv" &
	local srv=$! i
	for i in $(seq 1 50); do
		nsexec "$2" ss -ltnH "sport = :$4" | grep -q . && break
		sleep 0.1
	done
	# bash's /dev/tcp as the client: it closes the connection at EOF
	nsexec "$1" timeout 60 bash -c "cat '$TMP/blob' >/dev/tcp/$3/$4"
	wait "$srv"
	cmp -s "$TMP/blob" "$TMP/recv"
}

port=5000
while read -r name fam mode ike esp <&3; do
	n=${name#c}
	la=$(outer "$fam" "$n" 1)
	lb=$(outer "$fam" "$n" 2)
	dh=${ike##*-}
	for ns in "$A" "$B"; do
		got=$(sa_field "$ns" "$name" '"\(.state) \(.local) \(.dh) \(.children[0].mode)"')
		case "$got" in
		"established $la $dh $mode"|"established $lb $dh $mode") ;;
		*) die "$ns $name: got '$got', want established, dh $dh, $mode";;
		esac
	done
	if [ "$mode" = tunnel ]; then
		src=$(inner "$fam" "$n" 1)
		dst=$(inner "$fam" "$n" 2)
	else
		src=$la
		dst=$lb
	fi
	before_a=$(esp_packets "$A" src "$la" dst "$lb")
	before_b=$(esp_packets "$B" src "$la" dst "$lb")
	nsexec "$A" ping -c 3 -i 0.2 -W 3 -I "$src" "$dst" >"$TMP/ping" 2>&1 ||
		{ cat "$TMP/ping" >&2; die "$name: ping $src -> $dst failed"; }
	port=$((port + 1))
	tcp_xfer "$A" "$B" "$dst" "$port" || die "$name: TCP transfer to $dst:$port failed"
	after_a=$(esp_packets "$A" src "$la" dst "$lb")
	after_b=$(esp_packets "$B" src "$la" dst "$lb")
	# 3 echo requests plus the TCP segments: out of A, into B
	[ "$after_a" -ge $((before_a + 10)) ] || die "$name: ESP out of $A: $before_a -> $after_a"
	[ "$after_b" -ge $((before_b + 10)) ] || die "$name: ESP into $B: $before_b -> $after_b"
	log "$name: IPv$fam $mode IKE $ike ESP $esp: ping + 256 KiB TCP (checked) ok," \
		"ESP packets A->B $before_a -> $after_a (sent), $before_b -> $after_b (received)"
done 3<<<"$CASES"

# oak down: everything goes on both sides, the tunnels' inner addresses are unreachable
while read -r name fam mode ike esp <&3; do
	assert_ok nsexec "$A" "$OAKLEY_OAK" down "$name"
done 3<<<"$CASES"
for i in $(seq 1 100); do
	[ -z "$(ip -n "$B" xfrm state)" ] && [ -z "$(main_pols "$B")" ] && break
	sleep 0.1
done
for ns in "$A" "$B"; do
	[ -z "$(ip -n "$ns" xfrm state)" ] || die "xfrm states left in $ns after oak down"
	[ -z "$(main_pols "$ns")" ] || die "xfrm policies left in $ns after oak down"
	[ "$(nsexec "$ns" "$OAKLEY_OAK" show sa -j | jq '[.. | objects | select(has("spi-i"))] |
		length')" = 0 ] || die "IKE SAs left in $ns after oak down"
done
while read -r name fam mode ike esp <&3; do
	[ "$mode" = tunnel ] || continue
	n=${name#c}
	if nsexec "$A" ping -c 1 -W 1 -I "$(inner "$fam" "$n" 1)" "$(inner "$fam" "$n" 2)" \
		>/dev/null 2>&1; then
		die "$name: inner address reachable without the tunnel"
	fi
done 3<<<"$CASES"
log "oak down: no SA, state or policy left; tunnel inner addresses unreachable"

ip netns del "$A"
ip netns del "$B"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
