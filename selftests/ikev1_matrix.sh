#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IKEv1 feature matrix.  Oakley <-> Oakley (namespaces A and B) and Oakley <->
# strongSwan (charon in namespace S, `version = 1`), one case at a time, each
# with its own outer addresses.  A covering set, not the full product: every
# value of every dimension appears at least once.
#
#   case  outer  phase 1     mode       PFS  ESP                        children
#   o1    IPv4   Main        tunnel     no   aes128-sha256 (CBC)        1
#   o2    IPv6   Aggressive  transport  yes  aes128gcm16-modp2048       1
#   o3    IPv6   Main        tunnel     yes  aes256gcm16-modp2048       1
#   o4    IPv4   Aggressive  transport  no   aes256-sha256 (CBC)        1
#   o5    IPv4   Main        tunnel     1/3  aes128-sha256 |            3 children: three
#                                            aes256gcm16-modp2048 |     Quick Modes, three
#                                            aes128gcm16                SA pairs
#   o6    IPv4   Main        tunnel     no   aes128gcm16                1 child, 2 local x 2
#                                                                       remote selectors:
#                                                                       four Quick Modes
#   s1    IPv4   Main        transport  no   aes128gcm16                strongSwan, both roles
#   s2    IPv6   Main        tunnel     yes  aes256-sha256-modp2048     strongSwan, both roles
#
# (Aggressive Mode uses FQDN identities; the IKE proposals are
# aes128/aes256-sha256-modp2048.)  The Oakley <-> Oakley cases come up
# together (`oak up` of each on A): both sides have each ISAKMP SA with the
# expected number of SA pairs; each SA pair has the expected mode, ESP
# algorithm and key length (ip xfrm state, both sides) and PFS group (oak
# show sa); through each SA pair ping passes, a 256 KiB TCP transfer
# arrives byte for byte (sha256; in o6 through the first of its four alike
# SA pairs) and the packet counters of both its xfrm states rise.  After
# `oak down` of each, neither side has an SA, an xfrm state or a policy.
# The strongSwan cases run one at a time, once initiated by each side:
# `swanctl --list-sas` reports IKEv1, the negotiated algorithms and the mode;
# ping passes both ways, TCP from the initiator's side; after `oak down` or
# `swanctl --terminate` nothing is left on either side.
# Runs inside the test VM only:  selftests/vm/run.sh -- selftests/ikev1_matrix.sh
# OAKLEY_V1M_CASES="o1 s2 ..." runs only those cases; OAKLEY_V1M_TIMING=1 prints the
# time of each step, OAKLEY_V1M_DEBUG=1 has charon log IKE at level 4 into its TMP
# (only OAKLEY_* variables reach the VM).

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/ike.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/charon.sh"

set -o pipefail
export LANG=C LC_ALL=C

oakley_require_vm
require_cmd ip ping jq modprobe busybox timeout ss sha256sum python3 swanctl unshare

# name family exchange mode children ike esp (children: N, or LxR selectors of one child;
# N children take the ESP proposals separated by "|", in order)
OCASES="o1 4 main tunnel 1 aes128-sha256-modp2048 aes128-sha256
o2 6 aggressive transport 1 aes128-sha256-modp2048 aes128gcm16-modp2048
o3 6 main tunnel 1 aes256-sha256-modp2048 aes256gcm16-modp2048
o4 4 aggressive transport 1 aes256-sha256-modp2048 aes256-sha256
o5 4 main tunnel 3 aes128-sha256-modp2048 aes128-sha256|aes256gcm16-modp2048|aes128gcm16
o6 4 main tunnel 2x2 aes128-sha256-modp2048 aes128gcm16"
# name family mode ike esp swan-ike swan-esp (charon's names of the result)
SCASES="s1 4 transport aes128-sha256-modp2048 aes128gcm16 AES_CBC-128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048 AES_GCM_16-128
s2 6 tunnel aes256-sha256-modp2048 aes256-sha256-modp2048 AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048 AES_CBC-256/HMAC_SHA2_256_128/MODP_2048"
ONLY=${OAKLEY_V1M_CASES:-}
# OAKLEY_V1M_TIMING=1: each step's time
tstep() { [ -z "${OAKLEY_V1M_TIMING:-}" ] || echo "# t $(date +%s.%N | cut -c7-14) $*"; }
tstep start
PSK="ikev1_matrix selftest secret 0123456789"
A=oak-v1m-a
B=oak-v1m-b
S=oak-v1m-s

