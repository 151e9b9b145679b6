#!/usr/bin/env python3
"""Independent scipy/numpy values for featuremon's drift statistics (io.featuremon.stats.drift).

    python3 scripts/drift_oracle.py numeric     --data topology/src/test/resources/data
    python3 scripts/drift_oracle.py embedding   --data topology/src/test/resources/data
    python3 scripts/drift_oracle.py categorical --data topology/src/test/resources/data
    python3 scripts/drift_oracle.py categorical-table < tables.json
    python3 scripts/drift_oracle.py trend
    python3 scripts/drift_oracle.py generated --out DIR [--sizes 1000,50000,200000]

Prints one JSON document on stdout: the cases (how the real data is split) and the expected values, computed
from the raw rows with scipy.stats.ks_2samp, scipy.stats.wasserstein_distance, scipy.spatial.distance.jensenshannon
and .cosine, scipy.stats.chi2_contingency, scipy.stats.norm, scipy.stats.theilslopes / kendalltau, and numpy for
PSI. The Java tests (NumericDriftTest, EmbeddingDriftTest, CategoricalDriftTest, TrendTestTest) read it and compare.
Exit status 3 when scipy is missing (the tests then report themselves skipped), 1 when a self-check fails.

Splits (all real data, no synthetic values except the trend series):
  numeric:     wine rows 0..88 vs 89..177 (rows are sorted by cultivar: real drift), macrodata rows 0..100 vs
               101..202 (1959-1984 vs 1984-2009: trending series); every window has at most 200 rows, so a KLL
               sketch with k = 200 holds every item and the Java values must agree to rounding.
  embedding:   minilm-utils-then-net.jsonl, the 500 events of hour 00 vs the 500 of hour 01, per dimension.
  generated:   synthetic reference and current windows drawn from numpy's PCG64 (seeded): normal, lognormal, Cauchy
               and integers with few values (Poisson(1.5)), no shift, at each size, plus a +0.5 sd location shift;
               the raw values go to DIR as big-endian float64 files, the exact values to stdout.
  categorical: wine magnesium (integer mg/l, as text) and macrodata decade and quarter (from the quarter id), same
               halves as numeric: the raw counts, the cap featuremon counts them with (1000: every value; 8: a
               hash sample, pooled, with OTHER) and the exact unseen share.
  categorical-table: reads {"cases": [{"reference": {value: count}, "current": {...}, "buckets": [[value, ...], ...],
               "has_other": bool}]} on stdin (the raw counts and the partition featuremon chose) and answers, per case,
               the table counted from the raw counts, PSI, JS, chi2_contingency(correction=False) and its p-value.
"""
import argparse
import json
import math
import sys

import numpy as np

try:
    import scipy
    from scipy import stats
    from scipy.spatial import distance
except ImportError:  # pragma: no cover - depends on the machine
    print("scipy is not installed (Debian: apt-get install python3-scipy); drift oracle unavailable", file=sys.stderr)
    sys.exit(3)

BINS = 10
PSI_FLOOR = 1e-4


