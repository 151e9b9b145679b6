#!/usr/bin/env python3
"""Embedding drift of the last hour of a replay file against its first hour, with scipy, for DriftReplayTest.

    python3 scripts/drift_check.py FILE.jsonl K

Prints JSON: centroidCosine (exact), driftedShare (share of dimensions with W1 / sd_ref > 0.1 by
scipy.stats.wasserstein_distance and a two-sample KS test significant at alpha = 0.01, drift.alpha's default: D by
scipy.stats.ks_2samp above c(alpha) sqrt((n + m) / nm), c(alpha) = sqrt(-ln(alpha / 2) / 2)) and ambiguousShare: the
share of dimensions that the KLL sketches may put on either side, because the exact W1 lies within the sketch error
of the 0.1 cut, |W1 - W1_exact| <= (eps_ref + eps_cur) (max - min) / sd_ref, or the exact D within twice the rank
error above the critical value (featuremon adds eps_ref + eps_cur to it); eps = 0.01329 for k = 200 and 0 when a
window holds at most k values.
"""
import json
import sys

import numpy as np
from scipy.spatial.distance import cosine
from scipy.stats import ks_2samp, wasserstein_distance

path, k = sys.argv[1], int(sys.argv[2])
rows = [json.loads(line) for line in open(path)]
hour = lambda r: r["timestamp"] // 3_600_000
first, last = hour(rows[0]), hour(rows[-1])
a = np.array([r["vector"] for r in rows if hour(r) == first], dtype=np.float32).astype(np.float64)
b = np.array([r["vector"] for r in rows if hour(r) == last], dtype=np.float32).astype(np.float64)
if k != 200 and max(len(a), len(b)) > k:
    sys.exit("only k = 200 (normalised rank error 1.329e-2) or sketches holding every value are supported")
eps = lambda n: 0.0 if n <= k else 1.329e-2
w = np.array([wasserstein_distance(a[:, j], b[:, j]) / a[:, j].std() for j in range(a.shape[1])])
d = np.array([ks_2samp(a[:, j], b[:, j]).statistic for j in range(a.shape[1])])
span = np.maximum(a.max(0), b.max(0)) - np.minimum(a.min(0), b.min(0))
e = eps(len(a)) + eps(len(b))
bound = e * span / a.std(0)
n, m = len(a), len(b)
critical = np.sqrt(-0.5 * np.log(0.01 / 2)) * np.sqrt((n + m) / (n * m))
drifted = (w > 0.1) & (d > critical)
sure = (w > 0.1 + bound) & (d > critical + 2 * e)
possible = (w > 0.1 - bound) & (d > critical)
print(json.dumps({
    "centroidCosine": float(cosine(a.mean(0), b.mean(0))),
    "driftedShare": float(drifted.mean()),
    "ambiguousShare": float((possible & ~sure).mean()),
}))
