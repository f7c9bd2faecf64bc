#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Capture real IKEv1 exchanges for the fuzz_isakmp_* seed corpus (not a test):
#
#   selftests/vm/run.sh --keep --timeout 1500 -- selftests/codec/capture_ikev1.sh
#   selftests/codec/capture_ikev1_import.py RUNDIR/share/capture-v1 OUTDIR
#
# Runs selftests/ikev1_basic.sh (Oakley <-> charon with `version = 1`, each
# side initiating, Main Mode + Quick Mode with and without PFS, Aggressive
# Mode, Informational Deletes, a wrong PSK; then Oakley <-> Oakley) with
# charon's ike log level 4 (IKEV1_DEBUG) and sniffs every UDP/500 datagram
# in Oakley's namespaces with selftests/torture/capture.py.  charon's log
# (its keys) is copied next to the datagrams.  IKEV1_SETS is passed on.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURE_OUT:-/run/oakvm/capture-v1}
[ -d /run/oakvm ] || { echo "capture_ikev1.sh: runs in the test VM only" >&2; exit 4; }
mkdir -p "$OUT"

sniff_when_up()	# NS PREFIX: sniff in NS as soon as it exists
{
	for _ in $(seq 1 12000); do
		if ip netns list | grep -qw "$1"; then
			exec ip netns exec "$1" /usr/bin/python3 "$HERE/../torture/capture.py" \
				"$OUT" "$2"
		fi
		sleep 0.1
	done
}

sniff_when_up oak-v1-o swan &
SO=$!
sniff_when_up oak-v1-a oak &
SA=$!

export OAKLEY_KEEP_TMP=1 IKEV1_DEBUG=1
bash "$HERE/../ikev1_basic.sh"
rc=$?
sleep 1
kill "$SO" "$SA" 2>/dev/null
wait
# ikev1_basic's temporary directory (kept) holds charon's ike level 4 log
for d in /tmp/oakley-ikev1_basic.*; do
	[ -f "$d/charon4.log" ] && cp "$d/charon4.log" "$OUT/charon4.log"
done
echo "capture_ikev1: ikev1_basic.sh exited $rc; $(ls "$OUT" | grep -c '\.bin$') datagrams in $OUT"
exit "$rc"
