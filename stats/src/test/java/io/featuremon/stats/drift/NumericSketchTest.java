package io.featuremon.stats.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class NumericSketchTest {

  static double[] gaussian(long seed, int n) {
    Random random = new Random(seed);
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = 10 + 3 * random.nextGaussian();
    }
    return values;
  }

  /** The real wine alcohol column resampled with replacement: a real, tie-heavy distribution at any size. */
  static double[] resampledWine(long seed, int n, int feature) {
    RealData.Features wine = RealData.features("wine.jsonl");
    int[] picks = RealData.resample(new Random(seed), wine.rows().length, n);
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = wine.rows()[picks[i]][feature];
    }
    return values;
  }

  @Test
  void shouldStateTheRankErrorForTheDefaultK() {
    assertThat(NumericSketch.DEFAULT_K).isEqualTo(2048);
    assertThat(NumericSketch.normalizedRankError(2048)).isCloseTo(0.00138, within(1e-5));
    assertThat(NumericSketch.normalizedBinError(2048)).isCloseTo(0.00184, within(1e-5));
    assertThat(NumericSketch.EMBEDDING_DEFAULT_K).isEqualTo(200);
    assertThat(NumericSketch.normalizedRankError(200)).isCloseTo(0.01329, within(1e-5));
    assertThat(NumericSketch.normalizedBinError(200)).isCloseTo(0.01652, within(1e-5));
  }

  /**
   * σ (which scales W1) exact where a single-double Welford mean loses digits: large offsets with small spreads, a
   * millisecond timestamp, a nearly constant column; sequentially and after merges of panes. The reference is exact
   * decimal arithmetic (every double converts to a BigDecimal exactly; 80 significant digits for the mean).
   */
  @Test
  void standardDeviationShouldBeExactWithLargeOffsetsAndSmallSpreadsAlsoAfterMerges() {
    Random random = new Random(8);
    double[][] columns = new double[5][3000];
    for (int i = 0; i < 3000; i++) {
      columns[0][i] = 1e6 + 1e-3 * random.nextGaussian();
      columns[1][i] = 1e12 + 1e6 * random.nextGaussian();
      columns[2][i] = 1.7e12 + 1000.0 * random.nextInt(86_400) + random.nextInt(1000) / 7.0;
      columns[3][i] = i % 97 == 0 ? Math.nextUp(1e6) : 1e6;
      columns[4][i] = 5 + 1e-9 * random.nextGaussian();
    }
    for (double[] column : columns) {
      double exact = exactStandardDeviation(column);
      NumericSketch whole = NumericSketch.create();
      whole.update(column);
      NumericSketch merged = NumericSketch.create();
      for (int from = 0; from < column.length; from += 700) {
        NumericSketch pane = NumericSketch.create();
        pane.update(Arrays.copyOfRange(column, from, Math.min(column.length, from + 700)));
        merged = merged.merge(pane);
      }
      assertThat(whole.standardDeviation()).as("sequential σ of a column starting %s", column[0])
          .isCloseTo(exact, within(1e-12 * exact));
      assertThat(merged.standardDeviation()).as("merged σ of a column starting %s", column[0])
          .isCloseTo(exact, within(1e-12 * exact));
    }
  }

  private static double exactStandardDeviation(double[] values) {
    java.math.MathContext context = new java.math.MathContext(80);
    java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
    for (double v : values) {
      sum = sum.add(new java.math.BigDecimal(v));
    }
    java.math.BigDecimal mean = sum.divide(java.math.BigDecimal.valueOf(values.length), context);
    java.math.BigDecimal m2 = java.math.BigDecimal.ZERO;
    for (double v : values) {
      java.math.BigDecimal d = new java.math.BigDecimal(v).subtract(mean);
      m2 = m2.add(d.multiply(d), context);
    }
    return m2.divide(java.math.BigDecimal.valueOf(values.length), context).sqrt(context).doubleValue();
  }

  @Test
  void shouldRoundTripEmptyOneItemAndManyItemSketchesByteForByte() {
    NumericSketch empty = NumericSketch.create();
    NumericSketch one = NumericSketch.of(2.5);
    NumericSketch many = RealData.sketch(gaussian(1, 50_000));
    for (NumericSketch s : List.of(empty, one, many)) {
      byte[] bytes = s.toBytes();
      assertThat(bytes[0]).isEqualTo(NumericSketch.FORMAT_VERSION);
      NumericSketch back = NumericSketch.fromBytes(bytes);
      assertThat(back.toBytes()).isEqualTo(bytes);
      assertThat(back.count()).isEqualTo(s.count());
      assertThat(back.mean()).isEqualTo(s.mean());
      assertThat(back.m2()).isEqualTo(s.m2());
    }
    assertThat(empty.isEmpty()).isTrue();
    assertThat(one.quantile(0.5)).isEqualTo(2.5);
    assertThat(many.toBytes().length).isLessThanOrEqualTo(NumericSketch.maxSerializedBytes(many.k(), many.count()))
        .isGreaterThan(NumericSketch.maxSerializedBytes(many.k(), many.count()) / 2);
  }

  /** A sketch's coins are its own: whatever other sketches did in between, the same values give the same bytes. */
  @Test
  void shouldGiveIdenticalBytesAndQuantilesForTheSameSequenceWhateverOtherSketchesDid() {
    double[] values = resampledWine(7, 100_000, 0);
    NumericSketch first = RealData.sketch(values);
    NumericSketch second = NumericSketch.create();
    Random other = new Random();
    for (int i = 0; i < values.length; i++) {
      second.update(values[i]);
      if (i % 10_000 == 0) {
        RealData.sketch(gaussian(other.nextLong(), 3_000)).merge(RealData.sketch(gaussian(other.nextLong(), 5_000)));
      }
    }
    assertThat(first.isExact()).isFalse();
    assertThat(second.toBytes()).isEqualTo(first.toBytes());
    for (double rank = 0.01; rank < 1; rank += 0.01) {
      assertThat(second.quantile(rank)).isEqualTo(first.quantile(rank));
    }
  }

  @Test
  void shouldContinueIdenticallyAfterBeingSerializedAndRestoredAtAnyPoint() {
    double[] values = gaussian(3, 60_000);
    NumericSketch straight = RealData.sketch(values);
    NumericSketch restored = NumericSketch.create();
    int[] cuts = {1, 199, 200, 201, 777, 4_096, 33_333, 59_999};
    int from = 0;
    for (int cut : cuts) {
      restored.update(Arrays.copyOfRange(values, from, cut));
      restored = NumericSketch.fromBytes(restored.toBytes());
      from = cut;
    }
    restored.update(Arrays.copyOfRange(values, from, values.length));
    assertThat(restored.toBytes()).isEqualTo(straight.toBytes());
  }

  @Test
  void shouldStayDeterministicWhenThreadsUpdateSketchesConcurrently() throws Exception {
    List<double[]> streams = new ArrayList<>();
    List<byte[]> sequential = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      streams.add(gaussian(100 + t, 40_000));
      sequential.add(RealData.sketch(streams.get(t)).toBytes());
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<byte[]>> futures = new ArrayList<>();
      for (double[] stream : streams) {
        futures.add(pool.submit(() -> {
          NumericSketch s = NumericSketch.create();
          for (double v : stream) {
            s.update(v);
          }
          return s.toBytes();
        }));
      }
      for (int t = 0; t < 4; t++) {
        assertThat(futures.get(t).get()).as("stream %d", t).isEqualTo(sequential.get(t));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldBeExactWhileItHoldsAtMostKItems() {
    int k = NumericSketch.DEFAULT_K;
    double[] values = resampledWine(11, k, 12); // proline, with ties
    NumericSketch s = RealData.sketch(values);
    assertThat(s.isExact()).isTrue();
    assertThat(s.rankError()).isZero();
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    for (int i = 1; i <= k; i++) {
      assertThat(s.quantile(i / (double) k)).isEqualTo(sorted[i - 1]);
    }
    s.update(1.0);
    assertThat(s.isExact()).isFalse();
    assertThat(s.rankError()).isEqualTo(NumericSketch.normalizedRankError(k));
  }

  @Test
  void shouldKeepEveryRankWithinTheStatedErrorOnRealAndGaussianData() {
    for (double[] values : List.of(resampledWine(5, 100_000, 4), gaussian(5, 100_000))) {
      NumericSketch s = RealData.sketch(values);
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      double worst = 0;
      for (int i = 0; i < sorted.length; i += 97) {
        double x = sorted[i];
        int upper = upperBound(sorted, x);
        worst = Math.max(worst, Math.abs(s.rank(x) - (double) upper / sorted.length));
      }
      assertThat(worst).isLessThanOrEqualTo(s.rankError());
    }
  }

  static int upperBound(double[] sorted, double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  @Test
  void shouldKeepExactMomentsThroughUpdatesAndMerges() {
    double[] values = resampledWine(9, 30_001, 12);
    NumericSketch whole = RealData.sketch(values);
    NumericSketch left = RealData.sketch(Arrays.copyOfRange(values, 0, 12_345));
    NumericSketch right = RealData.sketch(Arrays.copyOfRange(values, 12_345, values.length));
    NumericSketch merged = left.merge(right);
    double mean = Arrays.stream(values).sum() / values.length;
    double ss = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum();
    for (NumericSketch s : List.of(whole, merged)) {
      assertThat(s.count()).isEqualTo(values.length);
      assertThat(s.mean()).isCloseTo(mean, within(1e-12 * mean));
      assertThat(s.m2()).isCloseTo(ss, within(1e-12 * ss));
      assertThat(s.standardDeviation()).isCloseTo(Math.sqrt(ss / values.length), within(1e-9));
      assertThat(s.min()).isEqualTo(Arrays.stream(values).min().orElseThrow());
      assertThat(s.max()).isEqualTo(Arrays.stream(values).max().orElseThrow());
    }
    assertThat(left.count()).as("merge leaves its arguments alone").isEqualTo(12_345);
    assertThat(NumericSketch.create().merge(right).toBytes()).isEqualTo(right.merge(NumericSketch.create()).toBytes());
  }

  @Test
  void shouldMergeReproduciblyAndWithinTheRankErrorOfTheUnion() {
    double[] a = gaussian(21, 50_000);
    double[] b = resampledWine(21, 50_000, 9);
    NumericSketch merged = RealData.sketch(a).merge(RealData.sketch(b));
    assertThat(RealData.sketch(a).merge(RealData.sketch(b)).toBytes()).isEqualTo(merged.toBytes());
    double[] union = new double[a.length + b.length];
    System.arraycopy(a, 0, union, 0, a.length);
    System.arraycopy(b, 0, union, a.length, b.length);
    Arrays.sort(union);
    for (int i = 0; i < union.length; i += 101) {
      double truth = (double) upperBound(union, union[i]) / union.length;
      assertThat(merged.rank(union[i])).isCloseTo(truth, within(merged.rankError()));
    }
  }

  /**
   * The definition of an update is one value at a time; batches go in as array copies between compactions. Both must
   * give the same bytes, at both of featuremon's k, for batches cut anywhere.
   */
  @Test
  void shouldGiveTheBytesOfOneUpdateAtATimeForBatchesCutAnywhere() {
    double[] values = gaussian(11, 30_000);
    for (int k : new int[] {NumericSketch.EMBEDDING_DEFAULT_K, NumericSketch.DEFAULT_K}) {
      NumericSketch single = NumericSketch.create(k);
      for (double v : values) {
        single.update(v);
      }
      NumericSketch batches = NumericSketch.create(k);
      Random cuts = new Random(k);
      for (int from = 0; from < values.length; ) {
        int to = Math.min(values.length, from + cuts.nextInt(3 * k));
        batches.update(values, from, to);
        from = to;
      }
      assertThat(single.retained()).as("k=%d compacts", k).isLessThan(values.length);
      assertThat(batches.toBytes()).as("k=%d, batches", k).isEqualTo(single.toBytes());
    }
  }

  @Test
  void shouldUpdateABatchExactlyAsOneByOne() {
    double[] values = gaussian(4, 5_000);
    NumericSketch single = NumericSketch.create();
    for (double v : values) {
      single.update(v);
    }
    assertThat(RealData.sketch(values).toBytes()).isEqualTo(single.toBytes());
  }

  @Test
  void shouldUpdateABlockOfColumnsExactlyAsEachSketchAlone() {
    int width = 5;
    double[][] columns = new double[width][];
    int[] counts = {3_000, 0, 1, 2_999, 700};
    for (int c = 0; c < width; c++) {
      columns[c] = Arrays.copyOf(gaussian(20 + c, Math.max(1, counts[c])), 3_000);
    }
    NumericSketch[] alone = new NumericSketch[width + 1];
    NumericSketch[] together = new NumericSketch[width + 1];
    for (int c = 0; c <= width; c++) {
      alone[c] = NumericSketch.of(c, c + 0.5);
      together[c] = NumericSketch.of(c, c + 0.5);
    }
    for (int c = 0; c < width; c++) {
      alone[c + 1].update(columns[c], 0, counts[c]);
    }
    NumericSketch.updateColumns(together, 1, columns, counts, width);
    for (int c = 0; c <= width; c++) {
      assertThat(together[c].toBytes()).as("sketch %d", c).isEqualTo(alone[c].toBytes());
    }
    columns[3][2_000] = Double.NaN;
    byte[] before = together[1].toBytes();
    assertThatThrownBy(() -> NumericSketch.updateColumns(together, 1, columns, counts, width))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(together[1].toBytes()).as("refused before any sketch changes").isEqualTo(before);
  }

  @Test
  void shouldRejectNonFiniteValuesBadVersionsAndCorruptBytes() {
    NumericSketch s = NumericSketch.create();
    assertThatThrownBy(() -> s.update(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.update(new double[] {1, Double.POSITIVE_INFINITY}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(s.count()).isZero();
    byte[] bytes = NumericSketch.of(1, 2, 3).toBytes();
    byte[] future = bytes.clone();
    future[0] = 4;
    assertThatThrownBy(() -> NumericSketch.fromBytes(future)).hasMessageContaining("format version 4");
    assertThatThrownBy(() -> NumericSketch.fromBytes(Arrays.copyOf(bytes, 20))).isInstanceOf(
        IllegalArgumentException.class);
    byte[] wrongCount = bytes.clone();
    wrongCount[8] = 4; // count 3 -> 4, while the KLL part says 3
    assertThatThrownBy(() -> NumericSketch.fromBytes(wrongCount)).hasMessageContaining("inconsistent");
    assertThatThrownBy(() -> NumericSketch.create(4)).isInstanceOf(IllegalArgumentException.class);
  }
}
