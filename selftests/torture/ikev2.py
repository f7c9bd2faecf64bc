# SPDX-License-Identifier: GPL-2.0
"""Minimal IKEv2 (RFC 7296) message builder and PSK initiator for Oakley's
torture tests: every field can be set to a wrong value on purpose.

Python 3 standard library plus python3-cryptography (X25519, ECP-256, AES).
Written for selftests/torture/torture.py; not a general IKE implementation.
"""
import hashlib
import hmac
import os
import select
import socket
import struct

from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives import serialization

# payload types
SA, KE, IDI, IDR, CERT, CERTREQ, AUTH, NONCE, N, D, V, TSI, TSR, SK, CP, EAP = range(33, 49)
SKF = 53
# exchanges
SA_INIT, IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL = 34, 35, 36, 37
# header flags
F_I, F_V, F_R = 0x08, 0x10, 0x20
# notify types
N_INVALID_SYNTAX, N_NO_PROPOSAL, N_INVALID_KE, N_AUTH_FAILED = 7, 14, 17, 24
N_COOKIE = 16390
# transform types
T_ENCR, T_PRF, T_INTEG, T_DH, T_ESN = 1, 2, 3, 4, 5

HDR_LEN = 28


def gen(next_type, body, critical=False):
    """One payload: generic header (next payload, flags, length) + body."""
    return struct.pack('!BBH', next_type, 0x80 if critical else 0, len(body) + 4) + body


def chain(payloads):
    """[(type, body[, critical]), ...] -> (first type, bytes)."""
    out = b''
    for i, p in enumerate(payloads):
        nxt = payloads[i + 1][0] if i + 1 < len(payloads) else 0
        out += gen(nxt, p[1], len(p) > 2 and p[2])
    return (payloads[0][0] if payloads else 0), out


def header(spi_i, spi_r, np, exch, flags, msgid, length, version=0x20):
    return struct.pack('!8s8sBBBBII', spi_i, spi_r, np, version, exch, flags, msgid, length)


def message(spi_i, spi_r, exch, flags, msgid, payloads, version=0x20):
    first, body = chain(payloads)
    return header(spi_i, spi_r, first, exch, flags, msgid, HDR_LEN + len(body), version) + body


def transform(ttype, tid, keylen=None, last=False):
    attrs = struct.pack('!HH', 0x800e, keylen) if keylen else b''
    return struct.pack('!BBHBBH', 0 if last else 3, 0, 8 + len(attrs), ttype, 0, tid) + attrs


def proposal(num, proto, transforms, spi=b'', last=True):
    tb = b''.join(transforms)
    return struct.pack('!BBHBBBB', 0 if last else 2, 0, 8 + len(spi) + len(tb), num, proto,
                       len(spi), len(transforms)) + spi + tb


def notify_body(ntype, data=b'', proto=0, spi=b''):
    return struct.pack('!BBH', proto, len(spi), ntype) + spi + data


def ke_body(group, data):
    return struct.pack('!HH', group, 0) + data


def id_body(idtype, data):
    return struct.pack('!B3x', idtype) + data


def auth_body(method, data):
    return struct.pack('!B3x', method) + data


def ts_body(ranges=(('0.0.0.0', '255.255.255.255'),)):
    out = struct.pack('!B3x', len(ranges))
    for a, b in ranges:
        out += struct.pack('!BBHHH', 7, 0, 16, 0, 65535) + socket.inet_aton(a) + socket.inet_aton(b)
    return out


def delete_body(proto, spis=()):
    return struct.pack('!BBH', proto, 4 if spis else 0, len(spis)) + b''.join(spis)


def parse_chain(buf, off, first):
    """Lenient walk: [(type, body)], stops at the first inconsistency."""
    out, t = [], first
    while t and off + 4 <= len(buf):
        nxt, _, plen = struct.unpack_from('!BBH', buf, off)
        if plen < 4 or off + plen > len(buf):
            break
        out.append((t, buf[off + 4:off + plen]))
        off += plen
        if t == SK:
            break
        t = nxt
    return out


def notifies(pls):
    return [struct.unpack_from('!H', b, 2)[0] for t, b in pls if t == N and len(b) >= 4]


# ---- crypto suites ----

