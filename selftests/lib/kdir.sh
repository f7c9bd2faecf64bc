#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Pick the kernel to build against and to boot in the test VM.
#
#   kdir.sh            print KDIR: /lib/modules/$(uname -r)/build if present,
#                      else the newest /lib/modules/*/build (Debian headers)
#   kdir.sh --kver     print the version (the /lib/modules/<ver> name) that
#                      belongs to $KDIR (or to the KDIR picked as above)
#
# The version is what the VM boots: /boot/vmlinuz-<ver>.

pick_kdir()
{
	cur=$(uname -r)
	if [ -d "/lib/modules/$cur/build" ]; then
		echo "/lib/modules/$cur/build"
		return 0
	fi
	newest=$(ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$newest" ]; then
		echo "kdir.sh: no kernel headers in /lib/modules/*/build (run: make deps)" >&2
		return 1
	fi
	echo "$newest"
}

kver_of()
{
	want=$(readlink -f "$1")
	for b in /lib/modules/*/build; do
		[ -d "$b" ] || continue
		if [ "$(readlink -f "$b")" = "$want" ]; then
			v=${b%/build}
			echo "${v##*/}"
			return 0
		fi
	done
	# A kernel tree of our own: its release string names the kernel.
	if [ -f "$1/include/config/kernel.release" ]; then
		cat "$1/include/config/kernel.release"
		return 0
	fi
	echo "kdir.sh: cannot tell the kernel version of $1" >&2
	return 1
}

case "${1:-}" in
--kver)
	k=${KDIR:-$(pick_kdir)} || exit 1
	kver_of "$k"
	;;
"")
	pick_kdir
	;;
*)
	echo "usage: kdir.sh [--kver]" >&2
	exit 2
	;;
esac
