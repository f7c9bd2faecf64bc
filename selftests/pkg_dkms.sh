#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The package route, end to end: the oakley.ko that `dkms build` made from
# the oakley-dkms package (make check-pkg keeps it in
# build/deb/dkms/KVER/oakley.ko) and the oak of the oak package run a
# gateway whose configuration `oak import` translated from strongSwan's
# swanctl.conf, against charon running the peer's original swanctl.conf.
#
#   1. oak import of gateway O's swanctl.conf (two children, start_action =
#      start, FQDN identities, PSK) reports nothing left over;
#   2. loaded with the DKMS-built module, Oakley brings both Child SAs up
#      with charon and traffic of both children flows through ESP;
#   3. what the unit's ExecStop does (oak load /dev/null) deletes the SAs on
#      both sides (the peer is told);
#   4. a road-warrior responder imported from swanctl.conf accepts charon's
#      connection;
#   5. the site-to-site written as an ipsec.conf (%default, ipsec.secrets)
#      and imported comes up with charon and carries traffic.
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/pkg_dkms.sh
# Skips when make check-pkg has not left the DKMS-built module.

lib=$(dirname "${BASH_SOURCE[0]}")/lib
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OAKLEY_KO=$repo/build/deb/dkms/$(uname -r)/oakley.ko
. "$lib/lib.sh"
. "$lib/ike.sh"
. "$lib/charon.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq swanctl unshare dpkg-deb
[ -f "$OAKLEY_KO" ] || skip "no DKMS-built $OAKLEY_KO (run: make check-pkg)"

PSK="pkg_dkms selftest secret 0123456789"
O=oak-pkg-o
S=oak-pkg-s

ike_setup pkg_dkms
# what ike_setup insmod'ed is that file (dkms signed it; a plain build is unsigned)
[ -n "$(modinfo -F signer "$OAKLEY_KO")" ] || fail "$OAKLEY_KO is not DKMS-signed"

# oak from the oak package, when make check-pkg left one
deb=$(ls "$repo"/build/deb/oak_*.deb 2>/dev/null | head -n 1)
if [ -n "$deb" ]; then
	dpkg-deb -x "$deb" "$TMP/root" || fail "dpkg-deb -x $deb failed"
	OAKLEY_OAK=$TMP/root/usr/sbin/oak
fi
log "module $OAKLEY_KO, oak $OAKLEY_OAK"

netns_add "$O" "$S"
veth_pair "$O" veth-o 10.99.0.1/24 "$S" veth-s 10.99.0.2/24
ip -n "$O" addr add 10.1.0.1/24 dev lo
ip -n "$O" addr add 10.1.1.1/24 dev lo
ip -n "$S" addr add 10.2.0.1/24 dev lo
ip -n "$S" addr add 10.2.1.1/24 dev lo
ip -n "$O" route add 10.2.0.0/23 via 10.99.0.2 src 10.1.0.1
ip -n "$S" route add 10.1.0.0/23 via 10.99.0.1 src 10.2.0.1

charon_start "$S" "$TMP"
oakn() { nsexec "$O" "$OAKLEY_OAK" "$@"; }
die() { { ike_diag "$O"; echo "## charon"; swan --list-sas; swan_log_tail 40; } >&2; fail "$*"; }

# Gateway O's configuration as it was under strongSwan ...
cat >"$TMP/o-swanctl.conf" <<EOF
connections {
	branch {
		local_addrs = 10.99.0.1
		remote_addrs = 10.99.0.2
		proposals = aes256gcm16-prfsha384-x25519, aes128-sha256-modp2048
		dpd_delay = 10s
		local {
			auth = psk
			id = hq.example.org
		}
		remote {
			auth = psk
			id = branch.example.org
		}
		children {
			lan {
				local_ts = 10.1.0.0/24
				remote_ts = 10.2.0.0/24
				esp_proposals = aes256gcm16-x25519
				start_action = start
			}
			mgmt {
				local_ts = 10.1.1.0/24
				remote_ts = 10.2.1.0/24
				esp_proposals = aes128-sha256
				start_action = start
			}
		}
	}
}
secrets {
	ike-branch {
		id-hq = hq.example.org
		id-branch = branch.example.org
		secret = "$PSK"
	}
}
EOF
# ... and the peer's, which charon keeps running.
cat >"$TMP/swanctl.conf" <<EOF
connections {
	hq {
		local_addrs = 10.99.0.2
		remote_addrs = 10.99.0.1
		proposals = aes256gcm16-prfsha384-x25519
		local {
			auth = psk
			id = branch.example.org
		}
		remote {
			auth = psk
			id = hq.example.org
		}
		children {
			lan {
				local_ts = 10.2.0.0/24
				remote_ts = 10.1.0.0/24
				esp_proposals = aes256gcm16-x25519
			}
			mgmt {
				local_ts = 10.2.1.0/24
				remote_ts = 10.1.1.0/24
				esp_proposals = aes128-sha256
			}
		}
	}
	rw {
		local_addrs = 10.99.0.2
		remote_addrs = 10.99.0.1
		# charon's default list (one IKE proposal of ~35 transforms) gets
		# INVALID_SYNTAX from Oakley's responder: name what Oakley has
		proposals = aes128-sha256-x25519
		local {
			auth = psk
			id = laptop@example.org
		}
		remote {
			auth = psk
			id = vpn.example.org
		}
		children {
			home {
				remote_ts = 10.1.0.0/24
				esp_proposals = aes256gcm16
			}
		}
	}
}
secrets {
	ike-hq {
		id-hq = hq.example.org
		id-branch = branch.example.org
		secret = "$PSK"
	}
	ike-rw {
		id = vpn.example.org
		secret = "road warrior $PSK"
	}
}
EOF

