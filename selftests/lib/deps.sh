#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh: install the Debian packages Oakley's build, tests and demo need,
# and unpack the Linux source (checkpatch.pl, kselftest, KUnit) into
# ~/.cache/oakley/src. Idempotent: apt is not touched when every package is
# already installed; otherwise one `apt-get update` and one install.
set -euo pipefail

pkgs=(
	linux-headers-amd64 linux-image-amd64 linux-source-6.1
	qemu-system-x86 busybox-static
	libmnl-dev pkg-config iproute2 iputils-ping
	strongswan-charon strongswan-swanctl libstrongswan-extra-plugins libcharon-extra-plugins
	libstrongswan-standard-plugins
	sparse clang libfuzzer-14-dev libclang-rt-14-dev
	flex bison bc cpio kmod jq util-linux python3-scapy python3-cryptography libelf-dev gcc make python3 python3-yaml
	xz-utils perl rsync libssl-dev libc6-dev
	dkms dpkg-dev systemd bash-completion groff man-db lintian
	tcpdump nftables conntrack
	openssl ca-certificates
)
srcver=6.1
srcdir=${OAKLEY_CACHE:-$HOME/.cache/oakley}/src
tarball=/usr/src/linux-source-$srcver.tar.xz

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#pkgs[@]} packages present"
else
	echo "deps: installing ${missing[*]}"
	sudo=
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null || { echo "deps: need root (or sudo) for apt-get" >&2; exit 1; }
		sudo=sudo
	fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -q
	$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ -f "$srcdir/linux-source-$srcver/scripts/checkpatch.pl" ] &&
   [ -f "$srcdir/linux-source-$srcver/tools/testing/selftests/lib.mk" ]; then
	echo "deps: kernel source present in $srcdir/linux-source-$srcver"
else
	[ -f "$tarball" ] || { echo "deps: $tarball missing" >&2; exit 1; }
	echo "deps: unpacking $tarball into $srcdir (takes a minute)"
	mkdir -p "$srcdir"
	tmp=$(mktemp -d "$srcdir/.unpack.XXXXXX")
	tar -xJf "$tarball" -C "$tmp"
	rm -rf "$srcdir/linux-source-$srcver"
	mv "$tmp/linux-source-$srcver" "$srcdir/linux-source-$srcver"
	rmdir "$tmp"
fi
