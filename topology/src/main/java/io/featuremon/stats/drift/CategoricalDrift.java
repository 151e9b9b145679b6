package io.featuremon.stats.drift;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drift of one categorical feature from exact value counts (value → number of events) of a reference and a current
 * window.
 *
 * <h2>Buckets</h2>
 * The reference's {@link Settings#maxCategories()} most frequent values (ties: lexicographic value order, so the
 * choice is deterministic) are one bucket each; every other value, of either window, goes to one "other" bucket,
 * which exists only when it is non-empty on some side. High-cardinality features (ids, free text) therefore cost
 * {@code maxCategories + 1} buckets, and a brand-new value shows up as growth of "other" as well as in unseenShare.
 *
 * <h2>Measures</h2>
 * <ul>
 *   <li><b>psi</b> over the buckets, shares floored at 1e-4 (as for numeric features);
 *   <li><b>js</b>: Jensen–Shannon distance, base 2, over the unfloored bucket shares;
 *   <li><b>unseenShare</b>: the share of current events whose value has no (or a zero) count in the reference;
 *   <li><b>chiSquare</b>, <b>pValue</b>: Pearson's chi-square test of homogeneity on the 2 × buckets table of counts
 *       (no continuity correction; {@code scipy.stats.chi2_contingency(table, correction=False)}).
 * </ul>
 * The counts are exact, so there is no sketch error to allow for.
 *
 * <h2>The verdict</h2>
 * {@code drifted} = pValue &lt; alpha (the difference is real, given both sample sizes) and (psi ≥ minPsi or
 * unseenShare ≥ minUnseenShare) (it is large enough to matter): the same two-part rule as {@link NumericDrift}, for
 * the same reason — at 100,000 events a chi-square test rejects for differences nobody should be paged for. The
 * unseen-share arm is there because PSI barely notices a new value: one that takes 10% of the current events,
 * displacing all others evenly, moves PSI by only about 0.02 on the real wine magnesium values. An id-like feature,
 * new values all the time in both windows, stays quiet: its buckets keep their shares, so the test does not reject.
 */
public final class CategoricalDrift {
  private CategoricalDrift() {}

  /**
   * @param maxCategories how many of the reference's most frequent values get their own bucket (≥ 1)
   * @param alpha significance level of the chi-square test, in (0, 1)
   * @param minPsi smallest PSI that counts as relevant
   * @param minUnseenShare smallest share of current events with values the reference never had that counts as relevant
   */
  public record Settings(int maxCategories, double alpha, double minPsi, double minUnseenShare) {
    public static final Settings DEFAULTS = new Settings(20, 0.05, 0.1, 0.05);

    public Settings {
      if (maxCategories < 1) {
        throw new IllegalArgumentException("maxCategories must be >= 1, got " + maxCategories);
      }
      if (!(alpha > 0 && alpha < 1)) {
        throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
      }
      if (!(minPsi >= 0) || !(minUnseenShare >= 0)) {
        throw new IllegalArgumentException("minPsi and minUnseenShare must be >= 0, got " + minPsi + " and "
            + minUnseenShare);
      }
    }
  }

  /**
   * @param categories the values with their own bucket, most frequent in the reference first; the "other" bucket,
   *     when present, comes after them in the shares
   */
  public record Result(long referenceCount, long currentCount, List<String> categories, boolean hasOther,
      double psi, double js, double unseenShare, double chiSquare, int degreesOfFreedom, double pValue,
      boolean drifted) {}

  /** {@link #compare(Map, Map, Settings)} with {@link Settings#DEFAULTS}. */
  public static Result compare(Map<String, Long> reference, Map<String, Long> current) {
    return compare(reference, current, Settings.DEFAULTS);
  }

  /**
   * @throws IllegalArgumentException for a null value, a negative count, or a window without events
   */
  public static Result compare(Map<String, Long> reference, Map<String, Long> current, Settings settings) {
    long n = total(reference, "reference");
    long m = total(current, "current");
    List<String> categories = reference.entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .sorted(Comparator.comparing((Map.Entry<String, Long> e) -> e.getValue()).reversed()
            .thenComparing(Map.Entry::getKey))
        .limit(settings.maxCategories())
        .map(Map.Entry::getKey)
        .toList();
    Map<String, Integer> bucketOf = new HashMap<>();
    for (int i = 0; i < categories.size(); i++) {
      bucketOf.put(categories.get(i), i);
    }
    int other = categories.size();
    long[] refCounts = new long[other + 1];
    long[] curCounts = new long[other + 1];
    reference.forEach((value, count) -> refCounts[bucketOf.getOrDefault(value, other)] += count);
    long unseen = 0;
    for (Map.Entry<String, Long> e : current.entrySet()) {
      curCounts[bucketOf.getOrDefault(e.getKey(), other)] += e.getValue();
      Long inReference = reference.get(e.getKey());
      if (inReference == null || inReference == 0) {
        unseen += e.getValue();
      }
    }
    boolean hasOther = refCounts[other] + curCounts[other] > 0;
    int buckets = hasOther ? other + 1 : other;
    double[] r = new double[buckets];
    double[] c = new double[buckets];
    for (int i = 0; i < buckets; i++) {
      r[i] = (double) refCounts[i] / n;
      c[i] = (double) curCounts[i] / m;
    }
    double psi = Divergences.psi(r, c);
    double js = Divergences.jensenShannonDistance(r, c);
    double chiSquare = 0;
    for (int i = 0; i < buckets; i++) {
      double column = refCounts[i] + curCounts[i]; // > 0: every bucket is non-empty on some side
      double expectedRef = column * n / (n + m);
      double expectedCur = column * m / (n + m);
      chiSquare += square(refCounts[i] - expectedRef) / expectedRef + square(curCounts[i] - expectedCur) / expectedCur;
    }
    int df = buckets - 1;
    double pValue = df == 0 ? 1 : SpecialFunctions.chiSquareUpperTail(chiSquare, df);
    double unseenShare = (double) unseen / m;
    boolean relevant = psi >= settings.minPsi() || unseenShare >= settings.minUnseenShare();
    boolean drifted = pValue < settings.alpha() && relevant;
    return new Result(n, m, categories, hasOther, psi, js, unseenShare, chiSquare, df, pValue, drifted);
  }

  private static double square(double x) {
    return x * x;
  }

  private static long total(Map<String, Long> counts, String which) {
    long total = 0;
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      if (e.getKey() == null || e.getValue() == null || e.getValue() < 0) {
        problems.add(e.getKey() + "=" + e.getValue());
        continue;
      }
      total = Math.addExact(total, e.getValue());
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(which + " counts must map non-null values to counts >= 0, got " + problems);
    }
    if (total == 0) {
      throw new IllegalArgumentException("the " + which + " window has no events");
    }
    return total;
  }
}
