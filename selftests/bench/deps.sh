#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What `make bench` needs beyond `make deps`: perf for the profile, gnuplot for the
# plot (idempotent).
set -eu
if ! command -v perf >/dev/null 2>&1; then
	echo "bench: installing linux-perf (the profile phase)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q linux-perf >/dev/null
fi
if ! command -v gnuplot >/dev/null 2>&1; then
	echo "bench: installing gnuplot-nox"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q gnuplot-nox >/dev/null
fi
