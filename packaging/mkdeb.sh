#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkdeb.sh OUTDIR: build the Debian packages oakley-dkms and oak into OUTDIR
# with dpkg-deb (what `make deb` runs, after building userspace/oak).
#
#   oakley-dkms  Architecture: all. The module's sources in
#                /usr/src/oakley-VERSION with dkms.conf; postinst has DKMS
#                build and install oakley.ko for every kernel with headers.
#   oak          the CLI, man pages oak(8) and oakley.conf(5), the systemd
#                units oakley.service and oakley@.service, bash completion,
#                examples in /usr/share/doc/oak/examples, /etc/oakley (0700).
#
# The version is the one in the top-level VERSION file.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: mkdeb.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
version=$(cat "$repo/VERSION")
debver=$version-1
arch=$(dpkg --print-architecture)
# Who builds the package: DEBFULLNAME / DEBEMAIL as for dch(1).
maint="${DEBFULLNAME:-Oakley developers} <${DEBEMAIL:-oakley-dev@oakley.example.org}>"
work=$(mktemp -d "${TMPDIR:-/tmp}/oakley-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT

[ -x "$repo/userspace/oak" ] || { echo "mkdeb: build userspace/oak first" >&2; exit 1; }

copyright()
{
	cat <<EOC
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: oakley
Source: https://example.invalid/oakley

Files: *
Copyright: 2026 the Oakley developers
License: GPL-2
 On Debian systems the full text of the GNU General Public License
 version 2 is in /usr/share/common-licenses/GPL-2.
EOC
}

changelog()
{
	cat <<EOC | gzip -9n
oakley ($debver) unstable; urgency=medium

  * Package built from the Oakley source tree by make deb.

 -- $maint  $(date -R -d "@${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)}")
EOC
}

# overrides PKG TAG...: lintian tags that are intended, each with its reason
overrides()
{
	local pkg=$1
	shift
	mkdir -p "$root/usr/share/lintian/overrides"
	printf "$pkg: %s\n" "$@" >"$root/usr/share/lintian/overrides/$pkg"
}

# fix_perms ROOT: directories 0755, files 0644, as Debian expects.
fix_perms()
{
	find "$1" -type d -exec chmod 0755 {} +
	find "$1" -type f -exec chmod 0644 {} +
}

installed_size()
{
	du -k -s --apparent-size "$1" | cut -f1
}

# --- oakley-dkms -------------------------------------------------------------
root=$work/oakley-dkms
src=$root/usr/src/oakley-$version
mkdir -p "$src" "$root/DEBIAN" "$root/usr/share/doc/oakley-dkms"
(
	cd "$repo"
	find Kbuild kernel uapi -type f \( -name '*.[ch]' -o -name Makefile -o -name Kconfig \
		-o -name Kbuild -o -name .kunitconfig \) -not -name '*.mod.c' | sort
) | while read -r f; do
	install -D -m 0644 "$repo/$f" "$src/$f"
done
sed "s/@VERSION@/$version/" "$repo/packaging/dkms.conf.in" >"$src/dkms.conf"
copyright >"$root/usr/share/doc/oakley-dkms/copyright"
# built from a source tree, not uploaded to Debian: no bug to close
overrides oakley-dkms "initial-upload-closes-no-bugs *"
changelog >"$root/usr/share/doc/oakley-dkms/changelog.Debian.gz"
fix_perms "$root"

cat >"$root/DEBIAN/control" <<EOC
Package: oakley-dkms
Source: oakley
Version: $debver
Architecture: all
Maintainer: $maint
Installed-Size: $(installed_size "$root")
Depends: dkms (>= 2.1.0.0), make, gcc
Recommends: oak (= $debver)
Section: kernel
Priority: optional
Description: in-kernel IKEv2/IKEv1 key exchange (DKMS module sources)
 Oakley runs the IKE protocol inside the Linux kernel as the module
 oakley.ko, configured over generic netlink with the oak tool.
 .
 This package holds the module's sources; DKMS builds and installs
 oakley.ko for every installed kernel that has headers, and again
 whenever a new kernel is installed.
EOC

cat >"$root/DEBIAN/postinst" <<EOC
#!/bin/sh
set -e
if [ "\$1" = configure ]; then
	dkms add -m oakley -v $version >/dev/null 2>&1 || true
	for b in /lib/modules/*/build; do
		[ -d "\$b" ] || continue
		k=\${b%/build}
		k=\${k##*/}
		dkms install -m oakley -v $version -k "\$k" ||
			echo "oakley-dkms: could not build oakley.ko for kernel \$k" >&2
	done
