#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel.sh [--print-kver]
# Build (or reuse) a debug kernel for the test VM: Debian's 6.1 source and
# config, trimmed to the modules the selftests load (localmodconfig), with
# KASAN (generic, inline), UBSAN, lockdep and sleep-in-atomic checks.
# Everything lives in ~/.cache/oakley/kasan-vm (OAKLEY_KASAN_CACHE):
#   build/            the kernel tree (O=), also the KDIR oakley.ko builds against
#   root/lib/modules/ the installed modules (the VM links them into place;
#                     nothing is installed on the host's /lib/modules)
#   bzImage           the kernel the VM boots
# Prints the kernel release on success.  The first build takes ~1 h on two
# cores; later calls only check that nothing changed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${OAKLEY_KASAN_CACHE:-$HOME/.cache/oakley/kasan-vm}
src=${OAKLEY_LINUX_SRC:-$HOME/.cache/oakley/src/linux-source-6.1}
base=$(ls /boot/config-*-amd64 2>/dev/null | sort -V | tail -n 1)
stock=${base#/boot/config-}
out=$cache/build
jobs=${JOBS:-$(nproc)}

die() { echo "kasan/kernel.sh: $*" >&2; exit 1; }

[ -f "$base" ] || die "no /boot/config-*-amd64 (run: make deps)"
if [ ! -f "$src/Makefile" ]; then
	tarball=/usr/src/linux-source-6.1.tar.xz
	[ -f "$tarball" ] || die "$tarball missing (apt-get install linux-source-6.1)"
	mkdir -p "$(dirname "$src")"
	tar -C "$(dirname "$src")" -xf "$tarball"
fi

# The modules the selftests and their peers use, from the stock kernel's tree,
# with everything they depend on.  localmodconfig keeps exactly these.
lsmod_list()
{
	local dirs="crypto arch/x86/crypto lib/crypto net/xfrm net/ipv4 net/ipv6 net/key
		    fs/9p net/9p fs/overlayfs fs/netfs fs/fscache drivers/virtio"
	# nftables: ike_natt.sh's NAT (masquerade, conntrack -F) and lib/ike.sh's
	# ike_lossy (numgen, counter)
	local extra="veth dummy sch_netem sch_ingress cls_u32 act_gact udp_tunnel ip6_udp_tunnel
		     nf_tables nft_chain_nat nft_masq nft_nat nft_numgen nft_ct nf_nat
		     nf_conntrack nf_conntrack_netlink nfnetlink"
	local m d
	{
		for d in $dirs; do
			find "/lib/modules/$stock/kernel/$d" -name '*.ko*' -printf '%f\n'
		done | sed 's/\.ko.*//'
		printf '%s\n' $extra
	} | sort -u | while read -r m; do
		modprobe -S "$stock" --show-depends "$m" 2>/dev/null |
			sed -n 's|^insmod .*/\([^/]*\)\.ko.*|\1|p'
	done | tr - _ | sort -u | awk '{ print $1, 0, 0 }'
}

configure()
{
	local s="$src/scripts/config --file $out/.config"

	cp "$base" "$out/.config"
	lsmod_list > "$cache/lsmod"
	make -C "$src" O="$out" LSMOD="$cache/lsmod" localmodconfig </dev/null >/dev/null
	$s --set-str LOCALVERSION -oakasan -d LOCALVERSION_AUTO \
	   --set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
	   -d MODULE_SIG -d MODULE_SIG_ALL -d MODULE_COMPRESS_XZ -e MODULE_COMPRESS_NONE \
	   -d DEBUG_INFO_DWARF5 -d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -d DEBUG_INFO_BTF \
	   -e DEBUG_INFO_NONE \
	   -e KASAN -e KASAN_GENERIC -e KASAN_INLINE -d KASAN_OUTLINE -e KASAN_STACK \
	   -e UBSAN -e UBSAN_BOUNDS -e UBSAN_SHIFT -e UBSAN_DIV_ZERO -e UBSAN_BOOL \
	   -e UBSAN_ENUM -e UBSAN_SANITIZE_ALL -d UBSAN_TRAP \
	   -e PROVE_LOCKING -e DEBUG_ATOMIC_SLEEP -e DEBUG_LIST -e PROVE_RCU \
	   -e DEBUG_OBJECTS -e DEBUG_OBJECTS_TIMERS -e DEBUG_OBJECTS_WORK
	make -C "$src" O="$out" olddefconfig </dev/null >/dev/null
}

mkdir -p "$cache" "$out"
exec 9>"$cache/.lock"
flock 9

# Reconfigure (and rebuild) only when the base config or the recipe changed.
stamp=$( { cat "$base"; declare -f lsmod_list configure; echo "$src"; } | sha256sum | cut -d' ' -f1)
if [ "$(cat "$cache/stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "kasan/kernel.sh: configuring $out (from $base)" >&2
	configure
	rm -f "$cache/bzImage"
fi
if [ ! -f "$cache/bzImage" ]; then
	echo "kasan/kernel.sh: building with $jobs jobs (log: $cache/build.log)" >&2
	make -C "$src" O="$out" -j"$jobs" bzImage modules > "$cache/build.log" 2>&1 ||
		{ tail -n 30 "$cache/build.log" >&2; die "kernel build failed"; }
	rel=$(cat "$out/include/config/kernel.release")
	rm -rf "$cache/root"
	make -C "$src" O="$out" INSTALL_MOD_PATH="$cache/root" DEPMOD=/sbin/depmod \
		modules_install >> "$cache/build.log" 2>&1 || die "modules_install failed"
	rm -f "$cache/root/lib/modules/$rel/build" "$cache/root/lib/modules/$rel/source"
	cp "$out/arch/x86/boot/bzImage" "$cache/bzImage"
	echo "$stamp" > "$cache/stamp"
fi
cat "$out/include/config/kernel.release"