class Suite:
    """IKE SA algorithms: ENCR (+ keylen), PRF, INTEG, DH group."""

    def __init__(self, name, encr, keylen, prf, integ, dh):
        self.name, self.encr, self.keylen, self.prf, self.integ, self.dh = \
            name, encr, keylen, prf, integ, dh
        self.aead = encr == 20
        self.iv_len = 8 if self.aead else 16
        self.icv_len = 16
        self.ek_len = keylen // 8 + (4 if self.aead else 0)
        self.ak_len = 0 if self.aead else 32
        self.block = 1 if self.aead else 16

    def transforms(self):
        t = [transform(T_ENCR, self.encr, self.keylen), transform(T_PRF, self.prf)]
        if self.integ:
            t.append(transform(T_INTEG, self.integ))
        t.append(transform(T_DH, self.dh, last=True))
        return t

    def sa_body(self, num=1):
        return proposal(num, 1, self.transforms())


GCM_X25519 = Suite('aes256gcm16-prfsha256-x25519', 20, 256, 5, 0, 31)
CBC_ECP256 = Suite('aes256-sha256-ecp256', 12, 256, 5, 12, 19)
MODP_SUITE = Suite('aes256-sha256-modp2048', 12, 256, 5, 12, 14)


def prf(key, data):
    return hmac.new(key, data, hashlib.sha256).digest()


def prf_plus(key, seed, n):
    out, t, i = b'', b'', 1
    while len(out) < n:
        t = prf(key, t + seed + bytes([i]))
        out += t
        i += 1
    return out[:n]


# RFC 3526 group 14 prime
P2048 = int(
    'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E34'
    '04DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6'
    'F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A6916'
    '3FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C'
    '32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA95'
    '6AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF', 16)


class Dh:
    def __init__(self, group):
        self.group = group
        if group == 14:
            self.priv = int.from_bytes(os.urandom(32), 'big') | 1
            self.pub = pow(2, self.priv, P2048).to_bytes(256, 'big')
        elif group == 31:
            self.priv = x25519.X25519PrivateKey.generate()
            self.pub = self.priv.public_key().public_bytes(serialization.Encoding.Raw,
                                                           serialization.PublicFormat.Raw)
        elif group == 19:
            self.priv = ec.generate_private_key(ec.SECP256R1())
            n = self.priv.public_key().public_numbers()
            self.pub = n.x.to_bytes(32, 'big') + n.y.to_bytes(32, 'big')
        else:
            raise ValueError('group %d' % group)

    def shared(self, peer):
        if self.group == 14:
            return pow(int.from_bytes(peer, 'big'), self.priv, P2048).to_bytes(256, 'big')
        if self.group == 31:
            return self.priv.exchange(x25519.X25519PublicKey.from_public_bytes(peer))
        pub = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b'\x04' + peer)
        return self.priv.exchange(ec.ECDH(), pub)


class Keys:
    def __init__(self, suite, ni, nr, gir, spi_i, spi_r):
        skeyseed = prf(ni + nr, gir)
        s = suite
        km = prf_plus(skeyseed, ni + nr + spi_i + spi_r, 32 * 3 + 2 * s.ak_len + 2 * s.ek_len)
        self.sk_d, km = km[:32], km[32:]
        self.sk_ai, self.sk_ar, km = km[:s.ak_len], km[s.ak_len:2 * s.ak_len], km[2 * s.ak_len:]
        self.sk_ei, self.sk_er, km = km[:s.ek_len], km[s.ek_len:2 * s.ek_len], km[2 * s.ek_len:]
        self.sk_pi, self.sk_pr = km[:32], km[32:64]


