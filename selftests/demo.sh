#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Oakley demo: a site-to-site IPsec tunnel between two gateways, set up by
# the in-kernel IKEv2 of oakley.ko and nothing else.
#
#   LAN A 10.1.0.0/24                                    LAN B 10.2.0.0/24
#   lan0 10.1.0.1 [gw-a] veth-a 10.0.0.1 ---- 10.0.0.2 veth-b [gw-b] lan0 10.2.0.1
#
# gw-a and gw-b are network namespaces joined by a veth pair; each has its
# LAN on a dummy interface. Steps: load the module, `oak load` a config in
# each gateway (selftests/demo/gw-a.conf, gw-b.conf), `oak up` from gw-a,
# `oak show sa` on both, ping LAN A -> LAN B and watch the ESP states'
# packet counters, `oak down`, check that no SA or policy is left.
# Exit status 0 only if the tunnel came up, carried the ping and went away.
#
# Run it with `make demo`, or directly: on the host it copies oakley.ko and
# oak into build/vm/demo/ and boots the test VM (the VM reads host files
# live, so a rebuild during the run must not reach it); inside the VM it is
# the demo itself.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

if ! grep -q 'oakvm_stage2=' /proc/cmdline 2>/dev/null; then
	snap=$repo/build/vm/demo
	for f in "$repo/kernel/oakley.ko" "$repo/userspace/oak"; do
		[ -f "$f" ] || { echo "demo: $f not built (run: make)" >&2; exit 1; }
	done
	mkdir -p "$snap" &&
		cp "$repo/kernel/oakley.ko" "$repo/userspace/oak" "$snap/" || exit 1
	cd "$repo" || exit 1
	OAKLEY_KO=$snap/oakley.ko OAKLEY_OAK=$snap/oak \
		exec "$here/vm/run.sh" --timeout 900 -- selftests/demo.sh
fi

# shellcheck disable=SC2034 # read by lib.sh
OAKLEY_TEST=demo
# shellcheck source=lib/lib.sh
. "$here/lib/lib.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq modprobe modinfo
cd "$repo" || fail "cd $repo"
TMP=$(mktemp -d /tmp/oakley-demo.XXXXXX)
at_exit "rm -rf $TMP"
# Our own copy of oak (the VM reads the host's files live), first in PATH
# so that the commands below read as a user would type them.
{ mkdir "$TMP/bin" && cp "$OAKLEY_OAK" "$TMP/bin/oak"; } || fail "cannot copy $OAKLEY_OAK"
export PATH="$TMP/bin:$PATH"

step()
{
	printf '\n== %s\n\n' "$*"
}

# run NS CMD...: show "NS# CMD" like a terminal, run it in NS, show its
# output. The status is CMD's. show NS CMD...: the same, but says
# "(nothing)" when there is no output, for the commands that list state.
run()
{
	local ns=$1

	shift
	printf '%s# %s\n' "$ns" "$*"
	nsexec "$ns" "$@" 2>&1
}

show()
{
	local ns=$1 out rc

	shift
	printf '%s# %s\n' "$ns" "$*"
	out=$(nsexec "$ns" "$@" 2>&1)
	rc=$?
	printf '%s\n' "${out:-(nothing)}"
	return $rc
}

# tunnel_state NS -> "IKE_SA_STATE CHILD_SA_COUNT", e.g. "established 1"
tunnel_state()
{
	nsexec "$1" oak show sa -j | jq -r '[.. | objects] as $o |
		"\([$o[] | select(has("state") and has("spi-i"))][0].state // "none") " +
		"\([$o[] | select(has("spi-in"))] | length)"'
}

