#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Count "Child SA up" events as they happen and time-stamp them (make bench).

  evcount.py oak N OUT TIMEOUT          read `oak monitor -j` lines on stdin
  evcount.py vici SOCK PREFIX N OUT TIMEOUT
                                        charon: subscribe to child-updown, then
                                        initiate children PREFIX1..PREFIXN over
                                        vici (timeout -1: asynchronous, all at once)

Writes OUT: one line "EPOCH_SECONDS COUNT" per event, then exits 0 when COUNT
reached N, 1 on timeout or EOF.  The first line is "EPOCH 0": with vici the
moment just before the first initiate request, with oak the kernel's time of
the first conn-added event (the load request has reached the kernel).  No process is started per
event: the benchmark must not be slowed down by its own clock.
"""
import re
import socket
import struct
import sys
import time


TIME_NS = re.compile(r'"time-ns":\s*(\d+)')


def out_open(path):
    return open(path, "w", buffering=1)


def event_time(line):
    """The kernel's own time of the event ("time-ns"), else now: reading
    lags behind the kernel on a busy VM (seen: 1.3 s at the end of a run)."""
    m = TIME_NS.search(line)
    return int(m.group(1)) / 1e9 if m else time.time()


def oak_mode(n, out, timeout):
    end = time.time() + timeout
    got = 0
    started = False
    with out_open(out) as f:
        for line in sys.stdin:
            compact = line.replace(" ", "")
            if not started and '"event":"conn-added"' in compact:
                # the kernel has the configuration: the clock starts here,
                # as charon's starts at its first initiate request
                started = True
                f.write("%.6f 0\n" % event_time(line))
            if '"event":"child-up"' in compact:
                got += 1
                f.write("%.6f %d\n" % (event_time(line), got))
                if got >= n:
                    return 0
            if time.time() > end:
                break
    return 1


# --- a minimal vici client (strongSwan's control protocol) ---
CMD_REQUEST, CMD_RESPONSE, CMD_UNKNOWN = 0, 1, 2
EVENT_REGISTER, EVENT_CONFIRM, EVENT_UNKNOWN, EVENT = 3, 5, 6, 7
SECTION_START, SECTION_END, KEY_VALUE = 1, 2, 3
LIST_START, LIST_ITEM, LIST_END = 4, 5, 6


def vici_msg(pairs):
    b = b""
    for k, v in pairs:
        k = k.encode()
        v = v.encode()
        b += bytes([KEY_VALUE, len(k)]) + k + struct.pack(">H", len(v)) + v
    return b


def vici_named(kind, name, body=b""):
    name = name.encode()
    pkt = bytes([kind, len(name)]) + name + body
    return struct.pack(">I", len(pkt)) + pkt


def vici_top_keys(body):
    """Top-level key/values of a message (nested sections are skipped)."""
    keys = {}
    i = depth = 0
    while i < len(body):
        t = body[i]
        i += 1
        if t in (SECTION_START, LIST_START, KEY_VALUE):
            nl = body[i]
            name = body[i + 1:i + 1 + nl].decode(errors="replace")
            i += 1 + nl
            if t == SECTION_START:
                depth += 1
            elif t == KEY_VALUE:
                vl = struct.unpack(">H", body[i:i + 2])[0]
                if depth == 0:
                    keys[name] = body[i + 2:i + 2 + vl].decode(errors="replace")
                i += 2 + vl
        elif t == LIST_ITEM:
            vl = struct.unpack(">H", body[i:i + 2])[0]
            i += 2 + vl
        elif t == SECTION_END:
            depth -= 1
        elif t == LIST_END:
            pass
        else:
            break
    return keys


class Vici:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def recv_pkt(self, deadline):
        while True:
            if len(self.buf) >= 4:
                n = struct.unpack(">I", self.buf[:4])[0]
                if len(self.buf) >= 4 + n:
                    pkt = self.buf[4:4 + n]
                    self.buf = self.buf[4 + n:]
                    return pkt
            left = deadline - time.time()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                d = self.s.recv(1 << 16)
            except socket.timeout:
                return None
            if not d:
                return None
            self.buf += d


def vici_mode(sock, prefix, n, out, timeout):
    v = Vici(sock)
    end = time.time() + timeout
    v.send(vici_named(EVENT_REGISTER, "child-updown"))
    pkt = v.recv_pkt(end)
    if not pkt or pkt[0] != EVENT_CONFIRM:
        print("evcount: vici event registration failed", file=sys.stderr)
        return 1
    got = responses = errors = 0
    with out_open(out) as f:
        f.write("%.6f 0\n" % time.time())
        for i in range(1, n + 1):
            v.send(vici_named(CMD_REQUEST, "initiate", vici_msg([
                ("child", "%s%d" % (prefix, i)), ("timeout", "-1"),
                ("loglevel", "-1"), ("init-limits", "no")])))
        while got < n:
            pkt = v.recv_pkt(end)
            if pkt is None:
                break
            if pkt[0] == CMD_RESPONSE:
                responses += 1
                if vici_top_keys(pkt[1:]).get("success") != "yes":
                    errors += 1
            elif pkt[0] == EVENT:
                nl = pkt[1]
                if pkt[2:2 + nl] == b"child-updown" and \
                        vici_top_keys(pkt[2 + nl:]).get("up") == "yes":
                    got += 1
                    f.write("%.6f %d\n" % (time.time(), got))
    if errors:
        print("evcount: %d initiate requests failed" % errors, file=sys.stderr)
    return 0 if got >= n else 1


def main(argv):
    if len(argv) == 5 and argv[1] == "oak":
        return oak_mode(int(argv[2]), argv[3], float(argv[4]))
    if len(argv) == 7 and argv[1] == "vici":
        return vici_mode(argv[2], argv[3], int(argv[4]), argv[5], float(argv[6]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