def sk_seal(suite, ek, ak, hdr_and_outer, inner_first, inner, pad_len=None, iv=None,
            corrupt_icv=False, truncate_iv=None):
    """Close a message whose bytes so far are hdr_and_outer (IKE header with
    placeholder length, outer payloads; the last outer payload's next-payload
    must already say SK) with an SK payload around inner.  pad_len forces the
    Pad Length octet (bad padding); truncate_iv sends only that many IV bytes
    and no ciphertext (short IV)."""
    s = suite
    iv = iv if iv is not None else os.urandom(s.iv_len)
    pad = (s.block - (len(inner) + 1) % s.block) % s.block
    plain = inner + b'\0' * pad + bytes([pad if pad_len is None else pad_len])
    sk_off = len(hdr_and_outer)
    if truncate_iv is not None:
        body = iv[:truncate_iv]
        total = sk_off + 4 + len(body)
        msg = bytearray(hdr_and_outer + struct.pack('!BBH', inner_first, 0, 4 + len(body)) + body)
        struct.pack_into('!I', msg, 24, total)
        return bytes(msg)
    ct_len = len(plain) + s.icv_len if s.aead else len(plain)
    total = sk_off + 4 + s.iv_len + ct_len + (0 if s.aead else s.icv_len)
    msg = bytearray(hdr_and_outer + struct.pack('!BBH', inner_first, 0, total - sk_off))
    struct.pack_into('!I', msg, 24, total)
    if s.aead:
        ct = AESGCM(ek[:-4]).encrypt(ek[-4:] + iv, plain, bytes(msg))
        msg += iv + ct
    else:
        enc = Cipher(algorithms.AES(ek), modes.CBC(iv)).encryptor()
        msg += iv + enc.update(plain) + enc.finalize()
        msg += hmac.new(ak, bytes(msg), hashlib.sha256).digest()[:16]
    if corrupt_icv:
        msg[-1] ^= 0x01
    return bytes(msg)


def sk_open(suite, ek, ak, msg):
    """-> (inner first type, inner bytes) or None."""
    s = suite
    if len(msg) < HDR_LEN:
        return None
    pls = parse_chain(msg, HDR_LEN, msg[16])
    if not pls or pls[-1][0] != SK:
        return None
    body = pls[-1][1]
    sk_off = len(msg) - len(body) - 4
    first = msg[sk_off]
    iv = body[:s.iv_len]
    try:
        if s.aead:
            plain = AESGCM(ek[:-4]).decrypt(ek[-4:] + iv, body[s.iv_len:], msg[:sk_off + 4])
        else:
            ct = body[s.iv_len:-16]
            if hmac.new(ak, msg[:-16], hashlib.sha256).digest()[:16] != msg[-16:]:
                return None
            dec = Cipher(algorithms.AES(ek), modes.CBC(iv)).decryptor()
            plain = dec.update(ct) + dec.finalize()
    except Exception:
        return None
    if not plain or plain[-1] + 1 > len(plain):
        return None
    return first, plain[:len(plain) - plain[-1] - 1]


