#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Malformed-packet torture of a live Oakley responder (selftests/ike_torture.sh).

    torture.py --peer ADDR --psk PSK --stats-ns NS [--oak PATH] [--peer1 ADDR] BATCH...

The v1_* batches go to --peer1, an IKEv1 connection of the target with
remote %any and the same PSK (torture/ikev1.py's Main Mode initiator
offers AES-CBC-128, SHA2-256, MODP 2048).

Runs in the sender's network namespace; reads the target's counters with
`ip netns exec NS oak stats -j`.  Each batch sends its packets, waits until
the target has processed them (rx-packets stable), then checks that the drop
counters it expects moved (a drop in rx-drop-ratelimit, i.e. the receive
queue overflowing, counts for any of them), that every datagram was either
counted as a drop or answered, that objects - half-open did not grow (a
half-open SA lives 30 s; anything else left over is a leak) and that a fresh
PSK handshake still completes.  Prints one TAP line per batch and per check;
exit status 1 if any failed.
"""
import argparse
import json
import os
import re
import select
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ikev2 as ik  # noqa: E402
import ikev1 as v1  # noqa: E402

DROPS = ('rx-drop-malformed', 'rx-drop-no-sa', 'rx-drop-ratelimit', 'rx-drop-auth',
         'rx-drop-replay', 'invalid-syntax', 'no-proposal', 'invalid-ke', 'cookies-sent',
         'auth-failed', 'ike-failed')

P2048 = ik.P2048

# what selftests/lib/dmesg-check.sh fails on (ike_torture.sh passes its --pattern)
KLOG_BAD = os.environ.get('TORTURE_KLOG_BAD') or (
    r'(^|[^A-Za-z_])BUG[: ]|WARNING:|Oops|refcount_t|list_(add|del) corruption|UBSAN|KASAN|'
    r'general protection fault|Kernel panic|kernel BUG at|INFO: task .* blocked')

# X25519 public values whose shared secret with any private key is zero
# (small-order points, RFC 7748 §6.1 "check that the result is not all zero")
X25519_LOW_ORDER = [
    bytes(32),
    (1).to_bytes(32, 'little'),
    bytes.fromhex('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800'),
    bytes.fromhex('5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157'),
    bytes.fromhex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'),
    bytes.fromhex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'),
]


class Ctx:
    def __init__(self, a):
        self.peer, self.psk, self.ns, self.oak = a.peer, a.psk.encode(), a.stats_ns, a.oak
        self.peer1 = a.peer1
        self.sock = ik.udp_socket()
        self.raw = ik.RawSender()
        self.sent = 0
        self.fails = 0
        self.n = 0
        self.klog = len(self.dmesg())

    @staticmethod
    def dmesg():
        return subprocess.run(['dmesg'], capture_output=True, text=True).stdout.splitlines()

    def klog_clean(self):
        """No oops/WARN/BUG/sanitizer report since the last call."""
        lines = self.dmesg()
        new, self.klog = lines[self.klog:], len(lines)
        bad = [ln for ln in new if re.search(KLOG_BAD, ln)]
        for ln in bad[:20]:
            print('# kernel: ' + ln)
        return not bad

    def stats(self):
        out = subprocess.run(['ip', 'netns', 'exec', self.ns, self.oak, 'stats', '-j'],
                             check=True, capture_output=True, text=True).stdout
        flat = {}

        def walk(o):
            if isinstance(o, dict):
                for k, v in o.items():
                    if isinstance(v, (dict, list)):
                        walk(v)
                    elif isinstance(v, int):
                        flat[k] = v
            elif isinstance(o, list):
                for v in o:
                    walk(v)
        walk(json.loads(out))
        return flat

    def settle(self, before_rx, timeout=60):
        """Wait until the target took in what we sent and rx-packets is stable."""
        last, since, end = None, time.time(), time.time() + timeout
        while time.time() < end:
            s = self.stats()
            if s.get('rx-packets') != last:
                last, since = s.get('rx-packets'), time.time()
            elif time.time() - since > 1.0:
                return s
            time.sleep(0.2)
        return self.stats()

    def tap(self, ok, what):
        self.n += 1
        print('%s %d - %s' % ('ok' if ok else 'not ok', self.n, what), flush=True)
        if not ok:
            self.fails += 1

    # sending helpers: every datagram we send is counted
    def raw_send(self, msg, sport=500, dst=None, **kw):
        self.raw.send(msg, dst or self.peer, src_port=sport, **kw)
        self.sent += 1
        if self.sent % 64 == 0:
            time.sleep(0.02)    # do not overflow the target's receive queue

    def v1_send(self, msg, sport=500):
        """A datagram to the IKEv1 target (--peer1)."""
        self.raw_send(msg, sport=sport, dst=self.peer1)

    def main_mode(self):
        return v1.MainMode(self.sock, self.peer1, self.psk)

    def v1_handshake(self):
        """A complete Main Mode, then its Delete; None or what went wrong."""
        mm = self.main_mode()
        err = mm.handshake()
        if err:
            return err
        mm.delete()
        return None

    def udp_send(self, ini, msg):
        ini.send(msg)
        self.sent += 1
        if self.sent % 64 == 0:
            time.sleep(0.02)

    def initiator(self, suite=ik.GCM_X25519):
        return ik.Initiator(self.sock, self.peer, self.psk, suite)

    def handshake(self, suite=ik.GCM_X25519):
        """A complete handshake; returns the Initiator or None."""
        ini = self.initiator(suite)
        r = ini.sa_init()
        if r != 'ok':
            print('# handshake: IKE_SA_INIT -> %r' % (r,))
            return None
        r = ini.ike_auth()
        if r != 'ok':
            print('# handshake: IKE_AUTH -> %r' % (r,))
            return None
        return ini


def spi():
    return os.urandom(8)


def init_req(ctx, suite=ik.GCM_X25519, **kw):
    return ctx.initiator(suite).init_msg(**kw)


# ---- batches: each returns [(counters, n), ...]: sum of the deltas of
# ---- counters (plus rx-drop-ratelimit) must be >= n

def b_truncated(ctx):
    """Truncated headers and header length fields that lie."""
    msg = init_req(ctx)
    n = 0
    for ln in list(range(0, 28)) + list(range(28, len(msg), 7)):
        ctx.raw_send(msg[:ln])
        n += 1
    for bad in (0, 27, len(msg) - 1, len(msg) + 1, len(msg) + 1000, 0xffffffff):
        m = bytearray(msg)
        struct.pack_into('!I', m, 24, bad)
        ctx.raw_send(bytes(m))
        n += 1
    # a giant datagram whose header claims its real length
    big = bytearray(ik.header(spi(), bytes(8), ik.V, ik.SA_INIT, ik.F_I, 0, 65000))
    big += ik.gen(0, os.urandom(65000 - 28 - 4))
    ctx.raw_send(bytes(big))
    # garbage after a valid chain (the header length covers it)
    m = bytearray(msg + os.urandom(40))
    struct.pack_into('!I', m, 24, len(m))
    ctx.raw_send(bytes(m))
    return [(('rx-drop-malformed',), n + 1), (DROPS, n + 2)]


def b_lengths(ctx):
    """Payload lengths past the end, zero/short, overlapping, looping chains."""
    n = 0
    base = [(ik.SA, ik.GCM_X25519.sa_body()), (ik.KE, ik.ke_body(31, os.urandom(32))),
            (ik.NONCE, os.urandom(32))]
    for i in range(3):
        for plen in (0, 1, 3, 0xffff, 2000):
            m = bytearray(ik.message(spi(), bytes(8), ik.SA_INIT, ik.F_I, 0, base))
            off = 28 + sum(len(b) + 4 for _, b in base[:i])
            struct.pack_into('!H', m, off + 2, plen)
            ctx.raw_send(bytes(m))
            n += 1
    # the last payload shorter than the rest of the message
    m = bytearray(ik.message(spi(), bytes(8), ik.SA_INIT, ik.F_I, 0, base))
    off = 28 + sum(len(b) + 4 for _, b in base[:2])
    struct.pack_into('!H', m, off + 2, 20)
    ctx.raw_send(bytes(m))
    n += 1
    # "loops": a chain whose next-payload fields never end (only as many
    # payloads as fit), and 49..200 payloads (more than the parser keeps)
    for count in (49, 64, 200, 1000):
        pls = [(ik.V, os.urandom(4))] * count
        ctx.raw_send(ik.message(spi(), bytes(8), ik.SA_INIT, ik.F_I, 0, pls))
        n += 1
    for t in (ik.N, ik.SA, 255, 1):
        body = b''.join(ik.gen(t, b'') for _ in range(30))   # NP points to itself, no NONE
        ctx.raw_send(ik.header(spi(), bytes(8), t, ik.SA_INIT, ik.F_I, 0, 28 + len(body)) + body)
        n += 1
    # SK not last, SK in a chain twice, SKF alone
    for pls in ([(ik.SK, os.urandom(40)), (ik.N, ik.notify_body(16384))],
                [(ik.SK, os.urandom(40)), (ik.SK, os.urandom(40))]):
        ctx.raw_send(ik.message(spi(), spi(), ik.INFORMATIONAL, ik.F_I, 1, pls))
        n += 1
    # overlapping: a payload length that ends inside the next payload's body
    ov = 0
    for cut in (4, 8, 12):
        m = bytearray(ik.message(spi(), bytes(8), ik.SA_INIT, ik.F_I, 0, base))
        struct.pack_into('!H', m, 28 + 2, len(base[0][1]) + 4 + cut)
        ctx.raw_send(bytes(m))
        ov += 1
    return [(('rx-drop-malformed',), n), (DROPS, n + ov)]


# an IKE_SA_INIT request longer than this is dropped unread (uapi OAKLEY_INIT_REQ_MAX)
INIT_REQ_MAX = 8192


def b_proposals(ctx):
    """Huge and broken SA payloads (IKE_SA_INIT): answered INVALID_SYNTAX or NO_PROPOSAL,
    or dropped as malformed when longer than INIT_REQ_MAX."""
    n = big = 0
    t = ik.GCM_X25519.transforms()
    for count in (17, 100, 1000, 8000):     # 8000 empty proposals fill a datagram
        if count <= 1000:
            props = b''.join(ik.proposal(i % 255 + 1, 1, t, last=i + 1 == count) for i in range(count))
        else:
            props = b''.join(ik.proposal(i % 255 + 1, 1, [], last=i + 1 == count) for i in range(count))
        pls = [(ik.SA, props), (ik.KE, ik.ke_body(31, os.urandom(32))), (ik.NONCE, os.urandom(32))]
        msg = ik.message(spi(), bytes(8), ik.SA_INIT, ik.F_I, 0, pls)
        ctx.raw_send(msg, sport=40000 + n + big)
        if len(msg) > INIT_REQ_MAX:
            big += 1
        else:
            n += 1
    bad = [
        ik.proposal(0, 1, t),                                   # proposal number 0
        ik.proposal(1, 1, t + [ik.transform(1, 12)] * 40),      # 40+ transforms
        ik.proposal(1, 1, t, spi=os.urandom(3)),                # SPI size 3
        ik.proposal(1, 1, t)[:-2],                              # cut transform
        ik.proposal(1, 1, t, last=False),                       # "more" but last
        ik.proposal(1, 1, t) + ik.proposal(3, 1, t),            # numbers not consecutive
        b'\0' * 7,                                              # short
    ]
    for body in bad:
        pls = [(ik.SA, body), (ik.KE, ik.ke_body(31, os.urandom(32))), (ik.NONCE, os.urandom(32))]
        ctx.raw_send(ik.message(spi(), bytes(8), ik.SA_INIT, ik.F_I, 0, pls), sport=40000 + n + big)
        n += 1
    # well-formed but nothing acceptable (16 proposals of unknown algorithms)
    odd = [ik.transform(1, 9999, 256), ik.transform(2, 99), ik.transform(4, 31, last=True)]
    props = b''.join(ik.proposal(i + 1, 1, odd, last=i == 15) for i in range(16))
    pls = [(ik.SA, props), (ik.KE, ik.ke_body(31, os.urandom(32))), (ik.NONCE, os.urandom(32))]
    ctx.raw_send(ik.message(spi(), bytes(8), ik.SA_INIT, ik.F_I, 0, pls), sport=40000 + n + big)
    return [(('invalid-syntax',), n), (('rx-drop-malformed',), big), (('no-proposal',), 1)]


def b_ke(ctx):
    """KE payloads: wrong length, oversized, invalid points, zero/low-order values."""
    cases = []      # (group, data)
    for ln in (1, 16, 31, 33, 64, 1000, 4000):
        cases.append((31, os.urandom(ln)))
    for pub in X25519_LOW_ORDER:
        cases.append((31, pub))
    for ln in (32, 63, 65, 128):
        cases.append((19, os.urandom(ln)))
    cases.append((19, bytes(64)))                               # point at "infinity"
    cases.append((19, (1).to_bytes(32, 'big') * 2))             # (1, 1): not on the curve
    cases.append((19, b'\xff' * 64))                            # coordinates >= p
    p256 = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff
    cases.append((19, p256.to_bytes(32, 'big') + bytes(32)))    # x = p
    for v in (0, 1, P2048 - 1, P2048, P2048 + 1):
        cases.append((14, v.to_bytes(256, 'big') if v < 1 << 2048 else b'\xff' * 256))
    cases.append((14, b'\x01' * 300))                           # oversized MODP
    for grp, data in cases:
        suite = ik.CBC_ECP256 if grp == 19 else (ik.MODP_SUITE if grp == 14 else ik.GCM_X25519)
        ini = ctx.initiator(suite)
        ctx.udp_send(ini, ini.init_msg(ke_data=data))
    # KE shorter than its own header, and a group we did not propose
    ini = ctx.initiator()
    ctx.udp_send(ini, ini.init_msg(ke_data=b''))
    ini = ctx.initiator()
    ctx.udp_send(ini, ini.init_msg(ke_group=20, ke_data=os.urandom(96)))
    return [(('invalid-syntax',), len(cases) + 1), (('invalid-ke',), 1)]


def b_ikev1(ctx):
    """IKEv1 (version 1.0) and other versions to the IKEv2 path."""
    n = 0
    for exch in (2, 4, 5, 32, 34):      # Main, Aggressive, Informational, Quick, v2 SA_INIT
        sa = struct.pack('!II', 1, 1) + os.urandom(40)
        body = ik.gen(0, sa)
        m = struct.pack('!8s8sBBBBII', spi(), bytes(8), 1, 0x10, exch, 0, 0, 28 + len(body)) + body
        ctx.raw_send(m)
        n += 1
    for ver in (0x00, 0x10, 0x30, 0xf0, 0x12):
        ctx.raw_send(init_req(ctx)[:17] + bytes([ver]) + init_req(ctx)[18:])
        n += 1
    # minor version 1 is still version 2 (RFC 7296 §3.1): processed normally
    # (no IKEv1 connection on this address: an Informational without CKY-R
    # looks for an SA of ours, rx-drop-no-sa)
    return [(('rx-drop-malformed', 'rx-drop-no-sa'), n)]


# ---- IKEv1 (version 1.0) against B's IKEv1 connection (--peer1) ----

def v1_msg1(sa=None, payloads=None, cky_i=None):
    pls = payloads if payloads is not None else [(v1.SA, v1.sa_body() if sa is None else sa)]
    return v1.message(cky_i or spi(), bytes(8), v1.MAIN, 0, 0, pls)


def b_v1_truncated(ctx):
    """Main Mode message 1 cut short anywhere, and header lengths that lie."""
    msg = v1_msg1()
    n = 0
    for ln in list(range(0, 28)) + list(range(28, len(msg), 3)):
        ctx.v1_send(msg[:ln])
        n += 1
    lies = 0
    for bad in (0, 27, 28, len(msg) - 1, len(msg) + 1, len(msg) + 1000, 0xffffffff):
        m = bytearray(v1_msg1())
        struct.pack_into('!I', m, 24, bad)
        ctx.v1_send(bytes(m))
        lies += 1
    # a 60 KB message whose header claims its real length, all one VID payload
    ctx.v1_send(v1.message(spi(), bytes(8), v1.MAIN, 0, 0, [(v1.VID, os.urandom(60000))]))
    return [(('rx-drop-malformed',), n), (DROPS + ('tx-packets',), n + lies + 1)]


def b_v1_lengths(ctx):
    """Payload, proposal and transform lengths that lie, looping chains,
    attributes running past the end of their transform."""
    n = 0
    good = v1_msg1()
    # the SA payload's own length (generic header at 28)
    for plen in (0, 1, 3, 4, 7, 0xffff, len(good) - 28 + 1):
        m = bytearray(v1_msg1())
        struct.pack_into('!H', m, 28 + 2, plen)
        ctx.v1_send(bytes(m))
        n += 1
    # the proposal's length (at 28 + 4 + 8) and the transform's (after the
    # proposal header and its 4 fixed bytes)
    for off in (28 + 12, 28 + 12 + 8):
        for plen in (0, 3, 4, 7, 0xffff, 200):
            m = bytearray(v1_msg1())
            struct.pack_into('!H', m, off + 2, plen)
            ctx.v1_send(bytes(m))
            n += 1
    # attributes past the end: a TLV attribute whose length runs out of the
    # transform, a TV attribute cut in half, a TLV with a huge length
    for raw in (struct.pack('!HH', 1, 200) + b'\0' * 8,
                v1.attrs_tv(v1.P1_ATTRS) + b'\x80\x01',
                struct.pack('!HH', 12, 0xffff) + b'\0' * 4,
                v1.attrs_tv(v1.P1_ATTRS) + struct.pack('!HH', 12, 5) + b'\0' * 2):
        t = v1.transform(1, raw_attrs=raw)
        ctx.v1_send(v1_msg1(v1.sa_body([v1.proposal(1, [t])])))
        n += 1
    # looping chains: payloads whose next-payload names their own type and
    # never ends, and 300 / 1000 payloads before the SA
    for t in (v1.SA, v1.VID, v1.N, v1.P, 255):
        body = b''.join(v1.gen(t, b'') for _ in range(40))
        ctx.v1_send(v1.header(spi(), bytes(8), t, v1.MAIN, 0, 0, 28 + len(body)) + body)
        n += 1
    many = 0
    for count in (300, 1000):
        pls = [(v1.VID, os.urandom(4))] * count + [(v1.SA, v1.sa_body())]
        ctx.v1_send(v1_msg1(payloads=pls))
        many += 1
    # the proposal or transform chain inside the SA payload says "more"
    # after its last member (a parser that goes by the counts may take it)
    loop_t = v1.gen(v1.T, struct.pack('!BBH', 1, 1, 0) + v1.attrs_tv(v1.P1_ATTRS))
    loop_p = v1.gen(v1.P, struct.pack('!BBBB', 1, 1, 0, 1) + v1.transform(1))
    for body in (v1.sa_body([v1.proposal(1, [loop_t] * 3)]), v1.sa_body([loop_p] * 3)):
        ctx.v1_send(v1_msg1(body))
        many += 1
    # payloads that overlap: the SA's length ends inside its proposal
    for cut in (4, 8, 12):
        m = bytearray(v1_msg1())
        struct.pack_into('!H', m, 28 + 2, 4 + 8 + cut)
        ctx.v1_send(bytes(m))
        n += 1
    return [(('rx-drop-malformed', 'no-proposal'), n), (DROPS + ('tx-packets',), n + many)]


def b_v1_proposals(ctx):
    """SA payloads: 1,000 transforms, odd DOIs, protocols, SPIs, numbers."""
    unknown = [(1, 99), (2, 99), (3, 1), (4, 14)]
    n = 0
    # 1000 transforms (~24 KB; more than ISAKMP_MAX_TRANSFORMS), of no known
    # algorithm, or with the acceptable one last: dropped unread
    ts = [v1.transform(i % 256, unknown, last=i == 999) for i in range(1000)]
    ctx.v1_send(v1_msg1(v1.sa_body([v1.proposal(1, ts)])))
    ts = [v1.transform(i % 256, unknown, last=False) for i in range(999)] + [v1.transform(1)]
    ctx.v1_send(v1_msg1(v1.sa_body([v1.proposal(1, ts)])))
    n += 2
    # as many as are read (8 proposals of 32 transforms), none acceptable:
    # NO-PROPOSAL-CHOSEN
    props = [v1.proposal(i + 1, [v1.transform(j + 1, unknown, last=j == 31) for j in range(32)],
                         last=i == 7) for i in range(8)]
    ctx.v1_send(v1_msg1(v1.sa_body(props)))
    n += 1
    bad = [
        v1.sa_body(doi=0),                                          # DOI 0 (ISAKMP)
        v1.sa_body(doi=2),
        v1.sa_body(situation=0),
        v1.sa_body(situation=4),                                    # secrecy
        v1.sa_body([v1.proposal(1, [v1.transform(1)], proto=3)]),   # ESP in phase 1
        v1.sa_body([v1.proposal(1, [v1.transform(1)], spi=os.urandom(3))]),
        v1.sa_body([v1.proposal(1, [v1.transform(1, tid=0)])]),     # not KEY_IKE
        v1.sa_body([v1.proposal(1, [])]),                           # no transform
        v1.sa_body([v1.proposal(1, [v1.transform(1, last=False)])]),  # "more" but last
        v1.sa_body([v1.proposal(1, [v1.transform(1)], last=False)]),
        v1.sa_body([]),                                             # no proposal
        v1.sa_body()[:8],                                           # DOI and situation only
        b'\0' * 3,                                                  # shorter than DOI
        v1.sa_body([v1.proposal(1, [v1.transform(1, [(1, 7), (2, 4), (3, 1), (4, 14)])])]),
        v1.sa_body([v1.proposal(1, [v1.transform(1, [(1, 7), (14, 129), (2, 4), (3, 1),
                                                     (4, 14)])])]),  # key length 129
        v1.sa_body([v1.proposal(1, [v1.transform(1, [(1, 7), (14, 128), (2, 4), (3, 1),
                                                     (4, 14), (11, 1), (12, 0)])])]),
        v1.sa_body([v1.proposal(1, [v1.transform(1, [(1, 7), (14, 128), (2, 4), (3, 1),
                                                     (4, 14), (4, 2), (4, 31)])])]),
        v1.sa_body([v1.proposal(i + 1, [v1.transform(1, unknown)], last=i == 63)
                    for i in range(64)]),                           # 64 proposals
    ]
    for body in bad:
        ctx.v1_send(v1_msg1(body), sport=40000 + n)
        n += 1
    # each of these is dropped, refused (NO-PROPOSAL-CHOSEN) or, where the
    # parser is lenient, answered: every datagram must be accounted for
    return [(('rx-drop-malformed',), 2), (('no-proposal',), 1), (DROPS + ('tx-packets',), n)]


def b_v1_ke(ctx):
    """Main Mode message 3 with KE and Nonce of wrong sizes, on one
    exchange, which must then complete; degenerate DH values on fresh ones."""
    mm = ctx.main_mode()
    err = mm.step1()
    if err:
        ctx.tap(False, 'v1_ke: %s' % err)
        return []
    nbad = 0
    for ke in (b'', b'\1', os.urandom(128), os.urandom(255), os.urandom(257),
               os.urandom(512), os.urandom(4000)):
        ctx.udp_send(mm, mm.msg3(ke=ke))
        nbad += 1
    for nonce in (b'', b'\1' * 4, os.urandom(7), os.urandom(300)):
        ctx.udp_send(mm, mm.msg3(nonce=nonce))
        nbad += 1
    # no KE, no Nonce, neither
    for pls in ([(v1.NONCE, mm.ni)], [(v1.KE, mm.dh.pub)], [(v1.VID, os.urandom(16))]):
        ctx.udp_send(mm, v1.message(mm.cky_i, mm.cky_r, v1.MAIN, 0, 0, pls))
        nbad += 1
    time.sleep(1)
    mm.drain()
    err = mm.step2() or mm.step3()
    ctx.tap(err is None, 'v1_ke: Main Mode completes after %d bad messages 3 (%s)' %
            (nbad, err or 'ok'))
    if err is None:
        mm.delete()
    # KE values 0, 1, p - 1, p, all ones: refused (crypto/dh.c), the
    # exchange fails with INVALID-KEY-INFORMATION
    deg = 0
    for v in (0, 1, P2048 - 1, P2048):
        k = ctx.main_mode()
        if k.step1():
            continue
        ctx.udp_send(k, k.msg3(ke=v.to_bytes(256, 'big')))
        deg += 1
    k = ctx.main_mode()
    if not k.step1():
        ctx.udp_send(k, k.msg3(ke=b'\xff' * 256))
        deg += 1
    return [(('invalid-syntax',), nbad), (('ike-failed',), deg),
            (DROPS + ('tx-packets',), nbad + deg)]


def v1_flips(msg):
    """Every bit of the ISAKMP header's version, exchange and flags, one
    bit of each other byte (bit = offset % 8)."""
    for off in range(len(msg)):
        bits = range(8) if 17 <= off <= 19 else (off % 8,)
        for b in bits:
            m = bytearray(msg)
            m[off] ^= 1 << b
            yield off, b, bytes(m)


def b_v1_flip1(ctx):
    """Bit flips of a valid Main Mode message 1 (a fresh CKY-I each)."""
    n = 0
    for off, _, m in v1_flips(v1_msg1()):
        if off >= 8:
            m = spi() + m[8:]
        ctx.v1_send(m, sport=20000 + n % 20000)
        n += 1
    return [(DROPS + ('tx-packets',), n)]


def b_v1_flip3(ctx):
    """Bit flips of Main Mode message 5 (IDii, HASH_I under the real keys),
    each on an exchange of its own up to there: dropped or refused, or,
    where the flip is in what neither the HASH nor the parser sees (a flag,
    the padding), answered: those ISAKMP SAs are deleted again.  The flags'
    encryption bit cleared is ignored, not counted."""
    n = silent = 0
    mms = {}
    proto = ctx.main_mode()
    if proto.handshake():
        ctx.tap(False, 'v1_flip3: a Main Mode to flip')
        return []
    proto.delete()
    # every exchange up to message 4 first, then the flipped messages 5: the
    # exchanges share a socket, and one still setting up would take (and
    # drop) the message 6 answering another's flipped message 5
    todo = []
    for off, bit, _ in v1_flips(proto.msg5()):
        mm = ctx.main_mode()
        err = mm.step1() or mm.step2()
        if err:
            ctx.tap(False, 'v1_flip3: exchange for offset %d: %s' % (off, err))
            continue
        todo.append((off, bit, mm))
    for off, bit, mm in todo:
        m = bytearray(mm.msg5())
        m[off] ^= 1 << bit
        ctx.udp_send(mm, bytes(m))
        mms[mm.cky_i] = mm
        n += 1
        if off == 19 and bit == 0:
            silent += 1
    # message 6 answered to a flipped message 5: delete that ISAKMP SA
    answered = 0
    end = time.time() + 3     # the other SAs' retransmissions keep coming
    while time.time() < end and select.select([ctx.sock], [], [], 0.5)[0]:
        r, _ = ctx.sock.recvfrom(65535)
        mm = mms.pop(r[:8], None) if len(r) >= 28 else None
        if mm is None or r[18] != v1.MAIN or not r[19] & v1.F_ENC:
            if mm is not None:
                mms[r[:8]] = mm     # a retransmitted message 4
            continue
        mm.iv = r[-16:]
        mm.delete()
        answered += 1
    print('# v1_flip3: %d of %d flipped messages 5 answered (their SAs deleted)' %
          (answered, n), flush=True)
    return [(DROPS + ('tx-packets',), n - silent)]


def forged_sk(spi_i, spi_r, flags, msgid, body_len, exch=ik.INFORMATIONAL):
    hdr = ik.header(spi_i, spi_r, ik.SK, exch, flags, msgid, 0)
    msg = bytearray(hdr + ik.gen(ik.D, os.urandom(body_len)))
    struct.pack_into('!I', msg, 24, len(msg))
    return bytes(msg)


def b_sk_forged(ctx):
    """Forged SK payloads with the SPIs of an IKE SA set up by a real Oakley
    initiator (TORTURE_SPIS=spi_i:spi_r:role, role = the target's).  The
    target's next message ID is not known (liveness checks move it), so each
    forgery is sent with every message ID below TORTURE_MSGIDS (32): one of
    them is in the window (decrypted: rx-drop-auth), one may be taken for a
    retransmission (answered from the cache), the others are rx-drop-replay."""
    spi_i, spi_r, role = os.environ['TORTURE_SPIS'].split(':')
    spi_i, spi_r = bytes.fromhex(spi_i), bytes.fromhex(spi_r)
    # we play the target's peer: the I flag is set when the target responded
    fl = ik.F_I if role == 'responder' else 0
    nmid = int(os.environ.get('TORTURE_MSGIDS', '32'))
    variants = list(range(0, 60, 3)) + [100, 400, 1500]     # short IV, bad ICV
    for ln in variants:
        for mid in range(nmid):
            ctx.raw_send(forged_sk(spi_i, spi_r, fl, mid, ln))
    n_replay = 0
    for mid in (nmid + 100, 0x7fffffff, 0xffffffff):         # far ahead
        ctx.raw_send(forged_sk(spi_i, spi_r, fl, mid, 64))
        n_replay += 1
    for mid in range(nmid):             # responses to requests never sent
        ctx.raw_send(forged_sk(spi_i, spi_r, fl | ik.F_R, mid, 64))
        n_replay += 1
    n_nosa = 0
    ctx.raw_send(forged_sk(spi_i, spi_r, fl, 2, 64), sport=501)       # wrong peer port
    ctx.raw_send(forged_sk(spi_i, spi(), fl, 2, 64))                  # wrong peer SPI
    ctx.raw_send(forged_sk(spi_i, spi_r, fl ^ ik.F_I, 2, 64))         # wrong I flag
    n_nosa += 3
    nv = len(variants)
    return [(('rx-drop-auth',), nv - 2), (('rx-drop-replay',), nv * (nmid - 2) + n_replay),
            (('rx-drop-no-sa',), n_nosa)]


def b_sk_keys(ctx):
    """SK payloads with correct keys (our own IKE SA): bad padding with a
    valid ICV, bad ICV, short IV, CBC not a block multiple, malformed inner
    chains; then the SA must still work (INFORMATIONAL answered, Delete)."""
    exp = {'rx-drop-auth': 0, 'rx-drop-malformed': 0, 'rx-drop-replay': 0}
    for suite in (ik.GCM_X25519, ik.CBC_ECP256):
        ini = ctx.handshake(suite)
        if not ini:
            ctx.tap(False, 'sk_keys: handshake with %s' % suite.name)
            continue
        mid = ini.msgid
        live = [(ik.N, ik.notify_body(16384))]
        for pad in (255, 254, 200, 100, 40):                      # Pad Length too large
            ctx.udp_send(ini, ini.sealed(ik.INFORMATIONAL, ik.F_I, mid, live, pad_len=pad))
            exp['rx-drop-auth'] += 1
        ctx.udp_send(ini, ini.sealed(ik.INFORMATIONAL, ik.F_I, mid, live, corrupt_icv=True))
        exp['rx-drop-auth'] += 1
        for t in (0, 1, 4, suite.iv_len - 1, suite.iv_len):        # short IV / no ciphertext
            ctx.udp_send(ini, ini.sealed(ik.INFORMATIONAL, ik.F_I, mid, live, truncate_iv=t))
            exp['rx-drop-auth'] += 1
        if not suite.aead:      # ciphertext not a multiple of the block
            m = bytearray(ini.sealed(ik.INFORMATIONAL, ik.F_I, mid, live))
            m = m[:-17] + m[-16:]
            sk_off = 28
            struct.pack_into('!H', m, sk_off + 2, len(m) - sk_off)
            struct.pack_into('!I', m, 24, len(m))
            ctx.udp_send(ini, bytes(m))
            exp['rx-drop-auth'] += 1
        # valid ICV, malformed inner chains
        bad_inner = [
            [(ik.N, b'')] * 49,                                   # too many payloads
        ]
        for inner in bad_inner:
            ctx.udp_send(ini, ini.sealed(ik.INFORMATIONAL, ik.F_I, mid, inner))
            exp['rx-drop-malformed'] += 1
        for raw in (ik.gen(0, b'\0' * 10)[:3],                   # truncated generic header
                    struct.pack('!BBH', 0, 0, 2000) + b'\0' * 8,  # length past the end
                    struct.pack('!BBH', 0, 0, 2),                 # length < 4
                    ik.gen(ik.SK, b'\0' * 16),                    # SK inside SK
                    ik.gen(0, b'\0' * 4) + b'\0' * 5):            # trailing bytes
            first = ik.N
            hdr = ik.header(ini.spi_i, ini.spi_r, ik.SK, ik.INFORMATIONAL, ik.F_I, mid, 0)
            k = ini.keys
            ctx.udp_send(ini, ik.sk_seal(suite, k.sk_ei, k.sk_ai, hdr, first, raw))
            exp['rx-drop-malformed'] += 1
        # valid ICV, message ID far ahead / a response to nothing
        ctx.udp_send(ini, ini.sealed(ik.INFORMATIONAL, ik.F_I, mid + 5, live))
        ctx.udp_send(ini, ini.sealed(ik.INFORMATIONAL, ik.F_I | ik.F_R, mid, live))
        exp['rx-drop-replay'] += 2
        time.sleep(1)
        ini.drain()
        # still alive: an empty INFORMATIONAL (liveness) is answered
        resp = ini.request(ini.sealed(ik.INFORMATIONAL, ik.F_I, mid, []), 5)
        ctx.tap(resp is not None and ini.open(resp) is not None,
                'sk_keys %s: the IKE SA answers after the garbage' % suite.name)
        ini.msgid = mid + 1
        ctx.tap(ini.delete(), 'sk_keys %s: Delete answered' % suite.name)
    return [((k,), v) for k, v in exp.items()]


def b_exchanges(ctx):
    """Every exchange type, as request and response, with no SA, a half-open
    SA and an established SA (valid SK, our keys)."""
    n = 0
    for exch in range(256):     # no SA
        for fl in (ik.F_I, ik.F_I | ik.F_R):
            if exch == ik.SA_INIT and not fl & ik.F_R:
                m = ik.message(spi(), spi(), exch, fl, 0, [(ik.N, ik.notify_body(16384))])
            else:
                m = forged_sk(spi(), spi(), fl, 1, 48, exch)
            ctx.raw_send(m)
            n += 1
    exp = [(('rx-drop-malformed', 'rx-drop-no-sa'), n)]
    # half-open: garbage of every exchange type with the real SPIs, then the
    # real IKE_AUTH must still complete
    ini = ctx.initiator()
    if ini.sa_init() != 'ok':
        ctx.tap(False, 'exchanges: IKE_SA_INIT for the half-open state')
        return exp
    for exch in range(256):
        for fl in (ik.F_I, ik.F_I | ik.F_R):
            for mid in (0, 1, 2):
                ctx.udp_send(ini, forged_sk(ini.spi_i, ini.spi_r, fl, mid, 48, exch))
    time.sleep(1)
    ini.drain()
    ctx.tap(ini.ike_auth() == 'ok', 'exchanges: IKE_AUTH completes after 1536 garbage messages')
    # established: valid SK messages of every exchange type
    mid = ini.msgid
    for exch in range(256):
        for fl in (ik.F_I, ik.F_I | ik.F_R):
            if exch in (ik.INFORMATIONAL, ik.CREATE_CHILD_SA, ik.SA_INIT) and not fl & ik.F_R:
                continue
            inner = [(ik.N, ik.notify_body(16384))]
            ctx.udp_send(ini, ini.sealed(exch, fl, mid, inner))
    time.sleep(1)
    ini.drain()
    # CREATE_CHILD_SA with nothing usable: answered (an error notify), not dropped
    resp = ini.request(ini.sealed(ik.CREATE_CHILD_SA, ik.F_I, mid, [(ik.N, ik.notify_body(16384))]), 5)
    ctx.tap(resp is not None, 'exchanges: empty CREATE_CHILD_SA request answered')
    if resp is not None:
        mid += 1
    ini.msgid = mid
    ctx.tap(ini.delete(), 'exchanges: Delete answered after every exchange type')
    return exp


def flips(msg, start=0):
    """One bit per byte (bit = offset % 8), every bit of the IKE header."""
    for off in range(start, len(msg)):
        bits = range(8) if off < 28 else (off % 8,)
        for b in bits:
            m = bytearray(msg)
            m[off] ^= 1 << b
            yield off, bytes(m)


def b_flip_init(ctx):
    """Bit flips at every offset of a valid IKE_SA_INIT request (new SPIi each)."""
    ini = ctx.initiator()
    msg = ini.init_msg()
    n = 0
    for off, m in flips(msg):
        if off >= 8:    # a fresh SPIi, so each flip is a new request, not a retransmission
            m = spi() + m[8:]
        ctx.raw_send(m, sport=20000 + n % 20000)
        n += 1
    return [(DROPS + ('tx-packets',), n)]


def b_flip_auth(ctx):
    """Bit flips at every offset of a valid IKE_AUTH request (real SPIs and
    keys), then the unflipped request must still complete the SA."""
    total = 0
    for suite in (ik.GCM_X25519, ik.CBC_ECP256):
        ini = ctx.initiator(suite)
        if ini.sa_init() != 'ok':
            ctx.tap(False, 'flip_auth: IKE_SA_INIT (%s)' % suite.name)
            continue
        msg = ini.auth_msg()
        n = 0
        for off, m in flips(msg):
            ctx.udp_send(ini, m)
            n += 1
        time.sleep(1)
        ini.drain()
        r = ini.ike_auth(msg)
        ctx.tap(r == 'ok', 'flip_auth %s: IKE_AUTH after %d flipped copies -> %r' %
                (suite.name, n, r))
        if r == 'ok':
            ctx.tap(ini.delete(), 'flip_auth %s: Delete answered' % suite.name)
        total += n
    # a flip of the message ID to 0 is a "retransmitted IKE_SA_INIT request":
    # answered with the cached response, not dropped
    return [(DROPS + ('tx-packets',), total)]


BATCHES = {
    'truncated': b_truncated, 'lengths': b_lengths, 'proposals': b_proposals, 'ke': b_ke,
    'ikev1': b_ikev1, 'sk_forged': b_sk_forged, 'sk_keys': b_sk_keys,
    'exchanges': b_exchanges, 'flip_init': b_flip_init, 'flip_auth': b_flip_auth,
    'v1_truncated': b_v1_truncated, 'v1_lengths': b_v1_lengths, 'v1_proposals': b_v1_proposals,
    'v1_ke': b_v1_ke, 'v1_flip1': b_v1_flip1, 'v1_flip3': b_v1_flip3,
}


def run(ctx, name, handshake=True):
    before = ctx.stats()
    ctx.sent = 0
    t0 = time.time()
    exp = BATCHES[name](ctx)
    after = ctx.settle(before.get('rx-packets', 0))
    d = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    slack = d.get('rx-drop-ratelimit', 0)
    print('# %s: %d datagrams in %.1f s; deltas: %s' % (
        name, ctx.sent, time.time() - t0,
        ', '.join('%s %+d' % (k, v) for k, v in sorted(d.items()) if v)), flush=True)
    for counters, n in exp:
        got = sum(d.get(c, 0) for c in counters) + (slack if 'rx-drop-ratelimit' not in counters else 0)
        ctx.tap(got >= n, '%s: %s moved by %d (>= %d expected)' % (name, '+'.join(counters), got, n))
    grow = (after.get('objects', 0) - after.get('half-open', 0)) - \
        (before.get('objects', 0) - before.get('half-open', 0))
    ctx.tap(grow <= 0, '%s: objects - half-open did not grow (%+d)' % (name, grow))
    ctx.tap(ctx.klog_clean(), '%s: kernel log clean (no oops, WARN, BUG, sanitizer report)' % name)
    if handshake:
        ini = ctx.handshake()
        ctx.tap(ini is not None and ini.delete(), '%s: a fresh handshake still completes' % name)
    if handshake and name.startswith('v1_'):
        err = ctx.v1_handshake()
        ctx.tap(err is None, '%s: a fresh IKEv1 Main Mode still completes (%s)' %
                (name, err or 'ok'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--peer', required=True)
    ap.add_argument('--psk', required=True)
    ap.add_argument('--stats-ns', required=True)
    ap.add_argument('--oak', default=os.environ.get('OAKLEY_OAK', 'oak'))
    ap.add_argument('--peer1', help='address of the IKEv1 target (v1_* batches)')
    ap.add_argument('--no-handshake', action='store_true')
    ap.add_argument('batches', nargs='+')
    a = ap.parse_args()
    if any(b.startswith('v1_') for b in a.batches) and not a.peer1:
        ap.error('the v1_* batches need --peer1')
    ctx = Ctx(a)
    for b in a.batches:
        run(ctx, b, not a.no_handshake)
    return 1 if ctx.fails else 0


if __name__ == '__main__':
    sys.exit(main())