# esp_summary NS: one line per xfrm state from `ip -s xfrm state`
esp_summary()
{
	ip -n "$1" -s xfrm state | awk '
		/^src / { src = $2; dst = $4 }
		/proto esp spi/ { spi = $4; sub(/\(.*/, "", spi) }
		/^[ \t]+[0-9]+\(bytes\), [0-9]+\(packets\)/ {
			b = $1; p = $2; sub(/\(.*/, "", b); sub(/\(.*/, "", p)
			printf "  ESP %-9s -> %-9s spi %s: %3d packets, %5d bytes\n", \
				src, dst, spi, p, b
		}'
}

esp_packets()	# NS -> sum of the packet counters of its ESP states
{
	ip -n "$1" -s xfrm state | awk '/^[ \t]+[0-9]+\(bytes\), [0-9]+\(packets\)/ {
		sub(/\(packets\)/, "", $2); n += $2 } END { print n + 0 }'
}

show_esp()
{
	local ns

	for ns in gw-a gw-b; do
		printf '%s# ip -s xfrm state    (summary: packet counters)\n' "$ns"
		esp_summary "$ns"
	done
}

die()
{
	local ns

	{
		echo
		echo "== FAILED: $*"
		for ns in gw-a gw-b; do
			echo "-- $ns: oak show sa -j; oak stats -j; ip xfrm state; ip xfrm policy"
			nsexec "$ns" oak show sa -j
			nsexec "$ns" oak stats -j
			ip -n "$ns" xfrm state | grep -v -e '^\s*aead' -e '^\s*enc' -e '^\s*auth'
			ip -n "$ns" xfrm policy
		done
		echo "-- kernel log (last 20 lines)"
		dmesg | tail -n 20
	} >&2
	fail "$*"
}

dmesg_mark "demo $$"
oakley_unload
for ns in gw-a gw-b; do
	ip netns del "$ns" 2>/dev/null
done

cat <<'EOF'
Oakley demo: an IPsec tunnel between two sites, negotiated by IKEv2 in the kernel

  LAN A 10.1.0.0/24                                        LAN B 10.2.0.0/24
  lan0 10.1.0.1 [gw-a] veth-a 10.0.0.1 ------ 10.0.0.2 veth-b [gw-b] lan0 10.2.0.1
EOF

step "1. Two gateways: network namespaces gw-a and gw-b on a veth link, a LAN each"
modprobe dummy || fail "modprobe dummy"
netns_add gw-a gw-b
veth_pair gw-a veth-a 10.0.0.1/24 gw-b veth-b 10.0.0.2/24
for side in a:1:2 b:2:1; do
	IFS=: read -r x n peer <<<"$side"
	ip -n "gw-$x" link add lan0 type dummy || fail "dummy lan0 in gw-$x"
	ip -n "gw-$x" addr add "10.$n.0.1/24" dev lan0
	ip -n "gw-$x" link set lan0 up
	ip -n "gw-$x" route add "10.$peer.0.0/24" via "10.0.0.$peer" src "10.$n.0.1" ||
		fail "route in gw-$x"
done
show gw-a ip -br addr show || fail "ip addr"
show gw-a ip route show || fail "ip route"
nsexec gw-a ping -q -c 1 -W 2 10.0.0.2 >/dev/null || fail "gw-a cannot reach gw-b over the veth"

step "2. Load the module (and what it depends on)"
echo "# modprobe -a $(oakley_deps)"
echo "# insmod oakley.ko"
oakley_load
at_exit oakley_unload
genl_family_exists oakley || fail "no generic netlink family 'oakley' after insmod"
echo "# genl ctrl get name oakley    -> family registered"

step "3. Configure both gateways"
printf 'gw-a# cat selftests/demo/gw-a.conf    (comments left out)\n'
sed '/^#/d' selftests/demo/gw-a.conf | cat -s | sed '1{/^$/d}'
run gw-a oak load selftests/demo/gw-a.conf || die "gw-a: oak load failed"
run gw-b oak load selftests/demo/gw-b.conf || die "gw-b: oak load failed"
echo "(gw-b.conf is the mirror image: connection to-a, LANs swapped)"
show gw-a oak show conn || die "gw-a: oak show conn failed"

step "4. Bring the tunnel up from gw-a"
run gw-a oak up to-b || die "oak up to-b failed"
for _ in $(seq 1 60); do
	st=$(tunnel_state gw-a)
	[ "$st" = "established 1" ] && [ "$(tunnel_state gw-b)" = "established 1" ] && break
	# gw-a gave up (e.g. AUTHENTICATION_FAILED): no point in waiting
	[ "$st" = "none 0" ] && nsexec gw-a oak stats -j | jq -e '."ike-failed" > 0' >/dev/null &&
		break
	sleep 0.5
done
[ "$(tunnel_state gw-a)" = "established 1" ] ||
	die "gw-a: want an established IKE SA with 1 Child SA, have: $(tunnel_state gw-a)"
[ "$(tunnel_state gw-b)" = "established 1" ] ||
	die "gw-b: want an established IKE SA with 1 Child SA, have: $(tunnel_state gw-b)"
show gw-a oak show sa || die "gw-a: oak show sa failed"
show gw-b oak show sa || die "gw-b: oak show sa failed"

step "5. Traffic from LAN A to LAN B goes through ESP"
before_a=$(esp_packets gw-a)
before_b=$(esp_packets gw-b)
show_esp
run gw-a ping -c 3 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1 || die "ping LAN A -> LAN B failed"
after_a=$(esp_packets gw-a)
after_b=$(esp_packets gw-b)
show_esp
# 3 requests out and 3 replies in, on each side
[ "$after_a" -ge $((before_a + 6)) ] || die "gw-a ESP packets $before_a -> $after_a, want +6"
[ "$after_b" -ge $((before_b + 6)) ] || die "gw-b ESP packets $before_b -> $after_b, want +6"
echo "(ESP packets: gw-a $before_a -> $after_a, gw-b $before_b -> $after_b)"

step "6. Tear it down: oak down on gw-a, gw-b follows the Delete"
run gw-a oak down to-b || die "oak down to-b failed"
for _ in $(seq 1 20); do
	[ "$(tunnel_state gw-b)" = "none 0" ] && break
	sleep 0.5
done
for ns in gw-a gw-b; do
	show "$ns" oak show sa || die "$ns: oak show sa failed"
	show "$ns" ip xfrm state
	# Oakley's own UDP 500 sockets keep their per-socket bypass entries
	# ("socket in/out"), as an IKE daemon's do; only SPD entries count.
	show "$ns" ip xfrm policy list dir out
	show "$ns" ip xfrm policy list dir in
	[ "$(tunnel_state "$ns")" = "none 0" ] || die "$ns still has SAs: $(tunnel_state "$ns")"
	[ -z "$(ip -n "$ns" xfrm state)" ] || die "$ns: xfrm states left"
	[ -z "$(ip -n "$ns" xfrm policy | grep -E '^[[:space:]]+dir ')" ] ||
		die "$ns: xfrm policies left"
done

ip netns del gw-a
ip netns del gw-b
sleep 0.5
oakley_unload
dmesg_check
step "PASS: tunnel up, ping through ESP, everything removed, kernel log clean"
