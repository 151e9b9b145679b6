package io.featuremon.stats.drift;

import io.featuremon.stats.ExactMoments;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * The distribution of one numeric feature (or one embedding dimension) in one window: a KLL quantile sketch
 * ({@link KllSketch}, featuremon's own) plus the exact count, mean and sum of squared deviations M2 (Welford; merged
 * with Chan et al.'s formula, like {@link io.featuremon.stats.CoMoments}).
 *
 * <p><b>Accuracy.</b> While it holds at most {@code k} items the sketch keeps every item and every rank and quantile
 * is exact ({@link #isExact()}). Beyond that the normalized rank error is ε = {@link #normalizedRankError(int)}: with
 * 99% confidence the rank the sketch gives any value is within ±ε of its true rank. For the default k = 2048 that is
 * ε = 0.00138 (0.14%; 1.33% for k = 200, the embedding default); a difference of two ranks (a histogram bin) is
 * within 0.00184 (1.65% for k = 200). These are DataSketches' figures for the same structure at the same k, and
 * {@code KllSketchTest} checks that featuremon's sketch keeps them. The error does not grow with the count. Count,
 * mean, standard deviation, minimum and maximum are exact whatever the count.
 *
 * <p><b>Size and cost.</b> Serialized, k = 2048: about 41 KB at 50,000 items, 44 KB at 200,000, at most
 * {@link #maxSerializedBytes}; k = 200: about 4.6 KB. Growth is log(n); at most k doubles while exact. Updates
 * are array copies into level 0 until the sketch is full, then one compaction (a sort of level 0 and a merge into
 * level 1); through {@link #updateColumns} (384 sketches side by side, k = 200, columns of 256 values, the drift
 * stage's case) see {@code benchmarks/README.md} for the measured cost.
 *
 * <p><b>Determinism.</b> The same sequence of updates (and merges, in the same order) gives the same bytes on every
 * run, JDK and CPU, however often the state was serialized and restored in between: the sketch's coins are a
 * function of its own state (see {@link KllSketch}). Merging is not commutative bit for bit; merge in a canonical
 * order.
 *
 * <p><b>Binary layout</b> ({@link #toBytes()}, version 3): one format byte {@code 0x03}; the count (int64), mean, the
 * mean's low part (the mean is a double-double, see {@link ExactMoments}) and M2 (IEEE-754 float64), big-endian;
 * then the KLL sketch ({@link KllSketch#write}). Versions 1 and 2 (featuremon 0.1 before its own sketch) carried
 * DataSketches' compact KLL serialization instead; {@link #fromBytes} reads them into the same levels and items
 * ({@link DataSketchesKllBytes}), so old state and reference profiles give the same drift numbers and carry on.
 *
 * <p>Not thread-safe; sketches share nothing, so different threads may use different sketches freely.
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
   * The default k for an embedding dimension (DataSketches' default too): ε = 1.33%, 4.7 KB at 100,000 items. An
   * embedding has one sketch per dimension, 384 and more per pane, and its verdict is a share over dimensions.
   */
  public static final int EMBEDDING_DEFAULT_K = 200;
  /** The format byte {@link #toBytes()} writes and {@link #fromBytes} reads. */
  public static final byte FORMAT_VERSION = 3;
  /** Version 2: the same header, then DataSketches' compact KLL serialization (read, no longer written). */
  static final byte FORMAT_VERSION_2 = 2;
  /** Version 1: version 2 without the mean's low part (read as 0), before the mean became a double-double. */
  static final byte FORMAT_VERSION_1 = 1;
  private static final int HEADER_BYTES = 1 + 8 + 8 + 8 + 8;
  private static final int HEADER_BYTES_1 = 1 + 8 + 8 + 8;

  private final KllSketch sketch;
  private final ExactMoments moments;

  private NumericSketch(KllSketch sketch, ExactMoments moments) {
    this.sketch = sketch;
    this.moments = moments;
  }

  /** An empty sketch with {@link #DEFAULT_K}. */
  public static NumericSketch create() {
    return create(DEFAULT_K);
  }

  /** An empty sketch; k from 8 to 65535 (larger k: smaller error, larger state). */
  public static NumericSketch create(int k) {
    return new NumericSketch(new KllSketch(k), new ExactMoments());
  }

  /** A sketch with {@link #DEFAULT_K} of the given values, in order. */
  public static NumericSketch of(double... values) {
    NumericSketch s = create();
    s.update(values);
    return s;
  }

  /** The most bytes {@link #toBytes()} can take for a sketch of parameter k that has seen {@code n} items. */
  public static int maxSerializedBytes(int k, long n) {
    return HEADER_BYTES + KllSketch.maxSerializedBytes(k, n);
  }

  /** ε for a sketch of parameter k in estimation mode: the single-rank normalized error at 99% confidence. */
  public static double normalizedRankError(int k) {
    return KllSketch.normalizedRankError(k, false);
  }

  /** The error of a difference of two ranks (a histogram bin's share) for parameter k, at 99% confidence. */
  public static double normalizedBinError(int k) {
    return KllSketch.normalizedRankError(k, true);
  }

  /**
   * Adds one value.
   *
   * @throws IllegalArgumentException for NaN or infinities, which KLL would silently drop (NaN) or which would poison
   *     the mean; featuremon rejects them at validation, so one arriving here is a bug
   */
  public void update(double value) {
    requireFinite(value);
    sketch.update(value);
    addMoments(value);
  }

  /** Adds the values in order: the same bytes as updating one by one, faster (runs go in as array copies). */
  public void update(double[] values) {
    update(values, 0, values.length);
  }

  /** Adds values[from..to) in order: the same bytes as updating one by one, faster. */
  public void update(double[] values, int from, int to) {
    for (int i = from; i < to; i++) {
      requireFinite(values[i]);
    }
    sketch.update(values, from, to);
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
      sketches[first + c].sketch.update(columns[c], 0, counts[c]);
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
    merged.sketch.merge(other.sketch);
    merged.moments.combine(other.moments);
    return merged;
  }

  /** An independent copy that continues exactly as this one would. */
  public NumericSketch copy() {
    return new NumericSketch(sketch.copy(), moments.copy());
  }

  /** The versioned binary form (see the class comment); equal states give equal bytes. */
  public byte[] toBytes() {
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + sketch.serializedBytes())
        .put(FORMAT_VERSION)
        .putLong(moments.count())
        .putDouble(moments.mean())
        .putDouble(moments.meanLow())
        .putDouble(moments.m2());
    sketch.write(out);
    return out.array();
  }

  /**
   * Reads what {@link #toBytes()} wrote.
   *
   * @throws IllegalArgumentException on an unknown format byte, truncated bytes or an inconsistent state
   */
  public static NumericSketch fromBytes(byte[] bytes) {
    byte version = bytes.length == 0 ? 0 : bytes[0];
    if (version != FORMAT_VERSION && version != FORMAT_VERSION_2 && version != FORMAT_VERSION_1) {
      throw new IllegalArgumentException("unknown NumericSketch format version " + version + "; this build reads "
          + FORMAT_VERSION_1 + " to " + FORMAT_VERSION);
    }
    int header = version == FORMAT_VERSION_1 ? HEADER_BYTES_1 : HEADER_BYTES;
    if (bytes.length < header + 8) {
      throw new IllegalArgumentException("a NumericSketch needs at least " + (header + 8) + " bytes, got "
          + bytes.length);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    buffer.get();
    long count = buffer.getLong();
    double mean = buffer.getDouble();
    double meanLow = version == FORMAT_VERSION_1 ? 0 : buffer.getDouble();
    double m2 = buffer.getDouble();
    KllSketch sketch;
    if (version == FORMAT_VERSION) {
      sketch = KllSketch.read(buffer);
      if (buffer.hasRemaining()) {
        throw new IllegalArgumentException("corrupt KLL sketch in NumericSketch bytes: " + buffer.remaining()
            + " bytes after its end");
      }
    } else {
      sketch = DataSketchesKllBytes.read(bytes, header);
    }
    if (sketch.n() != count || count < 0 || !(m2 >= 0) || !Double.isFinite(mean) || !Double.isFinite(meanLow)) {
      throw new IllegalArgumentException("inconsistent NumericSketch: count " + count + ", KLL n " + sketch.n()
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
    return sketch.k();
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
    return count() == 0 ? Double.NaN : sketch.min();
  }

  public double max() {
    return count() == 0 ? Double.NaN : sketch.max();
  }

  /** True while the sketch still holds every item: ranks and quantiles are then exact. */
  public boolean isExact() {
    return !sketch.isEstimationMode();
  }

  /**
   * The bound on |estimated rank − true rank| for any single value, with 99% confidence: 0 while {@link #isExact()},
   * else ε for the smallest k merged into this sketch.
   */
  public double rankError() {
    return isExact() ? 0 : KllSketch.normalizedRankError(sketch.minK(), false);
  }

  /** How many items the sketch retains. */
  public int retained() {
    return sketch.retained();
  }

  /** Normalized inclusive rank: the estimated share of items ≤ value. */
  public double rank(double value) {
    requireNonEmpty();
    KllSketch.SortedView view = sortedView();
    double[] items = view.items();
    int lo = 0;
    int hi = items.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (items[mid] <= value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == 0 ? 0 : (double) view.cumulativeWeights()[lo - 1] / count();
  }

  /**
   * The smallest retained value whose inclusive rank is ≥ {@code rank} (numpy's {@code inverted_cdf} when exact):
   * the first item whose cumulative weight reaches ⌈rank·n⌉ (at least 1), rank·n taken as the nearest whole number
   * when within 1e-9 relative of it, so that rank = i/n finds item i whatever the rounding of i/n.
   */
  public double quantile(double rank) {
    requireNonEmpty();
    if (!(rank >= 0 && rank <= 1)) {
      throw new IllegalArgumentException("rank must be in [0, 1], got " + rank);
    }
    KllSketch.SortedView view = sortedView();
    double natural = rank * count();
    double whole = Math.rint(natural);
    if (Math.abs(natural - whole) <= 1e-9 * Math.max(1, natural)) {
      natural = whole;
    }
    long need = Math.max(1, (long) Math.ceil(natural));
    long[] weights = view.cumulativeWeights();
    int i = 0;
    while (i < weights.length - 1 && weights[i] < need) {
      i++;
    }
    return view.items()[i];
  }

  /** The retained items, ascending, with their cumulative weights: the step CDF the sketch stands for. */
  KllSketch.SortedView sortedView() {
    requireNonEmpty();
    return sketch.sortedView();
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
