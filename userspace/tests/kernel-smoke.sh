#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# oak against the real module.  Runs ONLY inside the test VM, as root:
#   selftests/vm/run.sh -- userspace/tests/kernel-smoke.sh
# Prints TAP; exits non-zero on failure.
set -u
export LANG=C LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OAK=$REPO/userspace/oak
KO=${OAKLEY_KO:-$REPO/kernel/oakley.ko}
EX=$REPO/userspace/examples
n=0
failed=0

[[ ${OAKLEY_IN_VM:-} == 1 ]] || { echo "refusing to run outside the test VM" >&2; exit 4; }
TMP=$(mktemp -d)

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { local name=$1; shift; if "$@" >"$TMP/out" 2>&1; then ok "$name"; else nok "$name"; sed 's/^/#  /' "$TMP/out" | head -20; fi; }
expect_fail()
{
	local name=$1 want=$2 got rc
	shift 2
	got=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [[ $rc -ne 0 && $got == $want ]]; then
		ok "$name"
		echo "#  stderr: $got"
	else
		nok "$name"
		echo "#  rc=$rc got: $got"
		echo "#  expected: $want"
	fi
}
O() { ip netns exec oak1 "$OAK" "$@"; }

for d in $(modinfo -F depends "$KO" | tr ',' ' '); do modprobe "$d"; done
insmod "$KO" || { echo "Bail out! insmod failed"; exit 1; }
ip netns add oak1
ip -n oak1 link set lo up
for a in 192.0.2.1 203.0.113.10; do ip -n oak1 addr add $a/32 dev lo; done
ip -n oak1 -6 addr add 2001:db8::1/128 dev lo nodad

roundtrip()
{
	local f=$1
	O load "$f" || return 1
	diff <(O show conn -j) <("$OAK" check -j "$f")
}

check "stats -j is JSON" bash -c "ip netns exec oak1 '$OAK' stats -j | jq -e 'type == \"object\"'"
for f in "$EX/site-to-site.conf" "$EX/roadwarrior.conf" "$EX/ipv6.conf" \
	 "$REPO/selftests/configs/basic.conf"; do
	check "load $(basename "$f"); show conn -j == check -j" roundtrip "$f"
done
check "show (text) works" O show
check "show conn NAME -j" bash -c "ip netns exec oak1 '$OAK' show conn site-a -j | jq -e '.[0].name == \"site-a\"'"
check "show sa -j is an array" bash -c "ip netns exec oak1 '$OAK' show sa -j | jq -e 'type == \"array\"'"
check "stats counts 2 connections" bash -c "ip netns exec oak1 '$OAK' stats -j | jq -e '.conns == 2'"
check "del site-b" O del site-b
check "stats counts 1 connection" bash -c "ip netns exec oak1 '$OAK' stats -j | jq -e '.conns == 1'"
expect_fail "del of a missing connection fails" "oak: del site-b: *" O del site-b
expect_fail "del of a secret in use fails" "oak: del site-psk: *" O del secret site-psk
expect_fail "up of a missing connection fails" "oak: up nope: *" O up nope
# a connection naming a secret the kernel lacks: the kernel's extack maps back to the file
printf '[connection lonely]\nlocal = 192.0.2.1\nremote = 198.51.100.9\nsecret = missing-psk\n' \
	> "$TMP/add.conf"
expect_fail "kernel error maps to FILE:LINE: key" "$TMP/add.conf:4: key 'secret': *" \
	O add "$TMP/add.conf"
expect_fail "show conn of a missing connection fails" "oak: show conn: *" O show conn nope
O load "$EX/site-to-site.conf" >/dev/null 2>&1
O up dc >"$TMP/up" 2>&1; echo "#  oak up dc: rc=$? $(cat "$TMP/up")"
O down dc/lan >"$TMP/up" 2>&1; echo "#  oak down dc/lan: rc=$? $(cat "$TMP/up")"
O down dc >"$TMP/up" 2>&1; echo "#  oak down dc: rc=$? $(cat "$TMP/up")"
check "show after up/down" O show
O show 2>&1 | sed 's/^/#  show: /' | head -20
check "del dc, then its secret" bash -c "ip netns exec oak1 '$OAK' del dc && ip netns exec oak1 '$OAK' del secret office-psk"
check "load empty.conf clears" bash -c "ip netns exec oak1 '$OAK' load '$REPO/selftests/configs/empty.conf' && ip netns exec oak1 '$OAK' show conn -j | jq -e 'length == 0'"
if command -v setpriv >/dev/null; then
	expect_fail "EPERM is explained" "oak: load: permission denied (CAP_NET_ADMIN is required)*" \
		ip netns exec oak1 setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$OAK" load "$EX/ipv6.conf"
fi

# monitor sees the events of a load
ip netns exec oak1 "$OAK" monitor -j >"$TMP/events" 2>&1 &
mon=$!
sleep 3	# TCG: let monitor resolve the family and join the group
O load "$EX/site-to-site.conf"
for _ in $(seq 20); do [[ -s $TMP/events ]] && break; sleep 0.5; done
sleep 1
kill "$mon" 2>/dev/null
wait "$mon" 2>/dev/null
check "monitor -j prints one JSON object per line" bash -c "jq -e -s 'length > 0 and all(.[]; .event != null)' '$TMP/events'"
sed 's/^/#  event: /' "$TMP/events" | head -5

# 10,000 connections in one request
python3 - "$TMP/big.conf" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('[secret s]\npsk = "0123456789abcdef0123"\n')
    for i in range(10000):
        f.write(f'[connection c{i}]\nlocal = 192.0.2.1\nremote = 10.{i // 256}.{i % 256}.1\n'
                f'secret = s\n[child x]\nlocal-ts = 10.200.0.0/16\n'
                f'remote-ts = 10.{i // 256}.{i % 256}.0/24\n')
PY
t0=$(date +%s.%N)
"$OAK" check "$TMP/big.conf" >/dev/null
echo "#  oak check of 10,000 connections took $(echo "$(date +%s.%N) - $t0" | bc) s (TCG)"
t0=$(date +%s.%N)
check "load 10,000 connections in one request" O load "$TMP/big.conf"
echo "#  load of 10,000 connections took $(echo "$(date +%s.%N) - $t0" | bc) s (TCG)"
check "show conn -j of 10,000 == check -j" roundtrip "$TMP/big.conf"
check "load empty.conf after 10,000" O load "$REPO/selftests/configs/empty.conf"
check "stats: nothing left" bash -c "ip netns exec oak1 '$OAK' stats -j | jq -e '.conns == 0 and .secrets == 0'"

ip netns del oak1
rmmod oakley && ok "rmmod" || nok "rmmod"
rm -rf "$TMP"
echo "1..$n"
[[ $failed -eq 0 ]]