ike_setup ikev1_matrix
tstep loaded
modprobe dummy 2>/dev/null

netns_add "$A" "$B" "$S"
# the primary addresses are never a connection's address
veth_pair "$A" veth-b 10.99.0.1/24 "$B" veth-a 10.99.0.2/24
veth_pair "$A" veth-s 10.97.0.1/24 "$S" veth-a 10.97.0.2/24
ip -n "$A" addr add fd00:99::1/64 dev veth-b nodad
ip -n "$B" addr add fd00:99::2/64 dev veth-a nodad
ip -n "$A" addr add fd00:97::1/64 dev veth-s nodad
ip -n "$S" addr add fd00:97::2/64 dev veth-a nodad
for ns in "$A" "$B" "$S"; do
	ip -n "$ns" link add dummy0 type dummy || fail "no dummy device"
	ip -n "$ns" link set dummy0 up
done

EXTRA=
[ -n "${OAKLEY_V1M_DEBUG:-}" ] && EXTRA="filelog { dbg { path = $TMP/charon4.log
	default = 1
	ike = 4
	flush_line = yes } }"
tstep netns
charon_start "$S" "$TMP" "$EXTRA"
tstep charon

wanted() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }

# outer address of case N (digits), side 1 (A) or 2 (B/S); charon's cases on the other link
outer()	# FAMILY N SIDE NET(99|97)
{
	if [ "$1" = 4 ]; then echo "10.$4.0.$((10 * $3 + $2))"; else echo "fd00:$4::$3:$2"; fi
}

# inner address and prefix of case N, child (or selector) C, side S
inner() { if [ "$1" = 4 ]; then echo "10.$((100 + $2)).$((10 * $3 + $4)).1"; else
	echo "fd$4$2:$3::1"; fi; }
inner_net() { if [ "$1" = 4 ]; then echo "10.$((100 + $2)).$((10 * $3 + $4)).0/24"; else
	echo "fd$4$2:$3::/64"; fi; }
plen() { [ "$1" = 4 ] && echo 24 || echo 64; }
bracket() { [ "$1" = 4 ] && echo "$2" || echo "[$2]"; }
nodad() { [ "$1" = 6 ] && echo nodad; }

for f in a b; do
	printf '[secret psk]\npsk = "%s"\n' "$PSK" >"$TMP/$f.conf"
done

# conn_head FILE NAME FAMILY LOCAL REMOTE IKE EXCHANGE LOCAL-ID REMOTE-ID
conn_head()
{
	cat >>"$1" <<EOF

[connection $2]
version = 1
exchange = $7
local = $(bracket "$3" "$4")
remote = $(bracket "$3" "$5")
secret = psk
ike = $6
${8:+local-id = $8}
${9:+remote-id = $9}
EOF
}

# child_sec FILE NAME MODE ESP LOCAL-TS REMOTE-TS
child_sec()
{
	printf '\n[child %s]\nmode = %s\nesp = %s\nlocal-ts = %s\nremote-ts = %s\n' \
		"$2" "$3" "$4" "$5" "$6" >>"$1"
}

