#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Namespaces cost nothing until used (issue 14).  With oakley.ko loaded,
# 200 idle network namespaces must cost at most 16 KiB each beyond what
# the same 200 cost without the module (measured in this boot: kernel
# memory from /proc/meminfo, after dropping caches; measured once more if
# the first result is over), add no thread of Oakley's, bind no UDP port
# 500 and make no engine.  Then one namespace
# gets a connection: its engine exists and port 500 is bound; the
# connection goes: the engine is freed and the port unbound.  Read-only
# commands on an unconfigured namespace answer empty and make nothing.
#
#   NETNS_COST_N    namespaces per round (200)
#   NETNS_COST_KIB  budget per namespace in KiB (16)

source "$(dirname "$0")/control_lib.sh"

require_cmd ss awk
N=${NETNS_COST_N:-200}
BUDGET_KIB=${NETNS_COST_KIB:-16}
PFX=oakcost-$$-
ENGINES=/sys/module/oakley/parameters/engines
OBJECTS=/sys/module/oakley/parameters/objects

# Kernel memory in KiB: slab, kernel stacks, page tables, per-CPU and
# vmalloc (the kvmalloc'd tables an engine used to have).  Caches are
# dropped first so that dentries and inodes of /run/netns do not count.
kmem_kib()
{
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	awk '/^(Slab|KernelStack|PageTables|Percpu|VmallocUsed):/ { s += $2 }
	     END { print s }' /proc/meminfo
}

# Kernel memory once the namespaces deleted before are cleaned up
# (cleanup_net runs asynchronously): two readings a second apart agree.
kmem_settled()
{
	local a b t
	b=$(kmem_kib)
	for ((t = 0; t < 10; t++)); do
		a=$b
		b=$(kmem_kib)
		((a - b < 512 && b - a < 512)) && break
	done
	echo "$b"
}

# All in one ip process: process starts are slow under TCG.
netns_batch()
{
	local op=$1 i
	for ((i = 0; i < N; i++)); do
		echo "netns $op $PFX$i"
	done >"$TMP/batch"
	ip -batch "$TMP/batch" || fail "ip -batch: netns $op failed"
}

netns_count()
{
	ip netns list | grep -c "^$PFX" || true
}

netns_cleanup()
{
	ip netns list | awk -v p="$PFX" 'index($1, p) == 1 { print "netns delete " $1 }' |
		ip -batch - 2>/dev/null || true
}
at_exit netns_cleanup

# Tasks named oakley* (a rescuer or worker of a workqueue of Oakley's).
oak_threads()
{
	local n=0 c f
	for f in /proc/[0-9]*/comm; do
		read -r c 2>/dev/null <"$f" || continue
		[[ $c == oakley* ]] && n=$((n + 1))
	done
	echo "$n"
}

# GROW: kernel memory in KiB that $N new namespaces took; $1 (a command)
# runs while they exist; they are deleted before it returns.
GROW=0
netns_round()
{
	local before after
	before=$(kmem_settled)
	netns_batch add
	[[ $(netns_count) -eq $N ]] || fail "created $(netns_count) namespaces, not $N"
	after=$(kmem_kib)
	"$1"
	netns_batch delete
	GROW=$((after - before))
}

bound500()
{
	ip netns exec "$1" ss -Hlun 'sport = :500' | grep -c . || true
}

engines_is()
{
	local t e
	for ((t = 0; t < 100; t++)); do
		e=$(<"$ENGINES")
		[[ $e -eq $1 ]] && return 0
		sleep 0.1
	done
	fail "$2: $e engines, want $1"
}

# While the idle namespaces exist: no engine, no object, no thread, port
# 500 free (in a tenth of them: a process start each), reads make nothing.
idle_checks()
{
	local i ns t
	engines_is 0 "$N idle namespaces"
	[[ $(<"$OBJECTS") -eq $objects0 ]] || fail "objects grew with idle namespaces"
	t=$(oak_threads)
	((t <= threads0)) || fail "oakley threads: $threads0 before the namespaces, $t after"
	for ((i = 0; i < N; i += N / 10)); do
		ns=$PFX$i
		[[ $(bound500 "$ns") -eq 0 ]] || fail "UDP 500 is bound in idle namespace $ns"
	done
	ns=${PFX}0
	oak_ok "$ns" show conn -j
	[[ $(jq length "$TMP/out") -eq 0 ]] || fail "connections in an idle namespace"
	oak_ok "$ns" show sa -j
	[[ $(jq length "$TMP/out") -eq 0 ]] || fail "SAs in an idle namespace"
	[[ $(oak_stat "$ns" objects) -eq 0 ]] || fail "objects in an idle namespace"
	engines_is 0 "after reading an idle namespace"
	log "idle: no engine, $t oakley threads (as before), port 500 free"
}

# One measurement: $N namespaces without the module, then with it (and
# the idle checks).  Noise (per-CPU chunks, slab pages) can only be
# mistaken for cost once: an over-budget result is measured again.
measure()
{
	mod_loaded && mod_rmmod
	netns_round :
	base=$GROW
	mod_insmod
	threads0=$(oak_threads)
	objects0=$(<"$OBJECTS")
	engines_is 0 "right after insmod"
	netns_round idle_checks
	grow=$GROW
	log "$N namespaces: $base KiB without the module, $grow KiB with it:" \
		"$((grow - base)) KiB more, $(((grow - base) / N)) KiB each (budget $BUDGET_KIB)"
}

pretty "$N idle namespaces, without and with oakley.ko"
mod_loaded && mod_rmmod
netns_round :		# warms the caches both rounds use
for ((pass = 0; pass < 2; pass++)); do
	measure
	((grow - base <= BUDGET_KIB * N)) && break
done
# A KASAN kernel pads and quarantines every allocation: the figure is
# reported there, the budget is the normal kernel's.
if grep -q ' kasan_save_stack$' /proc/kallsyms 2>/dev/null; then
	log "KASAN kernel: $(((grow - base) / N)) KiB each, the budget is not applied"
else
	((grow - base <= BUDGET_KIB * N)) ||
		fail "$N idle namespaces cost $((grow - base)) KiB more with oakley.ko: over $BUDGET_KIB KiB each"
fi

pretty "a connection makes the engine and binds port 500; its removal undoes both"
ns=${PFX}used
ns_add "$ns"
cat >"$TMP/one.conf" <<-CONF
	[secret s]
	psk = "selftest netns cost secret 0123456789"
	[connection c]
	local = 192.0.2.1
	remote = 198.51.100.7
	secret = s
CONF
oak_ok "$ns" load "$TMP/one.conf"
engines_is 1 "one connection"
[[ $(bound500 "$ns") -ge 1 ]] || fail "UDP 500 is not bound with a connection"
oak_ok "$ns" del c
engines_is 0 "the last connection deleted"
[[ $(bound500 "$ns") -eq 0 ]] || fail "UDP 500 is still bound without a connection"
oak_ok "$ns" show conn -j
[[ $(jq length "$TMP/out") -eq 0 ]] || fail "a connection is left"

pretty "a second engine in the same namespace; the namespace dies with it"
oak_ok "$ns" load "$TMP/one.conf"
engines_is 1 "the connection loaded again"
[[ $(bound500 "$ns") -ge 1 ]] || fail "UDP 500 is not bound again"
ns_del "$ns"
engines_is 0 "its namespace deleted"
[[ $(<"$OBJECTS") -eq $objects0 ]] || fail "objects left: $(<"$OBJECTS"), was $objects0"
control_done
