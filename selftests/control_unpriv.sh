#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Privilege: a user without CAP_NET_ADMIN (nobody, all capabilities dropped)
# gets EPERM from load, add, del (connection or secret), up and down, and nothing changes.  Reading
# (show, stats) is open to anyone and shows what root sees: the kernel marks
# only the mutating commands GENL_UNS_ADMIN_PERM.  CAP_NET_ADMIN in the user
# namespace that owns a network namespace is enough there, and only there.

ONE_NETNS=1
source "$(dirname "$0")/control_lib.sh"

mod_ensure

NOBODY=(setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all
	--bounding-set=-all)

# The files must be readable by nobody.
cp "$CONFIGS/basic.conf" "$CONFIGS/load_a.conf" "$TMP/"
chmod 644 "$TMP"/*.conf

oak_ok . load "$TMP/basic.conf"
conns . "$TMP/before.json"
oak_ok . stats -j
jq -S 'del(."rx-packets", ."tx-packets")' "$TMP/out" >"$TMP/stats.root"

# as_nobody ARGS...: oak as nobody; sets $TMP/out, $TMP/err, $RC.
as_nobody()
{
	RC=0
	"${NOBODY[@]}" "$OAK" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
}

# The setpriv line really drops every capability.
c=$("${NOBODY[@]}" cat /proc/self/status | grep ^CapEff)
[[ $c == *0000000000000000 ]] || fail "setpriv left capabilities: $c"

for cmd in "load $TMP/load_a.conf" "add $TMP/load_a.conf" "del site-a" "del secret site-psk" \
	"up site-a" "down site-a" "up site-a/lan" "down site-b/lan"; do
	pretty "nobody: oak $cmd"
	# shellcheck disable=SC2086
	as_nobody $cmd
	[[ $RC -ne 0 ]] || fail "nobody could run 'oak $cmd'"
	# The CLI words EPERM so (nl_policy checks the errno itself).
	[[ $(<"$TMP/err") == *"permission denied (CAP_NET_ADMIN is required)"* ]] ||
		fail "'oak $cmd' as nobody: want EPERM, got: $(<"$TMP/err")"
done

conns . "$TMP/after.json"
expect_same "unprivileged commands changed the configuration" "$TMP/before.json" "$TMP/after.json"
s=$(oak_stat . ike-sas)
[[ $s -eq 0 ]] || fail "an unprivileged 'oak up' started $s IKE SAs"

pretty "nobody may read, and reads what root reads"
as_nobody show conn -j
[[ $RC -eq 0 ]] || fail "nobody cannot run 'oak show conn -j': $(<"$TMP/err")"
expect_same "nobody reads a different configuration than root" "$TMP/before.json" "$TMP/out"
as_nobody stats -j
[[ $RC -eq 0 ]] || fail "nobody cannot run 'oak stats -j': $(<"$TMP/err")"
jq -S 'del(."rx-packets", ."tx-packets")' "$TMP/out" >"$TMP/stats.nobody"
expect_same "nobody reads different counters than root" "$TMP/stats.root" "$TMP/stats.nobody"
as_nobody show sa -j
[[ $RC -eq 0 ]] || fail "nobody cannot run 'oak show sa -j': $(<"$TMP/err")"

# A user namespace of one's own: nobody is root there and owns a fresh netns.
# Loading works inside and touches nothing outside.
if "${NOBODY[@]}" unshare -U -r true 2>/dev/null; then
	pretty "nobody, root of its own user+net namespace"
	"${NOBODY[@]}" unshare -U -r -n sh -c \
		"ip link set lo up && ip addr add 192.0.2.1/32 dev lo &&
		 '$OAK' load '$TMP/load_a.conf' && '$OAK' show conn -j" \
		>"$TMP/userns.json" 2>"$TMP/err" ||
		fail "CAP_NET_ADMIN of its own user namespace is not enough: $(<"$TMP/err")"
	v=$(jq -c 'map(.name)' "$TMP/userns.json")
	[[ $v == '["a1","a2"]' ]] || fail "a load in an owned user+net namespace shows $v"
	conns . "$TMP/after2.json"
	expect_same "a load in a child user namespace changed the parent's netns" \
		"$TMP/before.json" "$TMP/after2.json"
else
	pretty "unprivileged user namespaces are disabled here: that part skipped"
fi

control_done
