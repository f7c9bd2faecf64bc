#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the control-plane selftests (control_*.sh), on top of
# lib/lib.sh (log, fail, skip, at_exit, dmesg_mark/dmesg_check, oakley_*).
# Sourced, never run.  The tests load oakley.ko, so they refuse to run
# anywhere but inside the test VM (selftests/vm/run.sh).
#
# Process starts are slow under TCG (0.05-1 s each): the helpers avoid
# spawning; a test that needs only one network namespace sets ONE_NETNS=1
# before sourcing this and then runs entirely in a fresh one (NS ".").
#
#   ns_add NS            netns with lo up and 192.0.2.1-2, 2001:db8::1-2 on lo
#   ns_del NS            delete it now
#   oakx NS ARGS...      oak in NS ("." = here); stdout, stderr, status in
#                        $TMP/out, $TMP/err, $RC
#   oak_ok NS ARGS...    the same, and it must succeed
#   conns NS FILE        `oak show conn -j` into FILE (the CLI sorts by name)
#   oak_stat NS KEY      one counter of `oak stats -j`
#   expect_same WHAT A B two JSON files must hold the same value
#   check_expect JSON EXPECT   each "JQ-EXPR => JSON" line of EXPECT must hold
#   mod_ensure / mod_insmod / mod_rmmod / mod_restore   the module
#   bg_track PID         kill PID at exit
#   control_done         last line of every test: module back to its state at
#                        the start, kernel log and taint checks

. "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"

set -e
set -o pipefail
export LANG=C LC_ALL=C

SELFTESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CONFIGS=$SELFTESTS/configs
OAK=$OAKLEY_OAK
TEST_NAME=$(basename "$0" .sh)

oakley_require_vm
require_cmd jq ip insmod rmmod modinfo setpriv unshare xxd base64
[ -x "$OAK" ] || skip "$OAK not built (run: make)"
[ -f "$OAKLEY_KO" ] || skip "$OAKLEY_KO not built (run: make)"

# Into a namespace of our own, once: every later oak call is a plain exec.
if [[ -n ${ONE_NETNS:-} && -z ${CONTROL_IN_NETNS:-} ]]; then
	CONTROL_IN_NETNS=1 exec unshare -n -- "$0" "$@"
fi
if [[ -n ${CONTROL_IN_NETNS:-} ]]; then
	ip -batch - <<-EOF
		link set lo up
		addr add 192.0.2.1/32 dev lo
		addr add 192.0.2.2/32 dev lo
		addr add 2001:db8::1/128 dev lo nodad
		addr add 2001:db8::2/128 dev lo nodad
	EOF
fi

pretty() { echo "# $TEST_NAME: $*"; }

# Say where a test died (set -e exits are otherwise silent), and make it a
# failure: a command's own status could be 4, which would read as a skip.
trap 'echo "# $TEST_NAME: FAIL: status $? at line $LINENO: $BASH_COMMAND" >&2; exit 1' ERR

TMP=$(mktemp -d /tmp/oakley-$TEST_NAME.XXXXXX)
chmod 755 "$TMP"
[ -n "${OAKLEY_KEEP_TMP:-}" ] || at_exit "rm -rf $TMP"

dmesg_mark "$TEST_NAME $$"
TAINT_START=$(</proc/sys/kernel/tainted)

# --- namespaces and background processes -------------------------------------

ns_add()
{
	ip netns del "$1" 2>/dev/null || true
	ip netns add "$1" || fail "ip netns add $1"
	at_exit "ip netns del $1"
	ip -n "$1" -batch - <<-EOF
		link set lo up
		addr add 192.0.2.1/32 dev lo
		addr add 192.0.2.2/32 dev lo
		addr add 2001:db8::1/128 dev lo nodad
		addr add 2001:db8::2/128 dev lo nodad
	EOF
}

ns_del()
{
	ip netns del "$1" || fail "ip netns del $1"
}

bg_track() { at_exit "kill $1 2>/dev/null || true; wait $1 2>/dev/null || true"; }

# --- the module ---------------------------------------------------------------

mod_loaded() { [[ -d /sys/module/oakley ]]; }

