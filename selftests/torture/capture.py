#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Capture IKE datagrams (UDP port 500, and 4500 after the non-ESP marker)
on every interface of the current network namespace with an AF_PACKET
socket, one file per datagram:

    capture.py OUTDIR [PREFIX]     (runs until SIGTERM/SIGINT)

Files are named PREFIX-NNNN-<exchange>-<i|r><q|p>.bin (initiator/responder,
request/response) and hold the IKE message exactly as on the wire.  Used
by selftests/torture/capture.sh to build the fuzzers' seed corpus.
"""
import os
import signal
import socket
import struct
import sys

ETH_P_ALL = 0x0003
EXCH = {34: 'sa_init', 35: 'auth', 36: 'ccs', 37: 'info'}


def ike_payload(frame):
    """IKE bytes of an Ethernet frame carrying IPv4/IPv6 UDP to/from 500/4500."""
    if len(frame) < 14:
        return None
    etype = struct.unpack_from('!H', frame, 12)[0]
    if etype == 0x0800 and len(frame) >= 34:
        ihl = (frame[14] & 0x0f) * 4
        if frame[23] != 17:
            return None
        off = 14 + ihl
    elif etype == 0x86dd and len(frame) >= 62:
        if frame[20] != 17:
            return None
        off = 54
    else:
        return None
    if len(frame) < off + 8:
        return None
    sport, dport, ulen = struct.unpack_from('!HHH', frame, off)
    data = frame[off + 8:off + ulen]
    if 500 in (sport, dport):
        return data
    if 4500 in (sport, dport) and data[:4] == b'\0\0\0\0':
        return data[4:]
    return None


def main():
    out = sys.argv[1]
    prefix = sys.argv[2] if len(sys.argv) > 2 else 'cap'
    os.makedirs(out, exist_ok=True)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    with open(os.path.join(out, '.ready-' + prefix), 'w') as f:   # capture.sh waits for it
        f.write('%d\n' % os.getpid())
    n = 0
    seen = set()
    while True:
        frame, addr = s.recvfrom(65600)
        if addr[0] == 'lo':
            continue
        ike = ike_payload(frame)
        if not ike or len(ike) < 28:
            continue
        if ike in seen:         # the same datagram on a second interface
            continue
        seen.add(ike)
        flags = ike[19]
        name = '%s-%04d-%s-%s%s.bin' % (prefix, n, EXCH.get(ike[18], 'x%d' % ike[18]),
                                        'i' if flags & 0x08 else 'r',
                                        'p' if flags & 0x20 else 'q')
        with open(os.path.join(out, name), 'wb') as f:
            f.write(ike)
        n += 1


if __name__ == '__main__':
    main()
