#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the oakley_crypto (or oakley_pubkey) KUnit suite on the distribution
# kernel (no KUnit there): build kernel/crypto/, the codec's DER and X.509
# files and kernel/tests/<suite>_kunit.c into a module "oak<suite>_kunit"
# against shim/kunit/test.h, load it in a qemu guest (selftests/vm/run.sh)
# and judge the KTAP it prints.  This covers the kernel's real drivers
# (AES-NI GCM/CBC, curve25519-x86_64, ecdh_generic; ecc.ko as a module for
# the ECDSA verifier), which UML does not have.
#
#   [OAKLEY_VM_KUNIT_SUITE=pubkey] selftests/kunit/vm_crypto.sh [selftests/vm/run.sh options]

set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
kdir=${KDIR:-$("$repo/selftests/lib/kdir.sh")} || exit 1
out=${OAKLEY_KUNIT_CACHE:-$HOME/.cache/oakley/kunit}/vm
suite=${OAKLEY_VM_KUNIT_SUITE:-crypto}
mod=oak${suite}_kunit

die()
{
	echo "kunit/vm_crypto.sh: $*" >&2
	exit 1
}

rm -rf "$out"
mkdir -p "$out/src/crypto" "$out/src/codec" "$out/src/tests"
cp "$repo"/kernel/crypto/*.[ch] "$out/src/crypto/" || die "no kernel/crypto"
# The codec's headers (ikev1_keys.c uses isakmp_wire.h); the DER reader and
# X.509 code, which the signature layer (crypto/pubkey.h) and its tests use.
cp "$repo"/kernel/codec/*.h "$repo"/kernel/codec/der.c "$repo"/kernel/codec/x509*.c \
	"$out/src/codec/" || die "no kernel/codec"
cp "$repo"/kernel/tests/${suite}_kunit*.[ch] "$out/src/tests/" || die "no ${suite}_kunit.c"
objs=$(cd "$out/src" && ls crypto/*.c codec/*.c tests/${suite}_kunit.c |
	sed 's/\.c$/.o/' | tr '\n' ' ')
cat > "$out/src/Kbuild" <<KBUILD
obj-m := $mod.o
$mod-y := $objs
# The shim must win over the kernel's own <kunit/test.h>.
NOSTDINC_FLAGS += -I$here/shim
# The test hooks of the glue (oak_secret_free_hook, ...), as in the UML build.
ccflags-y += -DCONFIG_OAKLEY_KUNIT_TEST=1
KBUILD
make -C "$kdir" M="$out/src" modules > "$out/build.log" 2>&1 ||
	{ grep -E 'error|warning' "$out/build.log" | head -n 40 >&2; die "build failed"; }
grep -E 'warning' "$out/build.log" >&2

# In the guest: the module's dependencies, the module, its KTAP from dmesg.
cat > "$out/guest.sh" <<GUEST
#!/bin/sh
for d in \$(modinfo -F depends $out/src/$mod.ko | tr ',' ' '); do modprobe "\$d" || exit 3; done
dmesg -C
insmod $out/src/$mod.ko || exit 4
dmesg | sed -n 's/^\[[ 0-9.]*\] //p' | sed -n '/^KTAP version/,\$p' > $out/ktap.log
rmmod $mod
cat $out/ktap.log
GUEST
chmod +x "$out/guest.sh"
"$repo/selftests/vm/run.sh" "$@" -- "$out/guest.sh" > "$out/vm.log" 2>&1
rc=$?
cat "$out/vm.log"
[ $rc -eq 0 ] || die "the VM run failed ($rc)"
grep -q '^ *not ok' "$out/vm.log" && die "a test failed"
grep -q "^ok 1 oakley_${suite}" "$out/vm.log" || die "no result for oakley_${suite}"
echo "kunit/vm_crypto.sh: oakley_${suite} passed on $(basename "$(dirname "$kdir")")" >&2
