package io.featuremon.stats;

import static io.featuremon.stats.CategoryCounts.OTHER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class GroupedMomentsTest {

  /** Rows of (category, numeric): the numeric depends on the category (group means differ) plus noise. */
  record Rows(String[] category, double[] x) {
    static Rows random(Random random, int n, int cardinality, double offset, double nullShare) {
      String[] c = CategoricalFixtures.values(random, n, cardinality, nullShare, "c");
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        double groupMean = c[i] == null ? 0 : 3 * Math.sin(Integer.parseInt(c[i].substring(1)));
        x[i] = offset + groupMean + random.nextGaussian();
      }
      return new Rows(c, x);
    }

    int size() {
      return x.length;
    }

    Rows permuted(int[] perm) {
      String[] c = new String[perm.length];
      double[] v = new double[perm.length];
      for (int i = 0; i < perm.length; i++) {
        c[i] = category[perm[i]];
        v[i] = x[perm[i]];
      }
      return new Rows(c, v);
    }
  }

  /** One pane: the categorical feature's counts and the grouped moments over its buckets. */
  record Pane(CategoryCounts counts, GroupedMoments moments) {
    static Pane of(int cap, Rows rows, int from, int to) {
      // As CategoricalState does: bucket by the counts, fold what they evicted, then count the row.
      CategoryCounts counts = CategoryCounts.empty(cap);
      GroupedMoments moments = GroupedMoments.empty(cap);
      for (int i = from; i < to; i++) {
        String bucket = counts.add(rows.category[i]);
        moments = moments.fold(counts.lastEvicted());
        moments.add(bucket, rows.x[i]);
      }
      return new Pane(counts, moments);
    }
  }

  static List<Pane> panes(int cap, Rows rows, int[] cuts) {
    List<Pane> list = new ArrayList<>();
    for (int p = 0; p + 1 < cuts.length; p++) {
      list.add(Pane.of(cap, rows, cuts[p], cuts[p + 1]));
    }
    return list;
  }

  /** Textbook two-pass count, mean and M2 per key. */
  static Map<String, double[]> twoPass(String[] keys, double[] x) {
    Map<String, List<Double>> byKey = new HashMap<>();
    for (int i = 0; i < x.length; i++) {
      if (keys[i] != null) {
        byKey.computeIfAbsent(keys[i], k -> new ArrayList<>()).add(x[i]);
      }
    }
    Map<String, double[]> result = new HashMap<>();
    byKey.forEach((k, values) -> {
      double sum = 0;
      for (double v : values) {
        sum += v;
      }
      double mean = sum / values.size();
      double m2 = 0;
      for (double v : values) {
        m2 += (v - mean) * (v - mean);
      }
      result.put(k, new double[] {values.size(), mean, m2});
    });
    return result;
  }

  /**
   * Same counts; means equal to {@code relative} on the scale |mean| + standard deviation; M2 equal to
   * {@code relative} · M2 plus the floor that any running update of an offset sample has: each step's mean carries a
   * rounding error of about ε·|mean|, which reaches M2 through that step's deviation, in total at most
   * ε·|mean|·Σ|x − mean| ≤ ε·|mean|·sqrt(n·M2) per computation. Without an offset the floor is far below
   * 1e-12 · M2; with |mean| ≫ standard deviation it dominates, as for any floating-point variance.
   */
  static void assertSameMoments(GroupedMoments actual, GroupedMoments expected, double relative) {
    assertThat(new LinkedHashSet<>(actual.categories())).isEqualTo(new LinkedHashSet<>(expected.categories()));
    for (GroupedMoments.Group e : expected.groups()) {
      GroupedMoments.Group a = actual.group(e.category());
      assertThat(a.count()).as(e.category()).isEqualTo(e.count());
      double scale = Math.abs(e.mean()) + Math.sqrt(e.m2() / e.count());
      assertThat(a.mean()).as("mean of %s", e.category()).isCloseTo(e.mean(), within(relative * scale));
      double floor = 4 * Math.ulp(1.0) * Math.abs(e.mean()) * Math.sqrt(e.count() * e.m2());
      assertThat(a.m2()).as("M2 of %s", e.category()).isCloseTo(e.m2(), within(relative * e.m2() + floor));
    }
  }

  @Test
  void shouldMatchTwoPassMomentsPerCategory() {
    Rows rows = Rows.random(new Random(1), 5000, 12, 50, 0.05);
    GroupedMoments g = Pane.of(32, rows, 0, rows.size()).moments();
    Map<String, double[]> expected = twoPass(rows.category(), rows.x());
    assertThat(g.groupCount()).isEqualTo(expected.size());
    expected.forEach((k, e) -> {
      GroupedMoments.Group a = g.group(k);
      assertThat(a.count()).isEqualTo((long) e[0]);
      assertThat(a.mean()).isCloseTo(e[1], within(1e-13 * Math.abs(e[1])));
      assertThat(a.m2()).isCloseTo(e[2], within(1e-12 * e[2]));
    });
    assertThat(g.incomplete()).isEqualTo(Arrays.stream(rows.category()).filter(c -> c == null).count());
    assertThat(g.total() + g.incomplete()).isEqualTo(5000);
  }

  @Test
  void shouldStayAccurateWithALargeCommonOffset() {
    Rows rows = Rows.random(new Random(2), 4000, 6, 1e6, 0);
    List<Pane> parts = panes(16, rows, CategoricalFixtures.cuts(new Random(3), 4000, 5));
    GroupedMoments merged = parts.stream().map(Pane::moments).reduce(GroupedMoments::merge).orElseThrow();
    Map<String, double[]> expected = twoPass(rows.category(), rows.x());
    expected.forEach((k, e) -> {
      assertThat(merged.group(k).mean()).isCloseTo(e[1], within(1e-12 * e[1]));
      assertThat(merged.group(k).m2()).isCloseTo(e[2], within(1e-9 * e[2]));
    });
  }

  @Property(tries = 60)
  void mergeOfPanesInAnyGroupingShouldEqualSequentialTo1e12Relative(
      @ForAll @IntRange(min = 0, max = 100_000) int seed, @ForAll @IntRange(min = 1, max = 8) int panes,
      @ForAll @IntRange(min = 1, max = 20) int cap) {
    Random random = new Random(seed);
    Rows rows = Rows.random(random, 1 + random.nextInt(800), cap, random.nextInt(3) * 1000.0, 0.05);
    GroupedMoments sequential = Pane.of(cap, rows, 0, rows.size()).moments();
    List<Pane> parts = panes(cap, rows, CategoricalFixtures.cuts(random, rows.size(), panes));
    CategoryCounts window = parts.stream().map(Pane::counts).reduce(CategoryCounts::merge).orElseThrow();
    List<GroupedMoments> moments = parts.stream().map(Pane::moments).toList();
    for (GroupedMoments merged : CategoricalFixtures.groupings(moments, GroupedMoments::merge, random)) {
      assertSameMoments(merged, sequential, 1e-12);
      assertThat(merged.categories()).containsExactlyElementsOf(sequential.categories());
      assertThat(merged.incomplete()).isEqualTo(sequential.incomplete());
    }
    for (GroupedMoments merged : CategoricalFixtures.groupings(moments, (a, b) -> a.merge(b, window), random)) {
      assertSameMoments(merged, sequential, 1e-12);
    }
  }

  @Property(tries = 60)
  void permutingEventsInsideAWindowShouldChangeTheMomentsByAtMost1e12Relative(
      @ForAll @IntRange(min = 0, max = 100_000) int seed) {
    Random random = new Random(seed);
    Rows rows = Rows.random(random, 2000, 10, 100, 0.05);
    Rows shuffled = rows.permuted(CategoricalFixtures.permutation(random, rows.size()));
    assertSameMoments(Pane.of(16, shuffled, 0, rows.size()).moments(), Pane.of(16, rows, 0, rows.size()).moments(),
        1e-12);
  }

  @Test
  void aConstantCategoryShouldHaveExactlyZeroM2AndItsValueAsMeanHoweverThePanesAreCut() {
    Random random = new Random(4);
    GroupedMoments[] parts = new GroupedMoments[5];
    for (int p = 0; p < parts.length; p++) {
      parts[p] = GroupedMoments.empty(8);
      for (int i = 0, n = 1 + random.nextInt(300); i < n; i++) {
        parts[p].add("constant", 0.1);
        parts[p].add("varying", random.nextGaussian());
      }
    }
    GroupedMoments merged = parts[0];
    for (int p = 1; p < parts.length; p++) {
      merged = merged.merge(parts[p]);
    }
    assertThat(merged.group("constant").m2()).isEqualTo(0.0);
    assertThat(merged.group("constant").mean()).isEqualTo(0.1);
    assertThat(merged.group("constant").meanLow()).isEqualTo(0.0);
    assertThat(merged.group("varying").m2()).isPositive();
  }

  @Test
  void newCategoriesBeyondTheCapShouldBeCountedInOther() {
    GroupedMoments g = GroupedMoments.empty(2);
    assertThat(g.add("a", 1)).isEqualTo("a");
    assertThat(g.add("b", 2)).isEqualTo("b");
    assertThat(g.add("c", 3)).isEqualTo(OTHER);
    assertThat(g.add(OTHER, 5)).isEqualTo(OTHER);
    assertThat(g.add("a", 3)).isEqualTo("a");
    assertThat(g.categories()).containsExactly("a", "b", OTHER);
    assertThat(g.group(OTHER).count()).isEqualTo(2);
    assertThat(g.group(OTHER).mean()).isEqualTo(4.0);
    assertThat(g.group(OTHER).m2()).isEqualTo(2.0);
    assertThat(g.group("a").mean()).isEqualTo(2.0);
    assertThat(g.group("never").count()).isZero();
  }

  @Test
  void windowMergeOnOverflowShouldFoldCategoriesWithoutABucketIntoOtherWithTheirExactMoments() {
    Random random = new Random(5);
    Rows rows = Rows.random(random, 6000, 40, 10, 0.02);
    int cap = 8;
    int[] cuts = CategoricalFixtures.cuts(random, rows.size(), 6);
    List<Pane> parts = panes(cap, rows, cuts);
    CategoryCounts window = parts.stream().map(Pane::counts).reduce(CategoryCounts::merge).orElseThrow();
    GroupedMoments merged = parts.stream().map(Pane::moments).reduce((a, b) -> a.merge(b, window)).orElseThrow();

    // Two-pass over the rows, each keyed by its pane bucket mapped to the window's buckets.
    String[] keys = new String[rows.size()];
    for (int p = 0; p < parts.size(); p++) {
      CategoryCounts replay = CategoryCounts.empty(cap);
      for (int i = cuts[p]; i < cuts[p + 1]; i++) {
        keys[i] = window.bucketOf(replay.add(rows.category()[i]));
      }
      assertThat(replay).isEqualTo(parts.get(p).counts());
    }
    Map<String, double[]> expected = twoPass(keys, rows.x());
    assertThat(merged.groupCount()).isEqualTo(cap + 1);
    assertThat(new LinkedHashSet<>(merged.categories())).isEqualTo(expected.keySet());
    expected.forEach((k, e) -> {
      assertThat(merged.group(k).count()).as(k).isEqualTo((long) e[0]);
      assertThat(merged.group(k).mean()).as(k).isCloseTo(e[1], within(1e-12 * (Math.abs(e[1]) + 1)));
      assertThat(merged.group(k).m2()).as(k).isCloseTo(e[2], within(1e-12 * e[2]));
    });
  }

  @Test
  void plainMergeOnOverflowShouldKeepTheLargestGroupsAndFoldTheRestIntoOther() {
    GroupedMoments first = GroupedMoments.empty(2);
    first.add("a", 1);
    first.add("a", 3);
    first.add("b", 10);
    GroupedMoments second = GroupedMoments.empty(2);
    second.add("c", 5);
    second.add("c", 7);
    second.add("c", 9);
    second.add("b", 20);
    GroupedMoments merged = first.merge(second);
    // a: 2 rows, b: 2 rows, c: 3 rows → keep c and a (a < b); b's rows 10 and 20 become OTHER.
    assertThat(merged.categories()).containsExactly("a", OTHER, "c");
    assertThat(merged.group(OTHER).count()).isEqualTo(2);
    assertThat(merged.group(OTHER).mean()).isEqualTo(15.0);
    assertThat(merged.group(OTHER).m2()).isEqualTo(50.0);
    assertThat(merged.group("c").m2()).isEqualTo(8.0);
  }

  @Test
  void rowsWithAMissingCategoryOrValueShouldBeCountedAsIncomplete() {
    GroupedMoments g = GroupedMoments.empty(4);
    assertThat(g.add(null, 1.5)).isNull();
    g.addIncomplete();
    g.add("a", 2);
    assertThat(g.incomplete()).isEqualTo(2);
    assertThat(g.total()).isEqualTo(1);
  }

  @Test
  void aStateWhoseSumOfSquaresOverflowedShouldStillRoundTrip() {
    // Finite inputs can overflow M2 (here to +∞); a restored pane must read whatever a live pane could write.
    GroupedMoments g = GroupedMoments.empty(2);
    g.add("a", -Double.MAX_VALUE / 4);
    g.add("a", Double.MAX_VALUE / 4);
    g.add("b", 1);
    assertThat(g.group("a").m2()).isInfinite();
    assertRoundTripsByteForByte(g);
  }

  @Test
  void nonFiniteValuesShouldBeRejected() {
    GroupedMoments g = GroupedMoments.empty(4);
    assertThatThrownBy(() -> g.add("a", Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> g.add("a", Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
    assertThat(g.total()).isZero();
  }

  @Test
  void mergeShouldLeaveBothArgumentsUnchangedAndRejectADifferentCap() {
    Rows rows = Rows.random(new Random(6), 200, 5, 0, 0);
    GroupedMoments first = Pane.of(4, rows, 0, 100).moments();
    GroupedMoments second = Pane.of(4, rows, 100, 200).moments();
    byte[] before1 = first.toBytes();
    byte[] before2 = second.toBytes();
    GroupedMoments merged = first.merge(second);
    merged.add("c0", 1e9);
    first.merge(second, CategoryCounts.empty(4));
    assertThat(first.toBytes()).isEqualTo(before1);
    assertThat(second.toBytes()).isEqualTo(before2);
    assertThatThrownBy(() -> first.merge(GroupedMoments.empty(5))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> first.restrictTo(CategoryCounts.empty(5))).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- bytes

  static void assertRoundTripsByteForByte(GroupedMoments g) {
    byte[] bytes = g.toBytes();
    assertThat(bytes[0]).as("format byte").isEqualTo((byte) 2);
    GroupedMoments back = GroupedMoments.fromBytes(bytes);
    assertThat(back).isEqualTo(g);
    assertThat(back.toBytes()).isEqualTo(bytes);
    for (GroupedMoments.Group e : g.groups()) {
      assertThat(Double.doubleToRawLongBits(back.group(e.category()).mean()))
          .isEqualTo(Double.doubleToRawLongBits(e.mean()));
      assertThat(Double.doubleToRawLongBits(back.group(e.category()).meanLow()))
          .isEqualTo(Double.doubleToRawLongBits(e.meanLow()));
      assertThat(Double.doubleToRawLongBits(back.group(e.category()).m2()))
          .isEqualTo(Double.doubleToRawLongBits(e.m2()));
    }
  }

  @Test
  void emptyStateShouldRoundTripByteForByte() {
    assertRoundTripsByteForByte(GroupedMoments.empty(32));
  }

  @Test
  void oneItemStateShouldRoundTripByteForByteInTheDocumentedLayout() {
    GroupedMoments g = GroupedMoments.empty(3);
    g.add("k", 2.5);
    assertRoundTripsByteForByte(g);
    byte[] expected = {
        2, // format
        0, 0, 0, 3, // cap
        0, 0, 0, 0, 0, 0, 0, 0, // incomplete
        0, 0, 0, 1, // groups
        0, 0, 0, 1, 'k', // category
        0, 0, 0, 0, 0, 0, 0, 1, // count
        0x40, 0x04, 0, 0, 0, 0, 0, 0, // mean 2.5
        0, 0, 0, 0, 0, 0, 0, 0, // meanLow 0
        0, 0, 0, 0, 0, 0, 0, 0}; // M2 0
    assertThat(g.toBytes()).isEqualTo(expected);
  }

  @Test
  void aMeanWithARoundingResidueShouldRoundTripItsLowPart() {
    // Three values around 1e6 whose mean has no double form: the residue lives in meanLow and must survive.
    GroupedMoments g = GroupedMoments.empty(3);
    g.add("k", 1e6);
    g.add("k", Math.nextUp(1e6));
    g.add("k", Math.nextUp(1e6));
    assertThat(g.group("k").meanLow()).isNotZero();
    assertRoundTripsByteForByte(g);
  }

  @Test
  void stateInFormat1ShouldStillBeReadWithAZeroLowPart() {
    // Format 1, written before the mean had a low part: {"a": [1, 3], OTHER: [5]}, incomplete 2, cap 2.
    CategoricalBytes.Writer v1 = new CategoricalBytes.Writer(0).writeByte(1).writeInt(2).writeLong(2).writeInt(2)
        .writeString("a").writeLong(2).writeDouble(2.0).writeDouble(2.0)
        .writeString(OTHER).writeLong(1).writeDouble(5.0).writeDouble(0.0);
    GroupedMoments g = GroupedMoments.fromBytes(v1.toByteArray());
    assertThat(g.cap()).isEqualTo(2);
    assertThat(g.incomplete()).isEqualTo(2);
    assertThat(g.groups()).containsExactly(new GroupedMoments.Group("a", 2, 2.0, 0.0, 2.0),
        new GroupedMoments.Group(OTHER, 1, 5.0, 0.0, 0.0));
    // It goes on like a state of this version that saw the same rows, and is written back in format 2.
    GroupedMoments live = GroupedMoments.empty(2);
    live.add("a", 1);
    live.add("a", 3);
    live.add(OTHER, 5);
    live.addIncomplete();
    live.addIncomplete();
    assertThat(g).isEqualTo(live);
    g.add("a", 8);
    live.add("a", 8);
    assertThat(g.toBytes()).isEqualTo(live.toBytes());
    assertThat(g.toBytes()[0]).isEqualTo((byte) 2);
    assertThatThrownBy(() -> GroupedMoments.fromBytes(Arrays.copyOf(v1.toByteArray(), v1.toByteArray().length - 8)))
        .hasMessageContaining("truncated");
  }

  @Test
  void manyItemStateWithOtherAndIncompleteRowsShouldRoundTripByteForByte() {
    Rows rows = Rows.random(new Random(7), 5000, 60, -3, 0.05);
    GroupedMoments g = Pane.of(32, rows, 0, rows.size()).moments();
    g.add("値", Double.MIN_VALUE);
    g.add("値", -1e-300);
    assertThat(g.categories()).contains(OTHER);
    assertThat(g.incomplete()).isPositive();
    assertRoundTripsByteForByte(g);
  }

  @Test
  void fromBytesShouldRejectUnknownFormatTruncatedTrailingAndInconsistentInput() {
    GroupedMoments g = GroupedMoments.empty(3);
    g.add("k", 2.5);
    byte[] good = g.toBytes();
    byte[] wrongFormat = good.clone();
    wrongFormat[0] = 0;
    assertThatThrownBy(() -> GroupedMoments.fromBytes(wrongFormat)).hasMessageContaining("unknown format 0");
    wrongFormat[0] = 3;
    assertThatThrownBy(() -> GroupedMoments.fromBytes(wrongFormat)).hasMessageContaining("unknown format 3");
    assertThatThrownBy(() -> GroupedMoments.fromBytes(Arrays.copyOf(good, good.length - 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> GroupedMoments.fromBytes(Arrays.copyOf(good, good.length + 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
    byte[] zeroCount = good.clone();
    zeroCount[good.length - 25] = 0; // the group's count
    assertThatThrownBy(() -> GroupedMoments.fromBytes(zeroCount)).isInstanceOf(IllegalArgumentException.class);
  }
}
