#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Oakley's SAs are visible to the kernel's own tools, and its IKE sockets'
# bypass needs no other key manager (kernel/core/xfrm.c, kernel/core/socket.c).
#
#   1. Without xfrm_user: a transport-mode Child SA between the IKE endpoints
#      themselves (it covers UDP 500) comes up; a Child SA rekey, an IKE SA
#      rekey and the Delete of `oak down` still reach the peer (the IKE
#      sockets' per-socket bypass works), and xfrm_user was never loaded
#      (nothing here may run `ip xfrm`, which loads it).
#   2. With `ip xfrm monitor` in both namespaces and the kernel's audit
#      records read from the audit netlink multicast group (audit enabled
#      for the test through AUDIT_SET, off again at the end): a tunnel comes
#      up, its Child SA is rekeyed, `oak down` tears it down.  Each side's
#      monitor shows every SPI of both generations added (new or updated
#      from the larval SPI reservation) and deleted, and the policies added
#      and deleted; the audit records show SAD-add / SAD-delete for every
#      SPI and SPD-add / SPD-delete, all with res=1.
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/xfrm_notify.sh
# OAKLEY_XFRM_NOTIFY_PARTS="1 2" selects parts.

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq modprobe lsmod perl timeout

A=oak-xn-a
B=oak-xn-b
PSK="xfrm_notify selftest secret 0123456789"
PARTS=${OAKLEY_XFRM_NOTIFY_PARTS:-"1 2"}
part() { [[ " $PARTS " == *" $1 "* ]]; }

# no module may have loaded xfrm_user for us: part 1 checks it stays out
rmmod xfrm_user 2>/dev/null
lsmod | grep -qw '^xfrm_user' && skip "xfrm_user is loaded and cannot be unloaded"
OAKLEY_DEPS_EXTRA="esp4 esp6" ike_setup xfrm_notify

netns_add "$A" "$B"
veth_pair "$A" veth-a 10.99.0.1/24 "$B" veth-b 10.99.0.2/24
ip -n "$A" addr add 10.1.0.1/24 dev lo
ip -n "$B" addr add 10.2.0.1/24 dev lo
ip -n "$A" route add 10.2.0.0/24 via 10.99.0.2 src 10.1.0.1
ip -n "$B" route add 10.1.0.0/24 via 10.99.0.1 src 10.2.0.1

conf()	# LOCAL REMOTE LOCAL_TS REMOTE_TS MODE
{
	cat <<EOF
[secret psk]
psk = "$PSK"

[connection gw]
local = $1
remote = $2
secret = psk
ike = aes256gcm16-prfsha384-x25519

[child net]
local-ts = $3
remote-ts = $4
mode = $5
esp = aes256gcm16
EOF
}

die() { ike_diag "$A" "$B" >&2; fail "$*"; }
# without ip xfrm (part 1)
die1() { nsexec "$A" "$OAKLEY_OAK" show sa -j >&2; nsexec "$B" "$OAKLEY_OAK" show sa -j >&2;
	 dmesg | tail -n 40 >&2; fail "$*"; }

sa_json() { nsexec "$1" "$OAKLEY_OAK" show sa -j; }
ike_spi() { sa_json "$1" | jq -r '[.. | objects | select(has("spi-i"))][0]."spi-i" // "none"'; }
# child_spis NS -> "IN OUT" of the one Child SA
child_spis()
{
	sa_json "$1" | jq -r '[.. | objects | select(has("spi-in"))][0] |
		"\(."spi-in") \(."spi-out")"'
}
up1()	# NS: one established IKE SA with exactly one Child SA
{
	sa_json "$1" | jq -e '[.. | objects | select(has("spi-i"))] | length == 1 and
		.[0].state == "established" and ([.[0] | .. | objects |
		select(has("spi-in"))] | length == 1)' >/dev/null
}
gone() { [ "$(sa_json "$1" | jq '[.. | objects | select(has("spi-i"))] | length')" = 0 ]; }

