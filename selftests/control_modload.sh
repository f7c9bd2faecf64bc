#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module load/unload loop with configuration: 20 times insmod, load a config
# into the initial namespace and into a namespace that outlives every round
# (one connection there initiates towards an unreachable peer, so timers are
# armed), every other round also into a namespace that dies before the
# rmmod, then rmmod.  Then a fresh module must be empty, and the kernel log
# clean.  (The bare load/unload loop is module.sh.)  Restores the module's
# initial state.

source "$(dirname "$0")/control_lib.sh"

ROUNDS=${ROUNDS:-20}
NS=oakst-$$-mod

if mod_loaded; then
	rmmod oakley || fail "cannot unload the module present at the start"
fi
at_exit "ip netns del $NS"

cat >"$TMP/initiate.conf" <<EOF
[secret s]
psk = "selftest modload secret 0123456789"

[connection idle]
local = 192.0.2.1
remote = 198.51.100.7
secret = s

[child c]
local-ts = 10.1.0.0/16
remote-ts = 10.2.0.0/16

[connection busy]
local = 192.0.2.1
remote = 192.0.2.99
secret = s
start = start
dpd = 1s

[child c]
start = start
EOF

# Per round: insmod, one `oak load` into the init netns, one into $NS (which
# lives through all rounds), every other round one into a namespace that
# dies before the rmmod, rmmod.  Every fifth round checks the loads landed.
ip netns add "$NS"
ip -n "$NS" -batch - <<EOF
link set lo up
addr add 192.0.2.1/32 dev lo
EOF
pretty "$ROUNDS x: insmod, load into init netns, $NS (and a dying netns), rmmod"
mod_insmod
for ((i = 0; i < ROUNDS; i++)); do
	# The dependencies stay loaded after the first round.
	((i == 0)) || insmod "$OAKLEY_KO" || fail "round $i: insmod failed"
	"$OAK" load "$CONFIGS/basic.conf" 2>"$TMP/err" ||
		fail "round $i: oak load basic.conf failed: $(<"$TMP/err")"
	ip netns exec "$NS" "$OAK" load "$TMP/initiate.conf" 2>"$TMP/err" ||
		fail "round $i: oak load in $NS failed: $(<"$TMP/err")"
	if ((i % 2)); then
		unshare -n "$OAK" load "$TMP/initiate.conf" 2>"$TMP/err" ||
			fail "round $i: oak load in a new netns failed: $(<"$TMP/err")"
	fi
	if ((i % 5 == 0)); then
		c=$("$OAK" stats -j | jq .conns)
		[[ $c -eq 2 ]] || fail "round $i: init netns has $c connections, want 2"
		c=$(ip netns exec "$NS" "$OAK" stats -j | jq .conns)
		[[ $c -eq 2 ]] || fail "round $i: $NS has $c connections, want 2"
	fi
	mod_rmmod
done
dmesg_check
taint_check

# A module unloaded with configuration comes back empty.
pretty "reload after unload: no state survives"
mod_insmod
c=$("$OAK" stats -j | jq '[.conns, .secrets]' -c)
[[ $c == '[0,0]' ]] || fail "a fresh module has [conns, secrets] $c in the init netns, want [0,0]"
mod_rmmod
control_done
