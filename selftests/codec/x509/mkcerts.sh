#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Regenerates the X.509 test fixtures with openssl (openssl ca, fixed dates
# and serials; keys are new each run, so the bytes change, not the facts):
#
#   selftests/codec/x509/*.der          certificates and CRLs (DER)
#   kernel/tests/x509_kunit_certs.h     two of them as C arrays for KUnit
#
# The facts the tests rely on (names, dates, extensions, which link is
# broken) are in this file; test_x509.c also checks the parser's output
# against libcrypto's reading of the same files.
#
#   root-rsa     RSA 2048 root CA, sha256WithRSA, keyCertSign+cRLSign
#   inter-rsa    intermediate CA (pathlen 0) under root-rsa
#   leaf-rsa     RSA 2048 leaf under inter-rsa; SAN DNS/e-mail/IPv4/IPv6
#   leaf-dn      leaf under inter-rsa without SAN (DN identity only)
#   leaf-pss     leaf under root-rsa signed RSASSA-PSS (sha256, salt 32)
#   leaf-sha1    leaf under root-rsa signed sha1WithRSA
#   leaf-sha512  leaf under root-rsa signed sha512WithRSA
#   root-ec      ECDSA P-384 root CA, ecdsa-with-SHA384
#   leaf-ec      P-256 leaf under root-ec, ecdsa-with-SHA256, notAfter in
#                2060 (GeneralizedTime)
#   noca         CA:FALSE "intermediate" under root-rsa; leaf-noca under it
#   noku         CA:TRUE intermediate without keyCertSign; leaf-noku under it
#   inter2       CA under inter-rsa (breaks inter-rsa's pathlen 0);
#                leaf-deep under it
#   rollover     self-issued CA (subject = issuer = inter-rsa's DN, a new key)
#                under inter-rsa: it does not count against pathlen 0;
#                leaf-roll under it
#   leaf-expired notAfter 2021-01-01, under inter-rsa
#   leaf-future  notBefore 2035-01-01, under inter-rsa
#   leaf-crit    a critical extension of an unknown OID, under inter-rsa
#   leaf-revoked under inter-rsa, listed in crl-inter
#   crl-inter    CRL of inter-rsa (lastUpdate 2025-01-01, nextUpdate 2040)
#   crl-root     CRL of root-rsa, empty (no revokedCertificates)
#
# Everything else is valid from 2020-01-01 to 2040-01-01; the tests use
# 2026-06-01 as "now".

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

START=20200101000000Z
END=20400101000000Z

cat > ca.cnf <<'CNF'
[ ca ]
default_ca = d
[ d ]
dir = .
database = ./index.txt
new_certs_dir = ./new
serial = ./serial
crlnumber = ./crlnumber
default_md = sha256
policy = pol
unique_subject = no
email_in_dn = no
[ pol ]
countryName = optional
organizationName = optional
commonName = supplied
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ inter_ext ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ noca_ext ]
basicConstraints = critical, CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ noku_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ leaf_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, 1.3.6.1.5.5.7.3.17
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:moon.example.org, DNS:Gw.Example.ORG, email:moon@Example.org, IP:192.0.2.1, IP:2001:db8::1
[ dn_ext ]
basicConstraints = CA:FALSE
authorityKeyIdentifier = keyid
[ crit_ext ]
basicConstraints = CA:FALSE
authorityKeyIdentifier = keyid
subjectAltName = DNS:crit.example.org
1.3.6.1.4.1.99999.1 = critical, DER:0500
[ crl_ext ]
authorityKeyIdentifier = keyid
CNF

mkdir new
: > index.txt
echo 01 > crlnumber

key_rsa() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null; }
key_ec() {
	openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$2" \
		-pkeyopt ec_param_enc:named_curve -out "$1.key"
}

# sign NAME SERIAL ISSUER EXT [openssl ca options...]; ISSUER "self": root.
# The subject's CN is NAME, or $CN if set.
sign() {
	local name=$1 serial=$2 issuer=$3 ext=$4
	shift 4
	echo "$serial" > serial
	openssl req -new -key "$name.key" -subj "/C=CH/O=Oakley Test/CN=${CN:-$name}" \
		-out "$name.csr"
	if [ "$issuer" = self ]; then
		set -- -selfsign -keyfile "$name.key" "$@"
	else
		set -- -cert "$issuer.pem" -keyfile "$issuer.key" "$@"
	fi
	openssl ca -batch -config ca.cnf -notext -extensions "$ext" -in "$name.csr" \
		-out "$name.pem" "$@" 2>/dev/null
	openssl x509 -in "$name.pem" -outform DER -out "$here/$name.der"
}

