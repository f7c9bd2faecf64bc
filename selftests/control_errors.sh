#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed configurations: each configs/bad_*.conf states on its first line
# the exact error it must produce ("# expect: LINE: key 'K': reason", printed
# as "FILE:LINE: key 'K': reason"; @FILE@ stands for FILE in the reason).
# `oak load` must print exactly that on stderr and exit non-zero, and the
# kernel configuration (loaded before from basic.conf) must not change.
# (`oak check` prints the same messages; userspace/tests cover it.  Here
# every process start costs, so only load.)

ONE_NETNS=1
source "$(dirname "$0")/control_lib.sh"

mod_ensure
oak_ok . load "$CONFIGS/basic.conf"
conns . "$TMP/before.json"
oak_ok . stats -j
jq -S '{conns, secrets, objects}' "$TMP/out" >"$TMP/stats.before"

# A connection with one child more than OAKLEY_MAX_CHILDREN (64).
{
	echo "# expect: 200: key '[child c64]': more than 64 children in connection 'c'"
	echo "[secret s]"
	echo "psk = \"selftest bad config secret 0123456\""
	echo "[connection c]"
	echo "local = 192.0.2.1"
	echo "remote = 198.51.100.7"
	echo "secret = s"
	for ((i = 0; i <= 64; i++)); do
		echo "[child c$i]"
		echo "remote-ts = 10.1.$i.0/24"
		echo
	done
} >"$TMP/bad_too_many_children.conf"

failed=0
# run_case FILE: returns non-zero (and says why) if the case misbehaves.
run_case()
{
	local f=$1 want first
	read -r first <"$f"
	case "$first" in
	"# expect: "*)
		want="$f:${first#\# expect: }"
		want=${want//@FILE@/$f}
		;;
	"# expect-in: "*)
		# The error is inside an included file, named relative to $f.
		want="$(dirname "$f")/${first#\# expect-in: }"
		;;
	*)
		echo "  $f: first line is not '# expect: ...'" >&2
		return 1
		;;
	esac
	oakx . load "$f"
	if [[ $RC -eq 0 ]]; then
		echo "  oak load $(basename "$f"): exit 0, want failure: $want" >&2
		return 1
	fi
	if [[ $(<"$TMP/err") != "$want" ]]; then
		echo "  oak load $(basename "$f"): want exactly: $want" >&2
		echo "  got: $(<"$TMP/err")" >&2
		return 1
	fi
	return 0
}

for f in "$CONFIGS"/bad_*.conf "$TMP/bad_too_many_children.conf"; do
	pretty "$(basename "$f")"
	if ! run_case "$f"; then
		failed=$((failed + 1))
	fi
done

# None of the failed loads changed anything (each would have replaced
# basic.conf's connections and secret with its own).
conns . "$TMP/after.json"
expect_same "a failed load changed the kernel configuration" "$TMP/before.json" "$TMP/after.json"
oak_ok . stats -j
jq -S '{conns, secrets, objects}' "$TMP/out" >"$TMP/stats.after"
expect_same "failed loads changed the counters" "$TMP/stats.before" "$TMP/stats.after"
((failed == 0)) || fail "$failed malformed configuration case(s) misbehaved (see above)"
control_done
