package io.featuremon.stats;

import static io.featuremon.stats.CategoryCounts.OTHER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ContingencyTest {

  /** One pane as the topology would keep it: both features' counts and their joint table, over bucketed values. */
  record Pane(CategoryCounts a, CategoryCounts b, Contingency joint) {
    static Pane of(int cap, String[] a, String[] b, int from, int to) {
      // As CategoricalState does: bucket by the counts, fold what they evicted, then count the row.
      CategoryCounts ca = CategoryCounts.empty(cap);
      CategoryCounts cb = CategoryCounts.empty(cap);
      Contingency joint = Contingency.empty(cap);
      for (int i = from; i < to; i++) {
        String x = ca.add(a[i]);
        String y = cb.add(b[i]);
        joint = joint.fold(ca.lastEvicted(), cb.lastEvicted());
        joint.add(x, y);
      }
      return new Pane(ca, cb, joint);
    }
  }

  static Contingency tableOf(int cap, String[] a, String[] b) {
    Contingency t = Contingency.empty(cap);
    for (int i = 0; i < a.length; i++) {
      t.add(a[i], b[i]);
    }
    return t;
  }

  /** b depends on a (so the table is not a product), both with nulls. */
  static String[][] pairedEvents(Random random, int n, int cardinality) {
    String[] a = CategoricalFixtures.values(random, n, cardinality, 0.1, "a");
    String[] b = new String[n];
    for (int i = 0; i < n; i++) {
      if (random.nextDouble() < 0.1) {
        continue;
      }
      b[i] = a[i] != null && random.nextBoolean() ? "b" + a[i].substring(1) : "b" + random.nextInt(cardinality);
    }
    return new String[][] {a, b};
  }

  @Test
  void shouldCountJointOccurrencesAndMarginals() {
    Contingency t = tableOf(4, new String[] {"x", "x", "y", "x", "z"}, new String[] {"1", "2", "1", "1", "2"});
    assertThat(t.count("x", "1")).isEqualTo(2);
    assertThat(t.count("x", "2")).isEqualTo(1);
    assertThat(t.count("y", "1")).isEqualTo(1);
    assertThat(t.count("y", "2")).isZero();
    assertThat(t.totalA("x")).isEqualTo(3);
    assertThat(t.totalB("1")).isEqualTo(3);
    assertThat(t.total()).isEqualTo(5);
    assertThat(t.cellCount()).isEqualTo(4);
    assertThat(t.valuesA()).containsExactly("x", "y", "z");
    assertThat(t.valuesB()).containsExactly("1", "2");
    assertThat(t.cells()).extracting(Contingency.Cell::a, Contingency.Cell::b)
        .as("value order, not arrival order")
        .containsExactly(org.assertj.core.groups.Tuple.tuple("x", "1"), org.assertj.core.groups.Tuple.tuple("x", "2"),
            org.assertj.core.groups.Tuple.tuple("y", "1"), org.assertj.core.groups.Tuple.tuple("z", "2"));
  }

  @Test
  void rowsWithAMissingSideShouldBeCountedAsIncompleteNotAsCells() {
    Contingency t = tableOf(4, new String[] {"x", null, "y", null}, new String[] {null, "1", "1", null});
    assertThat(t.incomplete()).isEqualTo(3);
    assertThat(t.total()).isEqualTo(1);
    assertThat(t.valuesA()).containsExactly("y");
  }

  @Test
  void aNewValueBeyondTheCapOnEitherSideShouldBeCountedAsOther() {
    Contingency t = tableOf(2, new String[] {"a", "b", "c", "a", OTHER}, new String[] {"1", "2", "3", "3", "1"});
    assertThat(t.valuesA()).containsExactly("a", "b", OTHER);
    assertThat(t.valuesB()).containsExactly("1", "2", OTHER);
    assertThat(t.count(OTHER, OTHER)).isEqualTo(1);
    assertThat(t.count("a", OTHER)).isEqualTo(1);
    assertThat(t.count(OTHER, "1")).isEqualTo(1);
  }

  @Property(tries = 40)
  void shouldNeverHoldMoreThanKPlusOneSquaredCells(@ForAll @IntRange(min = 0, max = 100_000) int seed,
      @ForAll @IntRange(min = 1, max = 8) int cap) {
    Random random = new Random(seed);
    String[][] ab = pairedEvents(random, 2000, 10 * cap + 5);
    List<Pane> panes = new ArrayList<>();
    int[] cuts = CategoricalFixtures.cuts(random, 2000, 4);
    for (int p = 0; p < 4; p++) {
      panes.add(Pane.of(cap, ab[0], ab[1], cuts[p], cuts[p + 1]));
    }
    Contingency raw = tableOf(cap, ab[0], ab[1]); // not bucketed first: the table's own cap still holds
    Contingency plain = panes.get(0).joint();
    for (int p = 1; p < 4; p++) {
      plain = plain.merge(panes.get(p).joint());
    }
    for (Contingency t : List.of(raw, plain, panes.get(0).joint())) {
      assertThat(t.cellCount()).isLessThanOrEqualTo((cap + 1) * (cap + 1));
      assertThat(t.valuesA().size()).isLessThanOrEqualTo(cap + 1);
      assertThat(t.valuesB().size()).isLessThanOrEqualTo(cap + 1);
    }
  }

  @Property(tries = 60)
  void mergeOfPanesInAnyGroupingShouldEqualSequentialCountingWhenNothingOverflows(
      @ForAll @IntRange(min = 0, max = 100_000) int seed, @ForAll @IntRange(min = 1, max = 8) int panes,
      @ForAll @IntRange(min = 2, max = 12) int cap) {
    Random random = new Random(seed);
    int n = 1 + random.nextInt(500);
    String[][] ab = pairedEvents(random, n, cap);
    Pane whole = Pane.of(cap, ab[0], ab[1], 0, n);
    int[] cuts = CategoricalFixtures.cuts(random, n, panes);
    List<Pane> parts = new ArrayList<>();
    for (int p = 0; p < panes; p++) {
      parts.add(Pane.of(cap, ab[0], ab[1], cuts[p], cuts[p + 1]));
    }
    List<Contingency> tables = parts.stream().map(Pane::joint).toList();
    CategoryCounts mergedA = parts.stream().map(Pane::a).reduce(CategoryCounts::merge).orElseThrow();
    CategoryCounts mergedB = parts.stream().map(Pane::b).reduce(CategoryCounts::merge).orElseThrow();
    for (Contingency merged : CategoricalFixtures.groupings(tables, Contingency::merge, random)) {
      assertThat(merged).isEqualTo(whole.joint());
      assertThat(merged.toBytes()).isEqualTo(whole.joint().toBytes());
    }
    for (Contingency merged : CategoricalFixtures.groupings(tables, (x, y) -> x.merge(y, mergedA, mergedB), random)) {
      assertThat(merged).isEqualTo(whole.joint());
    }
  }

  @Property(tries = 60)
  void windowMergeShouldAgreeWithTheWindowBucketsAndBeExactInAnyGroupingEvenOnOverflow(
      @ForAll @IntRange(min = 0, max = 100_000) int seed, @ForAll @IntRange(min = 2, max = 7) int panes,
      @ForAll @IntRange(min = 1, max = 6) int cap) {
    Random random = new Random(seed);
    int n = 50 + random.nextInt(600);
    String[][] ab = pairedEvents(random, n, 4 * cap + 3);
    int[] cuts = CategoricalFixtures.cuts(random, n, panes);
    List<Pane> parts = new ArrayList<>();
    for (int p = 0; p < panes; p++) {
      parts.add(Pane.of(cap, ab[0], ab[1], cuts[p], cuts[p + 1]));
    }
    CategoryCounts mergedA = parts.stream().map(Pane::a).reduce(CategoryCounts::merge).orElseThrow();
    CategoryCounts mergedB = parts.stream().map(Pane::b).reduce(CategoryCounts::merge).orElseThrow();

    // Independent recount: every row, bucketed in its pane, then mapped to the window's buckets.
    Map<List<String>, Long> expected = new HashMap<>();
    long incomplete = 0;
    for (int p = 0; p < panes; p++) {
      CategoryCounts pa = CategoryCounts.empty(cap);
      CategoryCounts pb = CategoryCounts.empty(cap);
      for (int i = cuts[p]; i < cuts[p + 1]; i++) {
        String x = mergedA.bucketOf(pa.add(ab[0][i]));
        String y = mergedB.bucketOf(pb.add(ab[1][i]));
        if (x == null || y == null) {
          incomplete++;
        } else {
          expected.merge(List.of(x, y), 1L, Long::sum);
        }
      }
    }
    List<Contingency> tables = parts.stream().map(Pane::joint).toList();
    List<Contingency> results = CategoricalFixtures.groupings(tables, (x, y) -> x.merge(y, mergedA, mergedB), random);
    for (Contingency merged : results) {
      assertThat(merged).isEqualTo(results.get(0));
      assertThat(merged.toBytes()).isEqualTo(results.get(0).toBytes());
      assertThat(merged.incomplete()).isEqualTo(incomplete);
      Map<List<String>, Long> actual = new HashMap<>();
      merged.cells().forEach(c -> actual.put(List.of(c.a(), c.b()), c.count()));
      assertThat(actual).isEqualTo(expected);
      for (String v : merged.valuesA()) {
        assertThat(v.equals(OTHER) || mergedA.buckets().contains(v)).as(v).isTrue();
      }
      for (String v : merged.valuesB()) {
        assertThat(v.equals(OTHER) || mergedB.buckets().contains(v)).as(v).isTrue();
      }
    }
  }

  @Test
  void restrictToShouldFoldValuesWithoutAnOwnBucketIntoOther() {
    Contingency t = tableOf(3, new String[] {"a", "b", "c", "a"}, new String[] {"1", "2", "2", "3"});
    CategoryCounts a = CategoryCountsTest.countsOf(3, "a", "b");
    CategoryCounts b = CategoryCountsTest.countsOf(3, "2");
    Contingency r = t.restrictTo(a, b);
    assertThat(r.valuesA()).containsExactly("a", "b", OTHER);
    assertThat(r.valuesB()).containsExactly(OTHER, "2");
    assertThat(r.count("a", OTHER)).isEqualTo(2);
    assertThat(r.count("b", "2")).isEqualTo(1);
    assertThat(r.count(OTHER, "2")).isEqualTo(1);
    assertThat(r.total()).isEqualTo(4);
    assertThat(r.restrictTo(a, b)).as("idempotent").isEqualTo(r);
    assertThat(t.total()).as("unchanged").isEqualTo(4);
    assertThat(t.valuesA()).containsExactly("a", "b", "c");
  }

  @Test
  void plainMergeOnOverflowShouldKeepTheKLargestMarginalsPerSide() {
    Contingency first = tableOf(2, new String[] {"a", "a", "b"}, new String[] {"1", "1", "1"});
    Contingency second = tableOf(2, new String[] {"c", "c", "c", "b"}, new String[] {"1", "2", "2", "2"});
    Contingency merged = first.merge(second);
    // a: 2, b: 2, c: 3 → keep c and (a, b tie → a); b folds into OTHER.
    assertThat(merged.valuesA()).containsExactly("a", OTHER, "c");
    assertThat(merged.count(OTHER, "1")).isEqualTo(1);
    assertThat(merged.count(OTHER, "2")).isEqualTo(1);
    assertThat(merged.valuesB()).containsExactly("1", "2");
    assertThat(merged.total()).isEqualTo(7);
  }

  @Test
  void mergeShouldLeaveBothArgumentsUnchangedAndRejectADifferentCap() {
    Contingency first = tableOf(2, new String[] {"a", "b"}, new String[] {"1", "2"});
    Contingency second = tableOf(2, new String[] {"c", "c"}, new String[] {"3", "1"});
    byte[] before1 = first.toBytes();
    byte[] before2 = second.toBytes();
    Contingency merged = first.merge(second);
    merged.add("a", "1");
    assertThat(first.toBytes()).isEqualTo(before1);
    assertThat(second.toBytes()).isEqualTo(before2);
    assertThatThrownBy(() -> first.merge(Contingency.empty(3))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> first.restrictTo(CategoryCounts.empty(3), CategoryCounts.empty(2)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void transposeShouldSwapTheFeatures() {
    Contingency t = tableOf(3, new String[] {"x", "x", "y", null}, new String[] {"1", "2", "2", "1"});
    Contingency s = t.transpose();
    assertThat(s.valuesA()).containsExactly("1", "2");
    assertThat(s.valuesB()).containsExactly("x", "y");
    assertThat(s.count("2", "y")).isEqualTo(1);
    assertThat(s.incomplete()).isEqualTo(1);
    assertThat(s.transpose()).isEqualTo(t);
  }

  @Property(tries = 40)
  void permutingEventsInsideAWindowShouldNotChangeAnyCell(@ForAll @IntRange(min = 0, max = 100_000) int seed) {
    Random random = new Random(seed);
    String[][] ab = pairedEvents(random, 400, 6);
    int[] perm = CategoricalFixtures.permutation(random, 400);
    String[] a = new String[400];
    String[] b = new String[400];
    for (int i = 0; i < 400; i++) {
      a[i] = ab[0][perm[i]];
      b[i] = ab[1][perm[i]];
    }
    Contingency original = tableOf(8, ab[0], ab[1]);
    Contingency shuffled = tableOf(8, a, b);
    assertThat(shuffled.cells()).isEqualTo(original.cells());
    assertThat(shuffled.incomplete()).isEqualTo(original.incomplete());
  }

  // ---- bytes

  static void assertRoundTripsByteForByte(Contingency t) {
    byte[] bytes = t.toBytes();
    assertThat(bytes[0]).as("format byte").isEqualTo((byte) 1);
    Contingency back = Contingency.fromBytes(bytes);
    assertThat(back).isEqualTo(t);
    assertThat(back.toBytes()).isEqualTo(bytes);
    assertThat(back.cells()).isEqualTo(t.cells());
    for (String v : t.valuesA()) {
      assertThat(back.totalA(v)).isEqualTo(t.totalA(v));
    }
  }

  @Test
  void emptyTableShouldRoundTripByteForByte() {
    assertRoundTripsByteForByte(Contingency.empty(32));
    Contingency onlyIncomplete = Contingency.empty(32);
    onlyIncomplete.add(null, "x");
    assertRoundTripsByteForByte(onlyIncomplete);
  }

  @Test
  void oneCellTableShouldRoundTripByteForByteInTheDocumentedLayout() {
    Contingency t = tableOf(5, new String[] {"a"}, new String[] {"b"});
    assertRoundTripsByteForByte(t);
    byte[] expected = {
        1, // format
        0, 0, 0, 5, // cap
        0, 0, 0, 0, 0, 0, 0, 0, // incomplete
        0, 0, 0, 1, 0, 0, 0, 1, 'a', // values of A
        0, 0, 0, 1, 0, 0, 0, 1, 'b', // values of B
        0, 0, 0, 1, // cells
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}; // (0, 0) × 1
    assertThat(t.toBytes()).isEqualTo(expected);
  }

  @Test
  void manyCellTableWithOtherAndIncompleteRowsShouldRoundTripByteForByte() {
    Random random = new Random(5);
    String[][] ab = pairedEvents(random, 5000, 50);
    Contingency t = Pane.of(32, ab[0], ab[1], 0, 5000).joint();
    assertThat(t.valuesA()).contains(OTHER);
    assertThat(t.incomplete()).isPositive();
    assertThat(t.cellCount()).isGreaterThan(100);
    assertRoundTripsByteForByte(t);
    assertRoundTripsByteForByte(t.transpose());
  }

  @Test
  void fromBytesShouldRejectUnknownFormatTruncatedTrailingAndInconsistentInput() {
    byte[] good = tableOf(5, new String[] {"a"}, new String[] {"b"}).toBytes();
    byte[] wrongFormat = good.clone();
    wrongFormat[0] = 9;
    assertThatThrownBy(() -> Contingency.fromBytes(wrongFormat)).hasMessageContaining("unknown format 9");
    assertThatThrownBy(() -> Contingency.fromBytes(Arrays.copyOf(good, good.length - 3)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Contingency.fromBytes(Arrays.copyOf(good, good.length + 2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
    byte[] badIndex = good.clone();
    badIndex[good.length - 9] = 1; // column index 1 of a one-column table
    assertThatThrownBy(() -> Contingency.fromBytes(badIndex)).isInstanceOf(IllegalArgumentException.class);
    byte[] emptyCell = good.clone();
    emptyCell[good.length - 1] = 0;
    assertThatThrownBy(() -> Contingency.fromBytes(emptyCell)).isInstanceOf(IllegalArgumentException.class);
  }
}
