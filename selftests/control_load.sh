#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `oak load` replaces atomically (a file with one error on its last line
# changes nothing); `oak add` adds and replaces; `oak del` deletes; `oak
# monitor -j` reports every connection added and deleted, and nothing of a
# failed load; a load of 1,000 connections works and shows 1,000.

ONE_NETNS=1
source "$(dirname "$0")/control_lib.sh"

mod_ensure

# expect_names WHAT JSON-ARRAY: the connection names, in order.
expect_names()
{
	local got
	conns . "$TMP/names.json"
	got=$(jq -c 'map(.name)' "$TMP/names.json")
	[[ $got == "$2" ]] || fail "$1: connections $got, want $2"
}

# expect_error FILE LINE KEY: the last oakx failed with FILE:LINE: key 'KEY': ...
expect_error()
{
	[[ $RC -ne 0 ]] || fail "oak accepted $1, which has an error on line $2"
	[[ $(<"$TMP/err") == "$1:$2: key '$3': "* ]] ||
		fail "want \"$1:$2: key '$3': REASON\" on stderr, got: $(<"$TMP/err")"
}

# expect_conn NAME JQ-EXPR WANT
expect_conn()
{
	local got
	got=$(jq -c ".[] | select(.name == \"$1\") | $2" "$TMP/names.json")
	[[ $got == "$3" ]] || fail "connection $1: $2 is ${got:-missing}, want $3"
}

# Someone watching events for the whole test.
T_START=$(date +%s%N)
"$OAK" monitor -j >"$TMP/monitor.json" 2>"$TMP/monitor.err" &
MON=$!
bg_track "$MON"
sleep 0.5

pretty "load A"
oak_ok . load "$CONFIGS/load_a.conf"
conns . "$TMP/a.json"
expect_names "after loading A" '["a1","a2"]'

pretty "load B with an error on its last line: A stays"
oakx . load "$CONFIGS/load_b_bad.conf"
expect_error "$CONFIGS/load_b_bad.conf" 18 mode
conns . "$TMP/a2.json"
expect_same "a failed load changed the configuration" "$TMP/a.json" "$TMP/a2.json"
s=$(oak_stat . secrets)
[[ $s -eq 1 ]] || fail "a failed load changed the secrets: SECRETS $s, want 1"

pretty "load B: replaces all of A"
oak_ok . load "$CONFIGS/load_b.conf"
expect_names "after loading B" '["a1","b1"]'
expect_conn a1 '[.remote, .dpd, (.children | length)]' '["198.51.100.11",10,0]'
expect_conn b1 '[.children[0].name, .children[0]."remote-ts"]' '["b1c",["10.3.0.0/16"]]'
s=$(oak_stat . secrets)
[[ $s -eq 1 ]] || fail "after loading B: SECRETS $s, want 1 (a-psk replaced by b-psk)"
cp "$TMP/names.json" "$TMP/b.json"

pretty "add C: adds c1, replaces b1, keeps a1"
oak_ok . add "$CONFIGS/add_c.conf"
expect_names "after adding C" '["a1","b1","c1"]'
expect_conn b1 '[.remote, .dpd, (.children | length)]' '["198.51.100.33",0,0]'
expect_conn c1 '[.remote, .secret]' '["198.51.100.4","c-psk"]'
jq -S '.[] | select(.name == "a1")' "$TMP/b.json" >"$TMP/a1.before"
jq -S '.[] | select(.name == "a1")' "$TMP/names.json" >"$TMP/a1.after"
expect_same "oak add changed a connection it does not name" "$TMP/a1.before" "$TMP/a1.after"
s=$(oak_stat . secrets)
[[ $s -eq 2 ]] || fail "after adding C: SECRETS $s, want 2"
conns . "$TMP/c.json"

