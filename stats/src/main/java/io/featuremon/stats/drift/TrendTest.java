package io.featuremon.stats.drift;

import java.util.Arrays;

/**
 * Trend tests over a short series of per-window values (for example the last N windows' meanAbsCorr), for the
 * "redundancy is climbing" alert.
 *
 * <h2>Mann–Kendall</h2>
 * S = Σ_{i&lt;j} sign(x_j − x_i); under "no trend" E[S] = 0 and, with tie groups of sizes t,
 * Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18. Z = (S − 1)/√Var for S &gt; 0, (S + 1)/√Var for S &lt; 0, else 0
 * (continuity correction, as Hirsch et al. and {@code pymannkendall} use). p-values from the normal approximation,
 * which is good from about n = 10; below that they are approximate (the exact distribution of S is tabulated),
 * so ask for at least 8–10 windows before alerting. Ties are exact double equality.
 *
 * <h2>Theil–Sen</h2>
 * Sen's slope is the median of (x_j − x_i)/(j − i) over all pairs i &lt; j (the mean of the middle two for an even
 * number of pairs), per window; {@code scipy.stats.theilslopes} computes the same. O(n²): meant for tens to a few
 * hundred windows.
 */
public final class TrendTest {
  private TrendTest() {}

  /**
   * @param s Mann–Kendall S
   * @param variance Var(S) with the tie correction
   * @param z the continuity-corrected normal score
   * @param pTwoSided P(|Z| ≥ |z|): any trend
   * @param pRising P(Z ≥ z): the one-sided p-value for an increasing trend
   * @param pFalling P(Z ≤ z): the one-sided p-value for a decreasing trend
   * @param senSlope Theil–Sen slope per window
   * @param rising pRising &lt; alpha and senSlope &gt; 0
   */
  public record MannKendall(int n, long s, double variance, double z, double pTwoSided, double pRising,
      double pFalling, double senSlope, boolean rising) {}

  /**
   * Mann–Kendall test with Sen's slope.
   *
   * @param series values in time order, all finite
   * @param alpha one-sided significance level for {@code rising}, in (0, 1)
   */
  public static MannKendall mannKendall(double[] series, double alpha) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
    }
    for (int i = 0; i < series.length; i++) {
      if (!Double.isFinite(series[i])) {
        throw new IllegalArgumentException("series[" + i + "] is " + series[i] + "; a trend needs finite values");
      }
    }
    int n = series.length;
    long s = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        s += series[j] > series[i] ? 1 : series[j] < series[i] ? -1 : 0;
      }
    }
    double variance = (tieTerm(n) - tieCorrection(series)) / 18.0;
    double z;
    if (variance <= 0 || s == 0) {
      z = 0;
    } else {
      z = (s > 0 ? s - 1 : s + 1) / Math.sqrt(variance);
    }
    double pRising = SpecialFunctions.normalUpperTail(z);
    double pFalling = SpecialFunctions.normalUpperTail(-z);
    double pTwoSided = Math.min(1, 2 * SpecialFunctions.normalUpperTail(Math.abs(z)));
    double slope = n < 2 ? 0 : senSlope(series);
    return new MannKendall(n, s, variance, z, pTwoSided, pRising, pFalling, slope, pRising < alpha && slope > 0);
  }

  /** Median of the pairwise slopes (x_j − x_i)/(j − i), i &lt; j; needs at least 2 values. */
  public static double senSlope(double[] series) {
    int n = series.length;
    if (n < 2) {
      throw new IllegalArgumentException("a slope needs at least 2 values, got " + n);
    }
    double[] slopes = new double[n * (n - 1) / 2];
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        slopes[k++] = (series[j] - series[i]) / (j - i);
      }
    }
    Arrays.sort(slopes);
    int mid = slopes.length / 2;
    return slopes.length % 2 == 1 ? slopes[mid] : 0.5 * (slopes[mid - 1] + slopes[mid]);
  }

  private static double tieTerm(double t) {
    return t * (t - 1) * (2 * t + 5);
  }

  private static double tieCorrection(double[] series) {
    double[] sorted = series.clone();
    Arrays.sort(sorted);
    double correction = 0;
    int start = 0;
    for (int i = 1; i <= sorted.length; i++) {
      if (i == sorted.length || sorted[i] != sorted[start]) {
        int t = i - start;
        if (t > 1) {
          correction += tieTerm(t);
        }
        start = i;
      }
    }
    return correction;
  }
}
