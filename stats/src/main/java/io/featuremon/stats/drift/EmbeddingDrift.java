package io.featuremon.stats.drift;

import java.util.List;

/**
 * Drift of an embedding (one {@link NumericSketch} per dimension) between a reference and a current window.
 *
 * <h2>Measures</h2>
 * <ul>
 *   <li><b>centroidCosineDistance</b>: 1 − cos(μ_r, μ_c) between the exact mean vectors (the sketches' means).
 *   <li><b>driftedShare</b>: Evidently's "ratio" method — the share of dimensions whose normalised Wasserstein
 *       distance W1/σ_ref ({@link NumericDrift#normalisedWasserstein}) exceeds {@link Settings#dimensionThreshold()}
 *       (default 0.1).
 *   <li><b>significantShare</b>: the share of dimensions that exceed that threshold <em>and</em> whose sketch-aware
 *       KS test ({@link NumericDrift}) rejects at {@link Settings#alpha()}.
 * </ul>
 *
 * <h2>The verdict</h2>
 * {@code drifted} = significantShare &gt; {@link Settings#shareThreshold()} (default 0.2), or driftedShare when
 * {@link Settings#requireSignificance()} is off (Evidently's rule as published). The ratio method alone is not
 * sample-size aware: on the real MiniLM embeddings of {@code minilm-utils-then-net.jsonl}, two random halves of
 * the same 500-event hour (250 each) have W1/σ &gt; 0.1 on 53–59% of the dimensions by chance alone, a certain
 * false alarm, while only 0–1% of them also pass the KS test. The real shift between hour 00 and hour 01 keeps 66%
 * (90% by the ratio alone). With 100,000 events per window both rules agree; the per-dimension tests are not
 * corrected for multiplicity because the 20% share threshold sits far above their 5% level.
 */
public final class EmbeddingDrift {
  private EmbeddingDrift() {}

  /**
   * @param dimensionThreshold W1/σ_ref above which a dimension counts as drifted
   * @param shareThreshold share of drifted dimensions above which the embedding has drifted
   * @param requireSignificance whether a dimension also needs a significant KS test (recommended)
   * @param alpha significance level of the per-dimension KS test
   */
  public record Settings(double dimensionThreshold, double shareThreshold, boolean requireSignificance,
      double alpha) {
    public static final Settings DEFAULTS = new Settings(0.1, 0.2, true, 0.05);

    public Settings {
      if (!(dimensionThreshold >= 0) || !(shareThreshold >= 0 && shareThreshold < 1)) {
        throw new IllegalArgumentException("need dimensionThreshold >= 0 and shareThreshold in [0, 1), got "
            + dimensionThreshold + " and " + shareThreshold);
      }
      new NumericDrift.Settings(alpha, 0, 0); // validates alpha
    }
  }

  public record Result(int dimensions, double centroidCosineDistance, int driftedDimensions, double driftedShare,
      int significantDimensions, double significantShare, boolean drifted) {}

  /** {@link #compare(List, List, Settings)} with {@link Settings#DEFAULTS}. */
  public static Result compare(List<NumericSketch> reference, List<NumericSketch> current) {
    return compare(reference, current, Settings.DEFAULTS);
  }

  /**
   * @param reference one sketch per dimension, all non-empty
   * @param current one sketch per dimension, same dimension order
   */
  public static Result compare(List<NumericSketch> reference, List<NumericSketch> current, Settings settings) {
    int d = reference.size();
    if (current.size() != d || d == 0) {
      throw new IllegalArgumentException("need the same, non-zero number of dimensions: reference " + d
          + ", current " + current.size());
    }
    NumericDrift.Settings ks = new NumericDrift.Settings(settings.alpha(), 0, 0);
    double[] referenceMean = new double[d];
    double[] currentMean = new double[d];
    int drifted = 0;
    int significant = 0;
    for (int j = 0; j < d; j++) {
      NumericSketch r = reference.get(j);
      NumericSketch c = current.get(j);
      referenceMean[j] = r.mean();
      currentMean[j] = c.mean();
      NumericDrift.Result dimension = NumericDrift.compare(r, c, ks);
      if (dimension.wasserstein() > settings.dimensionThreshold()) {
        drifted++;
        if (dimension.significant()) {
          significant++;
        }
      }
    }
    double driftedShare = (double) drifted / d;
    double significantShare = (double) significant / d;
    double share = settings.requireSignificance() ? significantShare : driftedShare;
    return new Result(d, centroidCosineDistance(referenceMean, currentMean), drifted, driftedShare, significant,
        significantShare, share > settings.shareThreshold());
  }

  /**
   * 1 − (a·b)/(‖a‖‖b‖), in [0, 2], in exact double arithmetic (scipy's {@code spatial.distance.cosine}). A zero
   * vector has no direction: two zero vectors are at distance 0, a zero and a non-zero vector at 1.
   */
  public static double centroidCosineDistance(double[] referenceMean, double[] currentMean) {
    if (referenceMean.length != currentMean.length) {
      throw new IllegalArgumentException("mean vectors differ in length: " + referenceMean.length + " vs "
          + currentMean.length);
    }
    double dot = 0;
    double aa = 0;
    double bb = 0;
    for (int j = 0; j < referenceMean.length; j++) {
      dot += referenceMean[j] * currentMean[j];
      aa += referenceMean[j] * referenceMean[j];
      bb += currentMean[j] * currentMean[j];
    }
    if (aa == 0 || bb == 0) {
      return aa == 0 && bb == 0 ? 0 : 1;
    }
    double cosine = dot / (Math.sqrt(aa) * Math.sqrt(bb));
    return 1 - Math.max(-1, Math.min(1, cosine));
  }
}
