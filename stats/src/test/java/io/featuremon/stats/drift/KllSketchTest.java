package io.featuremon.stats.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.BiFunction;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.DoublesSortedView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * featuremon's own KLL sketch: the stated rank error against exact ranks on many data sets (and beside DataSketches
 * at the same k, on the JDKs DataSketches 6.2 runs on), its structure against DataSketches', the sketches featuremon
 * wrote with DataSketches read back to the same sorted view, bytes pinned for a fixed stream, and corrupt bytes
 * refused.
 */
class KllSketchTest {
  private static final String DATASKETCHES_RUNS_ON = "datasketches-java 6.2 refuses JDKs after 21 (8.x needs 24+)";

  // ---- data

  /** A family of data sets: shapes a sketch finds easy and hard (sorted input, heavy ties, heavy tails). */
  static double[] data(String shape, long seed, int n) {
    Random random = new Random(seed);
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = switch (shape) {
        case "gaussian" -> 10 + 3 * random.nextGaussian();
        case "lognormal" -> StrictMath.exp(2 * random.nextGaussian());
        case "ascending", "descending" -> random.nextGaussian();
        case "integers" -> random.nextInt(23);
        case "bimodal" -> random.nextBoolean() ? random.nextGaussian() : 50 + random.nextGaussian();
        case "cauchy" -> StrictMath.tan(Math.PI * (random.nextDouble() - 0.5));
        default -> throw new IllegalArgumentException(shape);
      };
    }
    if (shape.equals("ascending") || shape.equals("descending")) {
      Arrays.sort(values);
      if (shape.equals("descending")) {
        for (int i = 0; i < n / 2; i++) {
          double t = values[i];
          values[i] = values[n - 1 - i];
          values[n - 1 - i] = t;
        }
      }
    }
    return values;
  }

  static final List<String> SHAPES = List.of("gaussian", "lognormal", "ascending", "descending", "integers", "bimodal",
      "cauchy");

  /** max over the distinct values x of |estimated − true share of items ≤ x|. */
  static double maxRankError(double[] items, long[] cumulativeWeights, double[] sorted) {
    int n = sorted.length;
    double worst = 0;
    int j = 0;
    for (int i = 0; i < n; ) {
      double x = sorted[i];
      int end = i;
      while (end < n && sorted[end] == x) {
        end++;
      }
      while (j < items.length && items[j] <= x) {
        j++;
      }
      long estimate = j == 0 ? 0 : cumulativeWeights[j - 1];
      worst = Math.max(worst, Math.abs(estimate - end) / (double) n);
      i = end;
    }
    return worst;
  }

  static double ours(KllSketch sketch, double[] sorted) {
    KllSketch.SortedView view = sketch.sortedView();
    return maxRankError(view.items(), view.cumulativeWeights(), sorted);
  }

  static KllSketch ourSketch(int k, double[] values) {
    KllSketch s = new KllSketch(k);
    s.update(values, 0, values.length);
    return s;
  }

  /** The values cut into {@code panes} sketches, merged in order, as a window's panes are. */
  static KllSketch ourMergedPanes(int k, double[] values, int panes) {
    KllSketch window = new KllSketch(k);
    int step = values.length / panes;
    for (int p = 0; p < panes; p++) {
      KllSketch pane = new KllSketch(k);
      pane.update(values, p * step, p == panes - 1 ? values.length : (p + 1) * step);
      window.merge(pane);
    }
    return window;
  }

  // ---- accuracy

  /** The worst rank error of each trial: every shape, {@code seeds} seeds each. */
  static double[] trials(int k, int n, int seeds, BiFunction<double[], double[], Double> error) {
    List<Double> worst = new ArrayList<>();
    for (String shape : SHAPES) {
      for (int seed = 0; seed < seeds; seed++) {
        double[] values = data(shape, 1000L * k + seed, n);
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        worst.add(error.apply(values, sorted));
      }
    }
    return worst.stream().mapToDouble(Double::doubleValue).sorted().toArray();
  }

  static String summary(double[] sortedWorst, double eps) {
    double mean = Arrays.stream(sortedWorst).average().orElseThrow();
    long over = Arrays.stream(sortedWorst).filter(w -> w > eps).count();
    return String.format(Locale.ROOT, "mean %.5f, p50 %.5f, p99 %.5f, max %.5f, over ε: %d of %d", mean,
        sortedWorst[sortedWorst.length / 2], sortedWorst[(int) (0.99 * (sortedWorst.length - 1))],
        sortedWorst[sortedWorst.length - 1], over, sortedWorst.length);
  }

  /**
   * KLL's guarantee: with 99% confidence every rank within ε. Over 7 shapes × many seeds, single sketches and six
   * panes merged, at least 97% of the trials keep their worst rank within ε (the guarantee says 99%; the slack is
   * for the sample of trials), and the worst of all within 1.5 ε.
   */
  @Test
  void shouldKeepEveryRankWithinTheStatedErrorOnManyDataSets() {
    for (int[] kn : new int[][] {{200, 30_000, 30}, {2048, 200_000, 3}}) {
      int k = kn[0];
      double eps = KllSketch.normalizedRankError(k, false);
      double[] single = trials(k, kn[1], kn[2], (values, sorted) -> ours(ourSketch(k, values), sorted));
      double[] merged = trials(k, kn[1], kn[2], (values, sorted) -> ours(ourMergedPanes(k, values, 6), sorted));
      System.out.printf(Locale.ROOT, "k=%d n=%d ε=%.5f%n  featuremon, one sketch:   %s%n  featuremon, 6 panes merged: %s%n",
          k, kn[1], eps, summary(single, eps), summary(merged, eps));
      for (double[] worst : List.of(single, merged)) {
        assertThat(Arrays.stream(worst).filter(w -> w > eps).count()).as("k=%d trials over ε", k)
            .isLessThanOrEqualTo((long) Math.floor(0.03 * worst.length));
        assertThat(worst[worst.length - 1]).as("k=%d worst", k).isLessThanOrEqualTo(1.5 * eps);
      }
    }
  }

  /**
   * The same trials with DataSketches' KLL (random coins) at the same k: featuremon's sketch is as accurate (mean
   * worst rank error within 15% of DataSketches', the spread of the trials), and with the same level capacities the
   * same updates leave the same number of items in each level (the layout KLL's error analysis is about).
   */
  @Test
  @EnabledForJreRange(max = JRE.JAVA_21, disabledReason = DATASKETCHES_RUNS_ON)
  void shouldBeAsAccurateAsDataSketchesAtTheSameK() {
    for (int[] kn : new int[][] {{200, 30_000, 30}, {2048, 200_000, 3}}) {
      int k = kn[0];
      double eps = KllSketch.normalizedRankError(k, false);
      double[] ours = trials(k, kn[1], kn[2], (values, sorted) -> ours(ourSketch(k, values), sorted));
      double[] theirs = trials(k, kn[1], kn[2], (values, sorted) -> {
        KllDoublesSketch s = KllDoublesSketch.newHeapInstance(k);
        s.update(values, 0, values.length);
        DoublesSortedView view = s.getSortedView();
        return maxRankError(view.getQuantiles(), view.getCumulativeWeights(), sorted);
      });
      System.out.printf(Locale.ROOT, "k=%d n=%d ε=%.5f (DataSketches' own: %.5f)%n  featuremon:   %s%n"
          + "  DataSketches: %s%n", k, kn[1], eps,
          org.apache.datasketches.kll.KllSketch.getNormalizedRankError(k, false), summary(ours, eps),
          summary(theirs, eps));
      assertThat(Arrays.stream(ours).average().orElseThrow())
          .isLessThanOrEqualTo(1.15 * Arrays.stream(theirs).average().orElseThrow());
    }
    for (int k : new int[] {8, 200, 2048}) {
      assertThat(KllSketch.normalizedRankError(k, false))
          .isEqualTo(org.apache.datasketches.kll.KllSketch.getNormalizedRankError(k, false));
      assertThat(KllSketch.normalizedRankError(k, true))
          .isEqualTo(org.apache.datasketches.kll.KllSketch.getNormalizedRankError(k, true));
      double[] values = data("gaussian", k, 40 * k);
      KllSketch ours = new KllSketch(k);
      KllDoublesSketch theirs = KllDoublesSketch.newHeapInstance(k);
      for (int i = 0; i < values.length; i++) {
        ours.update(values[i]);
        theirs.update(values[i]);
        if (i % 97 == 0 || i == values.length - 1) {
          assertThat(ours.retained()).as("k=%d after %d updates", k, i + 1).isEqualTo(theirs.getNumRetained());
        }
      }
      assertThat(ours.isEstimationMode()).isTrue();
    }
  }

  // ---- DataSketches' bytes, as featuremon wrote them before

  record Fixture(String name, long count, int retained, byte[] bytes, String viewHash, double min, double max,
      double rankError) {}

  static List<Fixture> legacyFixtures() throws IOException {
    List<Fixture> fixtures = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("src/test/resources/drift/datasketches-6.2-sketches.txt"))) {
      if (line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(" ");
      fixtures.add(new Fixture(f[0], Long.parseLong(f[1]), Integer.parseInt(f[2]), Base64.getDecoder().decode(f[3]),
          f[4], Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7])));
    }
    return fixtures;
  }

  /** The step CDF's hash: each distinct item and the cumulative weight at its last copy (the order of ties aside). */
  static String viewHash(KllSketch.SortedView view) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    ByteBuffer b = ByteBuffer.allocate(16);
    double[] items = view.items();
    for (int i = 0; i < items.length; i++) {
      if (i + 1 < items.length && items[i + 1] == items[i]) {
        continue; // equal items: the step CDF only sees the cumulative weight at the last of them
      }
      b.clear();
      b.putDouble(view.items()[i]).putLong(view.cumulativeWeights()[i]);
      digest.update(b.array());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * State and reference profiles written before featuremon had its own sketch (NumericSketch format 2, DataSketches'
   * bytes inside) read into the same levels: the same sorted view, bit for bit, hence the same drift numbers; the
   * same count, min, max and rank error; then written as format 3 and updated like any other sketch.
   */
  @Test
  void shouldReadTheSketchesFeaturemonWroteWithDataSketchesToTheSameSortedView() throws Exception {
    List<Fixture> fixtures = legacyFixtures();
    assertThat(fixtures).hasSize(8);
    for (Fixture f : fixtures) {
      assertThat(f.bytes()[0]).isEqualTo(NumericSketch.FORMAT_VERSION_2);
      NumericSketch s = NumericSketch.fromBytes(f.bytes());
      assertThat(s.count()).as(f.name()).isEqualTo(f.count());
      assertThat(s.retained()).as(f.name()).isEqualTo(f.retained());
      if (f.count() == 0) {
        assertThat(s.isEmpty()).isTrue();
        continue;
      }
      assertThat(viewHash(s.sortedView())).as(f.name()).isEqualTo(f.viewHash());
      assertThat(s.min()).as(f.name()).isEqualTo(f.min());
      assertThat(s.max()).as(f.name()).isEqualTo(f.max());
      assertThat(s.rankError()).as(f.name()).isEqualTo(f.rankError());
      byte[] now = s.toBytes();
      assertThat(now[0]).isEqualTo(NumericSketch.FORMAT_VERSION);
      assertThat(NumericSketch.fromBytes(now).toBytes()).isEqualTo(now);
      s.update(data("gaussian", 5, 3_000));
      assertThat(s.count()).isEqualTo(f.count() + 3_000);
    }
  }

  /** Format 1 is format 2 without the mean's low part. */
  @Test
  void shouldReadFormatOneToo() throws Exception {
    Fixture f = legacyFixtures().stream().filter(x -> x.name().equals("gaussian50000-k200")).findFirst()
        .orElseThrow();
    byte[] v2 = f.bytes();
    byte[] v1 = new byte[v2.length - 8];
    v1[0] = NumericSketch.FORMAT_VERSION_1;
    System.arraycopy(v2, 1, v1, 1, 16); // count, mean
    System.arraycopy(v2, 25, v1, 17, v2.length - 25); // m2, KLL
    NumericSketch fromV1 = NumericSketch.fromBytes(v1);
    NumericSketch fromV2 = NumericSketch.fromBytes(v2);
    assertThat(viewHash(fromV1.sortedView())).isEqualTo(f.viewHash());
    assertThat(fromV1.m2()).isEqualTo(fromV2.m2());
    assertThat(fromV1.mean()).isEqualTo(fromV2.mean());
  }

  // ---- determinism

  /**
   * A fixed stream gives these bytes, at both of featuremon's k, whole and cut into panes merged in order: the
   * sketch is a function of its input alone, so the same test on any JDK and CPU must give the same hashes (the
   * input comes from java.util.Random, whose sequence, Gaussians included, the JDK specifies).
   */
  @Test
  void shouldGiveThePinnedBytesForAFixedStream() throws Exception {
    double[] values = data("gaussian", 77, 100_000);
    List<String> hashes = new ArrayList<>();
    for (int k : new int[] {NumericSketch.EMBEDDING_DEFAULT_K, NumericSketch.DEFAULT_K}) {
      NumericSketch whole = NumericSketch.create(k);
      whole.update(values);
      NumericSketch merged = NumericSketch.create(k);
      for (int from = 0; from < values.length; from += 7_000) {
        NumericSketch pane = NumericSketch.create(k);
        pane.update(values, from, Math.min(values.length, from + 7_000));
        merged = merged.merge(pane);
      }
      for (NumericSketch s : List.of(whole, merged)) {
        hashes.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.toBytes())).substring(0, 16));
      }
    }
    assertThat(hashes).containsExactly(PINNED);
  }

  private static final String[] PINNED = {"b7f550162180ebee", "ed7a6d8a3ea5ba0d", "1c83b750f4842bd7",
      "146574b63b88a3ec"};

  @Test
  void shouldMergeSketchesOfDifferentKAndStateTheSmallerKsError() {
    NumericSketch big = NumericSketch.create(2048);
    big.update(data("gaussian", 1, 50_000));
    NumericSketch small = NumericSketch.create(200);
    small.update(data("lognormal", 2, 50_000));
    NumericSketch merged = big.merge(small);
    assertThat(merged.k()).isEqualTo(2048);
    assertThat(merged.rankError()).isEqualTo(NumericSketch.normalizedRankError(200));
    assertThat(NumericSketch.fromBytes(merged.toBytes()).rankError()).isEqualTo(merged.rankError());
    assertThat(merged.count()).isEqualTo(100_000);
  }

  // ---- bytes

  @Test
  void shouldRefuseBytesNoSketchCouldHaveWritten() {
    KllSketch s = ourSketch(200, data("gaussian", 3, 5_000));
    ByteBuffer out = ByteBuffer.allocate(s.serializedBytes());
    s.write(out);
    byte[] good = out.array();
    assertThat(out.hasRemaining()).isFalse();
    KllSketch back = KllSketch.read(ByteBuffer.wrap(good));
    assertThat(back.n()).isEqualTo(5_000);
    assertThat(back.sortedView().items()).isEqualTo(s.sortedView().items());

    int sizes = 2 + 2 + 1 + 8 + 16;
    int levels = good[4];
    int firstUpperItem = sizes + 4 * levels + 8 * ByteBuffer.wrap(good, sizes, 4).getInt();
    byte[] unsorted = good.clone();
    ByteBuffer.wrap(unsorted).putDouble(firstUpperItem, 1e9); // above max, and out of order
    byte[] wrongN = good.clone();
    ByteBuffer.wrap(wrongN).putLong(5, 5_001);
    byte[] smallK = good.clone();
    ByteBuffer.wrap(smallK).putShort(0, (short) 4);
    for (byte[] bad : List.of(unsorted, wrongN, smallK, Arrays.copyOf(good, good.length - 3))) {
      assertThatThrownBy(() -> KllSketch.read(ByteBuffer.wrap(bad))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("corrupt KLL sketch");
    }
    assertThatThrownBy(() -> DataSketchesKllBytes.read(new byte[] {5, 1, 16, 0, 8, 0, 8, 0}, 0))
        .hasMessageContaining("not KLL");
  }
}