# Oakley <-> Oakley: one connection per case in each side's file
while read -r name fam exch mode kids ike esp <&3; do
	n=${name#o}
	la=$(outer "$fam" "$n" 1 99)
	lb=$(outer "$fam" "$n" 2 99)
	ip -n "$A" addr add "$la/$(plen "$fam")" dev veth-b $(nodad "$fam")
	ip -n "$B" addr add "$lb/$(plen "$fam")" dev veth-a $(nodad "$fam")
	ida='' idb=''
	[ "$exch" = aggressive ] && ida=$name-a.example idb=$name-b.example
	conn_head "$TMP/a.conf" "$name" "$fam" "$la" "$lb" "$ike" "$exch" "$ida" "$idb"
	conn_head "$TMP/b.conf" "$name" "$fam" "$lb" "$la" "$ike" "$exch" "$idb" "$ida"
	if [ "$mode" = transport ]; then
		child_sec "$TMP/a.conf" net transport "$esp" "$la" "$lb"
		child_sec "$TMP/b.conf" net transport "$esp" "$lb" "$la"
		continue
	fi
	case $kids in
	*x*) nsel=${kids%x*} nchild=1;;
	*) nsel=1 nchild=$kids;;
	esac
	for c in $(seq 1 $((nsel > nchild ? nsel : nchild))); do
		for s in 1 2; do
			ns=$([ $s = 1 ] && echo "$A" || echo "$B")
			ip -n "$ns" addr add "$(inner "$fam" "$n" "$c" "$s")/$(plen "$fam")" dev lo
			# the peer's inner prefix goes nowhere but through a policy
			ip -n "$ns" route add "$(inner_net "$fam" "$n" "$c" $((3 - s)))" dev dummy0
		done
	done
	if [ "$nchild" = 1 ]; then
		lts='' rts=''
		for c in $(seq 1 "$nsel"); do
			lts="$lts${lts:+, }$(inner_net "$fam" "$n" "$c" 1)"
			rts="$rts${rts:+, }$(inner_net "$fam" "$n" "$c" 2)"
		done
		child_sec "$TMP/a.conf" net tunnel "$esp" "$lts" "$rts"
		child_sec "$TMP/b.conf" net tunnel "$esp" "$rts" "$lts"
		continue
	fi
	for c in $(seq 1 "$nchild"); do
		e=$(cut -d'|' -f"$c" <<<"$esp")
		child_sec "$TMP/a.conf" "net$c" tunnel "$e" "$(inner_net "$fam" "$n" "$c" 1)" \
			"$(inner_net "$fam" "$n" "$c" 2)"
		child_sec "$TMP/b.conf" "net$c" tunnel "$e" "$(inner_net "$fam" "$n" "$c" 2)" \
			"$(inner_net "$fam" "$n" "$c" 1)"
	done
done 3<<<"$OCASES"

# Oakley <-> strongSwan
echo "connections {" >"$TMP/swanctl.conf"
while read -r name fam mode ike esp _ _ <&3; do
	n=${name#s}
	la=$(outer "$fam" "$n" 1 97)
	ls=$(outer "$fam" "$n" 2 97)
	ip -n "$A" addr add "$la/$(plen "$fam")" dev veth-s $(nodad "$fam")
	ip -n "$S" addr add "$ls/$(plen "$fam")" dev veth-a $(nodad "$fam")
	conn_head "$TMP/a.conf" "$name" "$fam" "$la" "$ls" "$ike" main
	if [ "$mode" = transport ]; then
		lts=$la rts=$ls
	else
		lts=$(inner_net "$fam" "$n" 1 1)
		rts=$(inner_net "$fam" "$n" 1 2)
		ip -n "$A" addr add "$(inner "$fam" "$n" 1 1)/$(plen "$fam")" dev lo
		ip -n "$S" addr add "$(inner "$fam" "$n" 1 2)/$(plen "$fam")" dev lo
		ip -n "$A" route add "$rts" dev dummy0
		ip -n "$S" route add "$lts" dev dummy0
	fi
	child_sec "$TMP/a.conf" "${name}net" "$mode" "$esp" "$lts" "$rts"
	cat >>"$TMP/swanctl.conf" <<EOF
	$name {
		version = 1
		local_addrs = $ls
		remote_addrs = $la
		proposals = $ike
		local {
			auth = psk
			id = $ls
		}
		remote {
			auth = psk
			id = $la
		}
		children {
			${name}net {
				local_ts = $rts
				remote_ts = $lts
				esp_proposals = $esp
				mode = $mode
			}
		}
	}
EOF
done 3<<<"$SCASES"
cat >>"$TMP/swanctl.conf" <<EOF
}
secrets {
	ike-psk {
		secret = "$PSK"
	}
}
EOF

die() { ike_diag "$A" "$B" >&2; echo "## swanctl --list-sas" >&2; swan --list-sas >&2
	echo "## charon.log (tail)" >&2; swan_log_tail 60 >&2; fail "$*"; }

assert_ok nsexec "$B" "$OAKLEY_OAK" load "$TMP/b.conf"
assert_ok nsexec "$A" "$OAKLEY_OAK" load "$TMP/a.conf"
swan --load-all --file "$TMP/swanctl.conf" >"$TMP/swan-load" 2>&1 ||
	{ cat "$TMP/swan-load" >&2; die "swanctl --load-all failed"; }

tstep configs loaded
dd if=/dev/urandom of="$TMP/blob" bs=1024 count=256 2>/dev/null
BLOB_SUM=$(sha256sum <"$TMP/blob")

