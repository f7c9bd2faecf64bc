#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IKEv2 certificate authentication (issue #17): RSA 2048 certificates made
# here with openssl (a CA, a leaf per peer with its FQDN in subjectAltName),
# AUTH signed and verified in the kernel.
#  - Oakley (A) initiates to Oakley (B): both sides established, ESP ping.
#  - Oakley (A) <-> strongSwan (S), each side initiating once: both sides
#    established, ESP ping, clean teardown.
#  - Refused, with no IKE SA and no xfrm state on either side, and A's
#    auth-failed counter moved: B's leaf signed by an untrusted CA (an ECDSA
#    P-256 one: key generation is cheap), B's leaf
#    expired, B claiming an ID its certificate does not carry; each once
#    with B initiating (A verifies as responder) and the untrusted one also
#    with A initiating (A verifies as initiator).
# A's key is PKCS#8 PEM, B's PKCS#1 PEM, charon's PKCS#1: oak reads both.
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/ike_cert.sh

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/charon.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq modprobe openssl swanctl unshare

A=oak-cert-a
B=oak-cert-b
S=oak-cert-s

OAKLEY_DEPS_EXTRA=xfrm_user ike_setup ike_cert

# ---- certificates ----
PKI=$TMP/pki
mkdir -p "$PKI/db"

ossl() { openssl "$@" >>"$PKI/openssl.log" 2>&1 || fail "openssl $1 failed: $(tail -n 5 "$PKI/openssl.log")"; }

# genkey NAME [ec]: NAME.key, RSA 2048 (PKCS#8 PEM) or EC P-256
genkey()
{
	if [ "${2:-}" = ec ]; then
		ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$PKI/$1.key"
	else
		ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/$1.key"
	fi
}

mkca()	# NAME
{
	ossl req -x509 -new -key "$PKI/$1.key" -out "$PKI/$1.pem" \
		-days 30 -subj "/O=Oakley Test/CN=$1" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign"
}

# mkleaf NAME FQDN CA KEY [expired]: NAME.pem for KEY.key, signed by CA
mkleaf()
{
	local ext=$PKI/$1.ext

	printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n' \
		"$2" >"$ext"
	ossl req -new -key "$PKI/$4.key" -out "$PKI/$1.csr" -subj "/O=Oakley Test/CN=$2"
	if [ "${5:-}" = expired ]; then
		: >"$PKI/db/index.txt"
		echo 1000 >"$PKI/db/serial"
		cat >"$PKI/db/ca.cnf" <<EOF
[ca]
default_ca = d
[d]
database = $PKI/db/index.txt
new_certs_dir = $PKI/db
serial = $PKI/db/serial
default_md = sha256
policy = p
unique_subject = no
[p]
commonName = supplied
EOF
		ossl ca -batch -config "$PKI/db/ca.cnf" -cert "$PKI/$3.pem" -keyfile "$PKI/$3.key" \
			-in "$PKI/$1.csr" -out "$PKI/$1.pem" -notext -extfile "$ext" \
			-startdate 200101000000Z -enddate 210101000000Z
	else
		ossl x509 -req -in "$PKI/$1.csr" -CA "$PKI/$3.pem" -CAkey "$PKI/$3.key" \
			-CAcreateserial -days 10 -sha256 -extfile "$ext" -out "$PKI/$1.pem"
	fi
}

# RSA key generation is slow under TCG (about 20 s a key): four in parallel,
# and the untrusted CA on P-256; B's other leaves reuse B's key.
t0=$SECONDS
for k in ca a b s; do
	genkey "$k" &
done
genkey evil ec
wait
mkca ca
mkca evil
mkleaf a a.example.org ca a
mkleaf b b.example.org ca b
mkleaf s s.example.org ca s
mkleaf bevil b.example.org evil b
mkleaf bexp b.example.org ca b expired
# B and charon: PKCS#1 ("RSA PRIVATE KEY")
for k in b s; do
	ossl rsa -in "$PKI/$k.key" -out "$PKI/$k.rsa" -traditional
done
grep -q 'BEGIN PRIVATE KEY' "$PKI/a.key" || fail "a.key is not PKCS#8"
grep -q 'BEGIN RSA PRIVATE KEY' "$PKI/b.rsa" || fail "b.rsa is not PKCS#1"
log "certificates made in $((SECONDS - t0)) s"

