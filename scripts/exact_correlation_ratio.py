#!/usr/bin/python3
"""Exact correlation ratios of the doubles given, in rational arithmetic (Python's fractions).

Reads JSON Lines on stdin, one case per line, {"groups": [["1000000.0001234", ...], [...], ...]} with every value a
decimal string that round-trips to one double (Java's Double.toString), one list per category, and writes one JSON
line per case:

    {"n", "k", "ss_within", "ss_total", "eta", "epsilon_squared"}

SS_within = Σ_g Σ (x − m_g)², SS_total = Σ (x − m)², η = sqrt(1 − SS_within / SS_total) and Kelley's
ε² = 1 − (SS_within / (n − k)) / (SS_total / (n − 1)), each the exact value rounded once to a double (η through a
40-digit rational square root); η and ε² are null where they are undefined (k < 2, SS_total = 0, or n ≤ k for ε²).
Nothing is approximated before that rounding, so this is the ground truth that float64 formulas only approach.
Used by CorrelationRatioTest; the Pearson sibling is exact_correlation.py.
"""
import json
import sys
from fractions import Fraction
from math import isqrt


def correlation_ratio(groups):
    groups = [[Fraction(float(v)) for v in g] for g in groups if len(g) > 0]
    values = [v for g in groups for v in g]
    n, k = len(values), len(groups)
    mean = sum(values, Fraction(0)) / n if n else Fraction(0)
    ss_total = sum(((v - mean) ** 2 for v in values), Fraction(0))
    ss_within = Fraction(0)
    for g in groups:
        m = sum(g, Fraction(0)) / len(g)
        ss_within += sum(((v - m) ** 2 for v in g), Fraction(0))
    eta = epsilon_squared = None
    if k >= 2 and ss_total > 0:
        eta = float(sqrt_fraction(1 - ss_within / ss_total))
        if n > k:
            epsilon_squared = float(1 - (ss_within / (n - k)) / (ss_total / (n - 1)))
    return {"n": n, "k": k, "ss_within": float(ss_within), "ss_total": float(ss_total), "eta": eta,
            "epsilon_squared": epsilon_squared}


def sqrt_fraction(x, digits=40):
    """√x for a non-negative Fraction, to about `digits` significant digits (far beyond a double's 17)."""
    if x == 0:
        return Fraction(0)
    scale = 10 ** (2 * digits)
    return Fraction(isqrt(x.numerator * scale // x.denominator), 10 ** digits)


def main():
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(correlation_ratio(json.loads(line)["groups"])))


if __name__ == "__main__":
    main()
