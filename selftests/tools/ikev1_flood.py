#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send bursts of IKEv1 Main Mode message 1 (RFC 2409 §5: HDR, SA) to a
responder's UDP 500, from many local source addresses.

Each message has a fresh CKY-I and one acceptable-looking proposal
(AES-CBC-256, SHA2-256, pre-shared key, MODP 2048), so each is a new
exchange that would make responder state.  The sources are addresses the
host already has (--src A,B,... or --src-range 10.98.0.100-139): one
unconnected UDP socket is bound to each; the answers (message 2) are read
and thrown away.  --count messages go from each source, round robin.

Prints one JSON line: {"sent": N, "seconds": T, "len": L, "answers": A}
(L: the length of every message 1, for the half-open byte accounting).
"""
import argparse
import ipaddress
import json
import os
import select
import socket
import struct
import time

HDR_LEN = 28
MAIN = 2
PL_SA, PL_P, PL_T = 1, 2, 3
# RFC 2409 Appendix A (TV): AES-CBC, key length 256, SHA2-256, PSK, group 14, 8 h
ATTRS = [(1, 7), (14, 256), (2, 4), (3, 1), (4, 14), (11, 1), (12, 28800)]


def gen(np, body):
    return struct.pack('!BBH', np, 0, 4 + len(body)) + body


def sa_body():
    attrs = b''.join(struct.pack('!HH', 0x8000 | t, v) for t, v in ATTRS)
    trans = gen(0, struct.pack('!BBH', 1, 1, 0) + attrs)      # transform 1, KEY_IKE
    prop = gen(0, struct.pack('!BBBB', 1, 1, 0, 1) + trans)   # proposal 1, ISAKMP
    return struct.pack('!II', 1, 1) + prop                    # IPsec DOI, SIT_IDENTITY_ONLY


def msg1():
    sa = gen(0, sa_body())
    return struct.pack('!8s8sBBBBII', os.urandom(8), bytes(8), PL_SA, 0x10, MAIN, 0, 0,
                       HDR_LEN + len(sa)) + sa


def sources(args):
    if args.src:
        return args.src.split(',')
    first, last = args.src_range.split('-')
    a = ipaddress.IPv4Address(first)
    prefix = str(a).rsplit('.', 1)[0]
    return ['%s.%d' % (prefix, i) for i in range(int(str(a).rsplit('.', 1)[1]), int(last) + 1)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--dst', required=True)
    ap.add_argument('--port', type=int, default=500)
    ap.add_argument('--src', help='comma-separated source addresses')
    ap.add_argument('--src-range', help='A.B.C.X-Y: the sources A.B.C.X to A.B.C.Y')
    ap.add_argument('--count', type=int, default=10, help='messages per source')
    ap.add_argument('--linger', type=float, default=1.0, help='seconds to read answers after')
    args = ap.parse_args()

    socks = []
    for addr in sources(args):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((addr, 0))
        s.setblocking(False)
        socks.append(s)
    sent = answers = length = 0
    t0 = time.monotonic()

    def drain(wait):
        n = 0
        while True:
            r, _, _ = select.select(socks, [], [], wait)
            if not r:
                return n
            for s in r:
                try:
                    s.recv(65535)
                    n += 1
                except (BlockingIOError, ConnectionRefusedError):
                    pass
            wait = 0

    for _ in range(args.count):
        for s in socks:
            m = msg1()
            length = len(m)
            try:
                s.sendto(m, (args.dst, args.port))
                sent += 1
            except BlockingIOError:
                pass
        answers += drain(0)
    secs = time.monotonic() - t0
    answers += drain(args.linger)
    print(json.dumps({'sent': sent, 'seconds': round(secs, 3), 'len': length,
                      'answers': answers}))


if __name__ == '__main__':
    main()
