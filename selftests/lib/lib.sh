#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for Oakley's shell selftests. Source it first:
#
#	. "$(dirname "$0")/lib/lib.sh"
#
# Tests load oakley.ko, so they run only inside the test VM
# (selftests/vm/run.sh); oakley_require_vm refuses anywhere else. Exit codes
# follow kselftest: 0 pass, 1 fail, 4 skip ($ksft_skip).
#
# Variables (override from the environment):
#   OAKLEY_REPO  repository root (default: the parent of this lib/ dir)
#   OAKLEY_KO    module to insmod (default: $OAKLEY_REPO/kernel/oakley.ko)
#   OAKLEY_OAK   the CLI (default: $OAKLEY_REPO/userspace/oak)
#
# Functions:
#   log MSG / fail MSG / skip MSG      print; fail and skip also exit (1 / 4)
#   oakley_require_vm                  skip unless inside the test VM
#   require_cmd CMD...                 skip if a command is missing
#   oakley_load [PARAM=V...]           modprobe its dependencies, insmod oakley.ko
#   oakley_unload                      rmmod oakley if loaded
#   oakley_modprobe_deps               just the dependencies
#   oakley_deps                        print them: modinfo's depends of
#                                      OAKLEY_KO, then $OAKLEY_DEPS_EXTRA
#   oakley_loaded                      true if the module is loaded
#   oak ARGS...                        run the CLI
#   genl_family_exists NAME            true if the genl family is registered
#   netns_add NS...                    create namespaces (lo up), removed at exit
#   veth_pair NS1 IF1 ADDR1 NS2 IF2 ADDR2   link two namespaces (ADDR as CIDR)
#   nsexec NS CMD...                   ip netns exec NS CMD...
#   at_exit CMD                        run CMD at exit (LIFO), with the rest
#   assert_ok CMD... / assert_fail CMD...   CMD must succeed / fail
#   assert_eq GOT WANT [WHAT]          string equality
#   assert_match TEXT REGEX [WHAT]     grep -E match
#   dmesg_mark [NAME]                  write a marker into the kernel log
#   dmesg_check                        fail if the kernel log shows a bug since
#                                      the last dmesg_mark (tests call it last)

ksft_skip=4

# The configurations the tests write hold PSKs: private, as an administrator
# keeps them (oak warns about one that others can read; the tests that
# check that warning chmod their files themselves).
umask 077

OAKLEY_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OAKLEY_REPO=${OAKLEY_REPO:-$(cd "$OAKLEY_LIB/../.." && pwd)}
OAKLEY_KO=${OAKLEY_KO:-$OAKLEY_REPO/kernel/oakley.ko}
OAKLEY_OAK=${OAKLEY_OAK:-$OAKLEY_REPO/userspace/oak}
OAKLEY_TEST=${OAKLEY_TEST:-$(basename "$0")}
OAKLEY_MARK="oakley-selftest: start"
OAKLEY_TIME_SCALE=${OAKLEY_TIME_SCALE:-1}

# tscale N -> N x $OAKLEY_TIME_SCALE.  Lifetimes short enough to drive rekeys
# within a test, and the windows that watch them, scale together on a slower
# kernel (selftests/kasan/run.sh sets 3 for its KASAN + lockdep build, whose
# exchanges take ~5x longer): the expected counts stay the same.
tscale()
{
	echo $(($1 * OAKLEY_TIME_SCALE))
}

log()
{
	echo "# $OAKLEY_TEST: $*"
}

fail()
{
	echo "# $OAKLEY_TEST: FAIL: $*" >&2
	exit 1
}

skip()
{
	echo "# $OAKLEY_TEST: SKIP: $*"
	exit "$ksft_skip"
}

# Never load a module into the host kernel: the VM's kernel command line
# carries oakvm_stage2=, nothing else does.
oakley_require_vm()
{
	grep -q 'oakvm_stage2=' /proc/cmdline 2>/dev/null ||
		skip "not inside the test VM (run: selftests/vm/run.sh -- $0)"
	[ "$(id -u)" = 0 ] || skip "needs root"
}

