#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""report.py VM_LOG OUT_DIR: results.txt, results.json and handshakes.png from
the "@@BENCH key=value", "@@SERIES who t count" and "@@PERF ..." lines that
bench.sh printed in the VM.  Exit 1 if the log holds no handshake figures."""
import json
import os
import shutil
import subprocess
import sys


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def parse(path):
    figs, series, perf = {}, {"oakley": [], "charon": []}, []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("@@BENCH "):
                k, _, v = line[8:].partition("=")
                figs[k] = v
            elif line.startswith("@@SERIES "):
                p = line.split()
                if len(p) == 4 and p[1] in series:
                    series[p[1]].append((float(p[2]), int(p[3])))
            elif line.startswith("@@PERF "):
                perf.append(line[7:])
    return figs, series, perf


def fmt(v, nd=1):
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    if abs(v) >= 100:
        return "%.0f" % v
    return ("%." + str(nd) + "f") % v


def ratio(a, b):
    return a / b if a is not None and b else None


def build(figs):
    g = lambda k: num(figs.get(k))
    cpus = int(g("dh.cpus") or g("vm.cpus") or 2)
    # the best of one thread and all CPUs (a contended VM can do worse on all)
    best = lambda a: max([v for v in (g("dh.%s.threads1.pairs_per_s" % a),
                                      g("dh.%s.threads%d.pairs_per_s" % (a, cpus)))
                          if v is not None] or [0]) or None
    lib_all, kpp_all = best("x25519-lib"), best("x25519")
    # both peers run in the one VM: 2 keygen + 2 derive (= 2 pairs) per IKE SA
    bound = lib_all / 2 if lib_all else (kpp_all / 2 if kpp_all else None)
    o_rate, c_rate = g("oakley.sas_per_s"), g("charon.sas_per_s")
    o_cpu, c_cpu = g("oakley.cpu_ms_per_sa"), g("charon.cpu_ms_per_sa")
    o_mem = g("oakley.mem.engine_bytes_per_sa")
    c_rss = [g("charon.mem.rss_bytes_per_sa_initiator"), g("charon.mem.rss_bytes_per_sa_responder")]
    c_mem = sum(c_rss) / 2 if None not in c_rss else None
    o_x, c_x = g("oakley.mem.xfrm_bytes_per_sa"), g("charon.mem.xfrm_bytes_per_sa")
    rows = [
        ("handshake rate, IKE+Child SAs/s (N=%s)" % figs.get("oakley.n", "?"),
         o_rate, c_rate, ratio(o_rate, c_rate), ratio(o_rate, bound), ratio(c_rate, bound)),
        ("established of N", g("oakley.established"), g("charon.established"), None, None, None),
        ("seconds to the last Child SA (Oakley: from the load's arrival)",
         g("oakley.seconds"), g("charon.seconds"), None, None, None),
        ("  Oakley from the start of the `oak load` process",
         g("oakley.seconds_from_oak_load"), None, None, None, None),
        ("CPU ms per SA (whole VM, both peers)", o_cpu, c_cpu, ratio(c_cpu, o_cpu), None, None),
        ("memory per IKE+Child SA, bytes (Oakley slab excl. xfrm / charon RSS)",
         o_mem, c_mem, ratio(c_mem, o_mem), None, None),
        ("xfrm kernel memory per SA, bytes (states+policies, one side)", o_x, c_x, None, None, None),
        ("DH bound, IKE SAs/s (x25519 lib, %d CPUs, 2 pairs per SA)" % cpus, bound, None, None,
         None, None),
    ]
    for alg in ("x25519-lib", "x25519", "ecp256", "modp2048", "modp4096"):
        for t in (1, cpus):
            v = g("dh.%s.threads%d.pairs_per_s" % (alg, t))
            if v is not None:
                rows.append(("DH %s keygen+derive pairs/s, %d thread(s)" % (alg, t), v, None,
                             None, None, None))
            if cpus == 1:
                break
    m4096 = g("dh.modp4096.threads%d.pairs_per_s" % cpus)
    load = g("stall.load_rekeys_per_s")
    stall_share = 2 * load / m4096 if load is not None and m4096 else None
    scale = [
        ("scale: IKE SAs established (target %s)" % figs.get("scale.target", "?"),
         g("scale.established")),
        ("scale: setup rate, IKE SAs/s (batches of 250)", g("scale.sas_per_s")),
        ("scale: kernel memory per IKE SA (no Child SA), bytes", g("scale.mem.bytes_per_ike_sa")),
        ("scale: `oak show sa -j` seconds", g("scale.show_sa_seconds")),
        ("scale: `oak show sa -j` bytes", g("scale.show_sa_bytes")),
        ("scale: idle CPU % over 30 s", g("scale.idle_cpu_pct")),
        ("scale: ping loss % on another tunnel during a rekey wave",
         figs.get("scale.rekey_wave_ping_loss_pct", figs.get("scale.rekey_wave"))),
        ("stall: new tunnels/s, no load (%s tunnels)" % figs.get("stall.base.established", "?"),
         g("stall.base.sas_per_s")),
        ("stall: new tunnels/s while %s SAs rekey with MODP-4096 every 2 s"
         % figs.get("stall.load_sas", "?"), g("stall.loaded.sas_per_s")),
        ("stall: rekeys/s of the load during that run", g("stall.load_rekeys_per_s")),
        ("stall: ratio loaded / no load", g("stall.ratio")),
        # each rekey of the load is one MODP-4096 keygen+derive pair on each side,
        # both in this VM: the share of the CPUs that DH alone takes from new tunnels
        ("stall: CPU share of the load's MODP-4096 DH (2 pairs per rekey)",
         stall_share),
        ("stall: ceiling of the ratio, 1 - that share", None if stall_share is None
         else max(0.0, 1.0 - stall_share)),
        ("config: oak load 1,000 connections, s", g("config.load_1000.seconds")),
        ("config: oak show conn (1,000), s", g("config.show_conn_1000.seconds")),
        ("config: oak load 10,000 connections, s", g("config.load_10000.seconds")),
        ("config: oak show conn (10,000), s", g("config.show_conn_10000.seconds")),
    ]
    targets = {
        # issue #14 (issue #6 asked for 3x and 0.7 of the bound)
        "rate_vs_charon_10x": (ratio(o_rate, c_rate), 10.0, ">="),
        "dh_bound_fraction_0.3": (ratio(o_rate, bound), 0.3, ">="),
        "stall_ratio_0.5": (g("stall.ratio"), 0.5, ">="),
        # SUnreclaim moves by ~100 KiB on its own: a figure at or below 0
        # says "smaller than the noise", not "met"; take a larger BENCH_N
        "bytes_per_sa_2048": (o_mem if o_mem is None or o_mem > 0 else None, 2048.0, "<="),
        "config_load_1000_1s": (g("config.load_1000.seconds"), 1.0, "<"),
        "scale_100k_established": (g("scale.established"), 100000.0, ">="),
    }
    return rows, scale, targets, bound


def met(v, want, op):
    if v is None:
        return "n/a"
    ok = v >= want if op == ">=" else (v <= want if op == "<=" else v < want)
    return "met" if ok else "MISSED"


def write_txt(path, figs, rows, scale, targets, perf):
    with open(path, "w") as f:
        f.write("Oakley `make bench` (kernel %s, %s vCPUs TCG)\n\n" %
                (figs.get("kernel", "?"), figs.get("vm.cpus", "?")))
        hdr = "%-66s %10s %10s %8s %9s %9s\n"
        f.write(hdr % ("figure", "Oakley", "charon", "ratio", "O/DHbound", "c/DHbound"))
        for r in rows:
            f.write(hdr % (r[0], fmt(r[1]), fmt(r[2]), fmt(r[3], 2), fmt(r[4], 3), fmt(r[5], 3)))
        f.write("\n")
        for name, v in scale:
            f.write("%-66s %10s\n" % (name, fmt(v, 3)))
        f.write("\ntargets (issues #6, #14):\n")
        for k, (v, want, op) in targets.items():
            f.write("  %-28s %10s %s %-8s %s\n" % (k, fmt(v, 3), op, fmt(want), met(v, want, op)))
        notes = [k for k in figs if k.endswith(".error")]
        for k in notes:
            f.write("ERROR %s=%s\n" % (k, figs[k]))
        f.write("\nphases (s): %s; total %s s\n" % (
            ", ".join("%s %s" % (k[6:-8], figs[k]) for k in figs
                      if k.startswith("phase.") and k.endswith(".seconds")),
            figs.get("total_seconds", "?")))
        if perf:
            f.write("\nperf (Oakley handshakes, whole VM, cpu-clock):\n")
            for p in perf:
                f.write("  %s\n" % p)


def plot(out, series):
    if not shutil.which("gnuplot"):
        print("report: gnuplot missing: no plot (selftests/bench/deps.sh)", file=sys.stderr)
        return
    files = []
    for who, pts in series.items():
        if not pts:
            continue
        fn = os.path.join(out, "series-%s.dat" % who)
        with open(fn, "w") as f:
            f.write("0 0\n")
            for t, c in pts:
                f.write("%.3f %d\n" % (t, c))
        files.append((who, fn))
    if not files:
        return
    plots = ", ".join("'%s' using 1:2 with steps lw 2 title '%s'" %
                      (fn, "Oakley <-> Oakley" if who == "oakley" else "charon <-> charon")
                      for who, fn in files)
    script = """set terminal pngcairo size 900,540 noenhanced
