package io.featuremon.stats.drift;

/** The distances between two discrete distributions (shares over the same bins) that numeric and categorical drift share. */
final class Divergences {
  /** Empty bins count as this share in PSI, so one empty bin gives a large but finite term. */
  static final double PSI_FLOOR = 1e-4;
  private static final double LN2 = StrictMath.log(2);

  private Divergences() {}

  /** PSI = Σ (c − r)·ln(c / r) over bins, each share floored at {@link #PSI_FLOOR}. */
  static double psi(double[] reference, double[] current) {
    requireSameLength(reference, current);
    double psi = 0;
    for (int i = 0; i < reference.length; i++) {
      double r = Math.max(reference[i], PSI_FLOOR);
      double c = Math.max(current[i], PSI_FLOOR);
      psi += (c - r) * StrictMath.log(c / r);
    }
    return psi;
  }

  /**
   * Jensen–Shannon distance, base 2: sqrt(½ KL(p‖m) + ½ KL(q‖m)) with m = (p + q)/2, in [0, 1]; empty bins add
   * nothing (0·log 0 = 0), so no floor is needed. Shares are used as given (they already sum to 1); scipy's
   * {@code jensenshannon(p, q, base=2)} gives the same.
   */
  static double jensenShannonDistance(double[] p, double[] q) {
    requireSameLength(p, q);
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double m = 0.5 * (p[i] + q[i]);
      if (p[i] > 0) {
        sum += p[i] * StrictMath.log(p[i] / m);
      }
      if (q[i] > 0) {
        sum += q[i] * StrictMath.log(q[i] / m);
      }
    }
    // Rounding can leave a tiny negative residue for identical inputs; the divergence itself is non-negative.
    return Math.sqrt(Math.max(0, 0.5 * sum / LN2));
  }

  private static void requireSameLength(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("both distributions need the same bins: " + a.length + " vs " + b.length);
    }
  }
}
