#!/usr/bin/python3
"""Exact Pearson correlations of the doubles given, in rational arithmetic (Python's fractions).

Reads one JSON object on stdin, {"rows": [["1000000.0001234", ...], ...]} with every value a decimal string that
round-trips to one double (Java's Double.toString), and writes {"corr": [[...], ...], "var": [...]} where each
entry is the exact value rounded once to a double. Nothing is approximated before that rounding, so this is the
ground truth that float64 two-pass formulas (numpy's corrcoef included) only approach. Used by CoMomentsTest.
"""
import json
import sys
from fractions import Fraction


def main():
    case = json.load(sys.stdin)
    rows = [[Fraction(float(v)) for v in row] for row in case["rows"]]
    n = len(rows)
    d = len(rows[0])
    means = [sum(r[j] for r in rows) / n for j in range(d)]
    centred = [[r[j] - means[j] for j in range(d)] for r in rows]
    m2 = [[sum(c[i] * c[j] for c in centred) for j in range(d)] for i in range(d)]
    corr = []
    for i in range(d):
        line = []
        for j in range(d):
            if m2[i][i] == 0 or m2[j][j] == 0:
                line.append(None)
            else:
                # rho² is rational; rho = sign · sqrt(rho²), rounded from a high-precision rational square root.
                r2 = m2[i][j] * m2[i][j] / (m2[i][i] * m2[j][j])
                line.append(float(sqrt_fraction(r2)) * (1 if m2[i][j] >= 0 else -1))
        corr.append(line)
    json.dump({"corr": corr, "var": [float(m2[j][j] / (n - 1)) for j in range(d)]}, sys.stdout)


def sqrt_fraction(x, digits=40):
    """√x for a non-negative Fraction, to about `digits` significant digits (far beyond a double's 17)."""
    if x == 0:
        return Fraction(0)
    scale = 10 ** (2 * digits)
    from math import isqrt
    return Fraction(isqrt(x.numerator * scale // x.denominator), 10 ** digits)


if __name__ == "__main__":
    main()
