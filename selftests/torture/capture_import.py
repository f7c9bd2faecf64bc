#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a capture (selftests/torture/capture.sh) into fuzzer seeds:

    capture_import.py CAPDIR OUTDIR

CAPDIR holds the captured datagrams (*.bin) and charon's keys.log.  Writes
OUTDIR/raw/<name>.bin (the datagram as captured), OUTDIR/dec/<name>.bin
(SK payloads that one of charon's key sets opens, rewritten with the inner
chain in clear in place of IV | ciphertext | ICV: the plaintext-SK form the
codec's builder seeds use) and OUTDIR/payload/<name>-<i>.bin (each typed
payload body with fuzz_payload's selector byte in front).  The corpus
minimisation (libFuzzer -merge) is done by selftests/codec's Makefile.
"""
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ikev2 as ik  # noqa: E402

# fuzz_payload's selector (selftests/codec/codec_util.c fuzz_payload_types[])
SEL = {ik.SA: 0, ik.KE: 1, ik.NONCE: 2, ik.IDI: 3, ik.IDR: 3, ik.AUTH: 4, ik.N: 5,
       ik.D: 6, ik.TSI: 7, ik.TSR: 7}


def charon_keys(path):
    """[{'sk_ei': bytes, ...}, ...] from charon's ike loglevel 4 output."""
    sets, cur, name, need, buf = [], {}, None, 0, b''
    hexline = re.compile(r'^\s*(?:\S+\s+)?\d+\[\w+\]\s+\d+: ((?:[0-9A-Fa-f]{2} ?)+)')
    if not os.path.exists(path):
        return sets
    for line in open(path, errors='replace'):
        m = re.search(r'(Sk_\w+) secret => (\d+) bytes', line)
        if m:
            name, need, buf = m.group(1).lower(), int(m.group(2)), b''
            continue
        if name:
            h = hexline.match(line)
            if not h:
                name = None
                continue
            buf += bytes.fromhex(''.join(h.group(1).split())[:2 * (need - len(buf))])
            if len(buf) >= need:
                cur[name] = buf
                # Sk_d comes first, Sk_pr last; AEADs have no Sk_ai/Sk_ar
                if name == 'sk_pr' and 'sk_ei' in cur:
                    cur.setdefault('sk_ai', b'')
                    cur.setdefault('sk_ar', b'')
                    sets.append(cur)
                    cur = {}
                name = None
    return sets


def suites_for(keys):
    if len(keys['sk_ei']) == 36:
        return [ik.GCM_X25519]
    return [ik.CBC_ECP256]     # AES-256-CBC + HMAC-SHA2-256-128 (the DH group does not matter)


def decrypt(msg, key_sets):
    """(inner first type, inner bytes) with any key set and direction, or None."""
    for k in key_sets:
        for suite in suites_for(k):
            for ek, ak in ((k['sk_ei'], k['sk_ai']), (k['sk_er'], k['sk_ar'])):
                r = ik.sk_open(suite, ek, ak, msg)
                if r is not None:
                    return r
    return None


def plain_form(msg, first, inner):
    """msg with its SK payload's body replaced by the inner chain."""
    pls = ik.parse_chain(msg, ik.HDR_LEN, msg[16])
    sk_len = len(pls[-1][1]) + 4
    sk_off = len(msg) - sk_len
    out = bytearray(msg[:sk_off] + struct.pack('!BBH', first, 0, 4 + len(inner)) + inner)
    struct.pack_into('!I', out, 24, len(out))
    return bytes(out)


def main():
    cap, out = sys.argv[1], sys.argv[2]
    for d in ('raw', 'dec', 'payload'):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    keys = charon_keys(os.path.join(cap, 'keys.log'))
    nraw = ndec = npl = 0
    for f in sorted(os.listdir(cap)):
        if not f.endswith('.bin'):
            continue
        msg = open(os.path.join(cap, f), 'rb').read()
        name = f[:-4]
        open(os.path.join(out, 'raw', f), 'wb').write(msg)
        nraw += 1
        pls = ik.parse_chain(msg, ik.HDR_LEN, msg[16])
        if pls and pls[-1][0] == ik.SK:
            r = decrypt(msg, keys)
            if r is None:
                continue
            dec = plain_form(msg, r[0], r[1])
            open(os.path.join(out, 'dec', f), 'wb').write(dec)
            ndec += 1
            pls = pls[:-1] + ik.parse_chain(r[1], 0, r[0])
        for i, (t, body) in enumerate(pls):
            if t in SEL:
                open(os.path.join(out, 'payload', '%s-%d.bin' % (name, i)), 'wb').write(
                    bytes([SEL[t]]) + body)
                npl += 1
    print('capture_import: %d key sets, %d datagrams, %d decrypted, %d payloads' %
          (len(keys), nraw, ndec, npl))


if __name__ == '__main__':
    main()
