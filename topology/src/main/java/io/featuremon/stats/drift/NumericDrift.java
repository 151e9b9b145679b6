package io.featuremon.stats.drift;

import org.apache.datasketches.quantilescommon.DoublesSortedView;

/**
 * Drift of one numeric feature between a reference window and a current window, from their {@link NumericSketch}es.
 *
 * <h2>Measures</h2>
 * Write F_r, F_c for the two step CDFs the sketches stand for (F(x) = share of items ≤ x), n, m for the exact counts
 * and σ_r for the exact population standard deviation of the reference.
 * <ul>
 *   <li><b>psi</b>: population stability index Σ (c_i − r_i)·ln(c_i / r_i) over 10 bins whose inner edges are the
 *       reference deciles q_1..q_9 (q_i = the smallest reference value with F_r ≥ i/10, numpy's
 *       {@code inverted_cdf}); bins are (−∞, q_1], (q_1, q_2], ..., (q_9, ∞); an empty bin's share is floored at
 *       1e-4 on either side. Ties can make edges coincide; such bins are empty on both sides and add 0.
 *   <li><b>ks</b>: the Kolmogorov–Smirnov statistic D = max_x |F_r(x) − F_c(x)|, evaluated at every retained item of
 *       both sketches (the step CDFs only jump there, so this is the exact maximum between the two sketches; for
 *       exact sketches it equals {@code scipy.stats.ks_2samp(...).statistic}).
 *   <li><b>js</b>: Jensen–Shannon distance, base 2, over the same 10 bins (unfloored shares); in [0, 1].
 *   <li><b>wasserstein</b>: W1 / σ_r, where W1 = ∫ |F_r(x) − F_c(x)| dx = ∫₀¹ |Q_r(u) − Q_c(u)| du, integrated exactly
 *       over the steps between consecutive retained items (no grid, so no discretisation error: equal to
 *       {@code scipy.stats.wasserstein_distance} for exact sketches). σ_r = 0 gives 0 when W1 = 0, else +∞.
 * </ul>
 *
 * <h2>Error bounds</h2>
 * With ε_r, ε_c the sketches' {@link NumericSketch#rankError() rank errors} (0 while a sketch holds every item,
 * else DataSketches' 1.33% for k = 200, each with 99% confidence), against the same measures over all the items:
 * |ks − D| ≤ ε_r + ε_c; |W1 − W1_exact| ≤ (ε_r + ε_c)·(max − min) over both windows; each bin share is within
 * DataSketches' two-sided (histogram) error, 1.65% for k = 200, of the true share between the same edges; and every
 * edge's true rank is within ε_r of i/10. PSI and JS are smooth functions of those shares.
 *
 * <h2>The verdict</h2>
 * {@code drifted} needs two things:
 * <ol>
 *   <li><b>Significance</b>, sketch-aware: ks &gt; D_crit = c(α)·sqrt((n + m)/(n·m)) + ε_r + ε_c, with
 *       c(α) = sqrt(−ln(α/2)/2) (1.358 for α = 0.05). The first term is the two-sample KS critical value; adding
 *       both sketch errors makes sure the sketch's own error cannot create a rejection (DataSketches' own
 *       {@code KolmogorovSmirnov.kolmogorovSmirnovTest} adds them the same way, but uses the retained item counts as
 *       sample sizes, which counts the sketch error twice; here n and m are the exact counts).
 *   <li><b>Relevance</b>: wasserstein ≥ {@link Settings#minWasserstein()} (default 0.1 σ) or
 *       psi ≥ {@link Settings#minPsi()} (default 0.1, the usual "moderate shift" mark). With 100,000 events per
 *       window the sampling term of D_crit is 0.006: a KS test alone flags differences far too small to matter to a
 *       model, the large-sample false alarms users of Evidently and NannyML complain about (a p-value answers "is it
 *       different at all", which at that size is almost always yes for real data). The effect-size floor asks
 *       "is it different enough to matter".
 * </ol>
 * Conversely the significance test keeps small windows quiet: two samples of 89 events from the same distribution
 * differ by PSI ≈ 9·(1/89 + 1/89) ≈ 0.2 on average by chance alone, which only the sample-size-aware test
 * recognises as noise.
 */
public final class NumericDrift {
  /** Number of PSI/JS bins: the reference deciles. */
  public static final int BINS = 10;

  private NumericDrift() {}

  /**
   * How the verdict is taken.
   *
   * @param alpha significance level of the sketch-aware KS test, in (0, 1)
   * @param minWasserstein smallest W1/σ_ref that counts as relevant
   * @param minPsi smallest PSI that counts as relevant
   */
  public record Settings(double alpha, double minWasserstein, double minPsi) {
    public static final Settings DEFAULTS = new Settings(0.05, 0.1, 0.1);

    public Settings {
      if (!(alpha > 0 && alpha < 1)) {
        throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
      }
      if (!(minWasserstein >= 0) || !(minPsi >= 0)) {
        throw new IllegalArgumentException("effect-size thresholds must be >= 0, got minWasserstein "
            + minWasserstein + " and minPsi " + minPsi);
      }
    }

    /** c(α) = sqrt(−ln(α/2)/2), the asymptotic two-sample KS coefficient (1.3581 for α = 0.05). */
    public double ksCoefficient() {
      return Math.sqrt(-0.5 * Math.log(alpha / 2));
    }
  }

