#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh KVER [MODROOT]
# Build (or reuse) the test VM's initramfs for kernel KVER and print its path.
# The modules come from MODROOT/lib/modules/KVER (MODROOT default: /).
# It holds busybox-static, selftests/vm/init and the modules needed to mount
# the host root over virtio-9p with a tmpfs overlay. The image is cached in
# ~/.cache/oakley/vm/ and rebuilt only when one of its inputs changed.
set -euo pipefail

kver=${1:?usage: mkinitramfs.sh KVER [MODROOT]}
modroot=${2:-/}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${OAKLEY_CACHE:-$HOME/.cache/oakley}/vm
modules="netfs fscache 9pnet virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev
	 virtio_pci 9pnet_virtio 9p overlay"
busybox=/bin/busybox
moddir=${modroot%/}/lib/modules/$kver/kernel
out=$cache/initramfs-$kver.cpio.gz

[ -x "$busybox" ] || { echo "mkinitramfs: $busybox missing (run: make deps)" >&2; exit 1; }
ldd "$busybox" >/dev/null 2>&1 &&
	{ echo "mkinitramfs: $busybox is not static (install busybox-static)" >&2; exit 1; }
[ -d "$moddir" ] || { echo "mkinitramfs: $moddir missing" >&2; exit 1; }

# Locate each module (plain or compressed) once; they go in by name.
declare -a paths=()
for m in $modules; do
	p=$(find "$moddir" \( -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" \) \
		-print -quit)
	[ -n "$p" ] || { echo "mkinitramfs: module $m not found in $moddir" >&2; exit 1; }
	paths+=("$p")
done

# The stamp names every input: rebuild when any of them changes.
stamp=$( {
	echo "$kver $modules"
	cat "$here/init" "$here/mkinitramfs.sh" | sha256sum
	stat -c '%n %s %Y' "$busybox" "${paths[@]}"
} | sha256sum | cut -d' ' -f1)

mkdir -p "$cache"
exec 9>"$cache/.initramfs.lock"
flock 9
if [ -f "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "$out"
	exit 0
fi

echo "mkinitramfs: building $out" >&2
stage=$(mktemp -d "$cache/initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,modules}
cp "$busybox" "$stage/bin/busybox"
cp "$here/init" "$stage/init"
chmod 755 "$stage/init"
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true
for p in "${paths[@]}"; do
	b=$(basename "$p")
	case "$b" in
	*.ko.xz) xz -dc "$p" >"$stage/modules/${b%.xz}" ;;
	*.ko.zst) zstd -qdc "$p" >"$stage/modules/${b%.zst}" ;;
	*) cp "$p" "$stage/modules/" ;;
	esac
done
echo $modules >"$stage/modules.order"
(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
echo "$stamp" >"$out.stamp"
echo "$out"