sa_json()	# NS CONN -> its IKE SA object, or null
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j |
		jq -c --arg c "$2" '[.. | objects | select(has("spi-i") and .conn == $c)][0]'
}

# NS CONN -> "established N" (N: its installed Child SAs), or "none 0"
sa_brief()
{
	sa_json "$1" "$2" | jq -r 'if . == null then "none 0" else
		"\(.state) \(.children | length)" end'
}

# one listener, one client bound to SRC: 256 KiB from FROM to TO, compared by sha256
PORT=5000
tcp_xfer()	# FROM_NS TO_NS SRC DST
{
	local srv i

	PORT=$((PORT + 1))
	rm -f "$TMP/recv"
	nsexec "$2" timeout 60 busybox nc -l -p "$PORT" </dev/null >"$TMP/recv" &
	srv=$!
	for i in $(seq 1 50); do
		nsexec "$2" ss -ltnH "sport = :$PORT" | grep -q . && break
		sleep 0.1
	done
	nsexec "$1" timeout 60 python3 -c '
import socket, sys
src, dst, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_INET6 if ":" in dst else socket.AF_INET)
s.settimeout(30)
s.bind((src, 0))
s.connect((dst, port))
s.sendall(sys.stdin.buffer.read())
s.close()' "$3" "$4" "$PORT" <"$TMP/blob"
	wait "$srv"
	[ "$(sha256sum <"$TMP/recv")" = "$BLOB_SUM" ]
}