# ---- network: A in the middle, B and S on two links ----
netns_add "$A" "$B" "$S"
veth_pair "$A" veth-ab 10.99.0.1/24 "$B" veth-ba 10.99.0.2/24
veth_pair "$A" veth-as 10.98.0.1/24 "$S" veth-sa 10.98.0.2/24
ip -n "$A" addr add 10.1.0.1/24 dev lo
ip -n "$B" addr add 10.2.0.1/24 dev lo
ip -n "$S" addr add 10.3.0.1/24 dev lo
ip -n "$A" route add 10.2.0.0/24 via 10.99.0.2 src 10.1.0.1
ip -n "$A" route add 10.3.0.0/24 via 10.98.0.2 src 10.1.0.1
ip -n "$B" route add 10.1.0.0/24 via 10.99.0.1 src 10.2.0.1
ip -n "$S" route add 10.1.0.0/24 via 10.98.0.1 src 10.3.0.1

oakn() { nsexec "$1" "$OAKLEY_OAK" "${@:2}"; }

die() { ike_diag "$A" "$B" >&2; swan_log_tail 80 >&2; fail "$*"; }

# A's configuration: a connection to B and one to charon, one CA
conf_a()
{
	cat <<EOF
[key a]
file = $PKI/a.key

[ca root]
file = $PKI/ca.pem

[connection b]
local = 10.99.0.1
remote = 10.99.0.2
local-id = a.example.org
remote-id = ${1:-b.example.org}
auth = pubkey
cert = $PKI/a.pem
key = a
ca = root

[child net]
local-ts = 10.1.0.0/24
remote-ts = 10.2.0.0/24

[connection s]
local = 10.98.0.1
remote = 10.98.0.2
local-id = a.example.org
remote-id = s.example.org
auth = pubkey
cert = $PKI/a.pem
key = a

[child net]
local-ts = 10.1.0.0/24
remote-ts = 10.3.0.0/24
EOF
}

# B's: CERT KEY [LOCAL_ID]
conf_b()
{
	cat <<EOF
[key b]
file = $PKI/$2

[ca root]
file = $PKI/ca.pem

[connection a]
local = 10.99.0.2
remote = 10.99.0.1
local-id = ${3:-b.example.org}
remote-id = a.example.org
auth = pubkey
cert = $PKI/$1
key = b

[child net]
local-ts = 10.2.0.0/24
remote-ts = 10.1.0.0/24
EOF
}

conf_a >"$TMP/a.conf"
conf_b b.pem b.rsa >"$TMP/b.conf"
oakn "$A" load "$TMP/a.conf" || die "oak load (A) failed"
oakn "$B" load "$TMP/b.conf" || die "oak load (B) failed"
oakn "$A" show conn -j >"$TMP/a.show" 2>&1 || die "oak show conn failed"
grep -q 'BEGIN\|PRIVATE' "$TMP/a.show" && die "oak show prints key material"

both_up()	# NS1 NS2
{
	[ "$(sa_state "$1")" = established ] && [ "$(sa_state "$2")" = established ] &&
		[ "$(child_count "$1")" = 1 ] && [ "$(child_count "$2")" = 1 ]
}

ping_through()	# WHAT DST
{
	local before after

	before=$(esp_packets "$A")
	nsexec "$A" ping -c 3 -i 0.2 -W 3 -I 10.1.0.1 "$2" >"$TMP/ping" 2>&1 ||
		{ cat "$TMP/ping" >&2; die "$1: ping through the tunnel failed"; }
	after=$(esp_packets "$A")
	[ "$after" -ge $((before + 6)) ] || die "$1: A's ESP counters $before -> $after"
}

# ---- Oakley <-> Oakley ----
what="Oakley initiates to Oakley with certificates"
oakn "$A" up b || die "$what: oak up failed"
wait_for 30 both_up "$A" "$B" || die "$what: not established"
ping_through "$what" 10.2.0.1
oakn "$A" down b || die "$what: oak down failed"
wait_for 10 eval '[ "$(sa_state "$B")" = none ] && [ "$(sa_state "$A")" = none ]' ||
	die "$what: SAs left after oak down"
log "$what: ok"

# ---- Oakley <-> strongSwan ----
charon_start "$S" "$TMP"
cat >"$TMP/swanctl.conf" <<EOF
connections {
	oak {
		version = 2
		local_addrs = 10.98.0.2
		remote_addrs = 10.98.0.1
		local {
			auth = pubkey
			certs = $PKI/s.pem
			id = s.example.org
		}
		remote {
			auth = pubkey
			cacerts = $PKI/ca.pem
			id = a.example.org
		}
		children {
			net {
				local_ts = 10.3.0.0/24
				remote_ts = 10.1.0.0/24
				mode = tunnel
			}
		}
	}
}
EOF
# swanctl reads keys from rsa/ next to the swanctl.conf it loads (5.7.2 on)
mkdir -p "$TMP/rsa"
cp "$PKI/s.rsa" "$TMP/rsa/s.pem"
swan --load-all --file "$TMP/swanctl.conf" >"$TMP/swan-load" 2>&1 ||
	{ cat "$TMP/swan-load" >&2; die "swanctl --load-all failed"; }

