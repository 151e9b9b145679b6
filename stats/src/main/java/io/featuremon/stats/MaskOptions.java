package io.featuremon.stats;

import java.util.Set;

/**
 * How a window's mask is decided.
 *
 * @param threshold association (|ρ|, or the categorical measures) at or above which a dimension duplicates a kept one
 * @param hysteresis a dimension the rule flagged in the window before stays flagged until its association falls
 *     below {@code threshold - hysteresis}: noise around the threshold cannot flip the verdict every window
 * @param deadMaxActiveShare a non-constant dimension active in fewer than this share of events is dead; 0 disables
 * @param protectedDimensions never dropped, whatever the evidence
 * @param importance per-dimension importance, higher is kept first; null for the unit-free rule
 * @param maxDropFraction at most this share of all dimensions is dropped
 * @param minKept at least this many dimensions are kept
 * @param stableWindows consecutive windows a verdict must hold before the mask follows it (1: follow every window)
 * @param linearCombinations also drop a numeric dimension whose multiple correlation R with the kept numeric
 *     dimensions reaches the threshold (a linear combination of several), not only a pairwise duplicate; R² is
 *     adjusted for the number of kept dimensions, so that few events and many kept dimensions cannot manufacture one
 */
public record MaskOptions(
    double threshold,
    double hysteresis,
    double deadMaxActiveShare,
    Set<Integer> protectedDimensions,
    double[] importance,
    double maxDropFraction,
    int minKept,
    int stableWindows,
    boolean linearCombinations) {

  public MaskOptions {
    protectedDimensions = Set.copyOf(protectedDimensions);
    if (!(hysteresis >= 0 && hysteresis <= threshold)) {
      throw new IllegalArgumentException("hysteresis must lie in [0, threshold]");
    }
    if (stableWindows < 1) {
      throw new IllegalArgumentException("stableWindows must be at least 1");
    }
  }

  /** The walking-skeleton rule: threshold only, no dead detection, no guards, no hysteresis. */
  public static MaskOptions threshold(double threshold) {
    return new MaskOptions(threshold, 0, 0, Set.of(), null, 1.0, 0, 1, false);
  }

  /** The association below which a dimension flagged in the window before is re-admitted. */
  public double readmitThreshold() {
    return threshold - hysteresis;
  }

  public boolean isProtected(int dimension) {
    return protectedDimensions.contains(dimension);
  }

  /** The largest number of dimensions a mask over {@code dimensions} may drop. */
  public int maxDrops(int dimensions) {
    return Math.max(0, Math.min((int) Math.floor(maxDropFraction * dimensions + 1e-9), dimensions - minKept));
  }
}
