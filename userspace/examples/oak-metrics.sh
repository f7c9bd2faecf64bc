#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# oak-metrics.sh — Oakley's counters in the Prometheus text format.
#
# An example of consuming `oak stats -j` and `oak show sa -j`, the stable
# JSON interface described in oak(8) / Documentation/oak.md.  It needs jq.
#
#   oak-metrics.sh                   print the metrics
#   oak-metrics.sh -o FILE           write FILE atomically, e.g. for
#                                    node_exporter's textfile collector:
#     */1 * * * * root oak-metrics.sh -o /var/lib/prometheus/node-exporter/oakley.prom
#
# Inside a namespace: ip netns exec NETNS oak-metrics.sh -o ...
# OAK names the oak binary (default: oak from PATH).
set -eu

OAK=${OAK:-oak}
out=

while getopts o: opt; do
	case $opt in
	o) out=$OPTARG ;;
	*) echo "usage: $0 [-o FILE]" >&2; exit 2 ;;
	esac
done

# The counters that are current values; every other one only grows.
GAUGES='["conns","secrets","ike-sas","child-sas","half-open","objects"]'

metrics()
{
	"$OAK" stats -j | jq -r --argjson gauges "$GAUGES" '
		to_entries[]
		| (.key | gsub("-"; "_")) as $n
		| if (.key as $k | $gauges | index($k)) then
			"# TYPE oakley_\($n) gauge\noakley_\($n) \(.value)"
		  else
			"# TYPE oakley_\($n)_total counter\noakley_\($n)_total \(.value)"
		  end'
	# Per Child SA traffic, labelled by connection and child. An SA that
	# was replaced by a rekey disappears with its counts: use rate() over
	# the sum per connection, not the raw series.
	"$OAK" show sa -j | jq -r '
		def esc: gsub("\\\\"; "\\\\") | gsub("\""; "\\\"") | gsub("\n"; "\\n");
		[.[] as $ike | $ike.children[]? | . + {conn: $ike.conn}] as $c |
		# one block per metric family, as the text format requires
		("bytes", "packets") as $what |
		"# TYPE oakley_child_\($what) gauge",
		($c[] | "{conn=\"\(.conn | esc)\",child=\"\(.name | esc)\",spi=\"\(."spi-in")\"" as $l |
		 "oakley_child_\($what)\($l),dir=\"in\"} \(.["\($what)-in"])",
		 "oakley_child_\($what)\($l),dir=\"out\"} \(.["\($what)-out"])")'
}

if [ -z "$out" ]; then
	metrics
	exit 0
fi
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT
metrics >"$tmp"
chmod 0644 "$tmp"
mv "$tmp" "$out"
trap - EXIT
