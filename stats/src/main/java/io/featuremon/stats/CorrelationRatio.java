package io.featuremon.stats;

import java.util.Comparator;
import java.util.List;

/**
 * Association of a categorical feature with a numeric one: the correlation ratio η, chance-corrected.
 *
 * <p>With N rows in k non-empty groups (OTHER counts as a group), group means m_g and the grand mean m,
 * SS_within = Σ_g M2_g and SS_total = Σ (x − m)² = SS_within + Σ_g n_g (m_g − m)². Then
 * <pre>
 *   η² = 1 − SS_within / SS_total                                 (share of variance explained by the category)
 *   ε² = 1 − (SS_within / (N − k)) / (SS_total / (N − 1))          (Kelley's ε², the adjusted η²)
 *   adjusted = sqrt(clamp(ε², 0, 1)) ∈ [0, 1]
 * </pre>
 *
 * <p><b>Why adjusted.</b> η² is the R² of predicting x by its group mean, and like R² it grows with the number of
 * groups: with k groups of independent data its expectation is (k − 1)/(N − 1), so an id-like category (one or two
 * rows per value) "explains" almost all the variance of anything. ε² divides each sum of squares by its degrees of
 * freedom (the adjusted R²), which makes its expectation about 0 under independence, whatever k. It is negative
 * when the groups explain less than chance would, hence the clamp; it equals 1 exactly when every group is constant
 * (SS_within = 0). It is 0 when N ≤ k (no within-group degrees of freedom), when k &lt; 2, when the numeric feature
 * has zero variance and, defensively, when a sum of squares overflows the double range. The square root puts it on
 * the scale of η and |ρ| (for two groups η equals the |point-biserial correlation|), so one threshold serves every
 * pair in an {@link AssociationGraph}.
 *
 * <p><b>Numerics.</b> The groups are visited in value order, whatever their arrival order, and combined with Chan's
 * update between their double-double means ({@link GroupedMoments.Group#meanLow()}): SS_between = Σ of Chan's
 * terms δ²·n_a·n_b/n, a sum of non-negative terms, and SS_total = SS_within + SS_between. Nothing is taken from a
 * separately rounded grand mean, so a numeric feature that is constant (even at a value such as 0.1 that has no exact
 * binary form) has SS_total exactly 0 rather than a rounding residue that would make η spuriously 1; and a large
 * offset (1e6, 1e12, timestamps in milliseconds) with a small spread, down to an ulp of the offset, loses nothing
 * to the rounding of the means. η² is then SS_between / SS_total and ε² its algebraic equivalent
 * SS_between / SS_total − (SS_within / SS_total)·(k − 1)/(N − k), which keep their relative accuracy when η² is small,
 * where 1 − SS_within / SS_total would cancel. Both agree with exact rational arithmetic to 1e-9 relative (ε² on the
 * scale of 1e-6, below which its sign is the problem's own conditioning); see CorrelationRatioTest.
 */
public final class CorrelationRatio {
  private CorrelationRatio() {}

  /** The sums of squares behind both measures; ssTotal = ssWithin + ssBetween. */
  public record Anova(long count, int groups, double ssWithin, double ssBetween, double ssTotal) {}

  /** SS_within, SS_between and SS_total from grouped moments, groups in value order. */
  public static Anova anova(GroupedMoments moments) {
    List<GroupedMoments.Group> groups = moments.groups();
    groups.sort(Comparator.comparing(GroupedMoments.Group::category));
    long n = 0;
    double mean = 0;
    double meanLow = 0;
    double ssWithin = 0;
    double ssBetween = 0;
    for (GroupedMoments.Group g : groups) {
      ssWithin += g.m2();
      if (n == 0) {
        n = g.count();
        mean = g.mean();
        meanLow = g.meanLow();
        continue;
      }
      long merged = n + g.count();
      double delta = ExactMoments.difference(g.mean(), g.meanLow(), mean, meanLow);
      // The running mean moves in double-double as in GroupedMoments, so later δ stay exact too.
      double increment = delta * ((double) g.count() / merged);
      double hi = mean + increment;
      double error = BatchFold.twoSumError(mean, increment, hi) + meanLow;
      mean = hi + error;
      meanLow = error - (mean - hi);
      ssBetween += delta * delta * ((double) n * g.count() / merged);
      n = merged;
    }
    return new Anova(n, groups.size(), ssWithin, ssBetween, ssWithin + ssBetween);
  }

  /** sqrt(ε²) clamped to [0, 1]; see the class comment. */
  public static double adjusted(GroupedMoments moments) {
    Anova a = anova(moments);
    if (!defined(a) || a.count() <= a.groups()) {
      return 0;
    }
    // ε² = η² − (1 − η²)·(k − 1)/(N − k), each share of SS_total divided out first so nothing can overflow.
    double epsilonSquared = a.ssBetween() / a.ssTotal()
        - a.ssWithin() / a.ssTotal() * ((double) (a.groups() - 1) / (a.count() - a.groups()));
    return Math.sqrt(clamp(epsilonSquared));
  }

  /** Plain η = sqrt(1 − SS_within / SS_total) ∈ [0, 1], biased upwards by many groups; for comparison. */
  public static double unadjusted(GroupedMoments moments) {
    Anova a = anova(moments);
    if (!defined(a)) {
      return 0;
    }
    return Math.sqrt(clamp(a.ssBetween() / a.ssTotal()));
  }

  private static boolean defined(Anova a) {
    return a.groups() >= 2 && a.ssTotal() > 0 && Double.isFinite(a.ssTotal()) && Double.isFinite(a.ssWithin());
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
