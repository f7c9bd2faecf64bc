# SPDX-License-Identifier: GPL-2.0
"""A minimal IKEv1 Main Mode initiator with a pre-shared key (RFC 2409 §5,
Appendix B), for torture.py's IKEv1 batches: one proposal (AES-CBC-128,
SHA2-256, MODP 2048, PSK), the messages it sends and the keys it derives, so
a batch can build any of them, break it, and still finish the exchange."""
import hashlib
import hmac
import os
import select
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

import ikev2 as ik

HDR_LEN = 28
V1 = 0x10
MAIN, AGGRESSIVE, INFO, QUICK = 2, 4, 5, 32
F_ENC = 0x01
SA, P, T, KE, ID, HASH, NONCE, N, D, VID = 1, 2, 3, 4, 5, 8, 10, 11, 12, 13
ID_FQDN = 2
NO_PROPOSAL_CHOSEN = 14

# RFC 2409 Appendix A attributes (TV): AES-CBC 128, SHA2-256, PSK, group 14, 8 h
P1_ATTRS = [(1, 7), (14, 128), (2, 4), (3, 1), (4, 14), (11, 1), (12, 28800)]


def gen(np, body):
    return struct.pack('!BBH', np, 0, 4 + len(body)) + body


def chain(payloads):
    """[(type, body)...] -> (first type, bytes)."""
    out = b''
    for i, (_, body) in enumerate(payloads):
        np = payloads[i + 1][0] if i + 1 < len(payloads) else 0
        out += gen(np, body)
    return (payloads[0][0] if payloads else 0), out


def header(cky_i, cky_r, np, exch, flags, msgid, length):
    return struct.pack('!8s8sBBBBII', cky_i, cky_r, np, V1, exch, flags, msgid, length)


def message(cky_i, cky_r, exch, flags, msgid, payloads):
    first, body = chain(payloads)
    return header(cky_i, cky_r, first, exch, flags, msgid, HDR_LEN + len(body)) + body


def attrs_tv(attrs):
    return b''.join(struct.pack('!HH', 0x8000 | t, v) for t, v in attrs)


def transform(num, attrs=None, last=True, tid=1, raw_attrs=None):
    body = struct.pack('!BBH', num, tid, 0)
    body += raw_attrs if raw_attrs is not None else attrs_tv(P1_ATTRS if attrs is None else attrs)
    return gen(0 if last else T, body)


def proposal(num, transforms, last=True, proto=1, spi=b''):
    """The count field says 255 for more transforms than it can hold."""
    count = min(len(transforms), 255)
    body = struct.pack('!BBBB', num, proto, len(spi), count) + spi + b''.join(transforms)
    return gen(0 if last else P, body)


def sa_body(proposals=None, doi=1, situation=1):
    if proposals is None:
        proposals = [proposal(1, [transform(1)])]
    return struct.pack('!II', doi, situation) + b''.join(proposals)


def prf(key, data):
    return hmac.new(key, data, hashlib.sha256).digest()


def cbc(key, iv, data, enc):
    c = Cipher(algorithms.AES(key), modes.CBC(iv))
    x = c.encryptor() if enc else c.decryptor()
    return x.update(data) + x.finalize()


def parse_chain(buf, off, first):
    """[(type, body)] of the payload chain at off, or None if it is broken."""
    out, np = [], first
    while np:
        if off + 4 > len(buf):
            return None
        nxt, _, ln = struct.unpack_from('!BBH', buf, off)
        if ln < 4 or off + ln > len(buf):
            return None
        out.append((np, buf[off + 4:off + ln]))
        np, off = nxt, off + ln
    return out


