#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Oakley demo (`make demo` runs it inside the test VM): two gateways,
# network namespaces gw-a (10.0.0.1) and gw-b (10.0.0.2) joined by a veth
# pair; oakley.ko loaded; each gateway gets its configuration with
# `oak load` and shows it with `oak show`.
# Configurations: selftests/demo/gw-a.conf, selftests/demo/gw-b.conf.

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC2034 # read by lib.sh
OAKLEY_TEST=demo
. "$here/lib/lib.sh"

step()
{
	printf '\n== %s\n' "$*"
}

oakley_require_vm
[ -x "$OAKLEY_OAK" ] || fail "$OAKLEY_OAK not built (run: make)"
dmesg_mark

step "two gateways: gw-a 10.0.0.1 <-- veth --> gw-b 10.0.0.2"
netns_add gw-a gw-b
veth_pair gw-a veth-a 10.0.0.1/24 gw-b veth-b 10.0.0.2/24
nsexec gw-a ping -q -c 1 -W 2 10.0.0.2 >/dev/null || fail "gw-a cannot ping gw-b"
echo "gw-a pings gw-b: ok"

step "insmod oakley.ko"
oakley_load
at_exit oakley_unload
genl_family_exists oakley || fail "no genl family 'oakley'"
echo "generic netlink family 'oakley' registered"

step "gw-a: oak load selftests/demo/gw-a.conf"
grep -v -e '^#' -e '^$' "$here/demo/gw-a.conf" |
	sed -e 's/^\(psk *= *\).*/\1(hidden)/' -e 's/^/    /'
nsexec gw-a "$OAKLEY_OAK" load "$here/demo/gw-a.conf" || fail "gw-a: oak load failed"

step "gw-b: oak load selftests/demo/gw-b.conf (the mirror image)"
nsexec gw-b "$OAKLEY_OAK" load "$here/demo/gw-b.conf" || fail "gw-b: oak load failed"

for gw in gw-a gw-b; do
	step "$gw: oak show"
	nsexec "$gw" "$OAKLEY_OAK" show || fail "$gw: oak show failed"
done

step "done: kernel log clean"
dmesg_check
