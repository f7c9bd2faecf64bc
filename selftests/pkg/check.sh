#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: the packaging checks (`make check-pkg`, stage "package" of
# make check). TAP on stdout; exits non-zero if any test failed.
#
#   1. `make deb` in a clean copy of the tree (the files git knows, as they
#      are in the working tree; no build products) writes both packages;
#   2. dpkg-deb metadata: names, version from VERSION, architecture,
#      dependencies; the files each package must hold, /etc/oakley 0700;
#   3. `dkms build` of the packaged sources against KDIR, in a private DKMS
#      tree (nothing is installed, nothing is loaded); the module is kept in
#      build/deb/dkms/KVER/oakley.ko for the VM test selftests/pkg_dkms.sh;
#   4. `systemd-analyze verify` of both units, with their man pages;
#   5. both man pages render with `man --warnings` and `groff -ww` silent;
#   6. the bash completion loads and completes `oak s` and connection names;
#   and lintian has nothing to say about either package.
#
# Needs: dpkg-deb, dkms, systemd (systemd-analyze), man-db, groff,
# bash-completion, lintian (selftests/lib/deps.sh installs them).
set -u
export LANG=C.UTF-8 LC_ALL=C.UTF-8
repo=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$repo/build}
KDIR=${KDIR:-$("$repo/selftests/lib/kdir.sh")}
KVER=${OAKLEY_KVER:-$(KDIR=$KDIR "$repo/selftests/lib/kdir.sh" --kver)}
version=$(cat "$repo/VERSION")
debver=$version-1
arch=$(dpkg --print-architecture)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/oakley-pkg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
# t NAME CMD...: one test, passed when CMD exits 0; its output on failure
t()
{
	local name=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then
		ok "$name"
	else
		nok "$name"
		tail -n 30 "$tmp/out" | sed 's/^/#  /'
	fi
}
# quiet CMD...: CMD exits 0 and prints nothing on stderr
quiet()
{
	local err
	err=$("$@" 2>&1 >/dev/null)
	local rc=$?
	[ -n "$err" ] && echo "$err"
	[ $rc -eq 0 ] && [ -z "$err" ]
}

# --- 1. make deb from a clean tree ---------------------------------------------
src=$tmp/src
mkdir -p "$src"
(cd "$repo" && git ls-files -z | while IFS= read -r -d '' f; do
	[ -e "$f" ] && printf '%s\0' "$f"
done | rsync -a --from0 --files-from=- ./ "$src/")
deb_dir=$tmp/deb
t "make deb in a clean copy of the tree" \
	nice -n 19 make -C "$src" deb BUILD="$tmp/build" KDIR="$KDIR"