class MainMode:
    """One Main Mode exchange from an unconnected UDP socket to (dst, 500)."""

    def __init__(self, sock, dst, psk, idi=b'torture.test'):
        self.sock, self.dst, self.psk, self.idi = sock, (dst, 500), psk, idi
        self.cky_i = os.urandom(8)
        self.cky_r = bytes(8)
        self.ni = os.urandom(32)
        self.dh = ik.Dh(14)
        self.sai_b = sa_body()
        self.iv = None

    def send(self, msg):
        self.sock.sendto(msg, self.dst)

    def recv(self, timeout=5.0):
        """Next datagram with our CKY-I, or None."""
        end = timeout
        while True:
            r, _, _ = select.select([self.sock], [], [], end)
            if not r:
                return None
            msg, _ = self.sock.recvfrom(65535)
            if len(msg) >= HDR_LEN and msg[:8] == self.cky_i:
                return msg
            end = 0.5

    def drain(self):
        while select.select([self.sock], [], [], 0)[0]:
            self.sock.recvfrom(65535)

    def request(self, msg, timeout=5.0):
        self.send(msg)
        return self.recv(timeout)

    # -- the messages --
    def msg1(self, sa=None):
        return message(self.cky_i, bytes(8), MAIN, 0, 0, [(SA, self.sai_b if sa is None else sa)])

    def msg3(self, ke=None, nonce=None):
        return message(self.cky_i, self.cky_r, MAIN, 0, 0,
                       [(KE, self.dh.pub if ke is None else ke),
                        (NONCE, self.ni if nonce is None else nonce)])

    def id_b(self):
        return struct.pack('!BBH', ID_FQDN, 0, 0) + self.idi

    def msg5(self):
        hash_i = prf(self.skeyid, self.dh.pub + self.gxr + self.cky_i + self.cky_r +
                     self.sai_b + self.id_b())
        return self.seal(MAIN, 0, [(ID, self.id_b()), (HASH, hash_i)], self.iv)

    def seal(self, exch, msgid, payloads, iv):
        first, body = chain(payloads)
        body += bytes(-len(body) % 16)
        ct = cbc(self.ke, iv, body, True)
        return header(self.cky_i, self.cky_r, first, exch, F_ENC, msgid,
                      HDR_LEN + len(ct)) + ct

    # -- the exchange, step by step; each returns None or what went wrong --
    def step1(self):
        r = self.request(self.msg1())
        if r is None:
            return 'no answer to message 1'
        if r[18] != MAIN or r[17] != V1:
            return 'answer to message 1: exchange %d' % r[18]
        self.cky_r = r[8:16]
        return None

    def step2(self):
        r = self.request(self.msg3())
        # a retransmitted message 2 (its first payload the SA) is not the answer
        while r is not None and len(r) > 16 and r[16] == SA:
            r = self.recv()
        if r is None:
            return 'no answer to message 3'
        pls = parse_chain(r, HDR_LEN, r[16])
        ke = [b for t, b in pls or [] if t == KE]
        nr = [b for t, b in pls or [] if t == NONCE]
        if not ke or not nr or len(ke[0]) != 256:
            return 'message 4 without KE/Nonce'
        self.gxr, self.nr = ke[0], nr[0]
        gxy = self.dh.shared(self.gxr)
        self.skeyid = prf(self.psk, self.ni + self.nr)
        c = self.cky_i + self.cky_r
        self.skeyid_d = prf(self.skeyid, gxy + c + b'\0')
        self.skeyid_a = prf(self.skeyid, self.skeyid_d + gxy + c + b'\1')
        self.skeyid_e = prf(self.skeyid, self.skeyid_a + gxy + c + b'\2')
        self.ke = self.skeyid_e[:16]
        self.iv = hashlib.sha256(self.dh.pub + self.gxr).digest()[:16]
        return None

    def step3(self, msg=None):
        """Message 5 (or @msg), then message 6 must verify."""
        m5 = self.msg5() if msg is None else msg
        r = self.request(m5)
        # the responder retransmits message 4 (in the clear) when message 5
        # is late: skip those, message 6 is the encrypted answer
        while r is not None and len(r) > 19 and not r[19] & F_ENC and r[18] == MAIN:
            r = self.recv()
        if r is None:
            return 'no answer to message 5'
        if len(r) < HDR_LEN + 16 or not r[19] & F_ENC or (len(r) - HDR_LEN) % 16:
            return 'message 6 not encrypted'
        plain = cbc(self.ke, m5[-16:], r[HDR_LEN:], False)
        pls = parse_chain(plain, 0, r[16])
        idr = [b for t, b in pls or [] if t == ID]
        hr = [b for t, b in pls or [] if t == HASH]
        if not idr or not hr:
            return 'message 6 without ID/HASH'
        want = prf(self.skeyid, self.gxr + self.dh.pub + self.cky_r + self.cky_i +
                   self.sai_b + idr[0])
        if not hmac.compare_digest(want, hr[0]):
            return 'HASH_R does not verify'
        self.iv = r[-16:]       # the last phase 1 block
        return None

    def handshake(self):
        return self.step1() or self.step2() or self.step3()

    def delete(self):
        """Informational Delete of the ISAKMP SA (not answered in IKEv1)."""
        msgid = struct.unpack('!I', os.urandom(4))[0] | 1
        iv = hashlib.sha256(self.iv + struct.pack('!I', msgid)).digest()[:16]
        dbody = struct.pack('!IBBH', 1, 1, 16, 1) + self.cky_i + self.cky_r
        h = prf(self.skeyid_a, struct.pack('!I', msgid) + gen(0, dbody))
        self.send(self.seal(INFO, msgid, [(HASH, h), (D, dbody)], iv))