pretty "add with an error: nothing changes"
oakx . add "$CONFIGS/add_c_bad.conf"
expect_error "$CONFIGS/add_c_bad.conf" 11 ike-rekey
conns . "$TMP/c2.json"
expect_same "a failed add changed the configuration" "$TMP/c.json" "$TMP/c2.json"

pretty "del"
oak_ok . del c1
expect_names "after del c1" '["a1","b1"]'
oakx . del c1
[[ $RC -ne 0 ]] || fail "deleting a missing connection succeeded"
[[ -s $TMP/err ]] || fail "deleting a missing connection printed no error"
expect_names "after a failed del" '["a1","b1"]'
oak_ok . del a1
expect_names "after del a1" '["b1"]'

pretty "the events seen by oak monitor -j"
sleep 0.5
kill "$MON" 2>/dev/null || true
wait "$MON" 2>/dev/null || true
jq -e . "$TMP/monitor.json" >/dev/null 2>&1 ||
	fail "oak monitor -j printed something that is not JSON: $(head -c 300 "$TMP/monitor.json")"
# Connection events as a sorted list: a load announces its connections in no
# particular order; a replaced connection counts as added again.
jq -rs 'map(select(.event == "conn-added" or .event == "conn-deleted") |
	"\(.event) \(.conn)") | sort | join(" ")' "$TMP/monitor.json" >"$TMP/events"
want="conn-added a1 conn-added a1 conn-added a2 conn-added b1 conn-added b1 conn-added c1"
want+=" conn-deleted a1 conn-deleted a2 conn-deleted c1"
[[ $(<"$TMP/events") == "$want" ]] || {
	cat "$TMP/monitor.json" >&2
	fail "oak monitor -j: want the events [$want], got [$(<"$TMP/events")]"
}
# Every event carries the kernel's time of it, inside the test's run.
jq -rs --argjson t0 "$T_START" --argjson t1 "$(date +%s%N)" \
	'map(select((.["time-ns"] // 0) < $t0 or (.["time-ns"] // 0) > $t1)) | length' \
	"$TMP/monitor.json" >"$TMP/badtime"
[[ $(<"$TMP/badtime") == 0 ]] || {
	cat "$TMP/monitor.json" >&2
	fail "oak monitor -j: $(<"$TMP/badtime") events without a time-ns in [$T_START, now]"
}

pretty "load 1,000 connections"
{
	echo "[secret k]"
	echo "psk = \"selftest thousand secret 0123456789\""
	for ((i = 0; i < 1000; i++)); do
		echo "[connection k$i]"
		echo "local = 192.0.2.1"
		echo "remote = 198.$((51 + i / 250)).100.$((i % 250 + 1))"
		echo "secret = k"
		echo "[child c]"
		echo "remote-ts = 10.$((i / 250)).$((i % 250)).0/24"
	done
} >"$TMP/thousand.conf"
SECONDS=0
oak_ok . load "$TMP/thousand.conf"
pretty "the load of 1,000 took ${SECONDS}s"
conns . "$TMP/thousand.json"
v=$(jq -c '[length, ([.[].name] | unique | length),
	(.[] | select(.name == "k999") | [.remote, .children[0]."remote-ts"])]' "$TMP/thousand.json")
[[ $v == '[1000,1000,["198.54.100.250",["10.3.249.0/24"]]]' ]] ||
	fail "after loading 1,000: [count, distinct names, k999] is $v"
c=$(oak_stat . conns)
[[ $c -eq 1000 ]] || fail "CONNS counter $c after loading 1,000"
oak_ok . check -j "$TMP/thousand.conf"
mv "$TMP/out" "$TMP/thousand.check"
expect_same "1,000 connections: show differs from check" "$TMP/thousand.check" "$TMP/thousand.json"

pretty "replace 1,000 by A"
oak_ok . load "$CONFIGS/load_a.conf"
conns . "$TMP/a3.json"
expect_same "loading A after 1,000 connections" "$TMP/a.json" "$TMP/a3.json"

control_done
