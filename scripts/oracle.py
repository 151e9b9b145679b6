#!/usr/bin/env python3
"""Independent two-pass float64 check of a featuremon replay.

Recomputes, with numpy only, every window's redundancy metrics and mask from the raw JSON Lines input and compares
them with the replay's window-stats.jsonl and masks.jsonl.

    python3 scripts/oracle.py --input events.jsonl --out replay-dir --window-ms 3600000 [--advance-ms 600000]
                              [--threshold 0.95] [--hysteresis 0.05] [--stable-windows 2] [--no-linear]
                              [--rtol 1e-9]

The mask is checked against the rule's definition at featuremon's defaults: the dimensions serving keeps are
visited before those the mask drops or the rule flagged in the window before, which are re-admitted only below
threshold - hysteresis; a numeric dimension whose adjusted R² on the kept ones (numpy's least squares, not
featuremon's Cholesky update; ten events per kept dimension at most) reaches threshold² is a linear combination;
and the mask follows a verdict held for --stable-windows windows.

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


def metrics(rows, names):
    x = np.vstack(rows)
    constant = [i for i in range(x.shape[1]) if np.min(x[:, i]) == np.max(x[:, i])] if len(rows) > 1 else list(range(x.shape[1]))
    keep = [i for i in range(x.shape[1]) if i not in constant]
    d = len(keep)
    out = {"count": len(rows), "constant": [names[i] for i in constant], "nonConstant": d}
    if d == 0:
        out.update(fretL1=0.0, meanAbsCorr=0.0, meanSqCorr=0.0, effectiveRank=0.0)
        return out, None, keep, None
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
    return out, c, keep, xc


def mask_rule(c, keep, xc, names, constant, flagged_before, opts):
    """The per-window rule, written from its definition; flagged_before: names dropped or flagged in the window before."""
    d = len(keep)
    n = xc.shape[0] if xc is not None else 0
    dropped = [(names[i], "constant", None) for i in constant]
    if d == 0:
        return {"kept": [], "dropped": dropped}
    mean_abs = (np.abs(c).sum(axis=1) - 1) / (d - 1) if d > 1 else np.zeros(d)
    challenger = [names[keep[a]] in flagged_before for a in range(d)]
    order = sorted(range(d), key=lambda a: (challenger[a], mean_abs[a], a))
    kept, basis = [], []
    for a in order:
        drop_at = opts.threshold - opts.hysteresis if challenger[a] else opts.threshold
        hits = [(abs(c[a, k]), -k, k) for k in kept if abs(c[a, k]) >= drop_at]
        if hits:
            dropped.append((names[keep[a]], "redundant", names[keep[max(hits)[2]]]))
            continue
        if opts.linear and basis:
            # least squares of the standardised column on the standardised kept columns: R² = 1 - |residual|² / |y|²
            # (standardised because a real MiniLM dimension has values near 1e-33, where unscaled lstsq loses R²)
            z = xc / np.sqrt(np.sum(xc ** 2, axis=0))
            X, y = z[:, basis], z[:, a]
            beta = np.linalg.lstsq(X, y, rcond=None)[0]
            r2 = min(1.0, 1 - float(np.sum((y - X @ beta) ** 2)) / float(np.sum(y ** 2)))
            adjusted = 1 - (1 - r2) * (n - 1) / (n - len(basis) - 1)
            if adjusted >= drop_at ** 2:
                strongest = max((abs(c[a, k]), -k, k) for k in basis)[2]
                dropped.append((names[keep[a]], "redundant", names[keep[strongest]]))
                continue
        kept.append(a)
        if opts.linear and n - 1 >= 10 * (len(basis) + 1):   # ten events per regressor
            basis.append(a)
    return {"kept": sorted(names[keep[a]] for a in kept), "dropped": dropped}


class Stability:
    """The mask follows a verdict only after it held for stable-windows windows (featuremon's MaskStability)."""

    def __init__(self, stable):
        self.stable, self.dropped, self.streak, self.evidence = stable, set(), defaultdict(int), {}
        self.started = False   # the first window has no mask to keep stable: its verdicts are the first mask

    def flagged_before(self):
        """Out or on the way out: dropped by the mask, or flagged by the rule last window (a running streak)."""
        return set(self.dropped) | {f for f, n in self.streak.items() if n > 0}

    def step(self, names, rule, c=None, keep=()):
        flagged = {f: (r, w) for f, r, w in rule["dropped"]}
        first = not self.started
        self.started = True
        for f in names:
            if f in flagged:
                self.evidence[f] = flagged[f]
            self.streak[f] = self.streak[f] + 1 if (f in flagged) != (f in self.dropped) else 0
            if first or self.streak[f] >= self.stable:
                (self.dropped.add if f in flagged else self.dropped.discard)(f)
                self.streak[f] = 0
        kept = sorted(f for f in names if f not in self.dropped)
        dropped = [(f, *self.evidence[f]) for f in sorted(self.dropped)]
        # a drop whose partner this mask drops too names the kept feature of largest |ρ| in this window instead
        pos = {names[k]: a for a, k in enumerate(keep)}
        for i, (f, reason, w) in enumerate(dropped):
            if reason == "redundant" and w not in kept and f in pos and c is not None:
                cands = [(abs(c[pos[f], pos[k]]), -names.index(k), k) for k in kept if k in pos]
                if cands:
                    dropped[i] = (f, reason, max(cands)[2])
        return {"kept": kept, "dropped": dropped}


def close(a, b, rtol):
    return abs(a - b) <= rtol * max(abs(a), abs(b), 1e-300) or (a == b)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--window-ms", type=int, required=True)
    ap.add_argument("--advance-ms", type=int, default=None, help="hop between window starts (default: tumbling)")
    ap.add_argument("--threshold", type=float, default=0.95)
    ap.add_argument("--hysteresis", type=float, default=0.05)
    ap.add_argument("--stable-windows", type=int, default=2)
    ap.add_argument("--no-linear", dest="linear", action="store_false", help="mask.linearCombinations=false")
    ap.add_argument("--min-events", type=int, default=10, help="a window with fewer events decides no mask")
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
    stability = defaultdict(lambda: Stability(args.stable_windows))
    for wkey in sorted(windows, key=lambda w: (str(w[0]), w[1])):
        if wkey not in stats:
            continue
        names = names_of[wkey]
        expected, c, keep, xc = metrics(windows[wkey], names)
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
        if expected["count"] < args.min_events:
            continue
        group = stability[wkey[0]]
        constant = [names.index(f) for f in expected["constant"]]
        rule = mask_rule(c, keep, xc, names, constant, group.flagged_before(), args)
        mask = group.step(names, rule, c, keep)
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
