package io.featuremon.stats.drift;

import java.nio.ByteBuffer;
import java.util.Locale;
import org.apache.datasketches.common.SketchesException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.DoublesSortedView;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import io.featuremon.stats.ExactMoments;

/**
 * The distribution of one numeric feature (or one embedding dimension) in one window: a KLL quantile sketch plus the
 * exact count, mean and sum of squared deviations M2 (Welford; merged with Chan et al.'s formula, like
 * {@link io.featuremon.stats.CoMoments}).
 *
 * <p><b>Accuracy.</b> While it holds at most {@code k} items the sketch keeps every item and every rank and quantile
 * is exact ({@link #isExact()}). Beyond that, DataSketches states the normalized rank error
 * ε = {@code KllSketch.getNormalizedRankError(k, false)}: with 99% confidence the rank the sketch gives any value is
 * within ±ε of its true rank. For the default k = 2048 that is ε = 0.00138 (0.14%; 1.33% for k = 200, the
 * embedding default); a difference of two ranks (a histogram bin, {@code getNormalizedRankError(k, true)}) is within
 * 0.00184 (1.65% for k = 200). The error does not grow with the count. Count, mean, standard deviation, minimum and
 * maximum are exact whatever the count.
 *
 * <p><b>Size and cost.</b> Serialized, k = 2048: 41 KB at 50,000 items, 44 KB at 200,000 (5,437 retained doubles),
 * at most {@link #maxSerializedBytes} = 50 KB at any count; k = 200: 4.6 KB and 4.8 KB. Growth is log(n); at most k
 * doubles while exact. An update cost about 56 ns at k = 2048 and 130 ns at k = 200 (fewer compactions at the larger
 * k; measured by {@code SketchAccuracyReport} on 200,000 values, one at a time, when every update took
 * {@link DeterministicKll}'s lock and re-seeding); since only compacting updates do, a column of 256 values costs
 * about 40 ns a value at k = 200 through {@link #updateColumns} (384 sketches side by side, the drift stage's case).
 *
 * <p><b>Determinism.</b> The same sequence of updates (and merges, in the same order) gives the same bytes on every
 * run, however often the state was serialized and restored in between: see {@link DeterministicKll} for how KLL's
 * random compactions are made reproducible. Merging is not commutative bit for bit; merge in a canonical order.
 *
 * <p><b>Binary layout</b> ({@link #toBytes()}, version 2): one format byte {@code 0x02}; the count (int64), mean, the
 * mean's low part (the mean is a double-double, see {@link ExactMoments}) and
 * M2 (IEEE-754 float64), big-endian; then DataSketches' own compact KLL serialization, which carries k, n, minimum
 * and maximum and is the same in datasketches-java 6.2 and 7.0.
 *
 * <p>Not thread-safe (only the shared KLL coin is guarded).
 */
public final class NumericSketch {
  /**
   * The default k for a tabular feature: exact up to 2,048 values per window, ε = 0.14% single-rank error at 99%
   * confidence beyond, about 44 KB at 100,000 items. Chosen so that with no shift every drift number reads within a
   * few per cent of its exact value at 50,000 to 200,000 values (see NumericDriftAccuracyTest), where k = 200 read
   * 3–14× the exact value.
   */
  public static final int DEFAULT_K = 2048;
  /**
   * The default k for an embedding dimension (DataSketches' default): ε = 1.33%, 4.7 KB at 100,000 items. An
   * embedding has one sketch per dimension, 384 and more per pane, and its verdict is a share over dimensions.
   */
  public static final int EMBEDDING_DEFAULT_K = 200;
  /** The format byte {@link #toBytes()} writes and {@link #fromBytes} reads. */
  public static final byte FORMAT_VERSION = 2;
  /** Version 1: the same without the mean's low part (read as 0), written before the mean became a double-double. */
  static final byte FORMAT_VERSION_1 = 1;
  private static final int HEADER_BYTES = 1 + 8 + 8 + 8 + 8;
  private static final int HEADER_BYTES_1 = 1 + 8 + 8 + 8;

  private final KllDoublesSketch sketch;
  private final ExactMoments moments;

  private NumericSketch(KllDoublesSketch sketch, ExactMoments moments) {
    this.sketch = sketch;
    this.moments = moments;
  }

  /** An empty sketch with {@link #DEFAULT_K}. */
  public static NumericSketch create() {
    return create(DEFAULT_K);
  }

