#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Expected values for kernel/tests/ikev1_kunit.c, computed independently.

    python3 selftests/kunit/ikev1_vectors.py            # print the tables
    python3 selftests/kunit/ikev1_vectors.py --update   # rewrite them in place

The tables sit between the GENERATED markers of kernel/tests/ikev1_kunit.c.
Every value is computed here from the formulas of RFC 2409 §5, §5.5 and
Appendix B with Python's hmac/hashlib, never with Oakley's code.  NIST's
ACVP IKEv1 KDF vectors (SP 800-135) were not available to this project when
the file was written; RFC 2202's HMAC-SHA1 test case 1 is checked here and
written out as published (it covers the SHA-1 PRF that only IKEv1 uses).
"""
import hashlib
import hmac
import os
import struct
import sys

H = {2: hashlib.sha1, 4: hashlib.sha256, 5: hashlib.sha384, 6: hashlib.sha512}


def prf(h, key, data):
    return hmac.new(key, data, H[h]).digest()


def pat(n, start):
    return bytes((start + i) & 0xff for i in range(n))


def carr(name, b):
    lines = [f"static const u8 {name}[{len(b)}] = {{"]
    for i in range(0, len(b), 12):
        lines.append("\t" + " ".join(f"0x{x:02x}," for x in b[i:i + 12]))
    lines.append("};")
    return "\n".join(lines)


out = []


def emit(s):
    out.append(s)


# ---- RFC 2202 §3, HMAC-SHA1 test case 1 (published) ----
rfc2202 = "b617318655057264e28bc0b6fb378c8ef146be00"
assert hmac.new(b"\x0b" * 20, b"Hi There", hashlib.sha1).hexdigest() == rfc2202
emit("/* RFC 2202 §3 test case 1: HMAC-SHA1(0x0b * 20, \"Hi There\"), as published */")
emit(carr("rfc2202_1", bytes.fromhex(rfc2202)))

# ---- common inputs (the C file builds the same patterns) ----
ni, nr = pat(16, 0x10), pat(24, 0xa0)
psk = b"oakley-ikev1-psk"
gxy = pat(256, 0x33)
cky_i, cky_r = bytes.fromhex("0123456789abcdef"), bytes.fromhex("fedcba9876543210")


def dae(h, skeyid):
    d = prf(h, skeyid, gxy + cky_i + cky_r + b"\x00")
    a = prf(h, skeyid, d + gxy + cky_i + cky_r + b"\x01")
    e = prf(h, skeyid, a + gxy + cky_i + cky_r + b"\x02")
    return d, a, e


def appendix_b(h, e, n):
    if len(e) >= n:
        return e[:n]
    ka, k = b"", b"\x00"
    while len(ka) < n:
        k = prf(h, e, k)
        ka += k
    return ka[:n]


# (name, hash, psk or signature, cipher key bytes)
cases = [
    ("sha1_psk_aes256", 2, True, 32),	# 20 < 32: Appendix B expansion, 2 blocks
    ("sha1_psk_3des", 2, True, 24),	# 20 < 24: expansion
    ("sha256_sig_aes128", 4, False, 16),	# truncation
    ("sha256_psk_aes256", 4, True, 32),	# exactly SKEYID_e
    ("sha384_sig_aes256", 5, False, 32),
    ("sha512_psk_aes192", 6, True, 24),
]
emit("/* name, hash, psk?, enc_len, then SKEYID, _d, _a, _e, the cipher key */")
for name, h, use_psk, n in cases:
    skeyid = prf(h, psk, ni + nr) if use_psk else prf(h, ni + nr, gxy)
    d, a, e = dae(h, skeyid)
    for part, v in (("skeyid", skeyid), ("d", d), ("a", a), ("e", e),
                    ("enc", appendix_b(h, e, n))):
        emit(carr(f"{name}_{part}", v))

# ---- HASH_I / HASH_R, SHA-256 ----
skeyid = prf(4, psk, ni + nr)
gxi, gxr = pat(256, 0x44), pat(256, 0x55)
sai_b = pat(52, 0x60)
idii_b = bytes([1, 17, 1, 244, 192, 0, 2, 1])
idir_b = bytes([2, 0, 0, 0]) + b"gw.example.org"
emit(carr("hash_i_256", prf(4, skeyid, gxi + gxr + cky_i + cky_r + sai_b + idii_b)))
emit(carr("hash_r_256", prf(4, skeyid, gxr + gxi + cky_r + cky_i + sai_b + idir_b)))

# ---- IVs ----
emit(carr("iv1_sha1_16", hashlib.sha1(gxi + gxr).digest()[:16]))
emit(carr("iv1_sha256_8", hashlib.sha256(gxi + gxr).digest()[:8]))
last = pat(16, 0x70)
msgid = 0x2a5e1107
emit(carr("iv2_sha1_16", hashlib.sha1(last + struct.pack(">I", msgid)).digest()[:16]))
emit(carr("iv2_sha512_8", hashlib.sha512(last[:8] + struct.pack(">I", msgid)).digest()[:8]))

# ---- Quick Mode KEYMAT ----
skeyid_d1 = dae(2, prf(2, psk, ni + nr))[0]
skeyid_d256 = dae(4, prf(4, psk, ni + nr))[0]
nqi, nqr = pat(20, 0x80), pat(32, 0x90)
spi = bytes.fromhex("c35a017e")
gqm = pat(256, 0x66)


def keymat(h, kd, g, proto, spi_, n):
    seed = g + bytes([proto]) + spi_ + nqi + nqr
    km, k = b"", b""
    while len(km) < n:
        k = prf(h, kd, k + seed)
        km += k
    return km[:n]


emit("/* SHA-1, ESP, no PFS: 64 bytes (AES-256 + HMAC-SHA2-256 keys) */")
emit(carr("keymat_sha1", keymat(2, skeyid_d1, b"", 3, spi, 64)))
emit("/* SHA2-256, ESP, PFS: 100 bytes */")
emit(carr("keymat_sha256_pfs", keymat(4, skeyid_d256, gqm, 3, spi, 100)))

# ---- HASH(1), HASH(2), HASH(3), SHA-256 ----
skeyid_a = dae(4, prf(4, psk, ni + nr))[1]
rest = pat(120, 0xb0)
mid = struct.pack(">I", msgid)
emit(carr("qm_hash1", prf(4, skeyid_a, mid + rest)))
emit(carr("qm_hash2", prf(4, skeyid_a, mid + nqi + rest)))
emit(carr("qm_hash3", prf(4, skeyid_a, b"\x00" + mid + nqi + nqr)))

text = "\n\n".join(out).replace("*/\n\nstatic", "*/\nstatic") + "\n\n"
if sys.argv[1:] == ["--update"]:
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "../../kernel/tests/ikev1_kunit.c")
    src = open(path).read()
    begin = "/* BEGIN GENERATED by selftests/kunit/ikev1_vectors.py */\n"
    end = "/* END GENERATED */"
    i, j = src.index(begin) + len(begin), src.index(end)
    open(path, "w").write(src[:i] + text + src[j:])
else:
    sys.stdout.write(text)
