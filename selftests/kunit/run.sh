#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build Oakley into a User-Mode Linux kernel and run its KUnit suites.
#
#   selftests/kunit/run.sh [--warm] [kunit.py exec options, e.g. --filter_glob=oakley_crypto*]
#   selftests/kunit/run.sh --kasan [...]   the same under KASAN (generic) + UBSAN
#
# Environment: OAKLEY_LINUX_SRC (pristine tree), OAKLEY_KUNIT_CACHE (work tree
# and objects), OAKLEY_KUNIT_JOBS (make -j, default nproc),
# OAKLEY_KUNIT_EXCLUDE (objects to leave out, see exclude_objects).
#
# Debian's kernel has no CONFIG_KUNIT, so the suites run on UML with the
# kunit.py of the extracted linux-source tree.  The pristine tree
# (OAKLEY_LINUX_SRC, default ~/.cache/oakley/src/linux-source-6.1) is never
# touched: a hard-linked copy in ~/.cache/oakley/kunit/src gets net/oakley
# (a copy of this repository's kernel/ sources), the uapi header and the two
# Kconfig/Makefile hooks; objects go to ~/.cache/oakley/kunit/build, which is
# kept, so a second run rebuilds only what changed.
#
# Prints the KTAP output (`ok`/`not ok` lines) and exits non-zero on a build
# error, a failed or crashed test, or when no test ran.  --warm only builds
# the kernel without Oakley (to fill the cache).
#
# --kasan (first argument) builds a second UML kernel in its own cache
# (OAKLEY_KUNIT_KASAN_CACHE, default ~/.cache/oakley/kunit-kasan) with
# CONFIG_KASAN (generic, outline) and CONFIG_UBSAN; UML has no
# UBSAN_SANITIZE_ALL, so the copied net/oakley Makefile gets
# UBSAN_SANITIZE := y and only Oakley's objects are UBSAN-instrumented.
# Any "BUG: KASAN", "UBSAN:" or WARNING line in the test log fails the run.

set -u

kasan=0
if [ "${1:-}" = "--kasan" ]; then
	kasan=1
	shift
fi

repo=$(cd "$(dirname "$0")/../.." && pwd)
pristine=${OAKLEY_LINUX_SRC:-$HOME/.cache/oakley/src/linux-source-6.1}
if [ $kasan = 1 ]; then
	cache=${OAKLEY_KUNIT_KASAN_CACHE:-$HOME/.cache/oakley/kunit-kasan}
else
	cache=${OAKLEY_KUNIT_CACHE:-$HOME/.cache/oakley/kunit}
fi
work=$cache/src
build=$cache/build
jobs=${OAKLEY_KUNIT_JOBS:-$(nproc)}
kunitconfig=$repo/kernel/.kunitconfig
stamp=kunit-worktree-v1

die()
{
	echo "kunit/run.sh: $*" >&2
	exit 1
}

# The work tree: hard links to the pristine files (cheap, same filesystem),
# with every file we change replaced rather than written through the link.
make_worktree()
{
	[ -f "$work/.oakley-$stamp" ] && return 0
	if [ ! -f "$pristine/Makefile" ] || [ ! -f "$pristine/tools/testing/kunit/kunit.py" ]; then
		die "no kernel source in $pristine (run: make deps)"
	fi
	rm -rf "$work"
	mkdir -p "$cache"
	echo "kunit/run.sh: creating work tree $work" >&2
	cp -al "$pristine" "$work" 2>/dev/null || cp -a "$pristine" "$work" ||
		die "cannot copy $pristine"
	touch "$work/.oakley-$stamp"
}

# Replace (not edit through the hard link) $1 by itself plus line $2.
append_line()
{
	grep -qxF "$2" "$1" && return 0
	{ cat "$1"; echo "$2"; } > "$1.oak.tmp" && mv -f "$1.oak.tmp" "$1"
}

# Our sources are copied, not symlinked: Kbuild's VPATH would otherwise pick
# up objects of an out-of-tree build (x86-64, not UML) left in kernel/.
# Only files whose content changed are rewritten (and get a new mtime), so
# make rebuilds exactly those, even when a file goes back to an older version.
copy_changed()
{
	local src=$1 dst=$2 f

	(cd "$src" && find . -type f \( -name '*.[ch]' -o -name Makefile -o -name Kconfig \
		-o -name Kbuild \)) | sort > "$cache/files.new"
	(cd "$dst" && find . -type f) | sort > "$cache/files.old"
	comm -13 "$cache/files.new" "$cache/files.old" | (cd "$dst" && xargs -r rm -f)
	while read -r f; do
		cmp -s "$src/$f" "$dst/$f" && continue
		mkdir -p "$(dirname "$dst/$f")"
		cp "$src/$f" "$dst/$f" || die "cannot copy $src/$f"
	done < "$cache/files.new"
}

sync_sources()
{
	local dst=$work/net/oakley
	local hdr=$work/include/uapi/linux/oakley.h

	[ -L "$dst" ] && rm -f "$dst"
	mkdir -p "$dst"
	# Objects built from another checkout are not to be trusted by mtime.
	if [ "$(cat "$cache/repo" 2>/dev/null)" != "$repo" ]; then
		rm -rf "$build/net/oakley"
		echo "$repo" > "$cache/repo"
	fi
	if command -v rsync > /dev/null; then
		rsync -rc --delete --delete-excluded --prune-empty-dirs \
			--include='*/' --include='*.[ch]' --include='Makefile' \
			--include='Kconfig' --include='Kbuild' --exclude='*' \
			"$repo/kernel/" "$dst/" || die "cannot copy $repo/kernel"
	else
		copy_changed "$repo/kernel" "$dst"
	fi
	[ -L "$hdr" ] && rm -f "$hdr"
	cmp -s "$repo/uapi/linux/oakley.h" "$hdr" ||
		cp "$repo/uapi/linux/oakley.h" "$hdr" || die "cannot copy the uapi header"
}

