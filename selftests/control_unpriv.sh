#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Privilege: a user without CAP_NET_ADMIN (nobody, all capabilities dropped)
# gets EPERM from load, add, del (connection or secret), up and down, and nothing changes.  Reading
# (show, stats) and the events (monitor) need CAP_NET_ADMIN too, as xfrm_user's
# do: they name peers, identities, secret names and SPIs.  oak says so in one
# line.  CAP_NET_ADMIN in the user namespace that owns a network namespace is
# enough there, and only there.

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
	# monitor would wait for events forever where it may join the group
	timeout 20 "${NOBODY[@]}" "$OAK" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
}

# The setpriv line really drops every capability.
c=$("${NOBODY[@]}" cat /proc/self/status | grep ^CapEff)
[[ $c == *0000000000000000 ]] || fail "setpriv left capabilities: $c"

for cmd in "load $TMP/load_a.conf" "add $TMP/load_a.conf" "del site-a" "del secret site-psk" \
	"up site-a" "down site-a" "up site-a/lan" "down site-b/lan" \
	"show" "show conn" "show conn -j" "show conn site-a" "show sa -j" "stats -j" "monitor"; do
	pretty "nobody: oak $cmd"
	# shellcheck disable=SC2086
	as_nobody $cmd
	[[ $RC -ne 0 ]] || fail "nobody could run 'oak $cmd': $(<"$TMP/out")"
	# The CLI words EPERM so, in one line (nl_policy checks the errno itself).
	[[ $(<"$TMP/err") == "oak: "*": permission denied (CAP_NET_ADMIN is required)"* ]] ||
		fail "'oak $cmd' as nobody: want EPERM, got: $(<"$TMP/err")"
	[[ $(wc -l <"$TMP/err") -eq 1 ]] || fail "'oak $cmd' as nobody: more than one line: $(<"$TMP/err")"
	[[ ! -s $TMP/out ]] || fail "'oak $cmd' as nobody printed: $(<"$TMP/out")"
done

conns . "$TMP/after.json"
expect_same "unprivileged commands changed the configuration" "$TMP/before.json" "$TMP/after.json"
s=$(oak_stat . ike-sas)
[[ $s -eq 0 ]] || fail "an unprivileged 'oak up' started $s IKE SAs"
oak_ok . stats -j
jq -S 'del(."rx-packets", ."tx-packets")' "$TMP/out" >"$TMP/stats.after"
expect_same "unprivileged commands changed the counters" "$TMP/stats.root" "$TMP/stats.after"

# A user namespace of one's own: nobody is root there and owns a fresh netns.
# Loading works inside and touches nothing outside.
if "${NOBODY[@]}" unshare -U -r true 2>/dev/null; then
	pretty "nobody, root of its own user+net namespace"
	"${NOBODY[@]}" unshare -U -r -n sh -c \
		"ip link set lo up && ip addr add 192.0.2.1/32 dev lo &&
		 '$OAK' load '$TMP/load_a.conf' && '$OAK' stats -j >/dev/null &&
		 '$OAK' show sa -j >/dev/null && '$OAK' show conn -j" \
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