# an address inside a selector: a host selector's own, else the .1 / ::1 of the prefix
ts_host()
{
	case $1 in
	*/32|*/128) echo "${1%/*}";;
	*:*/*) echo "${1%::/*}::1";;
	*/*) local a=${1%/*}; echo "${a%.0}.1";;
	*) echo "$1";;
	esac
}

# ip xfrm state of SPI in NS, one line
xstate() { ip -n "$1" xfrm state list spi "0x$2" | tr '\n' ' '; }

# expected ESP transform -> regex of its xfrm algorithm (key in hex digits)
xfrm_alg_re()
{
	case $1 in
	aes128gcm16*) echo 'aead rfc4106\(gcm\(aes\)\) 0x[0-9a-f]{40} 128';;
	aes256gcm16*) echo 'aead rfc4106\(gcm\(aes\)\) 0x[0-9a-f]{72} 128';;
	aes128-sha256*) echo 'auth-trunc hmac\(sha256\) 0x[0-9a-f]{64} 128 .*enc cbc\(aes\) 0x[0-9a-f]{32} ';;
	aes256-sha256*) echo 'auth-trunc hmac\(sha256\) 0x[0-9a-f]{64} 128 .*enc cbc\(aes\) 0x[0-9a-f]{64} ';;
	*) echo 'unknown ESP';;
	esac
}

# check_child WHAT NS PEER_NS CHILD_JSON MODE ESP: algorithms, mode, PFS of one SA pair
check_child()
{
	local what=$1 ns=$2 peer=$3 cj=$4 mode=$5 esp=$6 spi st re dh want=null

	re=$(xfrm_alg_re "$esp")
	for spi in $(jq -r '."spi-in", ."spi-out"' <<<"$cj"); do
		st=$(xstate "$ns" "$spi")
		grep -Eq "mode $mode " <<<"$st" || die "$what: state $spi not $mode: $st"
		grep -Eq "$re" <<<"$st" || die "$what: state $spi is not $esp ($re): $st"
		[ -n "$(xstate "$peer" "$spi")" ] || die "$what: $peer has no state $spi"
	done
	[[ $esp == *-modp* ]] && want=${esp##*-}
	dh=$(jq -r '.dh' <<<"$cj")
	[ "$dh" = "$want" ] || die "$what: PFS group '$dh', want '$want'"
}

# flow WHAT FROM TO SRC DST FWD BACK TCP(yes|no): ping SRC -> DST from namespace FROM
# (A or its peer TO), with TCP a 256 KiB transfer to TO; A's xfrm states FWD (carrying
# SRC -> DST) and BACK (the answers) count the packets
flow()
{
	local what=$1 from=$2 to=$3 src=$4 dst=$5 fwd=$6 back=$7 tcp=$8 bf bb af ab
	local more=3 how=ping

	bf=$(esp_packets "$A" spi "0x$fwd")
	bb=$(esp_packets "$A" spi "0x$back")
	tstep flow
	nsexec "$from" ping -c 3 -i 0.2 -W 3 -I "$src" "$dst" >"$TMP/ping" 2>&1 ||
		{ cat "$TMP/ping" >&2; die "$what: ping $src -> $dst failed"; }
	tstep ping
	if [ "$tcp" = yes ]; then
		tcp_xfer "$from" "$to" "$src" "$dst" || die "$what: TCP $src -> $dst:$PORT failed"
		more=10 how="ping + 256 KiB TCP (sha256 ok)"
		tstep tcp
	fi
	af=$(esp_packets "$A" spi "0x$fwd")
	ab=$(esp_packets "$A" spi "0x$back")
	[ "$af" -ge $((bf + more)) ] && [ "$ab" -ge $((bb + 3)) ] ||
		die "$what: $src -> $dst: ESP packets $bf -> $af (SPI $fwd), $bb -> $ab (SPI $back)"
	log "$what: $src -> $dst: $how, ESP packets $bf -> $af (SPI $fwd), $bb -> $ab (SPI $back)"
}

# check_flows WHAT PEER_NS CONN TCP(all|first|none): a flow from A through each SA pair
check_flows()
{
	local what=$1 peer=$2 conn=$3 tcp=$4 cj i=0

	while read -r cj; do
		i=$((i + 1))
		flow "$what" "$A" "$peer" "$(ts_host "$(jq -r '."local-ts"[0]' <<<"$cj")")" \
			"$(ts_host "$(jq -r '."remote-ts"[0]' <<<"$cj")")" \
			"$(jq -r '."spi-out"' <<<"$cj")" "$(jq -r '."spi-in"' <<<"$cj")" \
			"$([ "$tcp" = all ] || { [ "$tcp" = first ] && [ $i = 1 ]; } && echo yes)"
	done < <(sa_json "$A" "$conn" | jq -c '.children[]')
}

nothing_left()	# NS... : no IKE SA, xfrm state or policy (other than the IKE sockets')
{
	local ns
	for ns in "$@"; do
		[ -z "$(ip -n "$ns" xfrm state)" ] && [ -z "$(main_pols "$ns")" ] || return 1
		[ "$ns" = "$S" ] && continue
		[ "$(nsexec "$ns" "$OAKLEY_OAK" show sa -j | jq '[.. | objects |
			select(has("spi-i"))] | length')" = 0 ] || return 1
	done
}

RESULTS=()
T0=$SECONDS

npairs_of() { case $1 in *x*) echo $((${1%x*} * ${1#*x}));; *) echo "$1";; esac; }

# NS -> "CONN STATE CHILDREN" of each IKE SA, sorted, comma-separated
sa_summary()
{
	nsexec "$1" "$OAKLEY_OAK" show sa -j | jq -r '[.. | objects | select(has("spi-i")) |
		"\(.conn) \(.state) \(.children | length)"] | sort | join(",")'
}

# Oakley <-> Oakley: every case comes up at once (`oak up` of each on A), then
# each is checked, then each goes down (`oak down` on A)
t=$SECONDS
want=()
while read -r name fam exch mode kids ike esp <&3; do
	wanted "$name" || continue
	assert_ok nsexec "$A" "$OAKLEY_OAK" up "$name"
	want+=("$name established $(npairs_of "$kids")")
done 3<<<"$OCASES"
WANT=$(printf '%s\n' "${want[@]}" | sort | paste -sd,)
oo_up() { [ "$(sa_summary "$A")" = "$WANT" ] && [ "$(sa_summary "$B")" = "$WANT" ]; }
if [ -n "${want[*]}" ]; then
	wait_for 90 oo_up || die "A: '$(sa_summary "$A")', B: '$(sa_summary "$B")', want '$WANT'"
	log "Oakley <-> Oakley: ${#want[@]} ISAKMP SAs and their SA pairs up in $((SECONDS - t)) s"
fi
tstep established

while read -r name fam exch mode kids ike esp <&3; do
	wanted "$name" || continue
	t=$SECONDS
	what="$name: IPv$fam $exch $mode ESP $esp ($kids)"
	i=0
	while read -r cj; do
		i=$((i + 1))
		e=$esp
		[ "$kids" = 3 ] && e=$(cut -d'|' -f"$i" <<<"$esp")
		[ "$kids" = 3 ] && [ "$(jq -r .name <<<"$cj")" != "net$i" ] &&
			die "$what: child $i is $(jq -r .name <<<"$cj")"
		check_child "$what" "$A" "$B" "$cj" "$mode" "$e"
	done < <(sa_json "$A" "$name" | jq -c '.children[]')
	[ "$i" = "$(npairs_of "$kids")" ] || die "$what: $i SA pairs"
	tstep checked
	# o6: its four SA pairs are alike; TCP through the first
	check_flows "$what" "$B" "$name" "$([ "$name" = o6 ] && echo first || echo all)"
	log "$what: ok ($((SECONDS - t)) s)"
	RESULTS+=("$name")
done 3<<<"$OCASES"

t=$SECONDS
for name in "${RESULTS[@]}"; do
	assert_ok nsexec "$A" "$OAKLEY_OAK" down "$name"
done
wait_for 30 nothing_left "$A" "$B" || die "SAs, states or policies left after oak down"
[ -z "${RESULTS[*]}" ] ||
	log "Oakley <-> Oakley: oak down of ${RESULTS[*]}: nothing left on A or B ($((SECONDS - t)) s)"
tstep down

# charon's view: IKEv1, the algorithms, the mode, an installed Child SA
swan_check()	# WHAT NAME MODE IKE ESP
{
	swan --list-sas --ike "$2" >"$TMP/sas" 2>&1
	grep -q "ESTABLISHED, IKEv1" "$TMP/sas" && grep -qF "$4" "$TMP/sas" &&
		grep -qF "INSTALLED, ${3^^}" "$TMP/sas" && grep -qF "ESP:$5" "$TMP/sas" ||
		{ cat "$TMP/sas" >&2; die "$1: charon does not report IKEv1 $4 / ESP:$5 / $3"; }
}

swan_installed() { swan --list-sas --ike "$1" 2>/dev/null | grep -q INSTALLED; }

while read -r name fam mode ike esp sike sesp <&3; do
	wanted "$name" || continue
	for role in oakley strongswan; do
		t=$SECONDS
		what="$name: IPv$fam $mode ESP $esp, $role initiates"
		if [ $role = oakley ]; then
			assert_ok nsexec "$A" "$OAKLEY_OAK" up "$name"
		else
			swan --initiate --child "${name}net" >"$TMP/swan-init" 2>&1 ||
				{ cat "$TMP/swan-init" >&2; die "$what: swanctl --initiate failed"; }
		fi
		s_up() { [ "$(sa_brief "$A" "$name")" = "established 1" ] && swan_installed "$name"; }
		wait_for 60 s_up || die "$what: not established"
		swan_check "$what" "$name" "$mode" "$sike" "$sesp"
		cj=$(sa_json "$A" "$name" | jq -c '.children[0]')
		check_child "$what" "$A" "$S" "$cj" "$mode" "$esp"
		# both ways, TCP from the initiator's side
		check_flows "$what" "$S" "$name" "$([ $role = oakley ] && echo all || echo none)"
		flow "$what" "$S" "$A" "$(ts_host "$(jq -r '."remote-ts"[0]' <<<"$cj")")" \
			"$(ts_host "$(jq -r '."local-ts"[0]' <<<"$cj")")" \
			"$(jq -r '."spi-in"' <<<"$cj")" "$(jq -r '."spi-out"' <<<"$cj")" \
			"$([ $role = strongswan ] && echo yes)"
		if [ $role = oakley ]; then
			assert_ok nsexec "$A" "$OAKLEY_OAK" down "$name"
		else
			swan --terminate --ike "$name" >/dev/null 2>&1 ||
				die "$what: swanctl --terminate failed"
		fi
		s_gone() { nothing_left "$A" "$S" && ! swan --list-sas --ike "$name" 2>/dev/null |
			grep -q ESTABLISHED; }
		wait_for 20 s_gone || die "$what: SAs, states or policies left after teardown"
		log "$what: ok ($((SECONDS - t)) s)"
		RESULTS+=("$name/$role")
	done
done 3<<<"$SCASES"

log "cases passed: ${RESULTS[*]:-none}, in $((SECONDS - T0)) s"
charon_stop
ip netns del "$A"
ip netns del "$B"
ip netns del "$S"
sleep 0.5
oakley_unload
dmesg_check
log "PASS"
