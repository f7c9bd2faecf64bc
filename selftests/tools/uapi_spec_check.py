#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that uapi/linux/oakley.h says what Documentation/netlink/oakley.yaml says.

The spec is the single source of truth of the ABI; Linux 6.1's tree has no
generator for a genetlink-c spec (tools/net/ynl came later), so the header is
written by hand and this test keeps it equal to the spec:

  - every constant, enum entry and attribute of the spec is in the header
    with the same value (checked by the C compiler: static assertions over
    the header, so the values are the preprocessor's and the compiler's);
  - every enumerator of the header's enums that the spec describes is in
    the spec (UNSPEC, __*_MAX and *_MAX aside), and every enum of the header
    is one the spec describes;
  - an attribute's type in the spec is the type its comment in the header
    starts with (u8, u16, u32, u64, string, binary, flag, nest), where the
    comment names one;
  - commands and the multicast group name likewise.

TAP on stdout; exit 0 when everything matches.
Usage: uapi_spec_check.py [-q] [SPEC [HEADER]]   (-q: only what fails, and a summary)
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TYPES = {"u8", "u16", "u32", "u64", "string", "binary", "flag", "nest"}


def c_name(prefix, name):
    """A spec name with its prefix ("oakley-ts-a-" + "addr") as C spells it."""
    if not prefix.endswith("-"):
        prefix += "-"
    return (prefix + name).upper().replace("-", "_")


class Check:
    def __init__(self, quiet):
        self.n = 0
        self.failed = 0
        self.quiet = quiet

    def ok(self, cond, what):
        self.n += 1
        if not cond:
            self.failed += 1
        if not cond or not self.quiet:
            print(("ok" if cond else "not ok") + " %d - %s" % (self.n, what))
        return cond


def spec_items(spec):
    """(C name, value, spec type or None, enum C name) for everything the spec names."""
    items = []
    for d in spec.get("definitions", []):
        if d["type"] == "const":
            items.append((c_name("oakley", d["name"]), d["value"], None, None))
        elif d["type"] == "enum":
            for e in d["entries"]:
                items.append((c_name(d["name-prefix"], e["name"]), e["value"], None,
                              d["enum-name"]))
    for s in spec.get("attribute-sets", []):
        for a in s["attributes"]:
            items.append((c_name(s["name-prefix"], a["name"]), a["value"], a["type"],
                          s["enum-name"]))
    ops = spec.get("operations", {})
    prefix = ops.get("name-prefix", "oakley-cmd-")
    for o in ops.get("list", []):
        items.append((c_name(prefix, o["name"]), o["value"], None, ops.get("enum-name")))
    return items


def header_enums(text):
    """{enum name: [(enumerator, comment type or None)]} from the header's text."""
    enums = {}
    for m in re.finditer(r"enum\s+(\w+)\s*\{(.*?)\};", text, re.S):
        entries = []
        for line in m.group(2).splitlines():
            e = re.match(r"\s*(\w+)\s*(?:=\s*[^,]+)?,\s*(?:/\*\s*(.*?)\s*\*/)?", line)
            if not e:
                continue
            com = e.group(2) or ""
            word = re.match(r"(\w+)", com)
            ctype = word.group(1) if word and word.group(1) in TYPES else None
            entries.append((e.group(1), ctype))
        enums[m.group(1)] = entries
    return enums


def compile_values(items, header, chk):
    """One static assertion per item; the compiler names each one that fails."""
    src = ["#include <stddef.h>", '#include "%s"' % header]
    for i, (name, value, _, _) in enumerate(items):
        src.append("_Static_assert((long long)(%s) == %dLL, \"%s != %d\");" %
                   (name, value, name, value))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "values.c")
        with open(path, "w") as f:
            f.write("\n".join(src) + "\n")
        r = subprocess.run([os.environ.get("CC", "cc"), "-std=gnu11", "-fsyntax-only",
                            "-fmax-errors=0", path], capture_output=True, text=True)
    bad = set(re.findall(r'"(\w+) != -?\d+"', r.stderr))
    bad |= set(re.findall(r"'(\w+)' undeclared", r.stderr))
    for name, value, _, _ in items:
        chk.ok(name not in bad, "%s = %d in the header" % (name, value))
    if r.returncode and not bad:
        chk.ok(False, "the value checks compile: %s" % r.stderr.strip()[:300])


def main():
    args = sys.argv[1:]
    quiet = bool(args) and args[0] == "-q"
    if quiet:
        args = args[1:]
    spec_path = args[0] if args else \
        os.path.join(ROOT, "Documentation", "netlink", "oakley.yaml")
    header = args[1] if len(args) > 1 else os.path.join(ROOT, "uapi", "linux", "oakley.h")
    with open(spec_path) as f:
        spec = yaml.safe_load(f)
    with open(header) as f:
        text = f.read()
    chk = Check(quiet)
    items = spec_items(spec)
    compile_values(items, header, chk)

    enums = header_enums(text)
    spec_enums = {e for _, _, _, e in items if e}
    named = {n: (t, e) for n, _, t, e in items}
    for enum, entries in sorted(enums.items()):
        if not chk.ok(enum in spec_enums, "enum %s is in the spec" % enum):
            continue
        for name, ctype in entries:
            if name.endswith("_UNSPEC") or name.endswith("_MAX"):
                continue
            if not chk.ok(name in named, "%s (enum %s) is in the spec" % (name, enum)):
                continue
            stype = named[name][0]
            if ctype and stype and stype != "pad":
                chk.ok(ctype == stype, "%s: the header says %s, the spec %s" %
                       (name, ctype, stype))
    for mc in spec.get("mcast-groups", {}).get("list", []):
        chk.ok('"%s"' % mc["name"] in text, "multicast group \"%s\" in the header" % mc["name"])
    chk.ok('OAKLEY_GENL_NAME\t\t"%s"' % spec["name"] in text or
           re.search(r'OAKLEY_GENL_NAME\s+"%s"' % spec["name"], text) is not None,
           "family name \"%s\"" % spec["name"])
    print("1..%d" % chk.n)
    if quiet:
        print("# uapi/linux/oakley.h against %s: %d checks, %d failed" %
              (os.path.relpath(spec_path, ROOT), chk.n, chk.failed))
    return 1 if chk.failed else 0


if __name__ == "__main__":
    sys.exit(main())