set output '%s'
set title 'IKEv2 PSK tunnels established (IKE SA + Child SA), both peers in one 2-vCPU TCG VM'
set xlabel 'seconds since initiation'
set ylabel 'Child SAs established'
set key left top
set grid
plot %s
""" % (os.path.join(out, "handshakes.png"), plots)
    r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if r.returncode:
        script = script.replace("pngcairo", "png")
        r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if r.returncode:
        print("report: gnuplot failed: %s" % r.stderr, file=sys.stderr)


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    figs, series, perf = parse(argv[1])
    os.makedirs(argv[2], exist_ok=True)
    rows, scale, targets, bound = build(figs)
    write_txt(os.path.join(argv[2], "results.txt"), figs, rows, scale, targets, perf)
    doc = {
        "figures": figs,
        "table": [dict(zip(("figure", "oakley", "charon", "ratio", "oakley_dh_fraction",
                            "charon_dh_fraction"), r)) for r in rows],
        "scale_config": [{"figure": n, "value": v} for n, v in scale],
        "targets": {k: {"value": v, "want": w, "op": op, "status": met(v, w, op)}
                    for k, (v, w, op) in targets.items()},
        "dh_bound_sas_per_s": bound,
        "series": {k: v for k, v in series.items()},
        "perf": perf,
    }
    with open(os.path.join(argv[2], "results.json"), "w") as f:
        json.dump(doc, f, indent=1)
    plot(argv[2], series)
    with open(os.path.join(argv[2], "results.txt")) as f:
        sys.stdout.write(f.read())
    return 0 if "oakley.sas_per_s" in figs or "charon.sas_per_s" in figs else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
