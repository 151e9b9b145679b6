package io.featuremon.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.stats.CategoryCounts;
import io.featuremon.stats.Contingency;
import io.featuremon.stats.GroupedMoments;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A pane's categorical state above the cap: the counts' evictions are folded into the tables of the same pane, so
 * every table stays within K + 1 buckets, agrees with the counts, and the window is the same whatever the arrival
 * order and pane grouping.
 */
class CategoricalStateTest {
  static final StateCodec.Schema SCHEMA = new StateCodec.Schema(1, List.of("x"), List.of("a", "b"));

  static List<StateCodec.Row> rows(Random random, int n) {
    List<StateCodec.Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int a = random.nextInt(300);
      String b = random.nextInt(20) == 0 ? null : "b" + (a % 7 + random.nextInt(30));
      boolean present = random.nextInt(15) != 0;
      rows.add(new StateCodec.Row(new double[] {present ? a + random.nextGaussian() : 0}, new boolean[] {present},
          new String[] {"a" + a, b}));
    }
    return rows;
  }

  static CategoricalState pane(List<StateCodec.Row> rows, int cap) {
    CategoricalState s = CategoricalState.empty(SCHEMA, cap);
    rows.forEach(s::add);
    return s;
  }

  @Property(tries = 30)
  void windowTablesShouldBeTheRowsBucketedByTheWindowCountsWhateverTheOrderAndGrouping(
      @ForAll @IntRange(min = 0, max = 100_000) int seed, @ForAll @IntRange(min = 1, max = 10) int panes,
      @ForAll @IntRange(min = 1, max = 12) int cap) {
    Random random = new Random(seed);
    List<StateCodec.Row> rows = rows(random, 200 + random.nextInt(800));
    List<StateCodec.Row> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, random);
    int[] cuts = new int[panes + 1];
    for (int p = 1; p < panes; p++) {
      cuts[p] = random.nextInt(rows.size() + 1);
    }
    cuts[panes] = rows.size();
    java.util.Arrays.sort(cuts, 1, panes);
    List<CategoricalState> parts = new ArrayList<>();
    for (int p = 0; p < panes; p++) {
      CategoricalState part = pane(shuffled.subList(cuts[p], cuts[p + 1]), cap);
      // Bounded and consistent inside each pane: the tables' values are the counts' buckets (or OTHER).
      assertConsistent(part, cap);
      parts.add(part);
    }
    CategoricalState window = CategoricalState.mergeAll(parts, SCHEMA, cap);
    CategoricalState whole = pane(rows, cap);
    assertConsistent(window, cap);
    for (int j = 0; j < 2; j++) {
      assertThat(window.counts[j].toBytes()).isEqualTo(whole.counts[j].toBytes());
    }
    // Independent recount: every row's labels through the window's buckets.
    Map<List<String>, Long> cells = new HashMap<>();
    Map<String, Long> groupSizes = new HashMap<>();
    for (StateCodec.Row r : rows) {
      String a = window.counts[0].bucketOf(r.categorical()[0]);
      String b = window.counts[1].bucketOf(r.categorical()[1]);
      if (b != null) {
        cells.merge(List.of(a, b), 1L, Long::sum);
      }
      if (r.present()[0]) {
        groupSizes.merge(a, 1L, Long::sum);
      }
    }
    Map<List<String>, Long> actual = new HashMap<>();
    window.pairs[0][1].cells().forEach(c -> actual.put(List.of(c.a(), c.b()), c.count()));
    assertThat(actual).isEqualTo(cells);
    assertThat(whole.pairs[0][1].cells()).isEqualTo(window.pairs[0][1].cells());
    Map<String, Long> sizes = new HashMap<>();
    window.grouped[0][0].groups().forEach(g -> sizes.put(g.category(), g.count()));
    assertThat(sizes).isEqualTo(groupSizes);
  }

  static void assertConsistent(CategoricalState s, int cap) {
    Contingency t = s.pairs[0][1];
    GroupedMoments g = s.grouped[0][0];
    assertThat(t.valuesA().size()).isLessThanOrEqualTo(cap + 1);
    assertThat(t.valuesB().size()).isLessThanOrEqualTo(cap + 1);
    assertThat(g.groupCount()).isLessThanOrEqualTo(cap + 1);
    for (String v : t.valuesA()) {
      assertThat(v.equals(CategoryCounts.OTHER) || s.counts[0].buckets().contains(v)).as(v).isTrue();
    }
    for (String v : t.valuesB()) {
      assertThat(v.equals(CategoryCounts.OTHER) || s.counts[1].buckets().contains(v)).as(v).isTrue();
    }
    for (String v : g.categories()) {
      assertThat(v.equals(CategoryCounts.OTHER) || s.counts[0].buckets().contains(v)).as(v).isTrue();
    }
    for (String v : s.counts[0].buckets()) {
      // A tracked value's row in the table holds every row of it with b present: its marginal equals its count
      // less its rows with b missing, never less than zero and never more than its count.
      assertThat(t.totalA(v)).isBetween(0L, s.counts[0].count(v));
    }
  }
}