dates() { echo -startdate "${1:-$START}" -enddate "${2:-$END}"; }

key_rsa root-rsa
sign root-rsa 1001 self ca_ext $(dates)
key_rsa inter-rsa
sign inter-rsa 1002 root-rsa inter_ext $(dates)
key_rsa leaf-rsa
sign leaf-rsa 1003 inter-rsa leaf_ext $(dates)
cp leaf-rsa.key leaf-dn.key
sign leaf-dn 1004 inter-rsa dn_ext $(dates)
cp leaf-rsa.key leaf-pss.key
sign leaf-pss 1005 root-rsa leaf_ext $(dates) -sigopt rsa_padding_mode:pss \
	-sigopt rsa_pss_saltlen:32
cp leaf-rsa.key leaf-sha1.key
sign leaf-sha1 1006 root-rsa leaf_ext $(dates) -md sha1
cp leaf-rsa.key leaf-sha512.key
sign leaf-sha512 1007 root-rsa leaf_ext $(dates) -md sha512

key_ec root-ec secp384r1
sign root-ec 2001 self ca_ext $(dates) -md sha384
key_ec leaf-ec prime256v1
sign leaf-ec 2002 root-ec leaf_ext $(dates $START 20600101000000Z) -md sha256

key_rsa noca
sign noca 3001 root-rsa noca_ext $(dates)
cp leaf-rsa.key leaf-noca.key
sign leaf-noca 3002 noca leaf_ext $(dates)
key_rsa noku
sign noku 3003 root-rsa noku_ext $(dates)
cp leaf-rsa.key leaf-noku.key
sign leaf-noku 3004 noku leaf_ext $(dates)
key_rsa inter2
sign inter2 3005 inter-rsa ca_ext $(dates)
cp leaf-rsa.key leaf-deep.key
sign leaf-deep 3006 inter2 leaf_ext $(dates)
key_rsa rollover
CN=inter-rsa sign rollover 3007 inter-rsa ca_ext $(dates)
cp leaf-rsa.key leaf-roll.key
sign leaf-roll 3008 rollover leaf_ext $(dates)

cp leaf-rsa.key leaf-expired.key
sign leaf-expired 4001 inter-rsa leaf_ext $(dates $START 20210101000000Z)
cp leaf-rsa.key leaf-future.key
sign leaf-future 4002 inter-rsa leaf_ext $(dates 20350101000000Z $END)
cp leaf-rsa.key leaf-crit.key
sign leaf-crit 4003 inter-rsa crit_ext $(dates)
cp leaf-rsa.key leaf-revoked.key
sign leaf-revoked 4004 inter-rsa leaf_ext $(dates)

# The CRL database holds whatever this CA's index says: start inter-rsa's
# from only the revoked leaf.
grep -F "CN=leaf-revoked" index.txt > index.inter
cp index.inter index.txt
openssl ca -batch -config ca.cnf -revoke leaf-revoked.pem -cert inter-rsa.pem \
	-keyfile inter-rsa.key 2>/dev/null || true
openssl ca -batch -config ca.cnf -gencrl -cert inter-rsa.pem -keyfile inter-rsa.key \
	-crlexts crl_ext -crl_lastupdate 20250101000000Z -crl_nextupdate $END \
	-out crl-inter.pem 2>/dev/null
openssl crl -in crl-inter.pem -outform DER -out "$here/crl-inter.der"
: > index.txt
openssl ca -batch -config ca.cnf -gencrl -cert root-rsa.pem -keyfile root-rsa.key \
	-crlexts crl_ext -crl_lastupdate 20250101000000Z -crl_nextupdate $END \
	-out crl-root.pem 2>/dev/null
openssl crl -in crl-root.pem -outform DER -out "$here/crl-root.der"

# KUnit: the EC root and leaf (small), as C arrays.
carray() {
	echo "static const u8 $1[] = {"
	od -An -v -tx1 -w12 "$here/$2.der" | sed 's/ \([0-9a-f][0-9a-f]\)/0x\1, /g; s/, $/,/; s/^/\t/'
	echo "};"
}
{
	echo "/* SPDX-License-Identifier: GPL-2.0 */"
	echo "/* Generated by selftests/codec/x509/mkcerts.sh: do not edit. */"
	echo
	carray kunit_root_ec root-ec
	echo
	carray kunit_leaf_ec leaf-ec
	echo
	carray kunit_crl_inter crl-inter
} > "$repo/kernel/tests/x509_kunit_certs.h"
echo "mkcerts.sh: wrote $(ls "$here"/*.der | wc -l) DER files and kernel/tests/x509_kunit_certs.h"
