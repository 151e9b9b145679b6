package io.featuremon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.featuremon.stats.drift.CategoricalDrift;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Categorical features of any cardinality through the cap (issue 8, finding 5): two windows of one distribution are
 * compared like with like, so stationary features from 10 to 100,000 values never drift; real shifts still do; the
 * chi-square test equals scipy's on the stated partition and AMI equals sklearn's on the bucketed labels.
 */
class HighCardinalityTest {
  static final int CAP = 32;
  static final int EVENTS = 5000;
  static final CategoricalDrift.Settings SETTINGS = new CategoricalDrift.Settings(0.05, 0.1, 0.05);

  /** A window as the pipeline builds it: its events counted in panes, the panes merged. */
  static CategoryCounts window(String[] events, int panes, Random random) {
    int[] cuts = CategoricalFixtures.cuts(random, events.length, panes);
    CategoryCounts w = CategoryCounts.empty(CAP);
    for (int p = 0; p < panes; p++) {
      CategoryCounts pane = CategoryCounts.empty(CAP);
      for (int i = cuts[p]; i < cuts[p + 1]; i++) {
        pane.add(events[i]);
      }
      w = w.merge(pane);
    }
    return w;
  }

  static String[] draw(Random random, int n, IntFunction<String> value, int cardinality) {
    String[] events = new String[n];
    for (int i = 0; i < n; i++) {
      events[i] = value.apply(random.nextInt(cardinality));
    }
    return events;
  }

