#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Test vectors for kernel/tests/pubkey_kunit.c, made with the openssl CLI.

    python3 selftests/kunit/pubkey_vectors.py            # print the header
    python3 selftests/kunit/pubkey_vectors.py --update   # rewrite it in place

Writes kernel/tests/pubkey_kunit_vectors.h.  Every key, certificate and
signature comes from `openssl` (genpkey, req, x509, dgst, pkeyutl); Python
only converts formats (DER r,s to r || s) and writes C arrays.  Keys are
fresh on every run, so the header changes completely each time: commit the
script and the header together.

Contents:
- an RSA-2048 CA (self-signed, sha256) and two RSA-2048 leaves it signed,
  one with sha256WithRSAEncryption, one with RSASSA-PSS (SHA-256, salt 32);
- an ECDSA P-384 CA (ecdsa-with-SHA384) and a P-256 leaf it signed with
  ecdsa-with-SHA256 (a digest shorter than the CA's n);
- signatures over MSG by the RSA leaf's key: PKCS#1 v1.5 with SHA-256/384/512,
  PKCS#1 v1.5 without DigestInfo over a 20-byte DATA20 (pkeyutl without
  -digest, IKEv1's form), RSASSA-PSS SHA-256 salt 32 and SHA-384 salt 48;
- by the P-256 leaf's key: ECDSA SHA-256 (DER and r || s) and SHA-384 (DER,
  digest truncated to 256 bits); by the P-384 CA's key: ECDSA SHA-384
  (DER and r || s);
