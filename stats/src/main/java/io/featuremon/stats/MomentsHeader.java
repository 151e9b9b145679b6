package io.featuremon.stats;

import java.util.Arrays;

/**
 * The per-dimension part of the co-moment state of one (group, pane): count, mean, minimum, maximum and how many
 * values were inactive (|x| ≤ the dead-dimension epsilon).
 *
 * <p>The minimum and maximum are kept because they decide constancy exactly: a dimension is constant iff
 * {@code min == max}, whereas a centred sum of squares can be a rounding residue instead of an exact zero. The
 * inactive counts find dead dimensions (ReLU units that never fire, sparse features that are almost always 0).
 */
public final class MomentsHeader {
  private long count;
  private final double[] mean;
  /** The mean's rounding residue (true mean = mean + meanLow): a double-double, see {@link BatchFold}. */
  private final double[] meanLow;
  private final double[] min;
  private final double[] max;
  private final long[] inactive;

  public MomentsHeader(int dimensions) {
    this(0, new double[dimensions], new double[dimensions], filled(dimensions, Double.POSITIVE_INFINITY),
        filled(dimensions, Double.NEGATIVE_INFINITY), new long[dimensions]);
  }

  public MomentsHeader(long count, double[] mean, double[] min, double[] max, long[] inactive) {
    this(count, mean, new double[mean.length], min, max, inactive);
  }

  public MomentsHeader(long count, double[] mean, double[] meanLow, double[] min, double[] max, long[] inactive) {
    if (mean.length != min.length || mean.length != max.length || mean.length != inactive.length
        || mean.length != meanLow.length) {
      throw new IllegalArgumentException("mean, meanLow, min, max and inactive must have the same length");
    }
    this.count = count;
    this.mean = mean;
    this.meanLow = meanLow;
    this.min = min;
    this.max = max;
    this.inactive = inactive;
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

  /** The live array of the mean's low parts: the exact mean of the rows folded so far is mean + meanLow. */
  public double[] meanLow() {
    return meanLow;
  }

  public double[] min() {
    return min;
  }

  public double[] max() {
    return max;
  }

  /** Values with |x| ≤ the dead-dimension epsilon, per dimension. */
  public long[] inactive() {
    return inactive;
  }

  /** Share of events in which the dimension was active (|x| above the epsilon); 0 for an empty state. */
  public double activeShare(int dimension) {
    return count == 0 ? 0 : 1.0 - (double) inactive[dimension] / count;
  }

  void setCount(long count) {
    this.count = count;
  }

  public boolean isConstant(int dimension) {
    return !(min[dimension] < max[dimension]);
  }

  public MomentsHeader copy() {
    return new MomentsHeader(count, mean.clone(), meanLow.clone(), min.clone(), max.clone(), inactive.clone());
  }
}
