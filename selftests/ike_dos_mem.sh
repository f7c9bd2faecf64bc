#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What half-open IKE SAs may cost (issue 14, defect 2): an attacker that
# receives the answers (it echoes every cookie) from 40 addresses cannot make
# an Oakley responder B hold much memory, and a legitimate peer C is served
# right after the flood.
#
#   C  (10.97.0.1) ---- B (10.97.0.2)   a legitimate initiator, after each flood
#   F  (10.98.0.1) ---- B (10.98.0.2)   the flooder (MTU 65535); B routes 10.77.0.0/16 back to F
#
#  1. defaults (no [limits] section): F sends 60 KB IKE_SA_INIT requests from
#     40 addresses for 20 s, echoing the cookies B sends; the machine's memory
#     in use (MemTotal - MemAvailable) grows by at most 64 MiB at any time,
#     and C's IKE SA comes up at once afterwards.  (Before the fix, B kept
#     each request whole, up to 5000 of them: hundreds of MiB.)
#  2. [limits] half-open-bytes = 2M, half-open-cookie = 5: F sends 4 KB
#     requests (under the size bound) with cookies for 10 s: the bytes
#     charged to half-open SAs (stats half-open-bytes) never pass 2 MiB, the
#     rest is dropped (rx-drop-half-open), memory grows by at most 64 MiB.
#  3. everything the floods left expires; the object counts return.
#
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/ike_dos_mem.sh

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip jq modprobe python3 timeout

FLOOD="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tools/ike_flood.py"
SECS=${IKE_DOS_MEM_SECONDS:-20}
MAX_GROW_KB=$((64 * 1024))
IKE=aes256gcm16-prfsha384-x25519

ike_setup ike_dos_mem

B=oak-dm-b
C=oak-dm-c
F=oak-dm-f
netns_add "$B" "$C" "$F"
veth_pair "$C" veth-c 10.97.0.1/24 "$B" veth-bc 10.97.0.2/24
veth_pair "$F" veth-f 10.98.0.1/24 "$B" veth-bf 10.98.0.2/24
ip -n "$F" link set veth-f mtu 65535
ip -n "$B" link set veth-bf mtu 65535
ip -n "$B" route add 10.76.0.0/15 via 10.98.0.1
for ns in "$B" "$F"; do
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.default.rp_filter=0
done

conn()	# NAME LOCAL REMOTE
{
	cat <<EOF

[connection $1]
local = $2
remote = $3
secret = psk
ike = $IKE
EOF
}

psk='[secret psk]
psk = "ike_dos_mem selftest secret 0123456789"'
{ echo "$psk"; conn late 10.97.0.1 10.97.0.2; } >"$TMP/c.conf"
{ echo "$psk"; conn late 10.97.0.2 10.97.0.1; conn any 10.98.0.2 %any; } >"$TMP/b.conf"
{
	cat "$TMP/b.conf"
	printf '\n[limits]\nhalf-open-bytes = 2M\nhalf-open-cookie = 5\n'
} >"$TMP/b2.conf"

die() { ike_diag "$B" >&2; fail "$*"; }
stat_b() { nsexec "$B" "$OAKLEY_OAK" stats -j | jq -r ".[\"$1\"] // 0"; }
objects() { cat /sys/module/oakley/parameters/objects; }
mem_used() { awk '/^MemTotal:/ { t = $2 } /^MemAvailable:/ { a = $2 } END { print t - a }' /proc/meminfo; }