# 1. import
"$OAKLEY_OAK" import "$TMP/o-swanctl.conf" >"$TMP/oak.conf" 2>"$TMP/import.err" ||
	{ cat "$TMP/import.err" >&2; fail "oak import failed"; }
[ ! -s "$TMP/import.err" ] || { cat "$TMP/import.err" >&2; fail "oak import left settings out"; }
oakn check "$TMP/oak.conf" >/dev/null || fail "the imported configuration fails oak check"

# 2. up with charon (start_action = start became start = start: load initiates)
swan --load-all --file "$TMP/swanctl.conf" >"$TMP/swan-load" 2>&1 ||
	{ cat "$TMP/swan-load" >&2; fail "swanctl --load-all failed"; }
oakn load "$TMP/oak.conf" || die "oak load of the imported configuration failed"
both_up()
{
	[ "$(sa_state "$O")" = established ] && [ "$(child_count "$O")" = 2 ] &&
	[ "$(swan --list-sas 2>/dev/null | grep -c INSTALLED)" = 2 ]
}
wait_for 120 both_up || die "the imported connection did not bring both children up"
before=$(esp_packets "$O")
nsexec "$O" ping -c 2 -i 0.2 -W 3 -I 10.1.0.1 10.2.0.1 >/dev/null || die "ping over lan failed"
nsexec "$O" ping -c 2 -i 0.2 -W 3 -I 10.1.1.1 10.2.1.1 >/dev/null || die "ping over mgmt failed"
after=$(esp_packets "$O")
[ "$after" -ge $((before + 8)) ] || die "ESP counters $before -> $after: traffic not through ESP"
log "imported site-to-site: both children up with charon, traffic through ESP"

# 3. the unit's ExecStop
oakn load /dev/null || die "oak load /dev/null failed"
swan_gone() { ! swan --list-sas 2>/dev/null | grep -q '^hq:'; }
wait_for 20 swan_gone || die "charon still has the IKE SA after oak load /dev/null"
[ -z "$(ip -n "$O" xfrm state)" ] || die "xfrm states left after oak load /dev/null"
log "oak load /dev/null: SAs deleted on both sides"

# 4. a road-warrior responder imported from swanctl.conf
cat >"$TMP/rw-swanctl.conf" <<EOF
connections {
	roadwarriors {
		local_addrs = 10.99.0.1
		local {
			auth = psk
			id = vpn.example.org
		}
		remote {
			auth = psk
		}
		children {
			office {
				local_ts = 10.1.0.0/24
			}
		}
	}
}
secrets {
	ike-any {
		secret = "road warrior $PSK"
	}
}
EOF
"$OAKLEY_OAK" import "$TMP/rw-swanctl.conf" >"$TMP/rw.conf" 2>"$TMP/rw.err" ||
	{ cat "$TMP/rw.err" >&2; fail "oak import (road warrior) failed"; }
[ ! -s "$TMP/rw.err" ] || { cat "$TMP/rw.err" >&2; fail "oak import (road warrior) left settings out"; }
oakn load "$TMP/rw.conf" || die "oak load of the imported road-warrior configuration failed"
swan --initiate --child home >"$TMP/swan-init" 2>&1 ||
	{ cat "$TMP/swan-init" >&2; die "swanctl --initiate --child home failed"; }
rw_up() { [ "$(sa_state "$O")" = established ] && [ "$(child_count "$O")" = 1 ]; }
wait_for 90 rw_up || die "the imported road-warrior responder did not accept charon"
nsexec "$S" ping -c 2 -i 0.2 -W 3 -I 10.99.0.2 10.1.0.1 >/dev/null || die "ping from the road warrior failed"
log "imported road-warrior responder: charon connected"

# 5. the same site-to-site written as an ipsec.conf (stroke) with its ipsec.secrets
oakn load /dev/null || die "oak load /dev/null failed"
mkdir -p "$TMP/stroke"
cat >"$TMP/stroke/ipsec.conf" <<EOF
config setup

conn %default
	keyexchange=ikev2
	authby=secret
	left=10.99.0.1
	leftid=@hq.example.org

conn lan
	right=10.99.0.2
	rightid=@branch.example.org
	leftsubnet=10.1.0.0/24
	rightsubnet=10.2.0.0/24
	ike=aes256gcm16-prfsha384-x25519!
	esp=aes256gcm16-x25519!
	auto=start
EOF
cat >"$TMP/stroke/ipsec.secrets" <<EOF
@hq.example.org @branch.example.org : PSK "$PSK"
EOF
"$OAKLEY_OAK" import "$TMP/stroke/ipsec.conf" >"$TMP/stroke.conf" 2>"$TMP/stroke.err" ||
	{ cat "$TMP/stroke.err" >&2; fail "oak import of ipsec.conf failed"; }
grep -v -e "'setup'" -e "not carried over" "$TMP/stroke.err" >&2 &&
	fail "oak import of ipsec.conf left settings out"
oakn load "$TMP/stroke.conf" || die "oak load of the configuration imported from ipsec.conf failed"
stroke_up()
{
	[ "$(sa_state "$O")" = established ] && [ "$(child_count "$O")" = 1 ] &&
	[ "$(swan --list-sas 2>/dev/null | grep -c INSTALLED)" = 1 ]
}
wait_for 120 stroke_up || die "the connection imported from ipsec.conf did not come up"
before=$(esp_packets "$O")
nsexec "$O" ping -c 2 -i 0.2 -W 3 -I 10.1.0.1 10.2.0.1 >/dev/null || die "ping over lan failed"
after=$(esp_packets "$O")
[ "$after" -ge $((before + 4)) ] || die "ESP counters $before -> $after: traffic not through ESP"
log "imported from ipsec.conf: up with charon, traffic through ESP"
dmesg_check
