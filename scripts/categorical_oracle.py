#!/usr/bin/env python3
"""Independent numpy/scipy check of featuremon's categorical associations.

Reads JSON Lines on stdin, one case per line, and writes one JSON line per case on stdout:

    {"table": [[n11, n12, ...], [n21, ...], ...]}   contingency counts (rows: feature A, columns: feature B)
      -> {"n", "ka", "kb", "mi", "ha", "hb", "e0", "ami"}
    {"groups": [[x, x, ...], [x, ...], ...]}         raw numeric values, one list per category
      -> {"n", "k", "ss_within", "ss_total", "eta", "adjusted"}

    python3 scripts/categorical_oracle.py < cases.jsonl

The computations deliberately take other routes than the Java code (io.featuremon.stats.CategoricalAssociation and
CorrelationRatio): MI comes from scipy's G statistic (2N·MI) instead of a sum over cells, the entropies from
scipy.stats.entropy, and the sums of squares from a textbook two-pass over the raw values instead of Welford/Chan
moments. Used by CategoricalAssociationTest and CorrelationRatioTest; needs numpy and scipy.
"""
import json
import math
import sys

import numpy as np
from scipy.stats import chi2_contingency, entropy


def ami(table):
    t = np.asarray(table, dtype=np.float64)
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]  # empty categories do not count
    n = t.sum()
    ka, kb = t.shape
    if n == 0:
        return {"n": 0, "ka": ka, "kb": kb, "mi": 0.0, "ha": 0.0, "hb": 0.0, "e0": 0.0, "ami": 0.0}
    ha = float(entropy(t.sum(axis=1)))
    hb = float(entropy(t.sum(axis=0)))
    if ka >= 2 and kb >= 2:
        g, _, _, _ = chi2_contingency(t, correction=False, lambda_="log-likelihood")
        mi = float(g) / (2 * n)
    else:
        mi = 0.0
    e0 = (ka - 1) * (kb - 1) / (2 * n)
    denominator = (ha + hb) / 2 - e0
    value = 0.0
    if ka >= 2 and kb >= 2 and denominator > 0:
        value = min(1.0, max(0.0, (mi - e0) / denominator))
    return {"n": int(n), "ka": ka, "kb": kb, "mi": mi, "ha": ha, "hb": hb, "e0": e0, "ami": value}


def correlation_ratio(groups):
    groups = [np.asarray(g, dtype=np.float64) for g in groups if len(g) > 0]
    x = np.concatenate(groups) if groups else np.zeros(0)
    n, k = len(x), len(groups)
    ss_total = float(np.sum((x - x.mean()) ** 2)) if n else 0.0
    ss_within = float(sum(np.sum((g - g.mean()) ** 2) for g in groups))
    eta = adjusted = 0.0
    if k >= 2 and ss_total > 0:
        eta = math.sqrt(min(1.0, max(0.0, 1 - ss_within / ss_total)))
        if n > k:
            eps2 = 1 - (ss_within / (n - k)) / (ss_total / (n - 1))
            adjusted = math.sqrt(min(1.0, max(0.0, eps2)))
    return {"n": n, "k": k, "ss_within": ss_within, "ss_total": ss_total, "eta": eta, "adjusted": adjusted}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        if "table" in case:
            out = ami(case["table"])
        elif "groups" in case:
            out = correlation_ratio(case["groups"])
        else:
            raise SystemExit("unknown case: " + line[:80])
        print(json.dumps(out))


if __name__ == "__main__":
    main()