swan_up() { swan --list-sas 2>/dev/null | grep -q ESTABLISHED &&
	    swan --list-sas 2>/dev/null | grep -q INSTALLED; }
swan_none() { ! swan --list-sas 2>/dev/null | grep -q '^oak:'; }
a_s_up() { [ "$(sa_state "$A")" = established ] && [ "$(child_count "$A")" = 1 ] && swan_up; }
a_s_down() { [ "$(sa_state "$A")" = none ] && swan_none; }

what="Oakley initiates to strongSwan with certificates"
oakn "$A" up s || die "$what: oak up failed"
wait_for 30 a_s_up || die "$what: not established"
swan --list-sas >"$TMP/sas" 2>&1
ping_through "$what" 10.3.0.1
oakn "$A" down s || die "$what: oak down failed"
wait_for 10 a_s_down || die "$what: SAs left after oak down"
log "$what: ok"

what="strongSwan initiates to Oakley with certificates"
swan --initiate --child net >"$TMP/swan-init" 2>&1 ||
	{ cat "$TMP/swan-init" >&2; die "$what: swanctl --initiate failed"; }
wait_for 30 a_s_up || die "$what: not established"
ping_through "$what" 10.3.0.1
grep -q "authentication of 's.example.org' (myself) with RSA" "$TMP/charon.log" ||
	die "$what: charon did not sign with RSA"
grep -q "authentication of 'a.example.org' with RSA_EMSA_PKCS1_SHA2_256 successful" \
	"$TMP/charon.log" || die "$what: charon did not verify our RFC 7427 RSA SHA-256 AUTH"
swan --terminate --ike oak >/dev/null 2>&1 || die "$what: swanctl --terminate failed"
wait_for 10 a_s_down || die "$what: SAs left after swanctl --terminate"
log "$what: ok"
charon_stop

# ---- refused ----
auth_failed() { oakn "$A" stats -j | jq -r '.["auth-failed"] // .auth_failed // 0'; }

# refused WHAT INITIATOR: no SA, no xfrm state on either side, A counted it
refused()
{
	local what=$1 init=$2 before peer

	before=$(auth_failed)
	if [ "$init" = A ]; then
		oakn "$A" up b || die "$what: oak up failed"
	else
		oakn "$B" up a || die "$what: oak up failed"
	fi
	wait_for 20 eval '[ "$(auth_failed)" -gt '"$before"' ]' ||
		die "$what: A's auth-failed counter stayed at $before"
	wait_for 10 eval '[ "$(sa_state "$A")" = none ] && [ "$(sa_state "$B")" = none ]' ||
		die "$what: an IKE SA is left (A: $(sa_state "$A"), B: $(sa_state "$B"))"
	for peer in "$A" "$B"; do
		[ -z "$(ip -n "$peer" xfrm state)" ] || die "$what: xfrm states in $peer"
	done
	log "$what: refused ($(auth_failed) auth failures counted)"
}

conf_b bevil.pem b.rsa >"$TMP/b.conf"
oakn "$B" load "$TMP/b.conf" || die "oak load (B, untrusted) failed"
refused "B's leaf from an untrusted CA, B initiates" B
refused "B's leaf from an untrusted CA, A initiates" A
grep -q 'b peer 10.99.0.2: certificate authentication failed: ' <<<"$(dmesg)" ||
	die "no log line naming connection and peer"

conf_b bexp.pem b.rsa >"$TMP/b.conf"
oakn "$B" load "$TMP/b.conf" || die "oak load (B, expired) failed"
refused "B's leaf expired, B initiates" B
grep -q 'certificate authentication failed: .*expired' <<<"$(dmesg)" ||
	die "no log line says expired"

conf_a c.example.org >"$TMP/a.conf"
conf_b b.pem b.rsa c.example.org >"$TMP/b.conf"
oakn "$A" load "$TMP/a.conf" || die "oak load (A, remote-id c) failed"
oakn "$B" load "$TMP/b.conf" || die "oak load (B, local-id c) failed"
refused "B claims an ID its certificate does not carry, B initiates" B
grep -q 'certificate authentication failed: its ID is not in its certificate' <<<"$(dmesg)" ||
	die "no log line says the ID is not in the certificate"

ip netns del "$A"
ip netns del "$B"
ip netns del "$S"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
