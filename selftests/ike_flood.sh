#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IKE_SA_INIT flood (RFC 7296 §2.6, RFC 8019) against an Oakley gateway B.
#
#   A  (10.99.0.1) ---- B (10.99.0.2)   tunnel 10.1.0.0/24 <-> 10.2.0.0/24, up before the flood
#   C  (10.97.0.1) ---- B (10.97.0.2)   a new initiator that connects during the flood
#   F  (10.98.0.1) ---- B (10.98.0.2)   the flooder; B routes 10.77.0.0/16 back to F
#
# B loads oakley.ko with half_open_cookie=$COOKIE_AT and half_open_max=$MAX
# and has a `remote = %any` connection on 10.98.0.2, so the flood's requests
# are acceptable ones.  Phases:
#  1. one spoofed source sends a burst: once it has filled the half-open
#     budget, its token bucket stops most of the rest (rx-drop-ratelimit);
#  2. F floods IKE_SA_INIT from random sources of 10.77.0.0/16 flat out
#     (selftests/tools/ike_flood.py: raw socket, real X25519-sized KE; at
#     nice 19, so that the test's own commands still get the CPU they need
#     to watch: the VM has 2 vCPUs and the flooder takes all it gets).
#     Meanwhile A pings through its tunnel (at most $MAX_LOSS% loss) and C
#     negotiates a new IKE SA + Child SA (through B's cookie); B's half-open
#     count stays <= the cookie threshold + what passed before it (cookies
#     cannot be answered from spoofed addresses), cookies-sent grows;
#  3. F floods again, now echoing every cookie it sees (an attacker that
#     receives the answers): half-open reaches and never passes $MAX, the rest
#     is dropped (rx-drop-half-open);
#  4. after the flood, every half-open SA expires (30 s): half-open 0, the
#     object count back to its value before the flood, the tunnel still up.
#
# Runs inside the test VM only:  selftests/vm/run.sh --timeout 900 -- selftests/ike_flood.sh

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq modprobe python3 timeout

FLOOD="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tools/ike_flood.py"
COOKIE_AT=${IKE_FLOOD_COOKIE_AT:-30}
MAX=${IKE_FLOOD_MAX:-150}
SECS=${IKE_FLOOD_SECONDS:-40}
MAX_LOSS=${IKE_FLOOD_MAX_LOSS:-10}	# percent of the pings during the flood
IKE=aes256gcm16-prfsha384-x25519

ike_setup ike_flood half_open_cookie="$COOKIE_AT" half_open_max="$MAX"

A=oak-fl-a
B=oak-fl-b
C=oak-fl-c
F=oak-fl-f
netns_add "$A" "$B" "$C" "$F"
veth_pair "$A" veth-a 10.99.0.1/24 "$B" veth-ba 10.99.0.2/24
veth_pair "$C" veth-c 10.97.0.1/24 "$B" veth-bc 10.97.0.2/24
veth_pair "$F" veth-f 10.98.0.1/24 "$B" veth-bf 10.98.0.2/24
ip -n "$A" addr add 10.1.0.1/24 dev lo
ip -n "$B" addr add 10.2.0.1/24 dev lo
ip -n "$C" addr add 10.3.0.1/24 dev lo
ip -n "$A" route add 10.2.0.0/24 via 10.99.0.2 src 10.1.0.1
ip -n "$C" route add 10.2.0.0/24 via 10.97.0.2 src 10.3.0.1
ip -n "$B" route add 10.1.0.0/24 via 10.99.0.1 src 10.2.0.1
ip -n "$B" route add 10.3.0.0/24 via 10.97.0.1 src 10.2.0.1
# the answers to the spoofed sources go to F, which does not want them
ip -n "$B" route add 10.76.0.0/15 via 10.98.0.1
for ns in "$B" "$F"; do
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.default.rp_filter=0
done

psk='[secret psk]
psk = "ike_flood selftest secret 0123456789"'

conn()	# NAME LOCAL REMOTE LOCAL_TS REMOTE_TS
{
	cat <<EOF

[connection $1]
local = $2
remote = $3
secret = psk
ike = $IKE

[child net]
local-ts = $4
remote-ts = $5
esp = aes256gcm16
EOF
}

{ echo "$psk"; conn gw 10.99.0.1 10.99.0.2 10.1.0.0/24 10.2.0.0/24; } >"$TMP/a.conf"
{ echo "$psk"; conn late 10.97.0.1 10.97.0.2 10.3.0.0/24 10.2.0.0/24; } >"$TMP/c.conf"
{
	echo "$psk"
	conn gw 10.99.0.2 10.99.0.1 10.2.0.0/24 10.1.0.0/24
	conn late 10.97.0.2 10.97.0.1 10.2.0.0/24 10.3.0.0/24
	conn any 10.98.0.2 %any 10.2.0.0/24 10.200.0.0/16
} >"$TMP/b.conf"

die() { ike_diag "$B" >&2; fail "$*"; }

stat_b() { nsexec "$B" "$OAKLEY_OAK" stats -j | jq -r ".[\"$1\"] // 0"; }
objects() { cat /sys/module/oakley/parameters/objects; }

