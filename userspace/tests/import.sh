#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# oak import tests (TAP). For each tests/import/NAME.swanctl.conf (or
# NAME/ipsec.conf with NAME/ipsec.secrets):
#   - oak import exits 0 and its output passes oak check;
#   - stderr (what was not carried over, FILE:LINE each) equals NAME.err;
#   - the jq expression NAME.jq holds on `oak check -j` of the output;
#   - every line number on stderr points at a line of the input that
#     holds the key named there.
# Usage: tests/import.sh [path/to/oak]
set -u
export LANG=C LC_ALL=C
OAK=$(realpath "${1:-./oak}")
DIR=$(cd "$(dirname "$0")/import" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

cd "$DIR" || exit 1
# ipsec.conf cases: a directory each (ipsec.secrets is read from beside it)
for in in *.swanctl.conf */ipsec.conf; do
	t=${in%.swanctl.conf}
	t=${t%/ipsec.conf}
	if "$OAK" import "$in" >"$TMP/$t.conf" 2>"$TMP/$t.err"; then
		ok "import $t: exit 0"
	else
		nok "import $t: exit 0"
		sed 's/^/#  /' "$TMP/$t.err"
	fi
	if "$OAK" check "$TMP/$t.conf" >/dev/null 2>"$TMP/$t.check"; then
		ok "import $t: the output passes oak check"
	else
		nok "import $t: the output passes oak check"
		sed 's/^/#  /' "$TMP/$t.check"
	fi
	if diff -u "$t.err" "$TMP/$t.err" >"$TMP/diff"; then
		ok "import $t: stderr lists exactly what is not carried over"
	else
		nok "import $t: stderr lists exactly what is not carried over"
		sed 's/^/#  /' "$TMP/diff"
	fi
	if "$OAK" check -j "$TMP/$t.conf" 2>/dev/null | jq -e -f "$t.jq" >/dev/null; then
		ok "import $t: connections, children, proposals, IDs, lifetimes as expected"
	else
		nok "import $t: connections, children, proposals, IDs, lifetimes as expected"
		sed 's/^/#  /' "$TMP/$t.conf"
	fi
	bad=0
	while IFS= read -r line; do
		[[ $line =~ ^([^:]+):([0-9]+):\ key\ \'([^\']*)\' ]] || continue
		f=${BASH_REMATCH[1]} l=${BASH_REMATCH[2]} k=${BASH_REMATCH[3]##*.}
		if ! sed -n "${l}p" "$f" | grep -q -- "$k"; then
			echo "#  $f:$l does not hold '$k'"
			bad=1
		fi
	done <"$TMP/$t.err"
	if [ "$bad" = 0 ]; then
		ok "import $t: each FILE:LINE on stderr names the line of its key"
	else
		nok "import $t: each FILE:LINE on stderr names the line of its key"
	fi
done

# A secret with a quote in it survives the round trip byte for byte: the
# imported [secret] parses back to the same text.
cat >"$TMP/q.swanctl.conf" <<'EOF'
connections { q { local_addrs = 192.0.2.1
remote_addrs = 192.0.2.2
children { c { } } } }
secrets { ike-q { secret = "say \"hi\" # not a comment" } }
EOF
"$OAK" import "$TMP/q.swanctl.conf" >"$TMP/q.conf" 2>/dev/null
if grep -qxF 'psk = "say \"hi\" # not a comment"' "$TMP/q.conf" &&
   "$OAK" check "$TMP/q.conf" >/dev/null 2>&1; then
	ok "import: a PSK with quotes and '#' is written quoted and escaped"
else
	nok "import: a PSK with quotes and '#' is written quoted and escaped"
	sed 's/^/#  /' "$TMP/q.conf"
fi

# Errors: an unreadable file, a syntax error with its line.
if ! "$OAK" import "$TMP/missing.conf" >/dev/null 2>"$TMP/e" &&
   grep -q "^$TMP/missing.conf: No such file or directory" "$TMP/e"; then
	ok "import: a missing file is an error"
else
	nok "import: a missing file is an error"
fi
printf 'connections {\n  a {\n    local_addrs 192.0.2.1\n  }\n}\n' >"$TMP/syn.conf"
if ! "$OAK" import "$TMP/syn.conf" >/dev/null 2>"$TMP/e" && grep -q "syn.conf:3: " "$TMP/e"; then
	ok "import: a syntax error names its line"
else
	nok "import: a syntax error names its line"
	sed 's/^/#  /' "$TMP/e"
fi
# A connection without local_addrs cannot become a valid Oakley config:
# import says so and fails rather than print something oak load rejects.
printf 'connections {\n  a {\n    remote_addrs = 192.0.2.1\n  }\n}\n' >"$TMP/nolocal.conf"
if ! "$OAK" import "$TMP/nolocal.conf" >/dev/null 2>"$TMP/e" &&
   grep -q "nolocal.conf:2: key 'connections.a': no local_addrs" "$TMP/e"; then
	ok "import: a connection without local_addrs is reported and fails"
else
	nok "import: a connection without local_addrs is reported and fails"
	sed 's/^/#  /' "$TMP/e"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