  /**
   * @param ksThreshold D_crit, including {@code rankError}
   * @param rankError ε_r + ε_c, the sketches' share of D_crit
   * @param significant ks &gt; ksThreshold
   * @param drifted significant and (wasserstein ≥ minWasserstein or psi ≥ minPsi)
   */
  public record Result(long referenceCount, long currentCount, double psi, double ks, double js, double wasserstein,
      double ksThreshold, double rankError, boolean significant, boolean drifted) {}

  /**
   * The PSI/JS bins: {@code edges} are the 9 inner edges (reference deciles); the shares have 10 entries each.
   * Arrays are fresh copies owned by the caller.
   */
  public record Bins(double[] edges, double[] referenceShares, double[] currentShares) {}

  /** {@link #compare(NumericSketch, NumericSketch, Settings)} with {@link Settings#DEFAULTS}. */
  public static Result compare(NumericSketch reference, NumericSketch current) {
    return compare(reference, current, Settings.DEFAULTS);
  }

  /**
   * All four measures and the verdict.
   *
   * @throws IllegalArgumentException when either sketch is empty (there is no distribution to compare)
   */
  public static Result compare(NumericSketch reference, NumericSketch current, Settings settings) {
    requireNonEmpty(reference, current);
    Bins bins = bins(reference, current);
    double psi = Divergences.psi(bins.referenceShares(), bins.currentShares());
    double js = Divergences.jensenShannonDistance(bins.referenceShares(), bins.currentShares());
    double[] ksW1 = ksAndW1(reference.sortedView(), current.sortedView());
    double wasserstein = normalise(ksW1[1], reference.standardDeviation());
    long n = reference.count();
    long m = current.count();
    double rankError = reference.rankError() + current.rankError();
    double threshold = settings.ksCoefficient() * Math.sqrt((double) (n + m) / ((double) n * m)) + rankError;
    boolean significant = ksW1[0] > threshold;
    boolean relevant = wasserstein >= settings.minWasserstein() || psi >= settings.minPsi();
    return new Result(n, m, psi, ksW1[0], js, wasserstein, threshold, rankError, significant, significant && relevant);
  }

  /** The bins PSI and JS use, with both windows' shares. */
  public static Bins bins(NumericSketch reference, NumericSketch current) {
    requireNonEmpty(reference, current);
    double[] edges = new double[BINS - 1];
    for (int i = 1; i < BINS; i++) {
      edges[i - 1] = reference.quantile(i / (double) BINS);
    }
    return new Bins(edges, shares(reference, edges), shares(current, edges));
  }

  /** KS distance alone (cheaper than {@link #compare} when only D is wanted). */
  public static double ks(NumericSketch reference, NumericSketch current) {
    requireNonEmpty(reference, current);
    return ksAndW1(reference.sortedView(), current.sortedView())[0];
  }

  /** W1 / σ_ref alone: Evidently's normalised Wasserstein distance, used per dimension by {@link EmbeddingDrift}. */
  public static double normalisedWasserstein(NumericSketch reference, NumericSketch current) {
    requireNonEmpty(reference, current);
    return normalise(ksAndW1(reference.sortedView(), current.sortedView())[1], reference.standardDeviation());
  }

  private static double normalise(double w1, double sigma) {
    if (sigma > 0) {
      return w1 / sigma;
    }
    return w1 == 0 ? 0 : Double.POSITIVE_INFINITY;
  }

  private static double[] shares(NumericSketch sketch, double[] edges) {
    double[] shares = new double[edges.length + 1];
    double previous = 0;
    for (int i = 0; i < edges.length; i++) {
      double rank = sketch.rank(edges[i]);
      shares[i] = rank - previous;
      previous = rank;
    }
    shares[edges.length] = 1 - previous;
    return shares;
  }

  /** {D, W1} between two step CDFs, by one merge walk over the union of their retained items. */
  static double[] ksAndW1(DoublesSortedView reference, DoublesSortedView current) {
    double[] a = reference.getQuantiles();
    long[] wa = reference.getCumulativeWeights();
    double na = reference.getN();
    double[] b = current.getQuantiles();
    long[] wb = current.getCumulativeWeights();
    double nb = current.getN();
    int i = 0;
    int j = 0;
    double fa = 0;
    double fb = 0;
    double ks = 0;
    double w1 = 0;
    double previous = Double.NaN;
    while (i < a.length || j < b.length) {
      double x = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
      if (i + j > 0) {
        w1 += Math.abs(fa - fb) * (x - previous);
      }
      while (i < a.length && a[i] <= x) {
        fa = wa[i] / na; // cumulative weights are inclusive: items 0..i
        i++;
      }
      while (j < b.length && b[j] <= x) {
        fb = wb[j] / nb;
        j++;
      }
      ks = Math.max(ks, Math.abs(fa - fb));
      previous = x;
    }
    return new double[] {ks, w1};
  }

  private static void requireNonEmpty(NumericSketch reference, NumericSketch current) {
    if (reference.isEmpty() || current.isEmpty()) {
      throw new IllegalArgumentException("cannot compare distributions with an empty window (reference n="
          + reference.count() + ", current n=" + current.count() + ")");
    }
  }
}