- the RSA leaf's private key as PKCS#1 RSAPrivateKey DER, for signing.
PKUNIT_NOW is a time inside every certificate's validity.
"""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "kernel", "tests", "pubkey_kunit_vectors.h")
MSG = b"Oakley: the octets an IKE peer signs (pubkey_kunit)"
DATA20 = bytes(range(0x40, 0x54))


def run(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout


def der_len(b, i):
    n = b[i]
    if n < 0x80:
        return n, i + 1
    k = n & 0x7f
    return int.from_bytes(b[i + 1:i + 1 + k], "big"), i + 1 + k


def ecdsa_raw(der, size):
    """DER SEQUENCE { r, s } to r || s, each size bytes."""
    assert der[0] == 0x30
    _, i = der_len(der, 1)
    out = b""
    for _ in range(2):
        assert der[i] == 0x02
        n, i = der_len(der, i + 1)
        v = int.from_bytes(der[i:i + n], "big")
        out += v.to_bytes(size, "big")
        i += n
    return out


def carr(name, b):
    lines = [f"static const u8 {name}[{len(b)}] = {{"]
    for i in range(0, len(b), 12):
        lines.append("\t" + " ".join(f"0x{x:02x}," for x in b[i:i + 12]).rstrip())
    lines.append("};")
    lines.append("")
    return "\n".join(lines)


def main():
    d = tempfile.mkdtemp(prefix="pubkey_vectors.")
    p = lambda f: os.path.join(d, f)  # noqa: E731
    with open(p("msg"), "wb") as f:
        f.write(MSG)
    with open(p("data20"), "wb") as f:
        f.write(DATA20)
    with open(p("leaf.ext"), "w") as f:
        f.write("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
                "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
                "subjectAltName=DNS:gw.example.org\n")

    def key(name, *opts):
        run("genpkey", *opts, "-out", p(name + ".key"))

    def ca(name, md):
        run("req", "-x509", "-new", "-key", p(name + ".key"), "-subj", f"/O=Oakley/CN={name}",
            "-days", "36500", f"-{md}", "-config", "/dev/null",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-addext", "subjectKeyIdentifier=hash",
            "-outform", "DER", "-out", p(name + ".der"))

    def leaf(name, ca_name, md, *sigopt):
        run("req", "-new", "-key", p(name + ".key"), "-subj", f"/O=Oakley/CN={name}",
            "-config", "/dev/null", "-out", p(name + ".csr"))
        run("x509", "-req", "-in", p(name + ".csr"), "-CA", p(ca_name + ".der"),
            "-CAform", "DER", "-CAkey", p(ca_name + ".key"), "-set_serial", "0x1234",
            "-days", "36500", f"-{md}", *sigopt, "-extfile", p("leaf.ext"),
            "-outform", "DER", "-out", p(name + ".der"))

    def sign(keyname, *opts, data="msg"):
        return run("dgst", *opts, "-sign", p(keyname + ".key"), p(data))

    rsa = ("-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048")
    key("rsa_ca", *rsa)
    key("rsa_leaf", *rsa)
    key("ec_ca", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384")
    key("ec_leaf", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256")
    now = int(time.time())
    ca("rsa_ca", "sha256")
    ca("ec_ca", "sha384")
    leaf("rsa_leaf", "rsa_ca", "sha256")
    os.rename(p("rsa_leaf.der"), p("rsa_leaf_pkcs1.der"))
    leaf("rsa_leaf", "rsa_ca", "sha256", "-sigopt", "rsa_padding_mode:pss",
         "-sigopt", "rsa_pss_saltlen:32", "-sigopt", "rsa_mgf1_md:sha256")
    os.rename(p("rsa_leaf.der"), p("rsa_leaf_pss.der"))
    leaf("ec_leaf", "ec_ca", "sha256")

    def pss(md, salt):
        return sign("rsa_leaf", f"-{md}", "-sigopt", "rsa_padding_mode:pss",
                    "-sigopt", f"rsa_pss_saltlen:{salt}", "-sigopt", f"rsa_mgf1_md:{md}")

    ec256 = sign("ec_leaf", "-sha256")
    ec384 = sign("ec_ca", "-sha384")
    out = [
        "/* SPDX-License-Identifier: GPL-2.0 */",
        "/* Generated by selftests/kunit/pubkey_vectors.py with "
        + run("version").decode().split(" (")[0].strip() + ": do not edit. */",
        "#ifndef OAKLEY_TESTS_PUBKEY_KUNIT_VECTORS_H",
        "#define OAKLEY_TESTS_PUBKEY_KUNIT_VECTORS_H",
        "",
        f"#define PKUNIT_NOW {now}LL",
        "",
        carr("pk_msg", MSG),
        carr("pk_data20", DATA20),
        carr("pk_rsa_ca", open(p("rsa_ca.der"), "rb").read()),
        carr("pk_rsa_leaf_pkcs1", open(p("rsa_leaf_pkcs1.der"), "rb").read()),
        carr("pk_rsa_leaf_pss", open(p("rsa_leaf_pss.der"), "rb").read()),
        carr("pk_ec_ca", open(p("ec_ca.der"), "rb").read()),
        carr("pk_ec_leaf", open(p("ec_leaf.der"), "rb").read()),
        carr("pk_rsa_priv", run("rsa", "-in", p("rsa_leaf.key"), "-traditional",
                                "-outform", "DER")),
        carr("pk_rsa_sha256", sign("rsa_leaf", "-sha256")),
        carr("pk_rsa_sha384", sign("rsa_leaf", "-sha384")),
        carr("pk_rsa_sha512", sign("rsa_leaf", "-sha512")),
        carr("pk_rsa_nohash", run("pkeyutl", "-sign", "-inkey", p("rsa_leaf.key"),
                                  "-in", p("data20"))),
        carr("pk_pss_sha256", pss("sha256", 32)),
        carr("pk_pss_sha384", pss("sha384", 48)),
        carr("pk_p256_sha256_der", ec256),
        carr("pk_p256_sha256_raw", ecdsa_raw(ec256, 32)),
        carr("pk_p256_sha384_der", sign("ec_leaf", "-sha384")),
        carr("pk_p384_sha384_der", ec384),
        carr("pk_p384_sha384_raw", ecdsa_raw(ec384, 48)),
        "#endif /* OAKLEY_TESTS_PUBKEY_KUNIT_VECTORS_H */",
    ]
    text = "\n".join(out) + "\n"
    if "--update" in sys.argv:
        with open(OUT, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    subprocess.run(["rm", "-rf", d], check=True)


if __name__ == "__main__":
    main()
