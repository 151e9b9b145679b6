package io.featuremon.stats;

/**
 * Count, mean and centred sum of squares M2 = Σ (x − mean)² of a stream of values, exact to a few ulps whatever the
 * offset: the mean is kept as a double-double (mean + meanLow), so Welford's update and Chan's merge work around the
 * exact mean.
 *
 * <p><b>Why the low part.</b> A mean rounded to a double is off by up to half its ulp: 6e-11 at 1e6, 1e-4 at 1.7e12
 * (a millisecond timestamp). Beside a spread of 1e-3 (or of seconds) that is not small, and Welford's δ = x − mean
 * then carries it into M2 with every row: σ and everything scaled by it were off by 1e-8 relative at 1e6 + 1e-3·N.
 * With μ = mean + meanLow, δ = (x − mean) − meanLow, where x − mean is exact whenever x is within a factor 2 of the
 * mean (Sterbenz): the case that matters.
 *
 * <p>A stream of equal values has M2 exactly 0 and mean exactly that value (every δ is 0). Inputs must be finite;
 * values beyond about 1e154 in magnitude can overflow M2 to +∞. Mutable; not thread-safe.
 */
public final class ExactMoments {
  private long count;
  private double mean;
  private double meanLow;
  private double m2;

  public ExactMoments() {}

  public ExactMoments(long count, double mean, double meanLow, double m2) {
    this.count = count;
    this.mean = mean;
    this.meanLow = meanLow;
    this.m2 = m2;
  }

  /** Welford's update around the double-double mean: δ = x − μ, μ += δ/n, M2 += δ·(δ − δ/n). */
  public void add(double x) {
    count++;
    double delta = (x - mean) - meanLow;
    double increment = delta / count;
    moveMean(increment);
    m2 += delta * (delta - increment);
  }

  /** μ += increment in double-double: the rounding of the high part's sum is kept in the low part (TwoSum). */
  private void moveMean(double increment) {
    double hi = mean + increment;
    double error = BatchFold.twoSumError(mean, increment, hi) + meanLow;
    double sum = hi + error;
    if (Double.isFinite(sum)) {
      mean = sum;
      meanLow = error - (sum - hi);
    } else { // inputs near the double range overflowed x − μ: no low part to keep, M2 is +∞ or NaN anyway
      mean = hi;
      meanLow = 0;
    }
  }

  /** Chan's combination of {@code o} into this, with δ = μ_o − μ taken between the double-double means. */
  public void combine(ExactMoments o) {
    if (o.count == 0) {
      return;
    }
    if (count == 0) {
      count = o.count;
      mean = o.mean;
      meanLow = o.meanLow;
      m2 = o.m2;
      return;
    }
    long n = Math.addExact(count, o.count);
    double delta = difference(o.mean, o.meanLow, mean, meanLow);
    moveMean(delta * ((double) o.count / n));
    m2 += o.m2 + delta * delta * ((double) count * o.count / n);
    count = n;
  }

  /**
   * (aHigh + aLow) − (bHigh + bLow) rounded once: the difference of the high parts is split exactly into its rounded
   * value and residue (TwoSum), so means that differ in their low parts only still give their true, tiny, δ.
   */
  public static double difference(double aHigh, double aLow, double bHigh, double bLow) {
    double hi = aHigh - bHigh;
    double residue = BatchFold.twoSumError(aHigh, -bHigh, hi);
    return hi + (residue + (aLow - bLow));
  }

  public ExactMoments copy() {
    return new ExactMoments(count, mean, meanLow, m2);
  }

  public long count() {
    return count;
  }

  /** The mean rounded to a double (0 when empty). */
  public double mean() {
    return mean;
  }

  /** The mean's rounding residue: the exact mean is mean() + meanLow(). */
  public double meanLow() {
    return meanLow;
  }

  /** Σ (x − mean)² over the values. */
  public double m2() {
    return m2;
  }
}
