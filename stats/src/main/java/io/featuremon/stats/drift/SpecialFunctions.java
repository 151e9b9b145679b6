package io.featuremon.stats.drift;

/**
 * The few special functions the tests of this package need: log-gamma, the regularized upper incomplete gamma
 * function, and from it the normal and chi-square upper tails. Accurate to about 1e-14 relative in the ranges used
 * (checked against scipy by {@code scripts/drift_oracle.py} through {@code TrendTestTest} and
 * {@code CategoricalDriftTest}); no dependency for four functions.
 */
final class SpecialFunctions {
  private static final double EPS = 1e-16;
  private static final double TINY = 1e-300;
  private static final int MAX_ITERATIONS = 10_000;
  // Lanczos approximation, g = 7, n = 9 (Godfrey's coefficients): about 15 significant digits for x >= 0.5.
  private static final double LANCZOS_G = 7;
  private static final double[] LANCZOS = {
      0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
      12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
  private static final double HALF_LOG_TWO_PI = 0.5 * StrictMath.log(2 * Math.PI);

  private SpecialFunctions() {}

  /** ln Γ(x) for x ≥ 0.5. */
  static double lnGamma(double x) {
    if (!(x >= 0.5)) {
      throw new IllegalArgumentException("lnGamma is implemented for x >= 0.5, got " + x);
    }
    double z = x - 1;
    double sum = LANCZOS[0];
    for (int i = 1; i < LANCZOS.length; i++) {
      sum += LANCZOS[i] / (z + i);
    }
    double t = z + LANCZOS_G + 0.5;
    return HALF_LOG_TWO_PI + (z + 0.5) * StrictMath.log(t) - t + StrictMath.log(sum);
  }

  /** Q(a, x) = Γ(a, x) / Γ(a), the regularized upper incomplete gamma function, for a ≥ 0.5 and x ≥ 0. */
  static double regularizedGammaQ(double a, double x) {
    if (!(x >= 0)) {
      throw new IllegalArgumentException("x must be >= 0, got " + x);
    }
    if (x == 0) {
      return 1;
    }
    if (Double.isInfinite(x)) {
      return 0;
    }
    double logPrefactor = -x + a * StrictMath.log(x) - lnGamma(a);
    if (x < a + 1) {
      // Series for P(a, x); Q = 1 − P is not small here, so nothing cancels badly.
      double ap = a;
      double term = 1 / a;
      double sum = term;
      for (int i = 0; i < MAX_ITERATIONS; i++) {
        ap += 1;
        term *= x / ap;
        sum += term;
        if (Math.abs(term) < Math.abs(sum) * EPS) {
          break;
        }
      }
      return 1 - sum * StrictMath.exp(logPrefactor);
    }
    // Continued fraction for Q(a, x) (modified Lentz), accurate far into the tail.
    double b = x + 1 - a;
    double c = 1 / TINY;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < MAX_ITERATIONS; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < TINY) {
        d = TINY;
      }
      c = b + an / c;
      if (Math.abs(c) < TINY) {
        c = TINY;
      }
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < EPS) {
        break;
      }
    }
    return StrictMath.exp(logPrefactor) * h;
  }

  /** P(Z ≥ z) for a standard normal Z. */
  static double normalUpperTail(double z) {
    if (Double.isNaN(z)) {
      return Double.NaN;
    }
    // erfc(t) = Q(1/2, t²), and P(Z ≥ z) = erfc(z / √2) / 2 for z ≥ 0.
    double upper = 0.5 * regularizedGammaQ(0.5, 0.5 * z * z);
    return z >= 0 ? upper : 1 - upper;
  }

  /** P(X ≥ x) for X chi-square with {@code degreesOfFreedom} ≥ 1. */
  static double chiSquareUpperTail(double x, int degreesOfFreedom) {
    if (degreesOfFreedom < 1) {
      throw new IllegalArgumentException("degrees of freedom must be >= 1, got " + degreesOfFreedom);
    }
    return regularizedGammaQ(0.5 * degreesOfFreedom, 0.5 * Math.max(0, x));
  }
}
