#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn an IKEv1 capture (capture_ikev1.sh) into fuzz_isakmp_* seeds:

    capture_ikev1_import.py CAPDIR OUTDIR

CAPDIR holds the datagrams (*.bin, selftests/torture/capture.py) and
charon's ike level 4 log (charon4.log).  Writes OUTDIR/raw/<name>.bin (each
distinct datagram as captured), OUTDIR/dec/<name>-dec.bin (each encrypted
datagram that one of charon's keys opens, with the plaintext chain and its
padding in place of the ciphertext and the E flag kept: the form of the
builder seeds) and OUTDIR/payload/<name>-<i>.bin (each payload body behind
fuzz_isakmp_payload's selector byte, and each decrypted chain behind the
chain selector).

Decryption as RFC 2409 Appendix B: phase 1 IV = hash(g^xi | g^xr) from the
KE payloads in clear, CBC chained from the last ciphertext block of the
previous message; each Quick Mode / Informational message ID starts from
hash(last phase 1 block | M-ID).  charon logs the keys (encryption key Ka)
but not which SA they belong to: each key, cipher and hash is tried on the
SA's first encrypted message and kept if the plaintext is a valid chain.
"""
import hashlib
import os
import re
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
try:
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:
    TripleDES = algorithms.TripleDES

HDR = 28
MAIN, AGGR = 2, 4
KE = 4
MAX_PAD = 255
# fuzz_isakmp_payload's selectors (isakmp_util.c isakmp_fuzz_types[])
SEL = {1: 0, 4: 1, 5: 2, 6: 3, 7: 4, 8: 5, 9: 6, 10: 7, 11: 8, 12: 9, 13: 10,
       20: 11, 21: 12, 131: 12, 130: 13}
SEL_CHAIN = 14
HASHES = ('sha1', 'sha256', 'sha384', 'sha512')


def chain(buf, off, first):
    """[(type, body)] of the chain at off with at most MAX_PAD bytes after it, or None."""
    out, np = [], first
    while np:
        if off + 4 > len(buf):
            return None
        nxt, res, ln = struct.unpack_from('!BBH', buf, off)
        if ln < 4 or off + ln > len(buf) or res:
            return None
        out.append((np, buf[off + 4:off + ln]))
        np, off = nxt, off + ln
    return out if len(buf) - off <= MAX_PAD else None


def charon_keys(path):
    """Every 'encryption key Ka' charon logged (hex dump lines follow it)."""
    keys, need, buf = [], 0, b''
    hexpart = re.compile(r'^\s*(?:\S+\s+)*?\d+\[\w+\]\s+\d+: ((?:[0-9A-Fa-f]{2} ?)+)')
    if not os.path.exists(path):
        return keys
    for line in open(path, errors='replace'):
        m = re.search(r'encryption key Ka => (\d+) bytes', line)
        if m:
            need, buf = int(m.group(1)), b''
            continue
        if need:
            h = hexpart.match(line)
            if not h:
                need = 0
                continue
            buf += bytes.fromhex(h.group(1).replace(' ', ''))
            if len(buf) >= need:
                keys.append(buf[:need])
                need = 0
    return list(dict.fromkeys(keys))


def ciphers(key):
    if len(key) in (16, 24, 32):
        yield algorithms.AES(key), 16
    if len(key) == 24:
        yield TripleDES(key), 8


def decrypt(alg, iv, data):
    d = Cipher(alg, modes.CBC(iv)).decryptor()
    return d.update(data) + d.finalize()


class Sa:
    """One ISAKMP SA (initiator cookie) and its IV chains."""

    def __init__(self):
        self.ke = []
        self.suite = None       # (alg, block, hash name)
        self.p1 = None          # phase 1 IV chain
        self.p1_last = None
        self.p2 = {}            # M-ID -> IV chain

    def iv(self, msg, h, block):
        msgid = msg[20:24]
        if msg[18] in (MAIN, AGGR) and msgid == b'\0' * 4:
            if self.p1 is None:
                self.p1 = hashlib.new(h, self.ke[0] + self.ke[1]).digest()[:block]
            return self.p1
        if msgid not in self.p2:
            last = self.p1_last or self.p1 or \
                hashlib.new(h, self.ke[0] + self.ke[1]).digest()[:block]
            self.p2[msgid] = hashlib.new(h, last + msgid).digest()[:block]
        return self.p2[msgid]

    def advance(self, msg, block):
        nxt = msg[-block:]
        msgid = msg[20:24]
        if msg[18] in (MAIN, AGGR) and msgid == b'\0' * 4:
            self.p1 = self.p1_last = nxt
        else:
            self.p2[msgid] = nxt

    def find_suite(self, msg, keys):
        body = msg[HDR:]
        for key in keys:
            for alg, block in ciphers(key):
                if len(body) % block:
                    continue
                for h in HASHES:
                    saved = (self.p1, self.p1_last, dict(self.p2))
                    plain = decrypt(alg, self.iv(msg, h, block), body)
                    if chain(plain, 0, msg[16]):
                        self.suite = (alg, block, h)
                        return
                    self.p1, self.p1_last, self.p2 = saved

    def open(self, msg, keys):
        if len(self.ke) < 2:
            return None
        if not self.suite:
            self.find_suite(msg, keys)
        if not self.suite:
            return None
        alg, block, h = self.suite
        if (len(msg) - HDR) % block or len(msg) < HDR + block:
            return None
        plain = decrypt(alg, self.iv(msg, h, block), msg[HDR:])
        if chain(plain, 0, msg[16]) is None:
            return None
        self.advance(msg, block)
        return msg[:HDR] + plain


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)


def payload_seeds(out, name, first, body):
    pls = chain(body, 0, first) or []
    for i, (t, b) in enumerate(pls):
        if t in SEL:
            write(os.path.join(out, 'payload', '%s-%d.bin' % (name, i)), bytes([SEL[t]]) + b)
    if pls:
        write(os.path.join(out, 'payload', '%s-chain.bin' % name),
              bytes([SEL_CHAIN, first]) + body)


def order(name):
    m = re.match(r'(.*?)-(\d+)-', name)
    return (m.group(1), int(m.group(2))) if m else (name, 0)


def main():
    cap, out = sys.argv[1], sys.argv[2]
    keys = charon_keys(os.path.join(cap, 'charon4.log'))
    names = sorted((f for f in os.listdir(cap) if f.endswith('.bin')), key=order)
    sas, seen, nraw, ndec, nenc = {}, set(), 0, 0, 0
    for f in names:
        msg = open(os.path.join(cap, f), 'rb').read()
        if len(msg) < HDR or msg[17] >> 4 != 1 or msg in seen:
            continue
        seen.add(msg)
        exch, flags = msg[18], msg[19]
        name = 'v1-%s%s' % (f[:-4], '-enc' if flags & 1 else '')
        write(os.path.join(out, 'raw', name + '.bin'), msg)
        nraw += 1
        sa = sas.setdefault((f.split('-')[0], msg[:8]), Sa())
        if not flags & 1:
            for t, b in chain(msg, HDR, msg[16]) or []:
                if t == KE and exch in (MAIN, AGGR) and len(sa.ke) < 2 and len(b) > 0:
                    sa.ke.append(b)
            payload_seeds(out, name, msg[16], msg[HDR:])
            continue
        nenc += 1
        dec = sa.open(msg, keys)
        if dec:
            write(os.path.join(out, 'dec', name + '-dec.bin'), dec)
            payload_seeds(out, name + '-dec', msg[16], dec[HDR:])
            ndec += 1
    print('%d datagrams, %d encrypted, %d decrypted with %d charon keys' %
          (nraw, nenc, ndec, len(keys)))


if __name__ == '__main__':
    main()