# ---- 1: the bypass, without xfrm_user ----
if part 1; then
conf 10.99.0.1 10.99.0.2 10.99.0.1/32 10.99.0.2/32 transport >"$TMP/a1.conf"
conf 10.99.0.2 10.99.0.1 10.99.0.2/32 10.99.0.1/32 transport >"$TMP/b1.conf"
assert_ok nsexec "$B" "$OAKLEY_OAK" load "$TMP/b1.conf"
assert_ok nsexec "$A" "$OAKLEY_OAK" load "$TMP/a1.conf"
assert_ok nsexec "$A" "$OAKLEY_OAK" up gw
wait_for 20 up1 "$A" && wait_for 20 up1 "$B" || die1 "1: the transport-mode tunnel did not come up"
nsexec "$A" ping -c 2 -i 0.2 -W 2 10.99.0.2 >/dev/null || die1 "1: ping through the Child SA failed"
# every IKE message from now on travels between addresses the Child SA covers
old=$(child_spis "$A")
assert_ok nsexec "$A" "$OAKLEY_OAK" rekey gw/net
chk_child() { up1 "$A" && up1 "$B" && [ "$(child_spis "$A")" != "$old" ]; }
wait_for 20 chk_child || die1 "1: Child SA rekey over the covered endpoints failed"
old=$(ike_spi "$A")
assert_ok nsexec "$A" "$OAKLEY_OAK" rekey gw
chk_ike() { up1 "$A" && up1 "$B" && [ "$(ike_spi "$A")" != "$old" ] &&
	    [ "$(ike_spi "$B")" = "$(ike_spi "$A")" ]; }
wait_for 20 chk_ike || die1 "1: IKE SA rekey over the covered endpoints failed"
nsexec "$A" ping -c 2 -i 0.2 -W 2 10.99.0.2 >/dev/null || die1 "1: ping after the rekeys failed"
assert_ok nsexec "$A" "$OAKLEY_OAK" down gw
wait_for 20 gone "$B" || die1 "1: $B did not get the Delete"
lsmod | grep -qw '^xfrm_user' && die1 "1: xfrm_user was loaded (the bypass asked for it?)"
log "1: Child SA covering UDP 500: Child and IKE rekey, Delete all got through; xfrm_user not loaded"
fi

# ---- 2: ip xfrm monitor and audit ----
if part 2; then
modprobe xfrm_user || fail "modprobe xfrm_user failed"

# the audit reader: enables audit (AUDIT_SET), joins AUDIT_NLGRP_READLOG and
# prints each AUDIT_MAC_IPSEC_EVENT (1415) record; on SIGTERM disables audit
cat >"$TMP/audit.pl" <<'EOF'
use strict;
use Socket;
$| = 1;
my $nl = pack("S S L L", 16, 0, 0, 0);
socket(my $s, 16, SOCK_RAW, 9) or die "audit socket: $!";
bind($s, pack("S S L L", 16, 0, 0, 1)) or die "audit bind (readlog group): $!";
sub set_enabled {
	my $st = pack("L11", 1, $_[0], (0) x 9);	# mask = AUDIT_STATUS_ENABLED
	send($s, pack("L S S L L", 16 + length($st), 1001, 5, 1, 0) . $st, 0, $nl)
		or die "AUDIT_SET: $!";
}
$SIG{TERM} = sub { set_enabled(0); exit 0; };
set_enabled(1);
print "ready\n";
while (1) {
	my $buf;
	defined(recv($s, $buf, 65536, 0)) or next;
	while (length($buf) >= 16) {
		my ($len, $type) = unpack("L S", $buf);
		last if $len < 16 || $len > length($buf);
		my $text = substr($buf, 16, $len - 16);
		$text =~ s/\0+$//;
		print "type=$type $text\n" if $type == 1415;
		$buf = substr($buf, ($len + 3) & ~3);
	}
}
EOF
perl "$TMP/audit.pl" >"$TMP/audit" 2>"$TMP/audit.err" &
apid=$!
at_exit "kill $apid 2>/dev/null"
wait_for 30 grep -q ready "$TMP/audit" ||
	{ cat "$TMP/audit.err" >&2; ps -p $apid >&2; fail "audit reader did not start"; }

ip -n "$A" xfrm monitor >"$TMP/mon.a" 2>&1 &
mpa=$!
ip -n "$B" xfrm monitor >"$TMP/mon.b" 2>&1 &
mpb=$!
at_exit "kill $mpa $mpb 2>/dev/null"
sleep 0.5