fi
EOC
cat >"$root/DEBIAN/prerm" <<EOC
#!/bin/sh
set -e
case "\$1" in
remove | upgrade | deconfigure)
	dkms remove -m oakley -v $version --all >/dev/null 2>&1 || true
	;;
esac
EOC
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/oakley-dkms_${debver}_all.deb"

# --- oak -------------------------------------------------------------------
root=$work/oak
doc=$root/usr/share/doc/oak
mkdir -p "$root/DEBIAN" "$doc/examples" "$root/etc/oakley"
install -D -m 0755 "$repo/userspace/oak" "$root/usr/sbin/oak"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/sbin/oak"
install -D -m 0644 "$repo/Documentation/oak.8" "$root/usr/share/man/man8/oak.8"
install -D -m 0644 "$repo/Documentation/oakley.conf.5" "$root/usr/share/man/man5/oakley.conf.5"
gzip -9n "$root/usr/share/man/man8/oak.8" "$root/usr/share/man/man5/oakley.conf.5"
install -D -m 0644 "$repo/packaging/oakley.service" "$root/lib/systemd/system/oakley.service"
install -D -m 0644 "$repo/packaging/oakley@.service" "$root/lib/systemd/system/oakley@.service"
install -D -m 0644 "$repo/packaging/oak.bash-completion" \
	"$root/usr/share/bash-completion/completions/oak"
install -m 0644 "$repo"/userspace/examples/* "$doc/examples/"
install -m 0644 "$repo/Documentation/config.md" "$repo/Documentation/oak.md" "$doc/"
copyright >"$doc/copyright"
changelog >"$doc/changelog.Debian.gz"
# /etc/oakley holds PSKs: 0700 on purpose (oak warns about readable secrets)
overrides oak "initial-upload-closes-no-bugs *" "non-standard-dir-perm 0700 != 0755 [etc/oakley/]"
fix_perms "$root"
chmod 0755 "$root/usr/sbin/oak"
chmod 0700 "$root/etc/oakley"

# Shared-library dependencies as dpkg-shlibdeps sees them (it wants a
# debian/control next to it).
mkdir -p "$work/shlibs/debian"
printf 'Source: oakley\n\nPackage: oak\nArchitecture: any\n' >"$work/shlibs/debian/control"
shdeps=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$root/usr/sbin/oak" 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
[ -n "$shdeps" ] || { echo "mkdeb: dpkg-shlibdeps found no dependencies for oak" >&2; exit 1; }

cat >"$root/DEBIAN/control" <<EOC
Package: oak
Source: oakley
Version: $debver
Architecture: $arch
Maintainer: $maint
Installed-Size: $(installed_size "$root")
Depends: $shdeps, kmod, iproute2
Recommends: oakley-dkms (= $debver)
Section: net
Priority: optional
Description: in-kernel IKEv2/IKEv1 key exchange (command-line tool)
 Oakley runs the IKE protocol inside the Linux kernel as the module
 oakley.ko. oak loads its configuration, shows connections and SAs,
 brings tunnels up and down, and imports strongSwan configurations.
 .
 The package has oak, its manual pages, the systemd units
 oakley.service and oakley@.service (one network namespace each), bash
 completion and example configurations.
EOC
# systemd reads the new or changed units; nothing is enabled or started.
for script in postinst postrm; do
	cat >"$root/DEBIAN/$script" <<'EOC'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
	systemctl --system daemon-reload >/dev/null || true
fi
EOC
	chmod 0755 "$root/DEBIAN/$script"
done
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/oak_${debver}_${arch}.deb"
