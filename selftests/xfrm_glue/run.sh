#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [run.sh VM options...]
# Build the xfrm glue test module (kernel/core/xfrm.c + glue_test.c) in a
# scratch directory against KDIR and run test.sh with it in the test VM.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
KDIR=${KDIR:-$("$top/selftests/lib/kdir.sh")}
cache=${OAKLEY_CACHE:-$HOME/.cache/oakley}
mkdir -p "$cache"
build=$(mktemp -d "$cache/xfrm_glue.XXXXXX")
trap 'rm -rf "$build"' EXIT
cp "$here/Kbuild" "$here/glue_test.c" "$here/xfrm_glue.c" "$build/"
make -s -C "$KDIR" M="$build" OAK_SRC="$top" modules >"$build/build.log" 2>&1 ||
	{ cat "$build/build.log" >&2; exit 1; }
cd /
"$top/selftests/vm/run.sh" "$@" -- "$here/test.sh" "$build/oak_xfrm_glue_test.ko"