  /** An empty sketch; k from 8 to 65535 (larger k: smaller error, larger state). */
  public static NumericSketch create(int k) {
    if (k < 8 || k > KllSketch.MAX_K) {
      throw new IllegalArgumentException("k must be from 8 to " + KllSketch.MAX_K + ", got " + k);
    }
    return new NumericSketch(KllDoublesSketch.newHeapInstance(k), new ExactMoments());
  }

  /** A sketch with {@link #DEFAULT_K} of the given values, in order. */
  public static NumericSketch of(double... values) {
    NumericSketch s = create();
    s.update(values);
    return s;
  }

  /** The most bytes {@link #toBytes()} can take for a sketch of parameter k that has seen {@code n} items. */
  public static int maxSerializedBytes(int k, long n) {
    return HEADER_BYTES + KllSketch.getMaxSerializedSizeBytes(k, n, KllSketch.SketchType.DOUBLES_SKETCH, false);
  }

  /** ε for a sketch of parameter k in estimation mode: DataSketches' single-rank normalized error at 99% confidence. */
  public static double normalizedRankError(int k) {
    return KllSketch.getNormalizedRankError(k, false);
  }

  /**
   * Adds one value.
   *
   * @throws IllegalArgumentException for NaN or infinities, which KLL would silently drop (NaN) or which would poison
   *     the mean; featuremon rejects them at validation, so one arriving here is a bug
   */
  public void update(double value) {
    requireFinite(value);
    DeterministicKll.update(sketch, value);
    addMoments(value);
  }

  /** Adds the values in order: the same bytes as updating one by one, faster (see {@link DeterministicKll}). */
  public void update(double[] values) {
    update(values, 0, values.length);
  }

  /** Adds values[from..to) in order: the same bytes as updating one by one, faster. */
  public void update(double[] values, int from, int to) {
    for (int i = from; i < to; i++) {
      requireFinite(values[i]);
    }
    DeterministicKll.update(sketch, values, from, to);
    for (int i = from; i < to; i++) {
      addMoments(values[i]);
    }
  }

