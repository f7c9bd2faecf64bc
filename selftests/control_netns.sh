#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Namespace lifetime: create a netns, load configuration into it, delete the
# netns -- repeatedly, every other time with `oak monitor` listening while
# the namespace dies.  The configuration of a dead namespace must be freed:
# a surviving namespace's configuration and OBJECTS counter stay as they
# were, the module's reference count returns to its starting value, and
# rmmod works at the end (also right after a namespace with configuration
# died).

source "$(dirname "$0")/control_lib.sh"

ROUNDS=${ROUNDS:-8}
SURVIVOR=oakst-$$-keep

mod_ensure
ns_add "$SURVIVOR"

# The objects of an instance with nothing configured.
OBJ_EMPTY=$(oak_stat "$SURVIVOR" objects)
oak_ok "$SURVIVOR" load "$CONFIGS/basic.conf"
conns "$SURVIVOR" "$TMP/survivor.json"
OBJ_LOADED=$(oak_stat "$SURVIVOR" objects)
((OBJ_LOADED > OBJ_EMPTY)) ||
	fail "OBJECTS did not grow on load: empty $OBJ_EMPTY, loaded $OBJ_LOADED"
REFCNT0=$(</sys/module/oakley/refcnt)
# OBJECTS counts per namespace, so a dead namespace's leak is invisible to
# the survivor's counter; the module-wide count catches it.
GLOBAL=/sys/module/oakley/parameters/objects
[[ -r $GLOBAL ]] || fail "$GLOBAL is missing"
GLOBAL0=$(<"$GLOBAL")

# For the doomed namespaces: 50 connections with a child each, 2 secrets.
{
	echo "[secret s1]"
	echo "psk = \"selftest netns secret one 01234\""
	echo "[secret s2]"
	echo "psk = 0x000102030405060708090a0b0c0d0e0f"
	for ((i = 0; i < 50; i++)); do
		echo "[connection c$i]"
		echo "local = 192.0.2.1"
		echo "remote = 198.51.100.$((i + 1))"
		echo "secret = s$((i % 2 + 1))"
		echo "[child ch]"
		echo "remote-ts = 10.$i.0.0/16"
	done
} >"$TMP/big.conf"

pretty "$ROUNDS x: add netns, load 50 connections, delete netns"
for ((i = 0; i < ROUNDS; i++)); do
	ns=oakst-$$-doomed$i
	ip netns add "$ns"
	ip -n "$ns" addr add 192.0.2.1/32 dev lo
	if ((i % 2)); then
		ip netns exec "$ns" "$OAK" monitor -j >/dev/null 2>&1 &
		mon=$!
		bg_track "$mon"
	fi
	oak_ok "$ns" load "$TMP/big.conf"
	if ((i == 0)); then
		oak_ok "$ns" stats -j
		v=$(jq -c '[.conns, .secrets, .objects > 100]' "$TMP/out")
		[[ $v == '[50,2,true]' ]] ||
			fail "[conns, secrets, objects > 100] is $v after loading 50 + 50 children"
	fi
	if ((i % 2)); then
		# The listener's socket would keep the namespace alive.
		kill "$mon" 2>/dev/null || true
		wait "$mon" 2>/dev/null || true
	fi
	ns_del "$ns"
done

# Namespace teardown is asynchronous (cleanup_net); give it time.
for ((t = 0; t < 100; t++)); do
	[[ $(</sys/module/oakley/refcnt) -eq $REFCNT0 ]] && break
	sleep 0.1
done
r=$(</sys/module/oakley/refcnt)
[[ $r -eq $REFCNT0 ]] || fail "module refcnt is $r after the namespaces died, was $REFCNT0"

for ((t = 0; t < 50; t++)); do
	[[ $(<"$GLOBAL") -eq $GLOBAL0 ]] && break
	sleep 0.1
done
g=$(<"$GLOBAL")
[[ $g -eq $GLOBAL0 ]] || fail "module-wide objects $g after the namespaces died, was $GLOBAL0"

pretty "the survivor is untouched"
conns "$SURVIVOR" "$TMP/survivor2.json"
expect_same "the surviving namespace's configuration changed" \
	"$TMP/survivor.json" "$TMP/survivor2.json"
o=$(oak_stat "$SURVIVOR" objects)
[[ $o -eq $OBJ_LOADED ]] || fail "survivor OBJECTS $o, want $OBJ_LOADED"

pretty "loading empty.conf frees everything of the survivor"
oak_ok "$SURVIVOR" load "$CONFIGS/empty.conf"
oak_ok "$SURVIVOR" stats -j
v=$(jq -c '[.conns, .secrets, .objects]' "$TMP/out")
[[ $v == "[0,0,$OBJ_EMPTY]" ]] ||
	fail "survivor [conns, secrets, objects] is $v after loading nothing, want [0,0,$OBJ_EMPTY]"

pretty "a namespace with configuration dies, then the module unloads"
oak_ok "$SURVIVOR" load "$TMP/big.conf"
ns_del "$SURVIVOR"
mod_rmmod
control_done