require_cmd()
{
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "command '$c' not found"
	done
}

# Cleanup stack: at_exit CMD runs CMD when the test exits, newest first.
OAKLEY_AT_EXIT=()
at_exit()
{
	OAKLEY_AT_EXIT=("$*" "${OAKLEY_AT_EXIT[@]}")
}

oakley_cleanup()
{
	local rc=$? c
	trap - EXIT
	for c in "${OAKLEY_AT_EXIT[@]}"; do
		eval "$c" >/dev/null 2>&1
	done
	exit "$rc"
}
trap oakley_cleanup EXIT

oakley_loaded()
{
	[ -d /sys/module/oakley ]
}

oakley_load()
{
	oakley_require_vm
	[ -f "$OAKLEY_KO" ] || skip "$OAKLEY_KO not built (run: make)"
	oakley_modprobe_deps
	insmod "$OAKLEY_KO" "$@" || fail "insmod $OAKLEY_KO failed"
}

# insmod does not resolve dependencies: load the modules oakley.ko links
# against (modinfo's "depends", filled in by modpost, so never out of date)
# and the xfrm/ESP modules the SAs need, from the VM's (= the host's)
# /lib/modules. OAKLEY_DEPS_EXTRA overrides that second list.
OAKLEY_DEPS_EXTRA=${OAKLEY_DEPS_EXTRA-xfrm_user esp4 esp6}

oakley_deps()
{
	local deps

	deps=$(modinfo -F depends "$OAKLEY_KO") || return 1
	echo "${deps//,/ } $OAKLEY_DEPS_EXTRA"
}

oakley_modprobe_deps()
{
	local deps

	deps=$(oakley_deps) || fail "modinfo cannot read $OAKLEY_KO"
	# one modprobe for all (tests load the module often); it names the
	# module it could not load
	# shellcheck disable=SC2086 # a list of words
	modprobe -a $deps || fail "modprobe -a $deps (needed by oakley.ko)"
}

oakley_unload()
{
	if oakley_loaded; then
		rmmod oakley || fail "rmmod oakley failed"
	fi
}

oak()
{
	[ -x "$OAKLEY_OAK" ] || skip "$OAKLEY_OAK not built (run: make)"
	"$OAKLEY_OAK" "$@"
}

genl_family_exists()
{
	genl ctrl get name "$1" >/dev/null 2>&1
}

netns_add()
{
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || fail "ip netns add $ns"
		at_exit "ip netns del $ns"
		ip -n "$ns" link set lo up
	done
}

veth_pair()
{
	local ns1=$1 if1=$2 a1=$3 ns2=$4 if2=$5 a2=$6
	modprobe veth 2>/dev/null
	ip link add "$if1" netns "$ns1" type veth peer name "$if2" netns "$ns2" ||
		fail "veth $ns1/$if1 - $ns2/$if2"
	ip -n "$ns1" addr add "$a1" dev "$if1"
	ip -n "$ns2" addr add "$a2" dev "$if2"
	ip -n "$ns1" link set "$if1" up
	ip -n "$ns2" link set "$if2" up
}

nsexec()
{
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

assert_ok()
{
	"$@" || fail "expected success: $*"
}

assert_fail()
{
	if "$@"; then
		fail "expected failure: $*"
	fi
	return 0
}

assert_eq()
{
	[ "$1" = "$2" ] || fail "${3:-value}: got '$1', want '$2'"
}

assert_match()
{
	printf '%s\n' "$1" | grep -Eq -- "$2" || fail "${3:-output} does not match /$2/: $1"
}

dmesg_mark()
{
	echo "$OAKLEY_MARK ${1:-$OAKLEY_TEST}" >/dev/kmsg 2>/dev/null
}

dmesg_check()
{
	"$OAKLEY_LIB/dmesg-check.sh" --since "$OAKLEY_MARK" >&2 ||
		fail "kernel log shows a problem (above)"
}
