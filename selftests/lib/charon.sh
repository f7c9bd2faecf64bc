#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# strongSwan's charon as a test peer, in its own network namespace. Source
# after lib.sh:
#
#	. "$(dirname "$0")/lib/charon.sh"
#	charon_start NS DIR [EXTRA_CHARON_CONF]
#	swan --load-all --file DIR/swanctl.conf
#
# charon_start writes DIR/strongswan.conf, starts charon in NS with a private
# /run (so several can run at once), waits for its vici socket and arranges
# for it to be stopped at exit. EXTRA_CHARON_CONF is pasted inside the
# charon { } section (e.g. "dpd_delay... " or "make_before_break = yes").
#
# CHARON_RETRANSMIT_TRIES (default 3, about 12 s before charon gives up on a
# request) sets charon's retransmission budget.
#
# Functions:
#   charon_start NS DIR [EXTRA]   start charon (sets CHARON_NS, CHARON_DIR, CHARON_PID)
#   charon_stop                   stop it (SIGTERM, wait)
#   swan ARGS...                  swanctl ARGS against that charon
#   swan_log_tail [N]             the last N lines of its log

CHARON=${CHARON:-/usr/lib/ipsec/charon}

charon_start()	# NS DIR [EXTRA]
{
	CHARON_NS=$1
	CHARON_DIR=$2
	[ -x "$CHARON" ] || skip "$CHARON not installed (apt-get install strongswan-charon)"
	require_cmd swanctl unshare
	cat >"$CHARON_DIR/strongswan.conf" <<EOF
charon {
	# a short plugin list: some of Debian's defaults crash in the bare VM
	load = random nonce openssl aes sha1 sha2 hmac gmp curve25519 chapoly gcm kdf x509 pubkey pem pkcs1 kernel-netlink socket-default vici
	port = 500
	port_nat_t = 4500
	install_routes = no
	retransmit_timeout = 1
	retransmit_tries = ${CHARON_RETRANSMIT_TRIES:-3}
	${3:-}
	plugins {
		vici {
			socket = unix://$CHARON_DIR/charon.vici
		}
	}
	filelog {
		charonlog {
			path = $CHARON_DIR/charon.log
			default = 1
			ike = 2
			cfg = 2
			flush_line = yes
			# epoch seconds with ms: loss_witness.py lines them up
			time_format = %s
			time_add_ms = yes
		}
	}
}
EOF
	ip netns exec "$CHARON_NS" unshare -m sh -c "mount -t tmpfs t /run;
		STRONGSWAN_CONF=$CHARON_DIR/strongswan.conf exec $CHARON" \
		>"$CHARON_DIR/charon.out" 2>&1 &
	CHARON_PID=$!
	at_exit charon_stop
	for _ in $(seq 1 300); do
		[ -S "$CHARON_DIR/charon.vici" ] && return 0
		kill -0 "$CHARON_PID" 2>/dev/null ||
			{ cat "$CHARON_DIR/charon.out" >&2; fail "charon died"; }
		sleep 0.1
	done
	fail "charon's vici socket did not appear"
}

charon_stop()
{
	[ -n "${CHARON_PID:-}" ] || return 0
	kill "$CHARON_PID" 2>/dev/null
	wait "$CHARON_PID" 2>/dev/null
	CHARON_PID=
	# a later charon_start in the same DIR must not take this one's socket
	rm -f "$CHARON_DIR/charon.vici"
}

swan() { nsexec "$CHARON_NS" swanctl "$@" --uri "unix://$CHARON_DIR/charon.vici"; }

swan_log_tail() { tail -n "${1:-60}" "$CHARON_DIR/charon.log"; }