conf 10.99.0.1 10.99.0.2 10.1.0.0/24 10.2.0.0/24 tunnel >"$TMP/a2.conf"
conf 10.99.0.2 10.99.0.1 10.2.0.0/24 10.1.0.0/24 tunnel >"$TMP/b2.conf"
assert_ok nsexec "$B" "$OAKLEY_OAK" load "$TMP/b2.conf"
assert_ok nsexec "$A" "$OAKLEY_OAK" load "$TMP/a2.conf"
assert_ok nsexec "$A" "$OAKLEY_OAK" up gw
wait_for 20 up1 "$A" && wait_for 20 up1 "$B" || die "2: the tunnel did not come up"
nsexec "$A" ping -c 2 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1 >/dev/null || die "2: ping failed"
gen1=$(child_spis "$A")
assert_ok nsexec "$A" "$OAKLEY_OAK" rekey gw/net
chk_rekeyed() { up1 "$A" && up1 "$B" && [ "$(child_spis "$A")" != "$gen1" ] &&
		[ "$(ip -n "$A" xfrm state | grep -c '^src')" = 2 ]; }
wait_for 20 chk_rekeyed || die "2: Child SA rekey failed"
gen2=$(child_spis "$A")
assert_ok nsexec "$A" "$OAKLEY_OAK" down gw
wait_for 20 gone "$B" || die "2: $B did not get the Delete"
wait_for 10 eval '[ -z "$(ip -n "$B" xfrm state)" ]' || die "2: states left in $B"
sleep 1
kill $mpa $mpb 2>/dev/null
kill -TERM $apid 2>/dev/null
wait $mpa $mpb $apid 2>/dev/null

# one line per monitor record ("src ...", "Updated src ...", "Deleted src ...")
records() { awk '/^[^ \t]/ { if (r != "") print r; r = $0; next } { r = r " " $0 }
		END { if (r != "") print r }' "$1" | tr -s ' \t' ' '; }
records "$TMP/mon.a" >"$TMP/rec.a"
records "$TMP/mon.b" >"$TMP/rec.b"

bad=0
miss() { echo "missing: $*" >&2; bad=1; }
for side in a b; do
	for spi in $gen1 $gen2; do
		grep -Eq "^(Updated )?src .* proto esp spi 0x$spi " "$TMP/rec.$side" ||
			miss "$side: monitor: SPI $spi added"
		grep -Eq "^Deleted src .* proto esp spi 0x$spi " "$TMP/rec.$side" ||
			miss "$side: monitor: SPI $spi deleted"
		# " spi=%u(0x%x)" then " res=%u"
		sp="spi=$((16#$spi))\\(0x$(printf %x $((16#$spi)))\\) res=1"
		grep -Eq "op=SAD-add .*$sp" "$TMP/audit" || miss "audit: SAD-add of SPI $spi"
		grep -Eq "op=SAD-delete .*$sp" "$TMP/audit" || miss "audit: SAD-delete of SPI $spi"
	done
	for dir in out in fwd; do
		grep -Eq "^src 10\.[12]\.0\.0/24 dst 10\.[12]\.0\.0/24 dir $dir " "$TMP/rec.$side" ||
			miss "$side: monitor: policy dir $dir added"
		grep -Eq "^Deleted src 10\.[12]\.0\.0/24 dst 10\.[12]\.0\.0/24 dir $dir " \
			"$TMP/rec.$side" || miss "$side: monitor: policy dir $dir deleted"
	done
done
for op in SPD-add SPD-delete; do
	n=$(grep -Ec "op=$op .*res=1 .*src=10\.[12]\.0\.0 src_prefixlen=24 dst=10\.[12]\.0\.0 dst_prefixlen=24" \
		"$TMP/audit")
	# out, in, fwd on each side
	[ "$n" -ge 6 ] || miss "audit: $op records: $n, want >= 6"
done
grep -q 'res=0' "$TMP/audit" && miss "audit: a failed operation (res=0)"
if [ $bad != 0 ]; then
	echo "## monitor $A" >&2; cat "$TMP/rec.a" >&2
	echo "## monitor $B" >&2; cat "$TMP/rec.b" >&2
	echo "## audit" >&2; cat "$TMP/audit" "$TMP/audit.err" >&2
	die "2: ip xfrm monitor / audit did not see all of Oakley's states and policies"
fi
log "2: ip xfrm monitor and audit saw SPIs $gen1 $gen2 added and deleted on both sides," \
	"and the policies ($(grep -c 'op=SPD-add' "$TMP/audit") SPD-add," \
	"$(grep -c 'op=SAD-add' "$TMP/audit") SAD-add records)"
fi

ip netns del "$A"
ip netns del "$B"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