def load_features(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    names = list(rows[0]["features"].keys())
    x = np.array([[r["features"][n] for n in names] for r in rows], dtype=float)
    return names, x, [r["id"] for r in rows]


def load_embeddings(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    return np.array([r["vector"] for r in rows], dtype=float), np.array([r["timestamp"] for r in rows])


def psi_recipe(ref, cur):
    """featuremon's stated PSI/JS binning, as a user types it in numpy: distinct inverted_cdf deciles of the
    reference as inner edges, right-closed bins (-inf, e1], (e1, e2], ..., (e_last, inf) counted with searchsorted."""
    edges = np.unique(np.quantile(ref, np.arange(1, BINS) / BINS, method="inverted_cdf"))

    def shares_of(x):
        return np.diff(np.searchsorted(np.sort(x), edges, side="right"), prepend=0, append=len(x)) / len(x)

    r, c = shares_of(ref), shares_of(cur)
    return edges, r, c, psi(r, c), float(distance.jensenshannon(r, c, base=2))


def psi(r, c):
    r = np.maximum(r, PSI_FLOOR)
    c = np.maximum(c, PSI_FLOOR)
    return float(np.sum((c - r) * np.log(c / r)))


def numeric_case(dataset, name, ref, cur):
    edges, r, c, _, _ = psi_recipe(ref, cur)
    w1 = float(stats.wasserstein_distance(ref, cur))
    sd = float(np.std(ref))
    return {
        "dataset": dataset, "feature": name, "n": len(ref), "m": len(cur),
        "ks": float(stats.ks_2samp(ref, cur).statistic),
        "wasserstein_raw": w1, "reference_std": sd, "wasserstein": w1 / sd if sd > 0 else (0.0 if w1 == 0 else None),
        "psi": psi(r, c), "js": float(distance.jensenshannon(r, c, base=2)),
        "edges": edges.tolist(), "reference_shares": r.tolist(), "current_shares": c.tolist(),
        "min": float(min(ref.min(), cur.min())), "max": float(max(ref.max(), cur.max())),
    }


def exact_drift(ref, cur):
    edges, r, c, p, js = psi_recipe(ref, cur)
    w1 = float(stats.wasserstein_distance(ref, cur))
    sd = float(np.std(ref))
    return {"ks": float(stats.ks_2samp(ref, cur).statistic), "wasserstein_raw": w1, "reference_std": sd,
            "wasserstein": w1 / sd, "psi": p, "js": js, "edges": edges.tolist(), "reference_shares": r.tolist(),
            "current_shares": c.tolist()}


GENERATORS = {
    "normal": lambda rng, n: rng.normal(10, 3, n),
    "lognormal": lambda rng, n: rng.lognormal(0, 1, n),
    "cauchy": lambda rng, n: rng.standard_cauchy(n),
    "integers": lambda rng, n: rng.poisson(1.5, n).astype(float),
}


def cmd_generated(args):
    import os
    os.makedirs(args.out, exist_ok=True)
    cases = []
    sizes = [int(v) for v in args.sizes.split(",")]
    for seed, (name, draw) in enumerate(GENERATORS.items()):
        for n in sizes:
            rng = np.random.default_rng([20261127, seed, n])
            ref, cur = draw(rng, n), draw(rng, n)
            variants = [("none", cur)]
            if n == 50_000:
                variants.append(("+0.5sd", cur + 0.5 * np.std(ref)))
            for shift, c in variants:
                base = f"{name}-{n}-{shift}"
                ref.astype(">f8").tofile(f"{args.out}/{base}.ref")
                c.astype(">f8").tofile(f"{args.out}/{base}.cur")
                cases.append({"name": name, "n": n, "shift": shift, "reference": f"{base}.ref",
                              "current": f"{base}.cur", **exact_drift(ref, c)})
    return {"cases": cases}


def cmd_numeric(args):
    cases = []
    for dataset, cut in (("wine", 89), ("macrodata", 101)):
        names, x, _ = load_features(f"{args.data}/{dataset}.jsonl")
        for j, name in enumerate(names):
            cases.append(numeric_case(dataset, name, x[:cut, j], x[cut:, j]))
    return {"cases": cases}


def cmd_embedding(args):
    x, ts = load_embeddings(f"{args.data}/minilm-utils-then-net.jsonl")
    hour = (ts - ts[0]) // 3_600_000
    a, b = x[hour == 0], x[hour == 1]
    dims = []
    for j in range(x.shape[1]):
        ref, cur = a[:, j], b[:, j]
        w1 = float(stats.wasserstein_distance(ref, cur))
        sd = float(np.std(ref))
        dims.append({"ks": float(stats.ks_2samp(ref, cur).statistic), "wasserstein_raw": w1, "reference_std": sd,
                     "wasserstein": w1 / sd, "min": float(min(ref.min(), cur.min())),
                     "max": float(max(ref.max(), cur.max()))})
    w = np.array([d["wasserstein"] for d in dims])
    return {"n": int(len(a)), "m": int(len(b)), "dimensions": dims,
            "centroid_cosine_distance": float(distance.cosine(a.mean(axis=0), b.mean(axis=0))),
            "evidently_share": float(np.mean(w > 0.1))}


def counts_of(values):
    counts = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return counts


def categorical_case(name, ref_values, cur_values, cap):
    """One real split: the raw counts featuremon is given and the share of current events with a value the reference
    never had, over all values (featuremon's unseenShare equals it exactly when neither window exceeds the cap)."""
    ref_counts, cur_counts = counts_of(ref_values), counts_of(cur_values)
    unseen = sum(cnt for k, cnt in cur_counts.items() if k not in ref_counts) / len(cur_values)
    return {"name": name, "cap": cap, "reference": ref_counts, "current": cur_counts, "unseen_share": unseen,
            "distinct": len(set(ref_counts) | set(cur_counts))}


def cmd_categorical(args):
    names, x, _ = load_features(f"{args.data}/wine.jsonl")
    mg = [str(int(v)) for v in x[:, names.index("magnesium")]]
    _, _, ids = load_features(f"{args.data}/macrodata.jsonl")
    decade = [i[:3] + "0s" for i in ids]
    quarter = [i[4:] for i in ids]
    return {"cases": [
        categorical_case("wine magnesium, every value", mg[:89], mg[89:], 1000),
        categorical_case("wine magnesium, cap 8", mg[:89], mg[89:], 8),
        categorical_case("macrodata decade", decade[:101], decade[101:], 1000),
        categorical_case("macrodata quarter", quarter[:101], quarter[101:], 1000),
    ]}


def categorical_table(case):
    """scipy on the table featuremon compared: its buckets (lists of values) counted here from the raw counts, every
    other event in OTHER when it has one. Which values are cells and how they are pooled is featuremon's choice
    (hash order, expected-count rule), taken as given; the counts and everything computed from them are checked."""
    ref, cur = case["reference"], case["current"]
    table = [[sum(ref.get(v, 0) for v in b) for b in case["buckets"]],
             [sum(cur.get(v, 0) for v in b) for b in case["buckets"]]]
    rest = [sum(ref.values()) - sum(table[0]), sum(cur.values()) - sum(table[1])]
    if case["has_other"]:
        table[0].append(rest[0])
        table[1].append(rest[1])
        rest = [0, 0]
    t = np.array(table, dtype=float)
    if t.shape[1] > 1:
        chi2, p, df, _ = stats.chi2_contingency(t, correction=False)
    else:
        chi2, p, df = 0.0, 1.0, 0
    r, c = t[0] / t[0].sum(), t[1] / t[1].sum()
    return {"reference_table": table[0], "current_table": table[1], "unbucketed": rest, "psi": psi(r, c),
            "js": float(distance.jensenshannon(r, c, base=2)), "chi_square": float(chi2), "df": int(df),
            "p_value": float(p)}


def cmd_categorical_table(_args):
    return {"cases": [categorical_table(case) for case in json.load(sys.stdin)["cases"]]}


def mann_kendall(x, alpha):
    x = np.asarray(x, dtype=float)
    n = len(x)
    s = int(sum(np.sign(x[j] - x[i]) for i in range(n) for j in range(i + 1, n)))
    _, t = np.unique(x, return_counts=True)
    var = (n * (n - 1) * (2 * n + 5) - float(np.sum(t * (t - 1) * (2 * t + 5)))) / 18.0
    if var <= 0 or s == 0:
        z = 0.0
    else:
        z = (s - 1 if s > 0 else s + 1) / math.sqrt(var)
    norm = stats.norm
    slope = float(stats.theilslopes(x, np.arange(n))[0]) if n >= 2 else 0.0
    p_rising = float(norm.sf(z))
    result = {"n": n, "s": s, "variance": var, "z": z, "p_two_sided": float(min(1.0, 2 * norm.sf(abs(z)))),
              "p_rising": p_rising, "p_falling": float(norm.cdf(z)), "sen_slope": slope,
              "rising": bool(p_rising < alpha and slope > 0)}
    # Self-check of S and Var(S) through scipy's Kendall tau against time (no ties in time): its asymptotic p-value
    # is the uncorrected two-sided Mann-Kendall p-value.
    if n >= 3 and var > 0 and len(t) > 1:
        tau = stats.kendalltau(np.arange(n), x, method="asymptotic")
        mine = 2 * norm.sf(abs(s) / math.sqrt(var))
        if not math.isclose(tau.pvalue, mine, rel_tol=1e-9, abs_tol=1e-15):
            print(f"self-check failed: kendalltau p {tau.pvalue} vs S/Var p {mine}", file=sys.stderr)
            sys.exit(1)
    return result


def cmd_trend(_args):
    rng = np.random.default_rng(20260101)
    cases = []

    def add(name, series, alpha=0.05):
        cases.append({"name": name, "series": [float(v) for v in series], "alpha": alpha,
                      "expected": mann_kendall(series, alpha)})

    for n in (10, 20, 50):
        add(f"white noise n={n}", rng.normal(size=n))
    add("rising 0.05 per window + noise, n=20", 0.05 * np.arange(20) + rng.normal(scale=0.3, size=20))
    add("rising 0.02 per window + noise, n=30", 0.02 * np.arange(30) + rng.normal(scale=0.3, size=30))
    add("falling, n=25", -0.04 * np.arange(25) + rng.normal(scale=0.2, size=25))
    add("meanAbsCorr climbing 0.30 -> 0.45 over 12 windows", np.linspace(0.30, 0.45, 12) + rng.normal(0, 0.02, 12))
    add("meanAbsCorr flat around 0.3 over 12 windows", 0.3 + rng.normal(0, 0.02, 12))
    add("ties: rounded to one decimal, n=30", np.round(0.01 * np.arange(30) + rng.normal(scale=0.2, size=30), 1))
    add("heavy ties: integers 0..2, n=15", rng.integers(0, 3, size=15).astype(float))
    add("constant", np.full(10, 0.42))
    add("two values", [0.1, 0.2])
    add("three rising values", [0.1, 0.2, 0.3])
    add("strict alpha 0.01, rising 0.03 + noise, n=15", 0.03 * np.arange(15) + rng.normal(scale=0.1, size=15), 0.01)
    return {"cases": cases}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["numeric", "embedding", "categorical", "categorical-table", "trend",
                                            "generated"])
    parser.add_argument("--data", default="topology/src/test/resources/data")
    parser.add_argument("--out", help="generated: where to write the raw values")
    parser.add_argument("--sizes", default="1000,50000,200000", help="generated: window sizes")
    args = parser.parse_args()
    commands = {"numeric": cmd_numeric, "embedding": cmd_embedding, "categorical": cmd_categorical,
                "categorical-table": cmd_categorical_table, "trend": cmd_trend, "generated": cmd_generated}
    out = commands[args.command](args)
    out["scipy"] = scipy.__version__
    out["numpy"] = np.__version__
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