mod_insmod()
{
	local d
	# insmod resolves nothing: load what oakley.ko depends on first.
	for d in $(modinfo -F depends "$OAKLEY_KO" 2>/dev/null | tr , ' '); do
		modprobe "$d" || fail "cannot modprobe $d (a dependency of oakley.ko)"
	done
	oakley_load
	mod_loaded || fail "insmod succeeded but /sys/module/oakley is missing"
}

mod_rmmod()
{
	rmmod oakley ||
		fail "rmmod oakley failed (refcnt $(cat /sys/module/oakley/refcnt 2>/dev/null))"
	! mod_loaded || fail "rmmod succeeded but /sys/module/oakley is still there"
}

# Load the module unless loaded; control_done restores the state found here.
MOD_WAS_LOADED=
mod_loaded && MOD_WAS_LOADED=1
mod_ensure() { mod_loaded || mod_insmod; }

mod_restore()
{
	if [[ -n $MOD_WAS_LOADED ]]; then
		mod_loaded || mod_insmod
	else
		mod_loaded && mod_rmmod
	fi
	return 0
}
# On failure too (best effort; the normal path checks rmmod in control_done).
at_exit mod_restore

# --- kernel log -----------------------------------------------------------------

# Taint bits only a kernel bug sets: B(5) bad page, D(7) oops, W(9) warning,
# L(14) soft lockup.
TAINT_BAD=$(( (1 << 5) | (1 << 7) | (1 << 9) | (1 << 14) ))

taint_check()
{
	local t
	t=$(</proc/sys/kernel/tainted)
	if (( (t & TAINT_BAD) & ~(TAINT_START & TAINT_BAD) )); then
		fail "the kernel got tainted by a bug: $TAINT_START -> $t"
	fi
}

control_done()
{
	mod_restore
	dmesg_check
	taint_check
	log "PASS"
	# Only best-effort cleanup is left (lib.sh's EXIT trap).
	trap - ERR
	set +e
}

# --- the CLI and its JSON ---------------------------------------------------------

RC=0
oakx()
{
	local ns=$1
	shift
	RC=0
	if [[ $ns == . ]]; then
		"$OAK" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
	else
		ip netns exec "$ns" "$OAK" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
	fi
	return 0
}

oak_ok()
{
	oakx "$@"
	[[ $RC -eq 0 ]] || fail "'oak ${*:2}' in $1 exited $RC: $(<"$TMP/err")"
}

conns()
{
	oak_ok "$1" show conn -j
	mv "$TMP/out" "$2"
}

oak_stat()
{
	local v
	oak_ok "$1" stats -j
	v=$(jq -e ".\"$2\"" "$TMP/out") || fail "'oak stats -j' in $1 has no counter '$2'"
	echo "$v"
}

# expect_same WHAT A B: the same JSON (byte-equal, else equal once normalized).
expect_same()
{
	[[ $(<"$2") == "$(<"$3")" ]] && return 0
	if ! diff -u <(jq -S . "$2") <(jq -S . "$3") >"$TMP/diff"; then
		head -n 80 "$TMP/diff" >&2
		fail "$1"
	fi
}

# check_expect JSON EXPECT: every "EXPR => VALUE" line of EXPECT holds for
# JSON, evaluated in a single jq run; prints the lines that do not.
check_expect()
{
	local line expr want q prog="" i=0
	while IFS= read -r line; do
		[[ -z $line || $line == \#* ]] && continue
		[[ $line == *" => "* ]] || fail "$2: no ' => ' in: $line"
		expr=${line%% => *}
		want=${line#* => }
		i=$((i + 1))
		prog+="([$expr] | tojson) as \$g$i | ([$want] | tojson) as \$w$i |"
		q=${expr//\\/\\\\}
		q=${q//\"/\\\"}
		prog+=" if \$g$i != \$w$i then \"\\(\$g$i), want \\(\$w$i): $q\" else empty end,"
	done <"$2"
	prog+="empty"
	jq -r "$prog" "$1" >"$TMP/expect.out" 2>&1 || {
		cat "$TMP/expect.out" >&2
		fail "$2: jq failed on the expectations"
	}
	if [[ -s $TMP/expect.out ]]; then
		sed "s|^|  $(basename "$2"): got |" "$TMP/expect.out" >&2
		return 1
	fi
	return 0
}
