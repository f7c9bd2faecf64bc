#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs INSIDE the test VM (see run.sh): loads the glue test module given as
# $1, joins two network namespaces with a veth pair and installs Child SAs
# with fixed random keys through kernel/core/xfrm.c, no IKE involved.
# Prints "ok N - ..." / "not ok N - ..." lines; exits non-zero on a failure.
set -u

KO=${1:?usage: test.sh MODULE.ko}
CTL=/proc/oak_xfrm_glue
A="ip netns exec xga"
B="ip netns exec xgb"
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { local d=$1; shift; if "$@" >/dev/null 2>&1; then ok "$d"; else nok "$d"; fi; }
check_not() { local d=$1; shift; if "$@" >/dev/null 2>&1; then nok "$d"; else ok "$d"; fi; }

# ctl NSCMD "command line": run one command in that netns; prints the result
ctl() { $1 sh -c "echo '$2' > $CTL && cat $CTL"; }
hexkey() { head -c "$1" /dev/urandom | od -An -tx1 -v | tr -d ' \n'; }
nstates() { $1 ip xfrm state | grep -c '^src'; }
npolicies() { $1 ip xfrm policy | grep -c '^src'; }

modprobe veth || exit 1
modprobe xfrm_algo || exit 1	# insmod does not resolve the module's symbol dependency
insmod "$KO" || exit 1

ip netns add xga
ip netns add xgb
ip link add va netns xga type veth peer name vb netns xgb
setup_ns()
{
	local ns=$1 dev=$2 me=$3 peer=$4
	ip netns exec "$ns" sh -e -c "
		ip link set lo up
		ip link set $dev up
		ip addr add 192.0.2.$me/24 dev $dev
		ip -6 addr add 2001:db8::$me/64 dev $dev nodad
		ip link add d0 type dummy
		ip link set d0 up
		ip addr add 10.$me.0.1/24 dev d0
		ip -6 addr add fd0$me::1/64 dev d0 nodad
		ip route add 10.$peer.0.0/24 via 192.0.2.$peer
		ip -6 route add fd0$peer::/64 via 2001:db8::$peer"
}
modprobe dummy
setup_ns xga va 1 2 || exit 1
setup_ns xgb vb 2 1 || exit 1
sleep 1
check "plain ping before any SA" $A ping -c1 -W2 192.0.2.2

# one key per direction and kind, set by new_keys ENCLEN AUTHLEN
new_keys()
{
	EAB=$(hexkey "$1"); EBA=$(hexkey "$1")
	AAB=; ABA=
	if [ "$2" -gt 0 ]; then AAB=$(hexkey "$2"); ABA=$(hexkey "$2"); fi
}

