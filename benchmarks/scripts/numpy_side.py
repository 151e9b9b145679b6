#!/usr/bin/env python3
"""The numpy/scipy side of two benchmark rows of issue 9, and the inputs both sides read.

  numpy_side.py wide-input  --out wide.jsonl [--rows 356000] [--columns 100]   100 numeric columns, 2 daily windows
  numpy_side.py wide        wide.jsonl      per window: corrcoef, eigvalsh; per column: ks_2samp window 2 vs 1
  numpy_side.py embed-input --out e.jsonl [--events 300] [--dimensions 4096]     one hour of embeddings
  numpy_side.py close       e.jsonl         corrcoef + eigvalsh (+ effective rank) of the one window

Both sides are timed end to end by farm-bench, from the same JSON Lines file (parsing included), e.g.
  OPENBLAS_NUM_THREADS=1 farm-bench -n 3 --timeout 900 --vs "python3 benchmarks/scripts/numpy_side.py wide wide.jsonl" \
      -- sh -c 'rm -rf out; exec ./featuremon replay --input wide.jsonl --out out --set window.size=1d'
Run numpy with OPENBLAS_NUM_THREADS=1 (featuremon's window stage is one thread).
"""
import argparse, json, sys
import numpy as np

DAY_MS = 86_400_000
START_MS = 1767225600000  # 2026-01-01T00:00Z


def wide_input(args):
    rng = np.random.default_rng(9)
    k = 8  # latent factors, so the columns are correlated as real tabular features are
    load = rng.standard_normal((k, args.columns))
    with open(args.out, "w") as f:
        for i in range(args.rows):
            z = rng.standard_normal(k)
            shift = 0.3 if i >= args.rows // 2 else 0.0  # the second day drifts a little
            x = z @ load + rng.standard_normal(args.columns) + shift
            ts = START_MS + (i * 2 * DAY_MS) // args.rows
            feats = {"f%03d" % c: float("%.9g" % x[c]) for c in range(args.columns)}
            f.write(json.dumps({"type": "features", "model": "wide", "timestamp": ts, "features": feats}) + "\n")


def wide(args):
    from scipy import stats
    windows = {}
    names = None
    with open(args.input) as f:
        for line in f:
            e = json.loads(line)
            if names is None:
                names = sorted(e["features"])
            windows.setdefault(e["timestamp"] // DAY_MS, []).append([e["features"][n] for n in names])
    days = sorted(windows)
    mats = [np.asarray(windows[d], dtype=float) for d in days]
    for m in mats:
        c = np.corrcoef(m, rowvar=False)
        ev = np.linalg.eigvalsh(c)
        print("window rows %d, effective rank %.6f" % (len(m), effective_rank(ev)))
    ks = [stats.ks_2samp(mats[0][:, j], mats[1][:, j]).statistic for j in range(mats[0].shape[1])]
    print("max KS %.6f" % max(ks))


def embed_input(args):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((args.events, 16)) @ rng.standard_normal((16, args.dimensions)) * 0.5 \
        + rng.standard_normal((args.events, args.dimensions))
    with open(args.out, "w") as f:
        for i in range(args.events):
            f.write(json.dumps({"type": "embedding", "model": "wide", "timestamp": START_MS + i * 1000,
                                "vector": [float("%.6g" % v) for v in x[i]]}) + "\n")


def close(args):
    x = np.asarray([json.loads(l)["vector"] for l in open(args.input)], dtype=float)
    ev = np.linalg.eigvalsh(np.corrcoef(x, rowvar=False))
    print("effective rank %.6f" % effective_rank(ev))


def effective_rank(ev):
    p = np.clip(ev, 0, None)
    p = p / p.sum()
    p = p[p > 0]
    return float(np.exp(-(p * np.log(p)).sum()))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("wide-input"); a.add_argument("--out", required=True)
    a.add_argument("--rows", type=int, default=356_000); a.add_argument("--columns", type=int, default=100)
    a = sub.add_parser("wide"); a.add_argument("input")
    a = sub.add_parser("embed-input"); a.add_argument("--out", required=True)
    a.add_argument("--events", type=int, default=300); a.add_argument("--dimensions", type=int, default=4096)
    a = sub.add_parser("close"); a.add_argument("input")
    args = ap.parse_args()
    {"wide-input": wide_input, "wide": wide, "embed-input": embed_input, "close": close}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