class Initiator:
    """A PSK initiator talking to (dst, 500) from an unconnected UDP socket."""

    def __init__(self, sock, dst, psk, suite=GCM_X25519, idi=b'torture.test', dport=500):
        self.sock, self.dst, self.psk, self.suite = sock, (dst, dport), psk, suite
        self.idi = idi
        self.spi_i = os.urandom(8)
        self.spi_r = bytes(8)
        self.ni = os.urandom(32)
        self.dh = Dh(suite.dh)
        self.keys = None
        self.msgid = 0
        self.init_req = None
        # a host of its own in TSi: Child SAs of concurrent SAs do not collide
        r = os.urandom(2)
        self.ts_host = '10.51.%d.%d' % (r[0], r[1] % 254 + 1)

    # -- transport --
    def send(self, msg):
        self.sock.sendto(msg, self.dst)

    def recv(self, timeout=3.0, want=None):
        """Next datagram for our SPIi (want(msg) -> bool filters), or None."""
        end = timeout
        while True:
            r, _, _ = select.select([self.sock], [], [], end)
            if not r:
                return None
            msg, _ = self.sock.recvfrom(65535)
            if len(msg) >= HDR_LEN and msg[:8] == self.spi_i and (want is None or want(msg)):
                return msg
            end = 0.5

    def drain(self):
        while select.select([self.sock], [], [], 0)[0]:
            self.sock.recvfrom(65535)

    # -- IKE_SA_INIT --
    def init_msg(self, cookie=None, ke_data=None, ke_group=None, extra=()):
        pls = []
        if cookie:
            pls.append((N, notify_body(N_COOKIE, cookie)))
        pls += [(SA, self.suite.sa_body()),
                (KE, ke_body(ke_group or self.suite.dh, self.dh.pub if ke_data is None else ke_data)),
                (NONCE, self.ni)]
        pls += list(extra)
        return message(self.spi_i, bytes(8), SA_INIT, F_I, 0, pls)

    def sa_init(self, ke_data=None, ke_group=None, timeout=5.0):
        """-> 'ok', a notify type number, or None (no answer)."""
        cookie = None
        for _ in range(3):
            self.init_req = self.init_msg(cookie, ke_data, ke_group)
            self.send(self.init_req)
            resp = self.recv(timeout, lambda m: m[18] == SA_INIT and m[19] & F_R)
            if resp is None:
                return None
            pls = parse_chain(resp, HDR_LEN, resp[16])
            ns = notifies(pls)
            if N_COOKIE in ns:
                cookie = [b[4 + b[1]:] for t, b in pls if t == N and
                          struct.unpack_from('!H', b, 2)[0] == N_COOKIE][0]
                continue
            err = [n for n in ns if n < 16384]
            if err:
                return err[0]
            ke = [b for t, b in pls if t == KE]
            nr = [b for t, b in pls if t == NONCE]
            if not ke or not nr:
                return 'malformed'
            self.spi_r = resp[8:16]
            self.nr = nr[0]
            self.init_resp = resp
            gir = self.dh.shared(ke[0][4:])
            self.keys = Keys(self.suite, self.ni, self.nr, gir, self.spi_i, self.spi_r)
            self.msgid = 1
            return 'ok'
        return 'cookie-loop'

    # -- SK messages --
    def sealed(self, exch, flags, msgid, inner, **kw):
        """An SK message from us (initiator keys) with inner [(type, body), ...]."""
        first, body = chain(inner)
        hdr = header(self.spi_i, self.spi_r, SK, exch, flags, msgid, 0)
        k = self.keys
        return sk_seal(self.suite, k.sk_ei, k.sk_ai, hdr, first, body, **kw)

    def open(self, msg):
        k = self.keys
        r = sk_open(self.suite, k.sk_er, k.sk_ar, msg)
        if r is None:
            return None
        return parse_chain(r[1], 0, r[0])

    def auth_msg(self, psk=None):
        idb = id_body(2, self.idi)      # ID_FQDN
        signed = self.init_req + self.nr + prf(self.keys.sk_pi, idb)
        a = prf(prf(psk or self.psk, b'Key Pad for IKEv2'), signed)
        inner = [(IDI, idb), (AUTH, auth_body(2, a)),
                 (SA, proposal(1, 3, [transform(T_ENCR, 20, 256), transform(T_ESN, 0, last=True)],
                               spi=os.urandom(4))),
                 (TSI, ts_body(((self.ts_host, self.ts_host),))), (TSR, ts_body())]
        return self.sealed(IKE_AUTH, F_I, 1, inner)

    def request(self, msg, timeout=3.0):
        """Send a request, wait for the response with its message ID."""
        mid = struct.unpack_from('!I', msg, 20)[0]
        self.send(msg)
        return self.recv(timeout, lambda m: m[19] & F_R and struct.unpack_from('!I', m, 20)[0] == mid)

    def ike_auth(self, msg=None, timeout=5.0):
        """-> 'ok', a notify type, or None."""
        resp = self.request(msg or self.auth_msg(), timeout)
        if resp is None:
            return None
        pls = self.open(resp)
        if pls is None:
            return 'undecryptable'
        self.msgid = 2
        err = [n for n in notifies(pls) if n < 16384]
        if err:
            return err[0]
        return 'ok' if any(t == AUTH for t, _ in pls) else 'malformed'

    def delete(self, timeout=3.0):
        """INFORMATIONAL Delete(IKE); True if answered."""
        msg = self.sealed(INFORMATIONAL, F_I, self.msgid, [(D, delete_body(1))])
        resp = self.request(msg, timeout)
        self.msgid += 1
        return resp is not None and self.open(resp) is not None


def udp_socket(bind_addr=''):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((bind_addr, 0))
    return s


class RawSender:
    """UDP datagrams with any source address/port (IPv4, no UDP checksum)."""

    def __init__(self):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)

    def send(self, payload, dst, src_port=500, dport=500, udp_len=None):
        ln = 8 + len(payload) if udp_len is None else udp_len
        self.s.sendto(struct.pack('!HHHH', src_port, dport, ln, 0) + payload, (dst, 0))
