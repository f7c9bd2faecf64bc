#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the oak binary that need no kernel module: check, errors, usage.
# Usage: tests/cli.sh [path/to/oak]    (prints TAP; exits non-zero on failure)
set -u
export LANG=C LC_ALL=C
OAK=$(realpath "${1:-./oak}")
HERE=$(cd "$(dirname "$0")" && pwd)
EX=$HERE/../examples
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { local name=$1; shift; if "$@" >/dev/null; then ok "$name"; else nok "$name"; fi; }

# expect_fail NAME EXPECTED-STDERR CMD...: non-zero exit, exact stderr
expect_fail()
{
	local name=$1 want=$2 got rc
	shift 2
	got=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [[ $rc -ne 0 && $got == "$want" ]]; then
		ok "$name"
	else
		nok "$name"
		echo "#  rc=$rc"
		echo "#  got:      $got"
		echo "#  expected: $want"
	fi
}

for f in site-to-site roadwarrior ipv6; do
	check "check $f.conf exits 0" "$OAK" check "$EX/$f.conf"
	check "check -j $f.conf is a JSON array" \
		bash -c "'$OAK' check -j '$EX/$f.conf' | jq -e 'type == \"array\" and length > 0' >/dev/null"
done
check "check -j never prints a psk" \
	bash -c "! '$OAK' check -j '$EX/site-to-site.conf' | grep -q 'correct horse'"
check "check -j has all connection keys" \
	bash -c "'$OAK' check -j '$EX/site-to-site.conf' | jq -e '.[0] | keys == ([\"auth\",\"children\",\"dpd\",\"dpd-action\",\"encap\",\"ike\",\"ike-lifetime\",\"ike-rekey\",\"jitter\",\"local\",\"local-id\",\"name\",\"nat-keepalive\",\"reauth\",\"remote\",\"remote-id\",\"secret\",\"sha256-96\",\"start\",\"version\"])' >/dev/null"
check "check -j -j order does not matter" \
	bash -c "diff <('$OAK' check -j '$EX/ipv6.conf') <('$OAK' check '$EX/ipv6.conf' --json)"

printf '[secret s]\npsk = "0123456789abcdef"\n[connection c]\nlocal = 192.0.2.1\nremote = 198.51.100.7\nsecret = s\nike = aes128-md5-modp2048\n' > "$TMP/bad.conf"
expect_fail "check reports FILE:LINE: key" \
	"$TMP/bad.conf:7: key 'ike': 'md5' is refused: broken (RFC 8247)" "$OAK" check "$TMP/bad.conf"
expect_fail "load stops at the parse error, before netlink" \
	"$TMP/bad.conf:7: key 'ike': 'md5' is refused: broken (RFC 8247)" "$OAK" load "$TMP/bad.conf"
expect_fail "add stops at the parse error" \
	"$TMP/bad.conf:7: key 'ike': 'md5' is refused: broken (RFC 8247)" "$OAK" add "$TMP/bad.conf"
expect_fail "missing file (direct)" "no/such.conf: No such file or directory" \
	bash -c "cd '$TMP' && exec '$OAK' check no/such.conf"
printf '[secret s]\npsk = "short"\n' > "$TMP/short.conf"
got=$("$OAK" check "$TMP/short.conf" 2>&1 >/dev/null); rc=$?
check "short psk only warns" test $rc -eq 0 -a "$got" == "$TMP/short.conf:2: key 'psk': warning: secret 's' is shorter than 16 bytes"
printf '[secret s]\npsk = "0123456789abcdef"\n[connection c]\nlocal = 192.0.2.1\nremote = 198.51.100.7\nsecret = s\nike = 3des-sha1-modp1024\n[child n]\nesp = 3des-sha1\n' > "$TMP/legacy.conf"
got=$("$OAK" check "$TMP/legacy.conf" 2>&1 >/dev/null); rc=$?
check "legacy algorithms only warn" test $rc -eq 0 -a "$got" == "$TMP/legacy.conf:7: key 'ike': warning: 3des, sha1, prfsha1, modp1024 are legacy (RFC 8247): keep them for the peers that need them
$TMP/legacy.conf:9: key 'esp': warning: 3des, sha1 are legacy (RFC 8247): keep them for the peers that need them"
check "legacy algorithms: check -j reads them back" \
	bash -c "'$OAK' check -j '$TMP/legacy.conf' 2>/dev/null | jq -e '.[0].ike == \"3des-sha1-prfsha1-modp1024\" and .[0].children[0].esp == \"3des-sha1\"' >/dev/null"

expect_fail "unknown command" "oak: unknown command 'frobnicate'" \
	bash -c "'$OAK' frobnicate 2>&1 >/dev/null | head -1 >&2; exit 1"
