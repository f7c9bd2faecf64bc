#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load and unload oakley.ko 20 times: the generic netlink family "oakley"
# must appear on load and vanish on unload, and the kernel log stays clean.

. "$(dirname "$0")/lib/lib.sh"

oakley_require_vm
require_cmd genl insmod rmmod
# Start from an unloaded module whatever an earlier test left behind.
oakley_unload
dmesg_mark
at_exit oakley_unload

for i in $(seq 1 20); do
	oakley_load
	genl_family_exists oakley || fail "round $i: no genl family 'oakley' after insmod"
	oakley_unload
	oakley_loaded && fail "round $i: module still loaded after rmmod"
	genl_family_exists oakley && fail "round $i: genl family 'oakley' left after rmmod"
done
log "20 load/unload rounds"
dmesg_check