  @Test
  void stationaryFeaturesFromTenToOneHundredThousandValuesShouldNeverDrift() {
    StringBuilder report = new StringBuilder();
    for (int cardinality : new int[] {10, 100, 200, 1000, 100_000}) {
      double maxPsi = 0;
      double maxUnseen = 0;
      double maxExcess = -1;
      double minP = 1;
      int comparisons = 0;
      for (int seed = 1; seed <= 5; seed++) {
        Random random = new Random(seed * 7919L + cardinality);
        List<CategoryCounts> windows = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
          windows.add(window(draw(random, EVENTS, j -> "c" + j, cardinality), 24, random));
        }
        for (int w = 1; w < windows.size(); w++) {
          // reference.mode=window (the first window) and previous (the window before)
          for (CategoryCounts reference : List.of(windows.get(0), windows.get(w - 1))) {
            CategoricalDrift.Result r = CategoricalDrift.compare(reference, windows.get(w), SETTINGS);
            assertThat(r.drifted()).as("cardinality %d seed %d window %d: %s", cardinality, seed, w, r).isFalse();
            maxPsi = Math.max(maxPsi, r.psi());
            maxUnseen = Math.max(maxUnseen, r.unseenShare());
            maxExcess = Math.max(maxExcess, r.unseenExcess());
            minP = Math.min(minP, r.pValue());
            comparisons++;
          }
        }
      }
      report.append(String.format(Locale.ROOT, "stationary %,7d values: %d comparisons, max psi %.4f, max unseenShare"
          + " %.4f, max unseenExcess %.4f, min p %.4f%n", cardinality, comparisons, maxPsi, maxUnseen,
          maxExcess, minP));
    }
    System.out.print(report);
  }

  @Test
  void realShiftsShouldStillDrift() {
    for (int seed = 1; seed <= 5; seed++) {
      Random random = new Random(seed);
      // 10 values, exact: a new value takes 10% of the events.
      CategoryCounts ref10 = window(draw(random, EVENTS, j -> "c" + j, 10), 24, random);
      String[] new10 = draw(random, EVENTS, j -> "c" + j, 10);
      for (int i = 0; i < EVENTS / 10; i++) {
        new10[random.nextInt(EVENTS)] = "brand-new";
      }
      CategoricalDrift.Result r = CategoricalDrift.compare(ref10, window(new10, 24, random), SETTINGS);
      assertThat(r.exact()).isTrue();
      assertThat(r.unseenShare()).isCloseTo(Arrays.stream(new10).filter("brand-new"::equals).count() / (double) EVENTS,
          within(1e-12));
      assertThat(r.drifted()).as("new value, seed %d: %s", seed, r).isTrue();

      // 100 values: uniform, then Zipf-like on the same values.
      CategoryCounts ref100 = window(draw(random, EVENTS, j -> "c" + j, 100), 24, random);
      CategoryCounts zipf = window(CategoricalFixtures.values(random, EVENTS, 100, 0, "c"), 24, random);
      r = CategoricalDrift.compare(ref100, zipf, SETTINGS);
      assertThat(r.exact()).isFalse();
      assertThat(r.drifted()).as("uniform to skewed, seed %d: %s", seed, r).isTrue();

      // 1,000 values: half the vocabulary replaced by values never seen before.
      CategoryCounts ref1000 = window(draw(random, EVENTS, j -> "c" + j, 1000), 24, random);
      CategoryCounts renewed = window(draw(random, EVENTS, j -> "c" + (j + 500), 1000), 24, random);
      r = CategoricalDrift.compare(ref1000, renewed, SETTINGS);
      assertThat(r.unseenExcess()).as("seed %d: %s", seed, r).isGreaterThan(0.1);
      assertThat(r.drifted()).as("half the vocabulary new, seed %d: %s", seed, r).isTrue();
    }
  }

  /** The truth the partition must agree with: raw counts of one window's events. */
  static Map<String, Long> truth(String[] events) {
    Map<String, Long> t = new HashMap<>();
    for (String e : events) {
      t.merge(e, 1L, Long::sum);
    }
    return t;
  }

  @Test
  void chiSquareAndJensenShannonShouldEqualScipyOnTheStatedPartition() throws Exception {
    List<Map<String, Object>> cases = new ArrayList<>();
    List<CategoricalDrift.Result> results = new ArrayList<>();
    Random random = new Random(11);
    for (int k = 0; k < 40; k++) {
      int cardinality = new int[] {5, 30, 100, 1000, 20_000}[k % 5];
      int shift = random.nextInt(cardinality / 5 + 1);
      String[] refEvents = draw(random, 500 + random.nextInt(EVENTS), j -> "c" + j, cardinality);
      String[] curEvents = k % 2 == 0 ? CategoricalFixtures.values(random, 500 + random.nextInt(EVENTS),
          Math.min(cardinality, 2000), 0, "c") : draw(random, 500 + random.nextInt(EVENTS), j -> "c" + (j + shift),
          cardinality);
      CategoryCounts reference = window(refEvents, 1 + random.nextInt(24), random);
      CategoryCounts current = window(curEvents, 1 + random.nextInt(24), random);
      CategoricalDrift.Result r = CategoricalDrift.compare(reference, current, SETTINGS);
      // The partition is what the class comment states: each bucket but OTHER an exact count in both windows over
      // values both windows cover, in key order; OTHER the rest; totals exact.
      Map<String, Long> refTruth = truth(refEvents);
      Map<String, Long> curTruth = truth(curEvents);
      assertThat(r.referenceTable().length).isEqualTo(r.buckets().size() + (r.hasOther() ? 1 : 0));
      String previous = null;
      for (int i = 0; i < r.buckets().size(); i++) {
        long expectRef = 0;
        long expectCur = 0;
        for (String v : r.buckets().get(i)) {
          assertThat(reference.covers(v) && current.covers(v)).as(v).isTrue();
          assertThat(previous == null || CategoryCounts.compareKeys(previous, v) < 0).as("key order").isTrue();
          previous = v;
          expectRef += refTruth.getOrDefault(v, 0L);
          expectCur += curTruth.getOrDefault(v, 0L);
        }
        assertThat(r.referenceTable()[i]).isEqualTo(expectRef);
        assertThat(r.currentTable()[i]).isEqualTo(expectCur);
      }
      assertThat(Arrays.stream(r.referenceTable()).sum()).isEqualTo(refEvents.length);
      assertThat(Arrays.stream(r.currentTable()).sum()).isEqualTo(curEvents.length);
      results.add(r);
      cases.add(Map.of("drift_table", List.of(r.referenceTable(), r.currentTable())));
    }
    List<JsonNode> expected = CategoricalFixtures.oracle(cases);
    int drifted = 0;
    for (int k = 0; k < results.size(); k++) {
      CategoricalDrift.Result r = results.get(k);
      JsonNode e = expected.get(k);
      assertThat(r.degreesOfFreedom()).as("case %d", k).isEqualTo(e.get("df").asInt());
      assertThat(r.chiSquare()).as("case %d", k).isCloseTo(e.get("chi_square").asDouble(),
          within(1e-9 * Math.max(1, e.get("chi_square").asDouble())));
      assertThat(CategoricalFixtures.close(r.pValue(), e.get("p_value").asDouble(), 1e-7, 1e-300)).as("case %d: %s vs %s",
          k, r.pValue(), e.get("p_value")).isTrue();
      assertThat(r.js()).as("case %d", k).isCloseTo(e.get("js").asDouble(), within(1e-9));
      drifted += r.drifted() ? 1 : 0;
    }
    assertThat(drifted).as("the cases include real shifts").isPositive();
  }

  static List<String> union(Map<String, Long> a, Map<String, Long> b) {
    java.util.Set<String> all = new java.util.TreeSet<>(a.keySet());
    all.addAll(b.keySet());
    return new ArrayList<>(all);
  }

  @Test
  void amiAboveTheCapShouldEqualSklearnOnTheBucketedLabels() throws Exception {
    List<Map<String, Object>> cases = new ArrayList<>();
    List<Double> ours = new ArrayList<>();
    for (int seed = 0; seed < 8; seed++) {
      Random random = new Random(seed);
      int n = 3000 + random.nextInt(3000);
      int cardinality = new int[] {20, 60, 300, 5000}[seed % 4];
      String[] a = CategoricalFixtures.values(random, n, cardinality, 0.05, "a");
      String[] b = new String[n];
      for (int i = 0; i < n; i++) {
        // Dependent on a for some rows, a renamed copy of a for others, noise otherwise; some nulls.
        double u = random.nextDouble();
        b[i] = a[i] == null || u < 0.05 ? null : u < 0.5 ? "copy-" + a[i] : u < 0.8 ? "b" + (a[i].hashCode() & 7)
            : "b" + random.nextInt(40);
      }
      int panes = 1 + random.nextInt(12);
      int[] cuts = CategoricalFixtures.cuts(random, n, panes);
      List<ContingencyTest.Pane> parts = new ArrayList<>();
      for (int p = 0; p < panes; p++) {
        parts.add(ContingencyTest.Pane.of(CAP, a, b, cuts[p], cuts[p + 1]));
      }
      CategoryCounts ca = parts.stream().map(ContingencyTest.Pane::a).reduce(CategoryCounts::merge).orElseThrow();
      CategoryCounts cb = parts.stream().map(ContingencyTest.Pane::b).reduce(CategoryCounts::merge).orElseThrow();
      Contingency window = parts.stream().map(ContingencyTest.Pane::joint).reduce((x, y) -> x.merge(y, ca, cb))
          .orElseThrow();
      assertThat(window.valuesA().size()).isLessThanOrEqualTo(CAP + 1);
      // The bucketed labels, from the raw rows and the window's counts alone (not from the table).
      List<String> la = new ArrayList<>();
      List<String> lb = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (a[i] != null && b[i] != null) {
          la.add(ca.bucketOf(a[i]));
          lb.add(cb.bucketOf(b[i]));
        }
      }
      assertThat(window.total()).isEqualTo(la.size());
      cases.add(Map.of("labels_a", la, "labels_b", lb));
      ours.add(CategoricalAssociation.analyze(window).adjusted());
    }
    List<JsonNode> expected = CategoricalFixtures.oracle(cases);
    for (int k = 0; k < ours.size(); k++) {
      double sklearn = Math.min(1, Math.max(0, expected.get(k).get("sklearn_ami").asDouble()));
      assertThat(ours.get(k)).as("case %d", k).isCloseTo(sklearn, within(1e-9));
    }
  }
}
