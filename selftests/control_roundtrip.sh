#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Configuration round trip: for each configs/rt_*.conf (all keys set, defaults
# only, IPv6, %any responders, include) and a generated one with the maximum
# number of children, `oak load` then `oak show conn -j` must equal
# `oak check -j` of the same file, and every "EXPR => VALUE" line of
# configs/rt_*.expect must hold: hand-written expectations, so the test fails
# when parser and kernel agree on something wrong.

ONE_NETNS=1
source "$(dirname "$0")/control_lib.sh"

mod_ensure

# roundtrip CONF EXPECT
roundtrip()
{
	local conf=$1 expect=$2 base
	base=$(basename "$conf" .conf)
	pretty "round trip $base"
	oak_ok . check -j "$conf"
	mv "$TMP/out" "$TMP/$base.check.json"
	oak_ok . load "$conf"
	conns . "$TMP/$base.show.json"
	expect_same "$base: 'oak show conn -j' after load differs from 'oak check -j'" \
		"$TMP/$base.check.json" "$TMP/$base.show.json"
	check_expect "$TMP/$base.show.json" "$expect" ||
		fail "$base: the loaded configuration differs from $(basename "$expect")"
}

for conf in "$CONFIGS"/rt_*.conf; do
	[[ $conf == *_secrets.conf ]] && continue
	roundtrip "$conf" "${conf%.conf}.expect"
done

# Loading the same file again changes nothing.
oak_ok . load "$CONFIGS/rt_ipv6.conf"
conns . "$TMP/again.json"
expect_same "loading the same file twice changed the configuration" \
	"$TMP/rt_ipv6.show.json" "$TMP/again.json"

# The maximum number of children (OAKLEY_MAX_CHILDREN = 64), each different.
{
	echo "[secret many-psk]"
	echo "psk = \"selftest many children secret 01\""
	echo "[connection many]"
	echo "local = 192.0.2.1"
	echo "remote = 198.51.100.7"
	echo "secret = many-psk"
	for ((i = 0; i < 64; i++)); do
		echo "[child ch$i]"
		echo "local-ts = 10.0.$i.0/24"
		echo "remote-ts = 10.1.$i.0/24, 10.2.$i.0/24[tcp/$((1000 + i))]"
		echo "rekey = $((100 + i))"
	done
} >"$TMP/many_children.conf"
names='"ch0"'
for ((i = 1; i < 64; i++)); do
	names+=",\"ch$i\""
done
cat >"$TMP/many_children.expect" <<EOF
length => 1
.[0].children | length => 64
.[0].children | map(.name) => [$names]
.[0].children[] | select(.name == "ch63") | .rekey => 163
.[0].children[] | select(.name == "ch63") | .lifetime => 179
.[0].children[] | select(.name == "ch63") | ."remote-ts" => ["10.1.63.0/24","10.2.63.0/24[tcp/1063]"]
.[0].children[] | select(.name == "ch0") | ."local-ts" => ["10.0.0.0/24"]
EOF
roundtrip "$TMP/many_children.conf" "$TMP/many_children.expect"

# The counters agree with what was loaded last: one connection, one secret.
c=$(oak_stat . conns)
[[ $c -eq 1 ]] || fail "CONNS counter is $c after loading one connection"
c=$(oak_stat . secrets)
[[ $c -eq 1 ]] || fail "SECRETS counter is $c after loading one secret"

control_done