# OAKLEY_KUNIT_EXCLUDE="tests/control_kunit.o ike/foo.o": leave objects out of
# the copied Makefile (to test one area while another does not build).  The
# next run's copy restores them.
exclude_objects()
{
	local o mk=$work/net/oakley/Makefile

	for o in ${OAKLEY_KUNIT_EXCLUDE:-}; do
		grep -qF "$o" "$mk" || die "OAKLEY_KUNIT_EXCLUDE: $o is not in kernel/Makefile"
		sed -i "s#[[:space:]]${o//./\\.}\\b##g" "$mk"
		echo "kunit/run.sh: leaving out $o" >&2
	done
}

# --kasan: instrument Oakley's objects with UBSAN too (UML lacks SANITIZE_ALL).
sanitize_objects()
{
	[ $kasan = 1 ] || return 0
	append_line "$work/net/oakley/Makefile" 'UBSAN_SANITIZE := y'
}

# The sanitizer options added to the kunitconfig for --kasan.
kasan_config()
{
	cat "$kunitconfig"
	cat <<-EOF
	CONFIG_KASAN=y
	CONFIG_KASAN_GENERIC=y
	CONFIG_KASAN_OUTLINE=y
	CONFIG_KASAN_STACK=y
	CONFIG_UBSAN=y
	CONFIG_UBSAN_BOUNDS=y
	CONFIG_UBSAN_SHIFT=y
	CONFIG_UBSAN_DIV_ZERO=y
	CONFIG_UBSAN_BOOL=y
	CONFIG_UBSAN_ENUM=y
	CONFIG_DEBUG_KERNEL=y
	CONFIG_SLUB_DEBUG=y
	EOF
}

hook_oakley()
{
	sync_sources
	exclude_objects
	sanitize_objects
	append_line "$work/net/Kconfig" 'source "net/oakley/Kconfig"'
	append_line "$work/net/Makefile" 'obj-$(CONFIG_OAKLEY) += oakley/'
}

kunit()
{
	python3 "$work/tools/testing/kunit/kunit.py" "$@"
}

[ -f "$kunitconfig" ] || die "missing $kunitconfig"
mkdir -p "$cache" || die "cannot create $cache"
# One run at a time per cache: the work tree and objects are shared.
exec 9> "$cache/lock"
flock 9 || die "cannot lock $cache/lock"
make_worktree
mkdir -p "$build"
hook_oakley

cfg=$kunitconfig
if [ $kasan = 1 ]; then
	cfg=$cache/kasan.kunitconfig
	kasan_config > "$cfg"
fi
if [ "${1:-}" = "--warm" ]; then
	shift
	grep -v 'OAKLEY' "$cfg" > "$cache/warm.kunitconfig"
	cfg=$cache/warm.kunitconfig
fi

t0=$(date +%s)
if ! kunit build --kunitconfig="$cfg" --build_dir="$build" --jobs="$jobs" \
	> "$cache/build.log" 2>&1; then
	# Show the compiler's complaints, not kunit.py's whole log.
	grep -E 'error|Error|warning:|^ERROR' "$cache/build.log" | head -n 60 >&2
	tail -n 20 "$cache/build.log" >&2
	die "build failed (full log: $cache/build.log)"
fi
t1=$(date +%s)
echo "kunit/run.sh: build took $((t1 - t0)) s" >&2
[ "$cfg" = "$cache/warm.kunitconfig" ] && exit 0

log=$cache/ktap.log
raw=kunit
# KASAN/UBSAN reports are not KTAP: keep the whole console for them.
[ $kasan = 1 ] && raw=all
kunit exec --build_dir="$build" --raw_output=$raw --timeout=600 "$@" > "$log" 2>&1
cat "$log"
t2=$(date +%s)
echo "kunit/run.sh: tests took $((t2 - t1)) s" >&2

# kunit.py exec with raw output does not judge; its parser does.
if ! kunit parse "$log" > "$cache/parse.log" 2>&1; then
	tail -n 30 "$cache/parse.log" >&2
	die "KUnit reported failures"
fi
grep -q '^[[:space:]]*not ok' "$log" && die "a test failed"
if [ $kasan = 1 ]; then
	# From the first KTAP line on: UML's own boot (virt-pci without a
	# virtio device) WARNs before any test runs.
	bad='BUG: KASAN|UBSAN:|WARNING:|general protection|Kernel panic|BUG:'
	sed -n '/^[[:space:]]*K\{0,1\}TAP version/,$p' "$log" > "$cache/tests.log"
	if grep -qE "$bad" "$cache/tests.log"; then
		grep -E -A20 "$bad" "$cache/tests.log" | head -n 60 >&2
		die "a sanitizer reported an error"
	fi
	grep -q '^CONFIG_KASAN=y' "$build/.config" || die "the kernel was built without KASAN"
fi
grep -q '^[[:space:]]*ok [0-9]' "$log" || die "no test ran"
tail -n 3 "$cache/parse.log" >&2
echo "kunit/run.sh: all KUnit tests passed" >&2