wait_up()	# NS CONN SECONDS -> 0 when one IKE SA + one Child SA are up
{
	local i
	for i in $(seq 1 $((10 * $3))); do
		[ "$(sa_state "$1")" = established ] && [ "$(child_count "$1")" = 1 ] && return 0
		sleep 0.1
	done
	return 1
}

# the events of the whole test, searched for the PSK at the end
nsexec "$B" "$OAKLEY_OAK" monitor -j >"$TMP/dump.monitor" 2>&1 &
mpid=$!
at_exit "kill $mpid 2>/dev/null"
sleep 0.5
assert_ok nsexec "$A" "$OAKLEY_OAK" load "$TMP/a.conf"
assert_ok nsexec "$B" "$OAKLEY_OAK" load "$TMP/b.conf"
assert_ok nsexec "$C" "$OAKLEY_OAK" load "$TMP/c.conf"

nsexec "$A" "$OAKLEY_OAK" up gw || die "oak up gw failed"
wait_up "$A" gw 20 || die "the tunnel A-B did not come up: $(sa_state "$A")"
nsexec "$A" ping -c 2 -W 2 -I 10.1.0.1 10.2.0.1 >/dev/null || die "no ping through A-B"
[ "$(stat_b half-open)" = 0 ] || die "half-open $(stat_b half-open) before the flood"
base_objects=$(objects)
base_b=$(stat_b objects)
log "tunnel A-B up; objects: module $base_objects, B $base_b"

# ---- 1: one source, one burst ----
rl0=$(stat_b rx-drop-ratelimit)
nsexec "$F" python3 "$FLOOD" --dst 10.98.0.2 --src 10.76.0.1/32 --count 100 --pps 400 \
	>"$TMP/burst.json" || die "flood tool failed: $(cat "$TMP/burst.json")"
sleep 2
rl1=$(stat_b rx-drop-ratelimit)
log "single-source burst: $(cat "$TMP/burst.json"), rx-drop-ratelimit $rl0 -> $rl1"
# 100 requests at 400/s: the first COOKIE_AT make half-open SAs, then the
# source's bucket (20 + 10/s) applies to the rest: at least 30 dropped
[ $((rl1 - rl0)) -ge 30 ] || die "per-source rate limit: only $((rl1 - rl0)) of 100 dropped"
[ "$(stat_b half-open)" -le "$COOKIE_AT" ] || die "burst left $(stat_b half-open) half-open"

# ---- 2: spoofed flood; ping and a new handshake through it ----
cookies0=$(stat_b cookies-sent)
nsexec "$F" timeout $((SECS + 30)) nice -n 19 python3 "$FLOOD" --dst 10.98.0.2 --src 10.77.0.0/16 \
	--seconds "$SECS" >"$TMP/flood.json" 2>"$TMP/flood.err" &
fpid=$!
nsexec "$A" ping -c $((SECS * 4)) -i 0.25 -W 2 -I 10.1.0.1 10.2.0.1 >"$TMP/ping" 2>&1 &
ppid=$!
sleep 5
t0=$(date +%s.%N)
nsexec "$C" "$OAKLEY_OAK" up late || die "oak up late failed"
wait_up "$C" late 60 || die "no new IKE SA during the flood: C $(sa_state "$C")"
t1=$(date +%s.%N)
hs=$(echo "$t1 - $t0" | bc)
# the polling above is starved by the flooder; the SA's age says when it came up
age=$(nsexec "$C" "$OAKLEY_OAK" show sa -j | jq '.[0].age')
t2=$(date +%s.%N)
log "new handshake C-B during the flood: seen after ${hs}s, up after about" \
	"$(echo "$t2 - $age - $t0" | bc)s (SA age ${age}s), C retransmits" \
	"$(nsexec "$C" "$OAKLEY_OAK" stats -j | jq '.retransmits')"
nsexec "$C" ping -c 2 -W 3 -I 10.3.0.1 10.2.0.1 >/dev/null || die "no ping through C-B"
maxho=0
while kill -0 "$fpid" 2>/dev/null; do
	ho=$(stat_b half-open)
	[ "$ho" -gt "$maxho" ] && maxho=$ho
	sleep 1
done
wait "$fpid" || die "flood tool failed: $(cat "$TMP/flood.err")"
wait "$ppid"
loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "$TMP/ping")
cookies1=$(stat_b cookies-sent)
log "flood: $(cat "$TMP/flood.json")"
log "ping A-B during the flood: $(grep 'packet loss' "$TMP/ping")"
log "B: max half-open $maxho, cookies-sent $cookies0 -> $cookies1," \
	"rx-drop-ratelimit $(stat_b rx-drop-ratelimit), objects $(stat_b objects)"
