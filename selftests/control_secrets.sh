#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Secrets never come back: load PSKs that are distinctive strings (text, hex,
# base64), then dump everything the CLI can show -- and the monitor's view of
# the load -- and search the raw bytes for every PSK in every encoding.  The
# raw netlink dump of each GET op is checked by nl_policy (secrets_absent).
# And `oak load` warns, once per file, when a file that holds secrets can be
# read by group or others (and only then).

ONE_NETNS=1
source "$(dirname "$0")/control_lib.sh"

mod_ensure

TEXT_PSK='Oakley-Canary-Text-7f3a9c51e2'
HEX_BYTES='c4a7f0e1d2b3a49586776859 4a3b2c1d0e0ff1e2'
HEX_PSK=0x${HEX_BYTES// /}
B64_RAW='Oakley-Canary-B64-88d1e3a'
B64_PSK=base64:$(printf %s "$B64_RAW" | base64 -w0)

cat >"$TMP/secrets.conf" <<EOF
[secret text]
psk = "$TEXT_PSK"

[secret hex]
psk = $HEX_PSK

[secret b64]
psk = $B64_PSK

[connection t]
local = 192.0.2.1
remote = 198.51.100.1
secret = text

[child c]

[connection h]
local = 192.0.2.1
remote = 198.51.100.2
secret = hex
start = trap

[connection b]
local = 192.0.2.1
remote = 198.51.100.3
secret = b64
EOF

"$OAK" monitor -j >"$TMP/dump.monitor.json" 2>&1 &
MON=$!
bg_track "$MON"
"$OAK" monitor >"$TMP/dump.monitor.txt" 2>&1 &
MON2=$!
bg_track "$MON2"
sleep 0.5

oakx . load "$TMP/secrets.conf"
[[ $RC -eq 0 ]] || fail "oak load failed: $(<"$TMP/err")"
cp "$TMP/err" "$TMP/dump.load.err"
cp "$TMP/out" "$TMP/dump.load.out"
oakx . check "$TMP/secrets.conf"
cp "$TMP/out" "$TMP/dump.check.out"
cp "$TMP/err" "$TMP/dump.check.err"
oakx . check -j "$TMP/secrets.conf"
cp "$TMP/out" "$TMP/dump.check.json"

i=0
for args in "show" "show -j" "show conn" "show conn -j" "show conn t -j" "show sa -j" \
	"stats -j"; do
	# shellcheck disable=SC2086
	oak_ok . $args
	mv "$TMP/out" "$TMP/dump.show.$i"
	i=$((i + 1))
done
# The configuration really is there (so the dumps had something to leak).
v=$(jq -c 'map(.secret)' "$TMP/dump.show.3")
[[ $v == '["b64","hex","text"]' ]] || fail "loaded connections name secrets $v, want b64, hex, text"

# Delete a connection and a secret (more events), then stop the monitors so
# that everything they got is on disk.
oak_ok . del t
oak_ok . del secret text
sleep 0.5
for p in "$MON" "$MON2"; do
	kill "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
done
[[ -s $TMP/dump.monitor.json ]] || fail "oak monitor -j printed nothing for a load and a del"

dmesg >"$TMP/dump.dmesg"

# The PSKs as they might appear: raw bytes, the config spellings, hex in
# either case, base64 of each.
printf %s "$TEXT_PSK" >"$TMP/needle.0"
printf %s "$HEX_BYTES" | tr -d ' ' | xxd -r -p >"$TMP/needle.1"
printf %s "$B64_RAW" >"$TMP/needle.2"
printf %s "${HEX_PSK#0x}" >"$TMP/needle.3"
printf %s "${HEX_PSK#0x}" | tr a-f A-F >"$TMP/needle.4"
printf %s "${B64_PSK#base64:}" >"$TMP/needle.5"
base64 -w0 "$TMP/needle.0" >"$TMP/needle.6"
base64 -w0 "$TMP/needle.1" >"$TMP/needle.7"
printf %s "$TEXT_PSK" | xxd -p | tr -d '\n' >"$TMP/needle.8"
printf %s "$B64_RAW" | xxd -p | tr -d '\n' >"$TMP/needle.9"
# A fragment, in case of truncation: 8 bytes from the middle of each.
printf %s "${TEXT_PSK:7:8}" >"$TMP/needle.10"
head -c 12 "$TMP/needle.1" | tail -c 8 >"$TMP/needle.11"

# One grep over everything; the details only if it finds something.
for nd in "$TMP"/needle.*; do
	printf '%s\n' "$(<"$nd")"
done >"$TMP/needles"
if grep -qaF -f "$TMP/needles" "$TMP"/dump.*; then
	for d in "$TMP"/dump.*; do
		for nd in "$TMP"/needle.*; do
			grep -qaF -f "$nd" "$d" &&
				echo "  $(basename "$d") contains $(basename "$nd"): $(xxd -p "$nd")" >&2
		done
	done
	fail "a secret came back out (see above)"
fi

# And the search itself works: the config file holds three of them.
[[ $(grep -caF -f "$TMP/needles" "$TMP/secrets.conf") -eq 3 ]] ||
	fail "self-check: the needles do not find the PSKs in the configuration file"

# The warning about a file holding secrets that others may read.
want_warn()	# MODE FILE WANT(0/1) WHO
{
	chmod "$1" "$2"
	oak_ok . load "$2"
	if [[ $3 == 1 ]]; then
		[[ $(<"$TMP/err") == "oak: warning: $2 holds secrets and is readable by $4 (mode 0$1): chmod 600 it" ]] ||
			fail "load of a $1 file with secrets: want one warning, got: $(<"$TMP/err")"
	else
		[[ ! -s $TMP/err ]] || fail "load of a $1 file: unexpected output: $(<"$TMP/err")"
	fi
}
pretty "oak load warns about secrets that others may read"
want_warn 644 "$TMP/secrets.conf" 1 others
want_warn 640 "$TMP/secrets.conf" 1 "its group"
want_warn 600 "$TMP/secrets.conf" 0
echo '# nothing secret here' >"$TMP/nosecrets.conf"
want_warn 644 "$TMP/nosecrets.conf" 0
printf 'include = %s\n' "$TMP/secrets.conf" >"$TMP/wrapper.conf"
chmod 644 "$TMP/wrapper.conf"
chmod 604 "$TMP/secrets.conf"
oak_ok . load "$TMP/wrapper.conf"
[[ $(<"$TMP/err") == "oak: warning: $TMP/secrets.conf holds secrets and is readable by others (mode 0604): chmod 600 it" ]] ||
	fail "an included file with secrets: want its warning, got: $(<"$TMP/err")"
control_done
