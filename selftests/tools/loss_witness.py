#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where did a ping reply go?  A timeline around every lost icmp_seq.

    loss_witness.py --ping FILE [--wire FILE] [--klog FILE] [--peerlog FILE]
                    [--window S] [--label NAME=FILE ...]

--ping     the output of `ping -D -O ...` (epoch timestamps, "no answer yet")
--wire     `tcpdump -tt -n -l` text of the ESP and IKE packets on the link
--klog     `dmesg --time-format iso` (Oakley's pr_debug lines among them)
--peerlog  charon's log with `time_format = %s` and `time_add_ms = yes`
--label    more timestamped text files, NAME=FILE (first field: epoch
           seconds, or an ISO time in brackets as `ip -tshort` prints it;
           a line without one belongs to the line before)

A request is lost when no reply with its icmp_seq came back although a later
one did.  For each, the time it was sent is estimated (ping -O prints "no
answer yet for icmp_seq=N" when it sends N+1, one interval later), and every
line of the other sources within --window seconds of it is printed in time
order, so that the ESP packet of the request (or of its reply), the SPI it
used, and the exchanges around it can be read together.  Exit status: the
number of lost replies (0: none), capped at 100.
"""
import argparse
import datetime
import re
import sys

SEQ = re.compile(r'^\[(\d+\.\d+)\].*icmp_seq=(\d+)')


def ping_times(path):
    """Reply times by seq, 'no answer yet' times by seq, the interval."""
    replies, pending = {}, {}
    with open(path, errors='replace') as f:
        for line in f:
            m = SEQ.match(line)
            if not m:
                continue
            t, seq = float(m.group(1)), int(m.group(2))
            if 'bytes from' in line:
                replies.setdefault(seq, t)
            elif 'no answer yet' in line:
                pending.setdefault(seq, t)
    return replies, pending


def lost_seqs(replies):
    if not replies:
        return []
    last = max(replies)
    return [s for s in range(1, last + 1) if s not in replies]


def sent_at(seq, replies, pending, interval):
    """Best estimate of when request @seq left."""
    if seq in pending:
        return pending[seq] - interval, 'ping -O'
    before = [s for s in replies if s < seq]
    if before:
        s = max(before)
        return replies[s] + (seq - s) * interval, 'from reply %d' % s
    after = min(s for s in replies if s > seq)
    return replies[after] - (after - seq) * interval, 'from reply %d' % after


def iso_time(s):
    # 2026-12-06T23:59:59,123456+00:00
    s = s.replace(',', '.')
    try:
        return datetime.datetime.fromisoformat(s).timestamp()
    except ValueError:
        return None


def read_timed(path, kind):
    out = []
    if not path:
        return out
    try:
        f = open(path, errors='replace')
    except OSError:
        return out
    last = None
    with f:
        for line in f:
            line = line.rstrip('\n')
            first, _, rest = line.partition(' ')
            t = None
            if first.startswith('[') and first.endswith(']'):
                t = iso_time(first[1:-1])		# ip -tshort ... monitor
            elif kind == 'klog':
                t = iso_time(first)
            if t is None:
                try:
                    t = float(first)
                except ValueError:
                    t = None
            if t is None:		# a continuation line: the last time
                if last is None or not line.strip():
                    continue
                t, rest = last, line.strip()
            last = t
            out.append((t, kind, rest))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ping', required=True)
    ap.add_argument('--wire')
    ap.add_argument('--klog')
    ap.add_argument('--peerlog')
    ap.add_argument('--label', action='append', default=[])
    ap.add_argument('--interval', type=float, default=0.2)
    ap.add_argument('--window', type=float, default=1.0)
    a = ap.parse_args()

    replies, pending = ping_times(a.ping)
    lost = lost_seqs(replies)
    if not lost:
        print('witness: no reply lost (%d replies)' % len(replies))
        return 0
    events = read_timed(a.wire, 'wire') + read_timed(a.klog, 'klog') + \
        read_timed(a.peerlog, 'peer')
    for spec in a.label:
        name, _, path = spec.partition('=')
        events += read_timed(path, name)
    events.sort(key=lambda e: e[0])
    for seq in lost:
        t, how = sent_at(seq, replies, pending, a.interval)
        print('witness: icmp_seq=%d lost: sent at %.3f (%s)' % (seq, t, how))
        for et, kind, text in events:
            if t - a.window <= et <= t + a.window:
                mark = '>>' if abs(et - t) < a.interval / 2 else '  '
                print('witness: %s %+8.3f %-5s %s' % (mark, et - t, kind, text[:200]))
    return min(len(lost), 100)


if __name__ == '__main__':
    sys.exit(main())
