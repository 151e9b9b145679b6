#!/usr/bin/env python3
"""Independent two-pass float64 check of a featuremon replay.

Recomputes, with numpy only, every window's redundancy metrics and mask from the raw JSON Lines input and compares
them with the replay's window-stats.jsonl and masks.jsonl.

    python3 scripts/oracle.py --input events.jsonl --out replay-dir --window-ms 3600000 [--advance-ms 600000]
                              [--threshold 0.95] [--rtol 1e-9]

Exit status 0 when every window matches, 1 otherwise (each mismatch printed).
Covers tumbling and hopping windows of valid events (numeric features / embeddings); dead-lettered lines are skipped the same
way featuremon skips them only for the simple cases (bad JSON, NaN, missing model), which is all the real data needs.
"""
import argparse
import json
import math
import sys
from collections import defaultdict
from datetime import datetime

import numpy as np


def parse_time(v):
    if isinstance(v, (int, float)):
        return int(v)
    return int(datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp() * 1000)


def load(path):
    """(model, segment, type) -> list of (timestamp, names, row)."""
    groups = defaultdict(list)
    schemas = {}
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            try:
                e = json.loads(line)
            except ValueError:
                continue
            model = e.get("model")
            if not model:
                continue
            key = (model, e.get("segment"), e["type"])
            ts = parse_time(e["timestamp"])
            if e["type"] == "embedding":
                row = np.asarray(e["vector"], dtype=np.float32).astype(np.float64)
                names = [str(i) for i in range(len(row))]
            else:
                numeric = {k: v for k, v in e["features"].items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
                names = schemas.setdefault(key, sorted(numeric))
                if any(k not in numeric for k in names):
                    continue  # incomplete row: left out of correlations
                row = np.array([float(numeric[k]) for k in names])
            if not np.all(np.isfinite(row)):
                continue
            groups[key].append((ts, names, row))
    return groups


def metrics(rows, names, threshold):
    x = np.vstack(rows)
    constant = [i for i in range(x.shape[1]) if np.min(x[:, i]) == np.max(x[:, i])] if len(rows) > 1 else list(range(x.shape[1]))
    keep = [i for i in range(x.shape[1]) if i not in constant]
    d = len(keep)
    out = {"count": len(rows), "constant": [names[i] for i in constant], "nonConstant": d}
    if d == 0:
        out.update(fretL1=0.0, meanAbsCorr=0.0, meanSqCorr=0.0, effectiveRank=0.0)
        return out, {"kept": [], "dropped": [(names[i], "constant", None) for i in constant]}
    xc = x[:, keep] - x[:, keep].mean(axis=0)          # two-pass: mean first, then centred products
    cov = xc.T @ xc
    sd = np.sqrt(np.diag(cov))
    c = np.clip(cov / np.outer(sd, sd), -1, 1)
    np.fill_diagonal(c, 1.0)
    off = ~np.eye(d, dtype=bool)
    fret = float(np.abs(c[off]).sum())
    pairs = d * (d - 1)
    lam = np.clip(np.linalg.eigvalsh(c), 0, None)
    p = lam[lam > 0] / lam.sum()
    out.update(fretL1=fret, meanAbsCorr=fret / pairs if d > 1 else 0.0,
               meanSqCorr=float((c[off] ** 2).sum()) / pairs if d > 1 else 0.0,
               effectiveRank=float(np.exp(-(p * np.log(p)).sum())) if d > 1 else 1.0)
    # the mask rule, written from its definition
    mean_abs = (np.abs(c).sum(axis=1) - 1) / (d - 1) if d > 1 else np.zeros(d)
    order = sorted(range(d), key=lambda a: (mean_abs[a], a))
    kept, dropped = [], [(names[i], "constant", None) for i in constant]
    for a in order:
        hits = [(abs(c[a, k]), -k, k) for k in kept if abs(c[a, k]) >= threshold]
        if hits:
            k = max(hits)[2]
            dropped.append((names[keep[a]], "redundant", names[keep[k]]))
        else:
            kept.append(a)
    return out, {"kept": sorted(names[keep[a]] for a in kept), "dropped": dropped}


def close(a, b, rtol):
    return abs(a - b) <= rtol * max(abs(a), abs(b), 1e-300) or (a == b)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--window-ms", type=int, required=True)
    ap.add_argument("--advance-ms", type=int, default=None, help="hop between window starts (default: tumbling)")
    ap.add_argument("--threshold", type=float, default=0.95)
    ap.add_argument("--rtol", type=float, default=1e-9)
    args = ap.parse_args()

    windows = defaultdict(list)
    names_of = {}
    advance = args.advance_ms or args.window_ms
    for key, events in load(args.input).items():
        for ts, names, row in events:
            start = (ts // advance) * advance
            while start > ts - args.window_ms:        # every window [start, start + size) that holds ts
                windows[(key, start)].append(row)
                names_of[(key, start)] = names
                start -= advance

    stats = {}
    with open(f"{args.out}/window-stats.jsonl") as f:
        for line in f:
            s = json.loads(line)
            stats[((s["model"], s["segment"], s["type"]), s["windowStart"])] = s
    masks = {}
    with open(f"{args.out}/masks.jsonl") as f:
        for line in f:
            m = json.loads(line)
            masks[((m["model"], m["segment"], m["type"]), m["windowStart"])] = m

    failures = 0
    worst = 0.0
    masks_checked = 0
    if set(stats) != set(windows):
        print(f"window sets differ: featuremon {sorted(stats)} vs oracle {sorted(windows)}")
        failures += 1
    previous = {}   # group -> the last published verdicts: a mask is published only when they change
    for wkey in sorted(windows, key=lambda w: (str(w[0]), w[1])):
        if wkey not in stats:
            continue
        expected, mask = metrics(windows[wkey], names_of[wkey], args.threshold)
        got = stats[wkey]
        red = got["redundancy"]
        if got["count"] != expected["count"] or red["nonConstant"] != expected["nonConstant"] \
                or sorted(got["constant"]) != sorted(expected["constant"]):
            print(f"{wkey}: count/constant differ: {got['count']} {got['constant']} vs {expected['count']} {expected['constant']}")
            failures += 1
        for m in ("fretL1", "meanAbsCorr", "meanSqCorr", "effectiveRank"):
            a, b = red[m], expected[m]
            rel = abs(a - b) / max(abs(b), 1e-300) if a != b else 0.0
            worst = max(worst, rel)
            if not close(a, b, args.rtol):
                print(f"{wkey}: {m} featuremon {a!r} oracle {b!r} (relative {rel:.2e})")
                failures += 1
        verdicts = sorted((f, r) for f, r, _ in mask["dropped"])
        changed = previous.get(wkey[0]) != verdicts
        previous[wkey[0]] = verdicts
        gm = masks.get(wkey)
        if not changed:
            if gm is not None:
                print(f"{wkey}: a mask was published although its verdicts did not change")
                failures += 1
            continue
        masks_checked += 1
        got_dropped = sorted((d["feature"], d["reason"], d["redundantWith"]) for d in gm["dropped"]) if gm else None
        if gm is None or sorted(gm["kept"]) != mask["kept"] or got_dropped != sorted(mask["dropped"]):
            print(f"{wkey}: mask differs:\n  featuremon kept={gm and sorted(gm['kept'])} dropped={got_dropped}\n"
                  f"  oracle     kept={mask['kept']} dropped={sorted(mask['dropped'])}")
            failures += 1
    print(f"{len(windows)} windows checked, {masks_checked} published masks checked, "
          f"worst relative difference {worst:.3e}, {failures} mismatches")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