check "help exits 0" bash -c "'$OAK' help | grep -q 'Usage: oak'"
check "--version exits 0" bash -c "'$OAK' --version | grep -q '^oak '"
expect_fail "no arguments is an error" "Usage: oak COMMAND [ARGS]" \
	bash -c "'$OAK' 2>&1 | head -1 >&2; exit 1"
expect_fail "load needs a file" "Usage: oak load FILE" "$OAK" load
expect_fail "up checks the name" "oak: up: bad name 'a b'" "$OAK" up "a b"
expect_fail "down checks the child name" "oak: down: bad name 'c/'" "$OAK" down "c/"
expect_fail "del checks the name" "oak: del: bad name 'x/y'" "$OAK" del "x/y"
expect_fail "show takes conn or sa" "Usage: oak show [conn|sa] [NAME] [-j]" "$OAK" show conn a b

# Certificates and keys (issue #17): PEM/DER, PKCS#1/PKCS#8 RSA read; other
# keys refused with a reason.
if command -v openssl >/dev/null; then
	K=$TMP/pki
	mkdir -p "$K"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$K/ca.key" -out "$K/ca.pem" -days 3 \
		-subj /CN=ca -addext basicConstraints=critical,CA:TRUE 2>/dev/null
	openssl rsa -in "$K/ca.key" -out "$K/p1.pem" -traditional 2>/dev/null
	openssl rsa -in "$K/ca.key" -out "$K/p1.der" -outform DER -traditional 2>/dev/null
	openssl pkcs8 -topk8 -nocrypt -in "$K/ca.key" -out "$K/p8.der" -outform DER 2>/dev/null
	openssl x509 -in "$K/ca.pem" -out "$K/ca.der" -outform DER
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$K/ec.pem" 2>/dev/null
	openssl genrsa -out "$K/small.pem" 1024 2>/dev/null
	openssl pkcs8 -topk8 -in "$K/ca.key" -out "$K/enc.pem" -passout pass:x 2>/dev/null
	certconf() # KEYFILE CERTFILE
	{
		printf '[key k]\nfile = %s\n[ca r]\nfile = %s\n[connection c]\nlocal = 192.0.2.1\n' "$1" "$2"
		printf 'remote = 192.0.2.2\nauth = pubkey\ncert = %s\nkey = k\n' "$2"
	}
	for k in ca.key p1.pem p1.der p8.der; do
		certconf "$K/$k" "$K/ca.pem" >"$TMP/c.conf"
		check "check: RSA key $k and a PEM certificate" "$OAK" check "$TMP/c.conf"
	done
	certconf "$K/p1.pem" "$K/ca.der" >"$TMP/c.conf"
	check "check: a DER certificate" "$OAK" check "$TMP/c.conf"
	check "check -j: pubkey, key, one cert, one ca" bash -c "'$OAK' check -j '$TMP/c.conf' |
		jq -e '.[0] | .auth == \"pubkey\" and .key == \"k\" and .certs == 1 and .cas == 1' >/dev/null"
	certconf "$K/ec.pem" "$K/ca.pem" >"$TMP/c.conf"
	expect_fail "check: an ECDSA key is refused" \
		"$TMP/c.conf:2: key 'file': an ECDSA or EdDSA key: the kernel (6.1) can sign only with RSA" \
		"$OAK" check "$TMP/c.conf"
	certconf "$K/small.pem" "$K/ca.pem" >"$TMP/c.conf"
	expect_fail "check: RSA 1024 is refused" \
		"$TMP/c.conf:2: key 'file': RSA key of 1024 bits: 2048 to 4096 bits only" \
		"$OAK" check "$TMP/c.conf"
	certconf "$K/enc.pem" "$K/ca.pem" >"$TMP/c.conf"
	expect_fail "check: an encrypted key is refused" \
		"$TMP/c.conf:2: key 'file': an encrypted private key: give it unencrypted (in a 0600 file)" \
		"$OAK" check "$TMP/c.conf"
	certconf "$K/p1.pem" "$K/p1.pem" >"$TMP/c.conf"
	expect_fail "check: a key is not a certificate" \
		"$TMP/c.conf:4: key 'file': no CERTIFICATE in the PEM file" "$OAK" check "$TMP/c.conf"
	"$OAK" check -j "$TMP/c.conf" 2>/dev/null | grep -q 'PRIVATE' && nok "check -j prints no key" ||
		ok "check -j prints no key"
fi

# Without the module (this host never loads it), kernel commands fail cleanly.
if ! grep -qw oakley /proc/net/netlink 2>/dev/null && ! [[ -d /sys/module/oakley ]]; then
	expect_fail "load without the module" \
		"oak: generic netlink family 'oakley' not found (is the oakley module loaded?)" \
		"$OAK" load "$EX/site-to-site.conf"
	expect_fail "stats without the module" \
		"oak: generic netlink family 'oakley' not found (is the oakley module loaded?)" \
		"$OAK" stats
fi

echo "1..$n"
[[ $failed -eq 0 ]]
