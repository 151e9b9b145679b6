#!/usr/bin/python3
"""Independent numpy/scipy/scikit-learn check of featuremon's categorical associations.

Reads JSON Lines on stdin, one case per line, and writes one JSON line per case on stdout:

    {"table": [[n11, n12, ...], [n21, ...], ...]}   contingency counts (rows: feature A, columns: feature B)
      -> {"n", "ka", "kb", "mi", "ha", "hb", "e0" (expected MI), "ami", "sklearn_ami" (unclamped)}
    {"groups": [[x, x, ...], [x, ...], ...]}         raw numeric values, one list per category
      -> {"n", "k", "ss_within", "ss_total", "eta", "adjusted"}
    {"labels_a": [...], "labels_b": [...]}           one label per row on each side (e.g. bucketed values)
      -> {"n", "sklearn_ami"}
    {"drift_table": [[r1, r2, ...], [c1, c2, ...]]}  reference and current counts over one partition
      -> {"chi_square", "p_value", "df" (scipy.stats.chi2_contingency, correction=False), "js" (scipy jensenshannon,
          base 2, of the shares)}

    /usr/bin/python3 scripts/categorical_oracle.py < cases.jsonl

The computations deliberately take other routes than the Java code (io.featuremon.stats.CategoricalAssociation and
CorrelationRatio): MI, the expected MI (Vinh, Epps and Bailey's exact hypergeometric expectation) and AMI come from
scikit-learn on label vectors expanded from the table, the entropies from scipy.stats.entropy, and the sums of squares
from a textbook two-pass over the raw values instead of Welford/Chan moments. Used by CategoricalAssociationTest and
CorrelationRatioTest; needs Debian's python3-numpy, python3-scipy and python3-sklearn (.ci/run installs them).
"""
import json
import math
import sys

import numpy as np
from scipy.stats import entropy
from sklearn.metrics import adjusted_mutual_info_score, mutual_info_score
from sklearn.metrics.cluster import contingency_matrix
from sklearn.metrics.cluster._expected_mutual_info_fast import expected_mutual_information


def ami(table):
    """MI, entropies, expected MI and AMI of a contingency table, by scikit-learn (Vinh et al.'s exact EMI).

    The rows are expanded into label vectors and handed to sklearn.metrics' public scores; the expected mutual
    information comes from the same module sklearn's AMI uses. Nothing here re-implements featuremon's formula.
    """
    t = np.asarray(table, dtype=np.int64)
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]  # empty categories do not count
    n = int(t.sum())
    ka, kb = t.shape
    if n == 0:
        return {"n": 0, "ka": ka, "kb": kb, "mi": 0.0, "ha": 0.0, "hb": 0.0, "e0": 0.0, "ami": 0.0, "sklearn_ami": None}
    ha = float(entropy(t.sum(axis=1)))
    hb = float(entropy(t.sum(axis=0)))
    rows, cols = np.nonzero(t)
    counts = t[rows, cols]
    labels_a = np.repeat(rows, counts)
    labels_b = np.repeat(cols, counts)
    mi = float(mutual_info_score(labels_a, labels_b))
    if ka >= 2 and kb >= 2:
        emi = float(expected_mutual_information(contingency_matrix(labels_a, labels_b, sparse=True), n))
        sk = float(adjusted_mutual_info_score(labels_a, labels_b))
    else:
        emi, sk = 0.0, None
    # featuremon clamps to [0, 1] and answers 0 where the denominator is not positive; sklearn answers the raw ratio.
    denominator = (ha + hb) / 2 - emi
    value = min(1.0, max(0.0, sk)) if sk is not None and denominator > 0 else 0.0
    return {"n": n, "ka": ka, "kb": kb, "mi": mi, "ha": ha, "hb": hb, "e0": emi, "ami": value, "sklearn_ami": sk}


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


def labels(case):
    a, b = case["labels_a"], case["labels_b"]
    return {"n": len(a), "sklearn_ami": float(adjusted_mutual_info_score(a, b))}


def drift_table(case):
    from scipy.spatial.distance import jensenshannon
    from scipy.stats import chi2_contingency
    t = np.asarray(case["drift_table"], dtype=np.float64)
    if t.shape[1] >= 2:
        chi2, p, df, _ = chi2_contingency(t, correction=False)
    else:
        chi2, p, df = 0.0, 1.0, 0
    js = float(jensenshannon(t[0] / t[0].sum(), t[1] / t[1].sum(), base=2))
    return {"chi_square": float(chi2), "p_value": float(p), "df": int(df), "js": js}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        if "table" in case:
            out = ami(case["table"])
        elif "groups" in case:
            out = correlation_ratio(case["groups"])
        elif "labels_a" in case:
            out = labels(case)
        elif "drift_table" in case:
            out = drift_table(case)
        else:
            raise SystemExit("unknown case: " + line[:80])
        print(json.dumps(out))


if __name__ == "__main__":
    main()