  /**
   * For c in 0..width − 1, adds columns[c][0..counts[c]) to sketches[first + c], in order: the same bytes as one
   * {@link #update(double[], int, int)} per sketch. The exact moments go in row by row across the block, so that
   * the sketches' dependent chains (a division and a compensated sum a value) overlap instead of each waiting on its
   * own previous value (measured on their own: 12 → 4 ns a value, 16 sketches side by side, batches of 256).
   *
   * @throws IllegalArgumentException for NaN or infinities, before any sketch changes
   */
  public static void updateColumns(NumericSketch[] sketches, int first, double[][] columns, int[] counts, int width) {
    int rows = 0;
    for (int c = 0; c < width; c++) {
      for (int r = 0; r < counts[c]; r++) {
        requireFinite(columns[c][r]);
      }
      rows = Math.max(rows, counts[c]);
    }
    for (int c = 0; c < width; c++) {
      DeterministicKll.update(sketches[first + c].sketch, columns[c], 0, counts[c]);
    }
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < width; c++) {
        if (r < counts[c]) {
          sketches[first + c].moments.add(columns[c][r]);
        }
      }
    }
  }

  private static void requireFinite(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("a numeric sketch takes finite values only, got " + value);
    }
  }

  private void addMoments(double value) {
    moments.add(value);
  }

  /**
   * The sketch of both samples: KLL merge plus Chan's exact merge of the moments. Neither argument is modified.
   * Merging with an empty sketch, on either side, gives a copy of the other, byte for byte.
   */
  public NumericSketch merge(NumericSketch other) {
    if (other.isEmpty()) {
      return copy();
    }
    if (isEmpty()) {
      return other.copy();
    }
    NumericSketch merged = copy();
    DeterministicKll.merge(merged.sketch, other.sketch);
    merged.moments.combine(other.moments);
    return merged;
  }

  /** An independent copy that continues exactly as this one would. */
  public NumericSketch copy() {
    return fromBytes(toBytes());
  }

  /** The versioned binary form (see the class comment); equal states give equal bytes. */
  public byte[] toBytes() {
    byte[] kll = sketch.toByteArray();
    return ByteBuffer.allocate(HEADER_BYTES + kll.length)
        .put(FORMAT_VERSION)
        .putLong(moments.count())
        .putDouble(moments.mean())
        .putDouble(moments.meanLow())
        .putDouble(moments.m2())
        .put(kll)
        .array();
  }

  /**
   * Reads what {@link #toBytes()} wrote.
   *
   * @throws IllegalArgumentException on an unknown format byte, truncated bytes or an inconsistent state
   */
  public static NumericSketch fromBytes(byte[] bytes) {
    byte version = bytes.length == 0 ? 0 : bytes[0];
    if (version != FORMAT_VERSION && version != FORMAT_VERSION_1) {
      throw new IllegalArgumentException("unknown NumericSketch format version " + version + "; this build reads "
          + FORMAT_VERSION_1 + " and " + FORMAT_VERSION);
    }
    int header = version == FORMAT_VERSION ? HEADER_BYTES : HEADER_BYTES_1;
    if (bytes.length < header + 8) {
      throw new IllegalArgumentException("a NumericSketch needs at least " + (header + 8) + " bytes, got "
          + bytes.length);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    buffer.get();
    long count = buffer.getLong();
    double mean = buffer.getDouble();
    double meanLow = version == FORMAT_VERSION ? buffer.getDouble() : 0;
    double m2 = buffer.getDouble();
    byte[] kll = new byte[buffer.remaining()];
    buffer.get(kll);
    KllDoublesSketch sketch;
    try {
      sketch = KllDoublesSketch.heapify(Memory.wrap(kll));
    } catch (SketchesException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("corrupt KLL sketch in NumericSketch bytes: " + e.getMessage(), e);
    }
    if (sketch.getN() != count || count < 0 || !(m2 >= 0) || !Double.isFinite(mean) || !Double.isFinite(meanLow)) {
      throw new IllegalArgumentException("inconsistent NumericSketch: count " + count + ", KLL n " + sketch.getN()
          + ", mean " + mean + ", M2 " + m2);
    }
    return new NumericSketch(sketch, new ExactMoments(count, mean, meanLow, m2));
  }

  public long count() {
    return moments.count();
  }

  public boolean isEmpty() {
    return count() == 0;
  }

  public int k() {
    return sketch.getK();
  }

  /** The exact mean rounded to a double (0 when empty). */
  public double mean() {
    return moments.mean();
  }

  /** Exact Σ(x − mean)². */
  public double m2() {
    return moments.m2();
  }

  /** Population variance M2 / n (NaN when empty). */
  public double variance() {
    return count() == 0 ? Double.NaN : m2() / count();
  }

  /** Population standard deviation sqrt(M2 / n), as numpy's {@code std} and Evidently's normalisation use it. */
  public double standardDeviation() {
    return Math.sqrt(variance());
  }

  public double min() {
    return count() == 0 ? Double.NaN : sketch.getMinItem();
  }

  public double max() {
    return count() == 0 ? Double.NaN : sketch.getMaxItem();
  }

  /** True while the sketch still holds every item: ranks and quantiles are then exact. */
  public boolean isExact() {
    return !sketch.isEstimationMode();
  }

  /**
   * The bound on |estimated rank − true rank| for any single value, with 99% confidence: 0 while {@link #isExact()},
   * else DataSketches' ε for this sketch (which accounts for merges with sketches of a smaller k).
   */
  public double rankError() {
    return isExact() ? 0 : sketch.getNormalizedRankError(false);
  }

  /** How many items the sketch retains. */
  public int retained() {
    return sketch.getNumRetained();
  }

  /** Normalized inclusive rank: the estimated share of items ≤ value. */
  public double rank(double value) {
    requireNonEmpty();
    return sketch.getRank(value, QuantileSearchCriteria.INCLUSIVE);
  }

  /** The smallest retained value whose inclusive rank is ≥ {@code rank} (numpy's {@code inverted_cdf} when exact). */
  public double quantile(double rank) {
    requireNonEmpty();
    return sketch.getQuantile(rank, QuantileSearchCriteria.INCLUSIVE);
  }

  /** The retained items, ascending, with their cumulative weights: the step CDF the sketch stands for. */
  DoublesSortedView sortedView() {
    requireNonEmpty();
    return sketch.getSortedView();
  }

  private void requireNonEmpty() {
    if (count() == 0) {
      throw new IllegalStateException("the sketch is empty");
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "NumericSketch[k=%d, n=%d, mean=%.6g, sd=%.6g, retained=%d, %s]", k(), count(),
        mean(), standardDeviation(), retained(), isExact() ? "exact" : "rankError=" + rankError());
  }
}