# flood SECONDS SIZE NAME: F sends from 40 sources and echoes the cookies it
# gets (before the fix, the 60 KB requests got cookies; now they are
# dropped first, for their size, and get none); sets $grow
# (KiB, the most memory in use above the level before), $maxho, $maxbytes
flood()
{
	local base fpid used ho by rc

	base=$(mem_used)
	grow=0 maxho=0 maxbytes=0
	nsexec "$F" timeout $(($1 + 30)) python3 "$FLOOD" --dst 10.98.0.2 \
		--src 10.77.0.0/24 --nsrc 40 --size "$2" --seconds "$1" \
		--echo-cookies veth-f >"$TMP/$3.json" 2>"$TMP/$3.err" &
	fpid=$!
	while kill -0 "$fpid" 2>/dev/null; do
		used=$(mem_used)
		[ $((used - base)) -gt "$grow" ] && grow=$((used - base))
		ho=$(stat_b half-open)
		[ "$ho" -gt "$maxho" ] && maxho=$ho
		by=$(stat_b half-open-bytes)
		[ "$by" -gt "$maxbytes" ] && maxbytes=$by
		sleep 0.5
	done
	wait "$fpid"
	rc=$?
	used=$(mem_used)
	[ $((used - base)) -gt "$grow" ] && grow=$((used - base))
	log "$3: $(cat "$TMP/$3.json"); memory +${grow} KiB at most, max half-open $maxho," \
		"max half-open-bytes $maxbytes, rx-drop-half-open $(stat_b rx-drop-half-open)," \
		"rx-drop-ratelimit $(stat_b rx-drop-ratelimit), rx-drop-malformed" \
		"$(stat_b rx-drop-malformed), cookies-sent $(stat_b cookies-sent)"
	[ "$rc" = 0 ] || die "$3: flood tool failed ($rc): $(cat "$TMP/$3.err")"
}

# legit NAME: C's IKE SA comes up within 10 s, then goes down again
legit()
{
	local t0=$SECONDS

	nsexec "$C" "$OAKLEY_OAK" up late || die "$1: oak up late failed"
	for _ in $(seq 1 100); do
		[ "$(sa_state "$C")" = established ] && break
		sleep 0.1
	done
	[ "$(sa_state "$C")" = established ] ||
		die "$1: the legitimate peer was not served: C $(sa_state "$C")"
	log "$1: legitimate peer C up after $((SECONDS - t0)) s"
	nsexec "$C" "$OAKLEY_OAK" down late || die "$1: oak down late failed"
}

assert_ok nsexec "$B" "$OAKLEY_OAK" load "$TMP/b.conf"
assert_ok nsexec "$C" "$OAKLEY_OAK" load "$TMP/c.conf"
base_objects=$(objects)
base_b=$(stat_b objects)

# ---- 1: 60 KB requests, defaults ----
flood "$SECS" 61440 flood60k
[ "$grow" -le "$MAX_GROW_KB" ] ||
	die "60 KB flood: memory grew by $grow KiB (> $MAX_GROW_KB KiB)"
legit flood60k

# ---- 2: requests under the bound, half-open-bytes = 2M ----
assert_ok nsexec "$B" "$OAKLEY_OAK" load "$TMP/b2.conf"
drop0=$(stat_b rx-drop-half-open)
flood 10 4000 flood4k
[ "$grow" -le "$MAX_GROW_KB" ] ||
	die "4 KB flood: memory grew by $grow KiB (> $MAX_GROW_KB KiB)"
[ "$(jq .echoed "$TMP/flood4k.json")" -gt 0 ] || die "4 KB flood: the flooder echoed no cookie"
[ "$maxbytes" -gt 0 ] || die "no half-open bytes charged: the flood made no SA"
[ "$maxbytes" -le $((2 << 20)) ] || die "half-open-bytes $maxbytes above the 2M limit"
[ "$(stat_b rx-drop-half-open)" -gt "$drop0" ] || die "nothing dropped at half-open-bytes"

# ---- 3: it all expires ----
for i in $(seq 1 60); do
	[ "$(stat_b half-open)" = 0 ] && [ "$(stat_b objects)" = "$base_b" ] &&
		[ "$(objects)" = "$base_objects" ] && break
	sleep 1
done
log "after the floods (${i}s): half-open $(stat_b half-open), half-open-bytes" \
	"$(stat_b half-open-bytes), objects B $(stat_b objects) (before $base_b)"
[ "$(stat_b half-open)" = 0 ] || die "half-open SAs did not expire: $(stat_b half-open)"
[ "$(stat_b half-open-bytes)" = 0 ] || die "half-open-bytes $(stat_b half-open-bytes) left"
[ "$(stat_b objects)" = "$base_b" ] || die "B objects $(stat_b objects), before $base_b"
legit after

ip netns del "$B"
ip netns del "$C"
ip netns del "$F"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