[ -n "$loss" ] || die "no ping summary: $(cat "$TMP/ping")"
[ "${loss%.*}" -le "$MAX_LOSS" ] || die "ping loss ${loss}% > ${MAX_LOSS}% during the flood"
[ "$cookies1" -gt "$cookies0" ] || die "no cookie sent during the flood"
# the initiator C needs a cookie too: the threshold is namespace-wide
[ "$maxho" -le $((COOKIE_AT + 2)) ] || die "half-open reached $maxho with cookies on at $COOKIE_AT"
[ "$(stat_b half-open)" -le $((COOKIE_AT + 2)) ] || die "half-open $(stat_b half-open)"

# ---- secret hygiene: with live SAs, no dump or event shows the PSK ----
for what in "show -j" "show conn -j" "show sa -j" "stats -j"; do
	for ns in "$A" "$B" "$C"; do
		# shellcheck disable=SC2086
		nsexec "$ns" "$OAKLEY_OAK" $what >>"$TMP/dump.oak" 2>&1
	done
done
dmesg >"$TMP/dump.dmesg"
kill "$mpid" 2>/dev/null
wait "$mpid" 2>/dev/null
pskraw="ike_flood selftest secret 0123456789"
{
	printf '%s\n' "$pskraw" "${pskraw:4:16}"
	printf %s "$pskraw" | xxd -p | tr -d '\n'
	echo
	printf %s "$pskraw" | base64 -w0
	echo
} >"$TMP/needles"
grep -q spi "$TMP/dump.oak" || die "the SA dumps show no SA"
[ -s "$TMP/dump.monitor" ] || die "oak monitor -j printed no event"
if grep -aF -f "$TMP/needles" "$TMP"/dump.*; then
	die "the PSK came back out of a dump, an event or the kernel log"
fi
grep -qaF -f "$TMP/needles" "$TMP/a.conf" || die "self-check: the needles miss the PSK"
log "no PSK in $(wc -c <"$TMP/dump.oak") bytes of dumps, $(wc -l <"$TMP/dump.monitor") events," \
	"the kernel log"

# ---- 3: the flooder answers the cookies: the hard limit holds ----
[ "$(stat_b rx-drop-half-open)" = 0 ] || die "the spoofed flood reached half_open_max"
drop0=$(stat_b rx-drop-half-open)
nsexec "$F" timeout 60 nice -n 19 python3 "$FLOOD" --dst 10.98.0.2 --src 10.77.0.0/16 \
	--seconds 15 --echo-cookies veth-f >"$TMP/echo.json" 2>"$TMP/echo.err" &
fpid=$!
maxho2=0
while kill -0 "$fpid" 2>/dev/null; do
	ho=$(stat_b half-open)
	[ "$ho" -gt "$maxho2" ] && maxho2=$ho
	sleep 0.5
done
wait "$fpid" || die "flood tool failed: $(cat "$TMP/echo.err")"
ho=$(stat_b half-open)
[ "$ho" -gt "$maxho2" ] && maxho2=$ho
drop1=$(stat_b rx-drop-half-open)
log "cookie-echoing flood: $(cat "$TMP/echo.json"); max half-open $maxho2 (limit $MAX)," \
	"rx-drop-half-open $drop0 -> $drop1, rx-drop-ratelimit $(stat_b rx-drop-ratelimit)," \
	"objects $(stat_b objects)"
[ "$(jq .echoed "$TMP/echo.json")" -gt 0 ] || die "the flooder echoed no cookie"
[ "$maxho2" -le "$MAX" ] || die "half-open $maxho2 above half_open_max $MAX"
[ "$maxho2" -ge $((MAX * 9 / 10)) ] || die "echoed cookies did not pass: half-open $maxho2"
[ "$drop1" -gt "$drop0" ] || die "nothing dropped at the half-open limit"
nsexec "$A" ping -c 3 -W 2 -I 10.1.0.1 10.2.0.1 >/dev/null || die "tunnel A-B broke"

# ---- 4: everything the flood left expires ----
nsexec "$C" "$OAKLEY_OAK" down late || die "oak down late failed"
for i in $(seq 1 90); do
	[ "$(stat_b half-open)" = 0 ] && [ "$(stat_b objects)" = "$base_b" ] &&
		[ "$(objects)" = "$base_objects" ] && break
	sleep 1
done
log "after the flood (${i}s): half-open $(stat_b half-open), objects B $(stat_b objects)" \
	"(before $base_b), module $(objects) (before $base_objects), ike-sas $(stat_b ike-sas)"
[ "$(stat_b half-open)" = 0 ] || die "half-open SAs did not expire: $(stat_b half-open)"
[ "$(stat_b objects)" = "$base_b" ] || die "B objects $(stat_b objects), before $base_b"
[ "$(objects)" = "$base_objects" ] || die "module objects $(objects), before $base_objects"
[ "$(stat_b ike-sas)" = 1 ] || die "B has $(stat_b ike-sas) IKE SAs, expected the tunnel's"
[ "$(sa_state "$A")" = established ] || die "tunnel A-B: $(sa_state "$A")"
nsexec "$A" ping -c 2 -W 2 -I 10.1.0.1 10.2.0.1 >/dev/null || die "no ping through A-B"

ip netns del "$A"
ip netns del "$B"
ip netns del "$C"
ip netns del "$F"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