# child NAME FAM MODE ALG: builds PA/PB (params of A and of B) for one
# Child SA, reserving SPIs on both sides first.
child()
{
	local fam=$2 mode=$3 alg=$4 la lb ts_a ts_b r
	case $alg in
	gcm) ALG="encr=20 keylen=256 integ=0"; new_keys 36 0 ;;
	cbc) ALG="encr=12 keylen=256 integ=12"; new_keys 32 32 ;;
	chacha) ALG="encr=28 keylen=0 integ=0"; new_keys 36 0 ;;
	esac
	if [ "$fam" = 4 ]; then la=192.0.2.1 lb=192.0.2.2; else la=2001:db8::1 lb=2001:db8::2; fi
	if [ "$mode" = tunnel ]; then
		ts_a="lts=10.1.0.0/24 rts=10.2.0.0/24 lts=fd01::/64 rts=fd02::/64"
		ts_b="lts=10.2.0.0/24 rts=10.1.0.0/24 lts=fd02::/64 rts=fd01::/64"
	else
		ts_a="lts=$la/$((fam == 4 ? 32 : 128)) rts=$lb/$((fam == 4 ? 32 : 128))"
		ts_b="lts=$lb/$((fam == 4 ? 32 : 128)) rts=$la/$((fam == 4 ? 32 : 128))"
	fi
	r=$(ctl "$A" "alloc fam=$fam local=$la remote=$lb") || return 1
	SPIA=${r#spi=0x}; SPIA=${SPIA%% *}; REQA=${r##*reqid=}
	r=$(ctl "$B" "alloc fam=$fam local=$lb remote=$la") || return 1
	SPIB=${r#spi=0x}; SPIB=${SPIB%% *}; REQB=${r##*reqid=}
	PA="fam=$fam local=$la remote=$lb mode=$mode reqid=$REQA spi_in=$SPIA spi_out=$SPIB $ALG ein=$EBA eout=$EAB${ABA:+ ain=$ABA aout=$AAB} $ts_a"
	PB="fam=$fam local=$lb remote=$la mode=$mode reqid=$REQB spi_in=$SPIB spi_out=$SPIA $ALG ein=$EAB eout=$EBA${AAB:+ ain=$AAB aout=$ABA} $ts_b"
	PEER_OUTER=$lb
}

counters_ok()
{
	local r pin pout
	r=$(ctl "$1" "counters $2") || return 1
	pin=$(echo "$r" | sed -n 's/.*packets_in=\([0-9]*\).*/\1/p')
	pout=$(echo "$r" | sed -n 's/.*packets_out=\([0-9]*\).*/\1/p')
	[ "${pin:-0}" -ge "$3" ] && [ "${pout:-0}" -ge "$3" ]
}

run_case()
{
	local fam=$1 mode=$2 alg=$3 t="$1/$2/$3" pings np
	child x "$fam" "$mode" "$alg" || { nok "$t: SPI allocation"; return; }
	check "$t: larval SPI state in A" test "$(nstates "$A")" = 1
	check "$t: install A" ctl "$A" "install $PA"
	check "$t: install B" ctl "$B" "install $PB"
	if [ "$mode" = tunnel ]; then
		pings="10.2.0.1 fd02::1"; np=6	# two TS pairs x out/in/fwd
		check "$t: ping 10.2.0.1 via ESP" $A ping -c3 -i0.3 -W3 -I 10.1.0.1 10.2.0.1
		check "$t: ping6 fd02::1 via ESP" $A ping -6 -c3 -i0.3 -W3 -I fd01::1 fd02::1
	else
		np=2
		check "$t: ping $PEER_OUTER via ESP" $A ping -c3 -i0.3 -W3 "$PEER_OUTER"
	fi
	check "$t: 2 states in A, 2 in B" test "$(nstates "$A")$(nstates "$B")" = 22
	check "$t: $np policies in A" test "$(npolicies "$A")" = "$np"
	check "$t: counters A" counters_ok "$A" "$PA" 3
	check "$t: counters B" counters_ok "$B" "$PB" 3
	check "$t: ip -s xfrm state counts packets" \
		sh -c "$A ip -s xfrm state | grep -Eq '[0-9]+\(bytes\), [1-9][0-9]*\(packets\)'"
	[ -n "${VERBOSE:-}" ] && { $A ip -s xfrm state; $A ip xfrm policy; }
	ctl "$A" "remove $PA" >/dev/null
	check "$t: A empty after remove" test "$(nstates "$A")$(npolicies "$A")" = 00
	if [ "$mode" = tunnel ]; then
		check_not "$t: B still demands ESP: plain ping fails" \
			$A ping -c1 -W2 -I 10.1.0.1 10.2.0.1
	else
		check_not "$t: B still demands ESP: plain ping fails" \
			$A ping -c1 -W2 "$PEER_OUTER"
	fi
	ctl "$B" "remove $PB" >/dev/null
	check "$t: B empty after remove" test "$(nstates "$B")$(npolicies "$B")" = 00
	for p in ${pings:-$PEER_OUTER}; do
		check "$t: plain ping $p after removal" $A ping -c1 -W2 "$p"
	done
}

for fam in 4 6; do
	for mode in tunnel transport; do
		for alg in gcm cbc chacha; do
			run_case "$fam" "$mode" "$alg"
		done
	done
done
check "esp4 and esp6 were loaded on demand" sh -c "lsmod | grep -q '^esp4' && lsmod | grep -q '^esp6'"

# --- key lengths the engine must slice from KEYMAT ---
kl() { check "keylens $1 -> $2" test "$(ctl "$A" "keylens $1")" = "$2"; }
kl "encr=20 keylen=256 integ=0" "enc=36 auth=0"
kl "encr=20 keylen=128 integ=0" "enc=20 auth=0"
kl "encr=28 keylen=0 integ=0" "enc=36 auth=0"
kl "encr=12 keylen=256 integ=12" "enc=32 auth=32"
kl "encr=12 keylen=128 integ=14" "enc=16 auth=64"
kl "encr=13 keylen=128 integ=2" "enc=20 auth=20"
kl "encr=16 keylen=256 integ=0" "enc=35 auth=0"
check_not "keylens: AEAD with integrity rejected" ctl "$A" "keylens encr=20 keylen=256 integ=12"
check_not "keylens: CBC without integrity rejected" ctl "$A" "keylens encr=12 keylen=256 integ=0"
check_not "keylens: AES key length 100 rejected" ctl "$A" "keylens encr=12 keylen=100 integ=12"
check "supported: AES-GCM-16-256" test "$(ctl "$A" "supported encr=20 keylen=256 integ=0")" = 1
check "supported: ChaCha20-Poly1305" test "$(ctl "$A" "supported encr=28 keylen=0 integ=0")" = 1
check "not supported: unknown ID 99" test "$(ctl "$A" "supported encr=99 keylen=0 integ=0")" = 0

# --- all or nothing ---
child x 4 tunnel gcm
bad=${PA/ein=$EBA/ein=${EBA}00}
check_not "install with a wrong key length fails" ctl "$A" "install $bad"
check "... and leaves only the larval state, no policy" \
	test "$(nstates "$A")$(npolicies "$A")" = 10
ctl "$A" "release fam=4 local=192.0.2.1 spi=$SPIA" >/dev/null
check "release removes the larval state" test "$(nstates "$A")" = 0
ctl "$B" "release fam=4 local=192.0.2.2 spi=$SPIB" >/dev/null
child x 4 tunnel gcm
check "first Child SA installs" ctl "$A" "install $PA"
PA1=$PA SPIB1=$SPIB
child x 4 tunnel gcm
# same outbound SPI as the first Child SA: the outbound state collides
PA2=${PA/spi_out=$SPIB/spi_out=$SPIB1}
check_not "second Child SA with a colliding outbound SPI fails" ctl "$A" "install $PA2"
check "... and leaves the first one intact (2 states, 6 policies)" \
	test "$(nstates "$A") $(npolicies "$A")" = "2 6"
ctl "$A" "remove $PA1" >/dev/null
ctl "$B" "release fam=4 local=192.0.2.2 spi=$SPIB" >/dev/null
ctl "$B" "release fam=4 local=192.0.2.2 spi=$SPIB1" >/dev/null
check "clean after remove" test "$(nstates "$A")$(npolicies "$A")$(nstates "$B")" = 000

# --- TS ranges are split into prefixes ---
child x 4 tunnel gcm
PR=${PA/lts=10.1.0.0\/24 rts=10.2.0.0\/24 lts=fd01::\/64 rts=fd02::\/64/lts=10.1.0.1-10.1.0.6 rts=10.2.0.0/24}
check "install with local TS 10.1.0.1-10.1.0.6" ctl "$A" "install $PR"
check "4 prefixes x out/in/fwd = 12 policies" test "$(npolicies "$A")" = 12
check "10.1.0.2/31 is one of them" sh -c "$A ip xfrm policy | grep -q 'src 10.1.0.2/31 dst 10.2.0.0/24'"
check "10.1.0.4/31 too" sh -c "$A ip xfrm policy | grep -q 'src 10.1.0.4/31 dst 10.2.0.0/24'"
ctl "$A" "remove $PR" >/dev/null
ctl "$B" "release fam=4 local=192.0.2.2 spi=$SPIB" >/dev/null
check "clean after remove" test "$(nstates "$A")$(npolicies "$A")$(nstates "$B")" = 000

# --- ICMP selectors: type << 8 | code in the TS ports ---
child x 4 tunnel gcm
PI=${PA/lts=10.1.0.0\/24 rts=10.2.0.0\/24 lts=fd01::\/64 rts=fd02::\/64/lts=10.1.0.0/24 lproto=1 lports=2048-2303 rts=10.2.0.0/24 rproto=1}
check "install with ICMP echo-request TS (type 8, any code)" ctl "$A" "install $PI"
check "3 policies select ICMP type 8" \
	test "$($A ip xfrm policy | grep -c 'proto icmp type 8')" = 3
ctl "$A" "remove $PI" >/dev/null
ctl "$B" "release fam=4 local=192.0.2.2 spi=$SPIB" >/dev/null
check "clean after remove" test "$(nstates "$A")$(npolicies "$A")$(nstates "$B")" = 000

# --- the larval state expires (net.core.xfrm_acq_expires); install still works ---
$A sysctl -qw net.core.xfrm_acq_expires=2
child x 4 tunnel gcm
sleep 5
check "larval SPI state expired" test "$(nstates "$A")" = 0
check "install after the larval state expired" ctl "$A" "install $PA"
check "install B" ctl "$B" "install $PB"
check "ping over it" $A ping -c2 -i0.3 -W3 -I 10.1.0.1 10.2.0.1
ctl "$A" "remove $PA" >/dev/null; ctl "$B" "remove $PB" >/dev/null
$A sysctl -qw net.core.xfrm_acq_expires=30

# --- ESN with a 256-packet window; rekeys ---
child x 4 tunnel gcm
PA="$PA esn=1 window=256"; PB="$PB esn=1 window=256"
check "ESN install A" ctl "$A" "install $PA"
check "ESN install B" ctl "$B" "install $PB"
check "ESN state flagged esn" sh -c "$A ip xfrm state | grep -q 'flag.*esn'"
check "ping over ESN Child SA" $A ping -c2 -i0.3 -W3 -I 10.1.0.1 10.2.0.1
OLDA=$PA OLDB=$PB RA=$REQA RB=$REQB
# rekey keeping the reqid: new states, policies untouched, old states removed
child x 4 tunnel cbc
PA=${PA/reqid=$REQA/reqid=$RA}; PB=${PB/reqid=$REQB/reqid=$RB}
check "rekey (same reqid) install A" ctl "$A" "install $PA"
check "rekey (same reqid) install B" ctl "$B" "install $PB"
ctl "$A" "remove_states $OLDA" >/dev/null
ctl "$B" "remove_states $OLDB" >/dev/null
check "after remove_states: 2 states, 6 policies" test "$(nstates "$A") $(npolicies "$A")" = "2 6"
check "ping over the rekeyed Child SA" $A ping -c2 -i0.3 -W3 -I 10.1.0.1 10.2.0.1
check "the new (CBC) state carries it" counters_ok "$A" "$PA" 2
OLDA=$PA OLDB=$PB
# rekey with a new reqid: policies taken over, full remove of the old one
child x 4 tunnel chacha
check "rekey (new reqid) install A" ctl "$A" "install $PA"
check "rekey (new reqid) install B" ctl "$B" "install $PB"
ctl "$A" "remove $OLDA" >/dev/null
ctl "$B" "remove $OLDB" >/dev/null
check "old remove left the new policies: 2 states, 6 policies" \
	test "$(nstates "$A") $(npolicies "$A")" = "2 6"
check "policies carry the new reqid" sh -c "$A ip xfrm policy | grep -q 'reqid $REQA '"
check "ping over the new Child SA" $A ping -c2 -i0.3 -W3 -I 10.1.0.1 10.2.0.1
check "the new (ChaCha) state carries it" counters_ok "$A" "$PA" 2

# --- trap policies: policies without states, shared with a Child SA of the same reqid ---
ctl "$A" "remove $PA" >/dev/null; ctl "$B" "remove $PB" >/dev/null
child x 4 tunnel gcm
TRAP="fam=4 local=192.0.2.1 remote=192.0.2.2 mode=tunnel reqid=$REQA lts=10.1.0.0/24 rts=10.2.0.0/24"
check "trap: policies only" ctl "$A" "policies $TRAP"
check "trap: 3 policies, only the larval SPI state" test "$(npolicies "$A") $(nstates "$A")" = "3 1"
check "trap: installing again is a no-op" ctl "$A" "policies $TRAP"
check "trap: still 3 policies" test "$(npolicies "$A")" = 3
check_not "trap: without a reqid refused" ctl "$A" "policies ${TRAP/reqid=$REQA/reqid=0}"
# a listener for xfrm_user's acquire messages, so that xfrm makes the larval state
$A ip xfrm monitor acquire >/dev/null 2>&1 &
MON=$!
sleep 0.5
check "trap: a matching packet makes a larval state (acquire)" \
	sh -c "$A ping -c1 -W1 -I 10.1.0.1 10.2.0.1; $A ip xfrm state | grep -q 'reqid $REQA mode tunnel'"
kill "$MON" 2>/dev/null
check "trap: Child SA with the trap's reqid installs over it (A)" ctl "$A" "install ${PA/lts=fd01::\/64 rts=fd02::\/64/}"
check "trap: install B" ctl "$B" "install $PB"
check "trap: ping over the Child SA" $A ping -c2 -i0.3 -W3 -I 10.1.0.1 10.2.0.1
check "trap: 2 states (the larval one replaced), 3 policies" \
	test "$(nstates "$A") $(npolicies "$A")" = "2 3"
ctl "$A" "remove_states $PA" >/dev/null
check "trap: unpolicies removes them" ctl "$A" "unpolicies $TRAP"
check "trap: A empty" test "$(nstates "$A")$(npolicies "$A")" = 00
check "trap: unpolicies of another reqid keeps B's policies" \
	ctl "$B" "unpolicies fam=4 local=192.0.2.2 remote=192.0.2.1 mode=tunnel reqid=1 lts=10.2.0.0/24 rts=10.1.0.0/24"
check "trap: B still has 6 policies" test "$(npolicies "$B")" = 6

# --- wrong keys on one side: ESP really authenticates ---
ctl "$A" "remove $PA" >/dev/null; ctl "$B" "remove $PB" >/dev/null
child x 4 tunnel gcm
ctl "$A" "install $PA" >/dev/null
ctl "$B" "install ${PB/ein=$EAB/ein=$(hexkey 36)}" >/dev/null
check_not "ping fails when B has the wrong inbound key" $A ping -c1 -W2 -I 10.1.0.1 10.2.0.1

# --- namespaces die with SAs installed: nothing may leak or warn ---
ip netns del xga
ip netns del xgb
sleep 2
check "test module unloads" rmmod oak_xfrm_glue_test

echo "# $n tests, $failed failed"
[ "$failed" = 0 ]