cp "$tmp"/build/deb/*.deb "$tmp/" 2>/dev/null
dkms_deb=$tmp/oakley-dkms_${debver}_all.deb
oak_deb=$tmp/oak_${debver}_${arch}.deb
t "make deb wrote oakley-dkms_${debver}_all.deb and oak_${debver}_${arch}.deb" \
	test -f "$dkms_deb" -a -f "$oak_deb"
mkdir -p "$BUILD/deb"
cp "$tmp"/*.deb "$BUILD/deb/" 2>/dev/null
# lintian: no error or warning (intended ones are overridden, with a reason,
# in the packages' usr/share/lintian/overrides)
t "lintian: both packages clean" quiet lintian --allow-root --tag-display-limit 0 "$dkms_deb" "$oak_deb"

# --- 2. metadata and contents ------------------------------------------------
field() { dpkg-deb -f "$1" "$2" 2>/dev/null; }
meta_dkms()
{
	[ "$(field "$dkms_deb" Package)" = oakley-dkms ] &&
	[ "$(field "$dkms_deb" Version)" = "$debver" ] &&
	[ "$(field "$dkms_deb" Architecture)" = all ] &&
	field "$dkms_deb" Depends | grep -Eq '(^|, )dkms( |,|$)' &&
	[ -n "$(field "$dkms_deb" Description)" ] && [ -n "$(field "$dkms_deb" Maintainer)" ]
}
meta_oak()
{
	[ "$(field "$oak_deb" Package)" = oak ] &&
	[ "$(field "$oak_deb" Version)" = "$debver" ] &&
	[ "$(field "$oak_deb" Architecture)" = "$arch" ] &&
	field "$oak_deb" Depends | grep -q 'libmnl0' &&
	field "$oak_deb" Depends | grep -q 'libc6' &&
	[ -n "$(field "$oak_deb" Description)" ]
}
t "oakley-dkms: Package, Version $debver (VERSION), Architecture all, Depends dkms" meta_dkms
t "oak: Package, Version $debver, Architecture $arch, Depends libc6 and libmnl0 (shlibdeps)" \
	meta_oak

dpkg-deb -c "$dkms_deb" 2>/dev/null >"$tmp/dkms.list"
dpkg-deb -c "$oak_deb" 2>/dev/null >"$tmp/oak.list"
has() # has LIST MODE-REGEX PATH
{
	grep -Eq "^$2 .* \./$3\$" "$1" || { echo "missing: $2 $3"; return 1; }
}
files_dkms()
{
	local s=usr/src/oakley-$version r=0 f
	for f in dkms.conf Kbuild kernel/Makefile kernel/Kconfig kernel/main.c \
		 kernel/ikev2/ikev2.c kernel/crypto/dh.c uapi/linux/oakley.h; do
		has "$tmp/dkms.list" '-rw-r--r--' "$s/$f" || r=1
	done
	# every source of the tree is there, nothing built
	local want got
	want=$(cd "$src" && find kernel uapi -name '*.[ch]' | sort)
	got=$(sed -n "s|.* \./$s/||p" "$tmp/dkms.list" | grep -E '\.[ch]$' | sort)
	[ "$want" = "$got" ] || { echo "source lists differ"; diff <(echo "$want") <(echo "$got"); r=1; }
	grep -Eq '\.(o|ko|cmd)$' "$tmp/dkms.list" && { echo "build products packaged"; r=1; }
	dpkg-deb --ctrl-tarfile "$dkms_deb" | tar -t | grep -qx './postinst' || r=1
	return $r
}
files_oak()
{
	local r=0
	has "$tmp/oak.list" '-rwxr-xr-x' usr/sbin/oak || r=1
	has "$tmp/oak.list" '-rw-r--r--' usr/share/man/man8/oak.8.gz || r=1
	has "$tmp/oak.list" '-rw-r--r--' usr/share/man/man5/oakley.conf.5.gz || r=1
	has "$tmp/oak.list" '-rw-r--r--' lib/systemd/system/oakley.service || r=1
	has "$tmp/oak.list" '-rw-r--r--' 'lib/systemd/system/oakley@.service' || r=1
	has "$tmp/oak.list" '-rw-r--r--' usr/share/bash-completion/completions/oak || r=1
	has "$tmp/oak.list" '-rw-r--r--' usr/share/doc/oak/examples/site-to-site.conf || r=1
	has "$tmp/oak.list" '-rw-r--r--' usr/share/doc/oak/copyright || r=1
	has "$tmp/oak.list" 'drwx------' etc/oakley/ || r=1
	return $r
}
t "oakley-dkms holds dkms.conf, Kbuild and exactly the tree's kernel/ and uapi/ sources" files_dkms
t "oak holds oak, oak(8), oakley.conf(5), both units, completion, examples, /etc/oakley 0700" \
	files_oak

root=$tmp/root
mkdir -p "$root"
dpkg-deb -x "$dkms_deb" "$root" 2>/dev/null
dpkg-deb -x "$oak_deb" "$root" 2>/dev/null
oak_version() { "$root/usr/sbin/oak" --version | grep -q "^oak $version "; }
t "the packaged oak runs and reports version $version" oak_version

# --- 3. dkms build -------------------------------------------------------------
dkms_build()
{
	mkdir -p "$tmp/dkms"
	nice -n 19 dkms build -m oakley -v "$version" -k "$KVER" --kernelsourcedir "$KDIR" \
		--sourcetree "$root/usr/src" --dkmstree "$tmp/dkms" || return 1
	local ko
	ko=$(find "$tmp/dkms/oakley/$version/$KVER" -name 'oakley.ko*' | head -n 1)
	[ -n "$ko" ] || { echo "no oakley.ko in the DKMS tree"; return 1; }
	modinfo -F vermagic "$ko" | grep -q "^$KVER " ||
		{ echo "vermagic: $(modinfo -F vermagic "$ko")"; return 1; }
	mkdir -p "$BUILD/deb/dkms/$KVER"
	cp "$ko" "$BUILD/deb/dkms/$KVER/oakley.ko"
}
t "dkms build of the packaged sources for $KVER gives oakley.ko with its vermagic" dkms_build

# --- 4. systemd units ----------------------------------------------------------
# Verified as installed, except that oak is the extracted one (the host has
# no /usr/sbin/oak); Documentation= is checked against the packaged man pages.
units()
{
	local u=$tmp/units
	mkdir -p "$u"
	sed "s|/usr/sbin/oak|$root/usr/sbin/oak|g" "$root/lib/systemd/system/oakley.service" \
		>"$u/oakley.service"
	sed "s|/usr/sbin/oak|$root/usr/sbin/oak|g" "$root/lib/systemd/system/oakley@.service" \
		>"$u/oakley@.service"
	grep -q '^ExecReload=/usr/sbin/oak load /etc/oakley/oakley.conf$' \
		"$root/lib/systemd/system/oakley.service" || { echo "no ExecReload oak load"; return 1; }
	grep -q '^After=.*network-online.target' "$root/lib/systemd/system/oakley.service" ||
		{ echo "not ordered after network-online.target"; return 1; }
	MANPATH=$root/usr/share/man quiet systemd-analyze verify \
		"$u/oakley.service" "$u/oakley@blue.service"
}
t "systemd-analyze verify oakley.service and oakley@blue.service: no message" units

# --- 5. man pages --------------------------------------------------------------
man_clean()
{
	local page=$1
	[ -f "$page" ] || { echo "no $page"; return 1; }
	MANWIDTH=80 quiet man --warnings -l "$page" &&
	zcat "$page" | quiet groff -man -ww -z
}
t "oak(8) renders without warnings" man_clean "$root/usr/share/man/man8/oak.8.gz"
t "oakley.conf(5) renders without warnings" man_clean "$root/usr/share/man/man5/oakley.conf.5.gz"
man_keys()
{
	# every key of a [connection], [child] and [secret] is in oakley.conf(5)
	local k r=0 text
	text=$(MANWIDTH=200 man -l "$root/usr/share/man/man5/oakley.conf.5.gz" 2>/dev/null)
	for k in version local remote local-id remote-id auth secret ike exchange start dpd \
		 dpd-action ike-rekey ike-lifetime reauth jitter local-ts remote-ts esp ah mode \
		 rekey lifetime rekey-bytes life-bytes rekey-packets life-packets psk include; do
		grep -Eq "(^| )$k = " <<<"$text" || { echo "oakley.conf(5) lacks '$k'"; r=1; }
	done
	text=$(MANWIDTH=200 man -l "$root/usr/share/man/man8/oak.8.gz" 2>/dev/null)
	for k in load add check del up down rekey show monitor stats import; do
		grep -Eq "^ +$k( |$)" <<<"$text" || { echo "oak(8) lacks command '$k'"; r=1; }
	done
	return $r
}
t "oakley.conf(5) has every key, oak(8) every command" man_keys

# --- 6. bash completion ----------------------------------------------------------
# `oak show conn -j` needs the module; the test's oak answers it with what
# `oak check -j` prints for the example (the same JSON, see oak(8)).
cat >"$tmp/oak" <<EOF
#!/bin/sh
if [ "\$1 \$2 \$3" = "show conn -j" ]; then
	exec "$root/usr/sbin/oak" check -j "$root/usr/share/doc/oak/examples/site-to-site.conf"
fi
exec "$root/usr/sbin/oak" "\$@"
EOF
chmod +x "$tmp/oak"
complete_words() # complete_words WORD... : the completions of the last word
{
	PATH=$tmp:$PATH bash -c '
		. /usr/share/bash-completion/bash_completion || exit 1
		. "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_oak oak "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ \
		"$root/usr/share/bash-completion/completions/oak" "$@"
}
comp_s() { [ "$(complete_words oak s | paste -sd' ')" = "show stats" ]; }
comp_conn()
{
	[ "$(complete_words oak up d | paste -sd' ')" = "dc dc/lan dc/mgmt" ] &&
	[ "$(complete_words oak show conn "" | paste -sd' ')" = "-j dc" ]
}
comp_file()
{
	mkdir -p "$tmp/cf" && touch "$tmp/cf/gw.conf" &&
	(cd "$tmp/cf" && [ "$(complete_words oak load g)" = gw.conf ])
}
comp_load()
{
	PATH=$tmp:$PATH bash -c '. /usr/share/bash-completion/bash_completion &&
		. "$1" && complete -p oak' _ "$root/usr/share/bash-completion/completions/oak" |
		grep -q -- '-F _oak oak'
}
t "bash completion loads and registers _oak for oak" comp_load
t "bash completion: 'oak s' completes to show, stats" comp_s
t "bash completion: connection and CONN/CHILD names from oak show conn -j" comp_conn
t "bash completion: file names after oak load" comp_file

echo "1..$n"
[ "$failed" -eq 0 ]
