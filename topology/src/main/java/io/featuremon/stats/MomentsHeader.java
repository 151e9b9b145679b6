package io.featuremon.stats;

import java.util.Arrays;

/**
 * The per-dimension part of the co-moment state of one (group, pane): count, mean, minimum and maximum.
 *
 * <p>The minimum and maximum are kept because they decide constancy exactly: a dimension is constant iff
 * {@code min == max}, whereas a centred sum of squares can be a rounding residue instead of an exact zero.
 */
public final class MomentsHeader {
  private long count;
  private final double[] mean;
  private final double[] min;
  private final double[] max;

  public MomentsHeader(int dimensions) {
    this(0, new double[dimensions], filled(dimensions, Double.POSITIVE_INFINITY), filled(dimensions, Double.NEGATIVE_INFINITY));
  }

  public MomentsHeader(long count, double[] mean, double[] min, double[] max) {
    if (mean.length != min.length || mean.length != max.length) {
      throw new IllegalArgumentException("mean, min and max must have the same length");
    }
    this.count = count;
    this.mean = mean;
    this.min = min;
    this.max = max;
  }

  private static double[] filled(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  public int dimensions() {
    return mean.length;
  }

  public long count() {
    return count;
  }

  /** The live arrays: callers that mutate them own the consequences (used by {@link BatchFold}). */
  public double[] mean() {
    return mean;
  }

  public double[] min() {
    return min;
  }

  public double[] max() {
    return max;
  }

  void setCount(long count) {
    this.count = count;
  }

  public boolean isConstant(int dimension) {
    return !(min[dimension] < max[dimension]);
  }

  public MomentsHeader copy() {
    return new MomentsHeader(count, mean.clone(), min.clone(), max.clone());
  }
}
