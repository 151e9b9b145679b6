package io.featuremon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CategoricalAssociationTest {

  static double ami(Contingency t) {
    return CategoricalAssociation.adjustedMutualInformation(t);
  }

  /**
   * The formula written again from the definition, by other routes: MI = H_A + H_B − H_AB with
   * H = ln N − (1/N) Σ c ln c over a dense table; EMI by Vinh, Epps and Bailey's sum over every k of the support with
   * the hypergeometric probability from a table of ln k! (no walk from the mode, no truncation). Returns
   * {MI, H_A, H_B, EMI, AMI}.
   */
  static double[] independentAmi(long[][] table) {
    int rows = table.length;
    int cols = table[0].length;
    long[] ra = new long[rows];
    long[] cb = new long[cols];
    long n = 0;
    double sumCellLog = 0;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        long c = table[i][j];
        ra[i] += c;
        cb[j] += c;
        n += c;
        if (c > 0) {
          sumCellLog += c * Math.log(c);
        }
      }
    }
    int ka = 0;
    double sumA = 0;
    for (long c : ra) {
      if (c > 0) {
        ka++;
        sumA += c * Math.log(c);
      }
    }
    int kb = 0;
    double sumB = 0;
    for (long c : cb) {
      if (c > 0) {
        kb++;
        sumB += c * Math.log(c);
      }
    }
    double logN = Math.log(n);
    double ha = logN - sumA / n;
    double hb = logN - sumB / n;
    double hab = logN - sumCellLog / n;
    double mi = ha + hb - hab;
    double[] lnFactorial = new double[(int) n + 1];
    for (int k = 1; k <= n; k++) {
      lnFactorial[k] = lnFactorial[k - 1] + Math.log(k);
    }
    double e0 = 0;
    for (long a : ra) {
      for (long b : cb) {
        if (a == 0 || b == 0) {
          continue;
        }
        for (long k = Math.max(1, a + b - n); k <= Math.min(a, b); k++) {
          double lnP = lnFactorial[(int) a] + lnFactorial[(int) b] + lnFactorial[(int) (n - a)]
              + lnFactorial[(int) (n - b)] - lnFactorial[(int) n] - lnFactorial[(int) k] - lnFactorial[(int) (a - k)]
              - lnFactorial[(int) (b - k)] - lnFactorial[(int) (n - a - b + k)];
          e0 += Math.exp(lnP) * k / n * Math.log((double) n * k / ((double) a * b));
        }
      }
    }
    double denominator = (ha + hb) / 2 - e0;
    double ami = ka < 2 || kb < 2 || denominator <= 0 ? 0 : Math.max(0, Math.min(1, (mi - e0) / denominator));
    return new double[] {mi, ha, hb, e0, ami};
  }

  // ---- the three defining behaviours

  @Test
  void renamedCategoricalCopyShouldHaveAssociationOne() {
    Random random = new Random(1);
    String[] a = CategoricalFixtures.values(random, 5000, 7, 0, "colour-");
    Contingency copy = Contingency.empty(32);
    for (String v : a) {
      copy.add(v, "renamed:" + new StringBuilder(v).reverse()); // a bijection that does not keep value order
    }
    assertThat(ami(copy)).isCloseTo(1.0, within(1e-12));
    assertThat(ami(copy.transpose())).isCloseTo(1.0, within(1e-12));
    CategoricalAssociation.Details d = CategoricalAssociation.analyze(copy);
    assertThat(d.mutualInformation()).isCloseTo(d.entropyA(), within(1e-14));
    assertThat(d.entropyA()).isCloseTo(d.entropyB(), within(1e-14));
  }

  @Test
  void copyOfAHighCardinalityFeatureThroughTheCapShouldStillHaveAssociationOneButARenamedCopyNot() {
    // 400 distinct values, cap 32. Each feature tracks the 32 values of smallest hash key among its own values: a
    // copy with the same values tracks the same ones (OTHER corresponds to OTHER, association 1); a renamed copy
    // tracks 32 other rows' values, so above the cap its association is that of the bucketed labels, below 1
    // (HighCardinalityTest checks it equals sklearn's on those labels).
    Random random = new Random(2);
    String[] a = CategoricalFixtures.values(random, 20_000, 400, 0, "v");
    String[] renamed = new String[a.length];
    for (int i = 0; i < a.length; i++) {
      renamed[i] = "copy-" + a[i];
    }
    for (String[] b : List.of(a.clone(), renamed)) {
      List<ContingencyTest.Pane> panes = new ArrayList<>();
      for (int p = 0; p < 4; p++) {
        panes.add(ContingencyTest.Pane.of(32, a, b, p * 5000, (p + 1) * 5000));
      }
      CategoryCounts ca = panes.stream().map(ContingencyTest.Pane::a).reduce(CategoryCounts::merge).orElseThrow();
      CategoryCounts cb = panes.stream().map(ContingencyTest.Pane::b).reduce(CategoryCounts::merge).orElseThrow();
      Contingency window = panes.stream().map(ContingencyTest.Pane::joint).reduce((x, y) -> x.merge(y, ca, cb))
          .orElseThrow();
      assertThat(window.valuesA()).hasSize(33);
      if (b == renamed) {
        assertThat(ami(window)).isLessThan(0.9);
      } else {
        assertThat(ami(window)).isCloseTo(1.0, within(1e-12));
      }
    }
  }

  @Test
  void independentFeaturesShouldHaveAssociationNearZero() {
    for (int seed = 0; seed < 20; seed++) {
      Random random = new Random(seed);
      Contingency t = Contingency.empty(32);
      for (int i = 0; i < 20_000; i++) {
        t.add("country-" + random.nextInt(5), "device-" + random.nextInt(4));
      }
      assertThat(ami(t)).as("seed %d", seed).isLessThan(0.005);
    }
  }

  @Test
  void idLikeFeatureShouldHaveAssociationNearZeroWhereasPlainNormalisedMutualInformationIsHigh() {
    // One distinct id per row: the id determines every other column exactly, by chance.
    Contingency t = Contingency.empty(1000);
    for (int i = 0; i < 300; i++) {
      t.add("request-" + i, "segment-" + (i % 3));
    }
    CategoricalAssociation.Details d = CategoricalAssociation.analyze(t);
    assertThat(d.mutualInformation() / Math.min(d.entropyA(), d.entropyB())).as("MI / min(H)")
        .isCloseTo(1.0, within(1e-12));
    assertThat(d.normalizedMutualInformation()).as("MI / mean(H)").isGreaterThan(0.3);
    assertThat(d.adjusted()).isLessThan(0.05);

    // Many values with a few rows each, independent of the other feature.
    Random random = new Random(4);
    Contingency few = Contingency.empty(1000);
    for (int i = 0; i < 1000; i++) {
      few.add("user-" + (i % 200), "device-" + random.nextInt(4));
    }
    CategoricalAssociation.Details f = CategoricalAssociation.analyze(few);
    assertThat(f.mutualInformation() / Math.min(f.entropyA(), f.entropyB())).isGreaterThan(0.25);
    assertThat(f.adjusted()).isLessThan(0.05);
  }

  @Test
  void idLikeFeatureThroughTheCardinalityCapShouldStayNearZero() {
    Random random = new Random(5);
    List<ContingencyTest.Pane> panes = new ArrayList<>();
    String[] id = new String[8000];
    String[] segment = new String[8000];
    for (int i = 0; i < id.length; i++) {
      id[i] = "request-" + random.nextLong();
      segment[i] = "segment-" + random.nextInt(3);
    }
    for (int p = 0; p < 4; p++) {
      panes.add(ContingencyTest.Pane.of(32, id, segment, p * 2000, (p + 1) * 2000));
    }
    CategoryCounts ca = panes.stream().map(ContingencyTest.Pane::a).reduce(CategoryCounts::merge).orElseThrow();
    CategoryCounts cb = panes.stream().map(ContingencyTest.Pane::b).reduce(CategoryCounts::merge).orElseThrow();
    Contingency window = panes.stream().map(ContingencyTest.Pane::joint).reduce((x, y) -> x.merge(y, ca, cb))
        .orElseThrow();
    assertThat(window.valuesA()).hasSize(33);
    assertThat(ami(window)).isLessThan(0.01);
  }

  @Test
  void aFeatureThatDeterminesACoarserOneShouldRankBetweenIndependenceAndACopy() {
    Random random = new Random(6);
    Contingency countryRegion = Contingency.empty(32);
    Contingency countryCopy = Contingency.empty(32);
    for (int i = 0; i < 10_000; i++) {
      int country = random.nextInt(12);
      countryRegion.add("c" + country, "r" + country / 4);
      countryCopy.add("c" + country, "code-" + country);
    }
    double coarse = ami(countryRegion);
    assertThat(coarse).isBetween(0.4, 0.9); // MI = H(region) = ln 3, mean(H) = (ln 12 + ln 3)/2 → about 0.61
    assertThat(ami(countryCopy)).isGreaterThan(coarse);
  }

  @Test
  void aSingleCategoryOrAnEmptyTableShouldGiveZero() {
    Contingency one = Contingency.empty(4);
    for (int i = 0; i < 100; i++) {
      one.add("same", "v" + i % 3);
    }
    assertThat(ami(one)).isZero();
    assertThat(ami(one.transpose())).isZero();
    assertThat(ami(Contingency.empty(4))).isZero();
    Contingency onlyMissing = Contingency.empty(4);
    onlyMissing.add(null, "x");
    assertThat(ami(onlyMissing)).isZero();
    assertThat(CategoricalAssociation.analyze(Contingency.empty(4)).normalizedMutualInformation()).isZero();
  }

  @Test
  void tooFewRowsForTheirCategoriesShouldGiveZeroNotNoise() {
    // A perfect copy, but 6 rows over 6 categories: every table with these margins is a permutation matrix, so
    // EMI = ln 6 = H and nothing tells the copy from chance. With 10 rows per category the same copy is unmistakable.
    long[][] diagonal = new long[6][6];
    for (int i = 0; i < 6; i++) {
      diagonal[i][i] = 1;
    }
    assertThat(ami(CategoricalFixtures.table(diagonal))).isZero();
    for (int i = 0; i < 6; i++) {
      diagonal[i][i] = 10;
    }
    assertThat(ami(CategoricalFixtures.table(diagonal))).isCloseTo(1.0, within(1e-12));
  }

  // ---- against independent computations

  @Test
  void shouldMatchNumpyAndScipyOnSeveralTables() throws Exception {
    List<long[][]> tables = new ArrayList<>();
    tables.add(new long[][] {{100, 0, 0}, {0, 50, 0}, {0, 0, 30}}); // copy
    tables.add(new long[][] {{30, 10}, {10, 30}});
    tables.add(new long[][] {{5, 9, 1, 0}, {2, 2, 2, 2}, {0, 0, 7, 40}});
    tables.add(new long[][] {{1, 1, 1, 1, 1}}); // one category
    tables.add(new long[][] {{0, 0}, {3, 4}, {5, 0}}); // an empty row
    long[][] ids = new long[300][3];
    for (int i = 0; i < 300; i++) {
      ids[i][i % 3] = 1;
    }
    tables.add(ids);
    Random random = new Random(7);
    for (int k = 0; k < 25; k++) {
      long[][] t = CategoricalFixtures.randomTable(random, 2 + random.nextInt(8), 2 + random.nextInt(8), 1 + random.nextInt(60));
      t[0][0] += 1; // never all empty
      tables.add(t);
    }
    List<Map<String, long[][]>> cases = tables.stream().map(t -> Map.of("table", t)).toList();
    List<JsonNode> expected = CategoricalFixtures.oracle(cases);
    for (int k = 0; k < tables.size(); k++) {
      CategoricalAssociation.Details d = CategoricalAssociation.analyze(CategoricalFixtures.table(tables.get(k)));
      JsonNode e = expected.get(k);
      String as = "table " + k + ": " + e;
      assertThat(d.count()).as(as).isEqualTo(e.get("n").asLong());
      assertThat(d.categoriesA()).as(as).isEqualTo(e.get("ka").asInt());
      assertThat(d.categoriesB()).as(as).isEqualTo(e.get("kb").asInt());
      assertThat(d.mutualInformation()).as(as).isCloseTo(e.get("mi").asDouble(), within(1e-12));
      assertThat(d.entropyA()).as(as).isCloseTo(e.get("ha").asDouble(), within(1e-12));
      assertThat(d.entropyB()).as(as).isCloseTo(e.get("hb").asDouble(), within(1e-12));
      assertThat(d.expectedMutualInformation()).as(as).isCloseTo(e.get("e0").asDouble(),
          within(1e-9 * Math.max(1e-3, e.get("e0").asDouble())));
      assertThat(d.adjusted()).as(as).isCloseTo(e.get("ami").asDouble(), within(1e-9));
    }
  }

  /**
   * Issue 8, finding 1: the asymptotic chance level (K_A − 1)(K_B − 1)/2N scored a 70 % copy over 32 categories in
   * 150 rows 0.0, where scikit-learn's adjusted_mutual_info_score gives about 0.57; at 100 rows two independent
   * 32-category features pushed its denominator below zero. Both, and small and large tables, against sklearn.
   */
  @Test
  void shouldEqualScikitLearnsAdjustedMutualInformationWhereCategoriesAreManyForTheWindow() throws Exception {
    Random random = new Random(8);
    List<long[][]> tables = new ArrayList<>();
    for (int[] shape : new int[][] {{150, 32}, {100, 32}, {20, 4}, {60, 16}, {400, 33}, {5000, 33}, {30_000, 10}}) {
      int n = shape[0];
      int k = shape[1];
      long[][] copy70 = new long[k][k];
      long[][] independent = new long[k][k];
      for (int i = 0; i < n; i++) {
        int a = random.nextInt(k);
        copy70[a][random.nextDouble() < 0.7 ? a : random.nextInt(k)]++;
        independent[random.nextInt(k)][random.nextInt(k)]++;
      }
      tables.add(copy70);
      tables.add(independent);
    }
    List<JsonNode> expected = CategoricalFixtures.oracle(tables.stream().map(t -> Map.of("table", t)).toList());
    for (int t = 0; t < tables.size(); t++) {
      CategoricalAssociation.Details d = CategoricalAssociation.analyze(CategoricalFixtures.table(tables.get(t)));
      JsonNode e = expected.get(t);
      String as = "table " + t + " (n " + d.count() + ", " + d.categoriesA() + " x " + d.categoriesB() + "): " + e;
      assertThat(d.expectedMutualInformation()).as(as).isCloseTo(e.get("e0").asDouble(),
          within(1e-9 * e.get("e0").asDouble()));
      double sklearn = e.get("sklearn_ami").asDouble();
      if (sklearn >= 0 && sklearn <= 1) { // where both are defined: featuremon clamps to [0, 1]
        assertThat(d.adjusted()).as(as).isCloseTo(sklearn, within(1e-9));
      } else {
        assertThat(d.adjusted()).as(as).isEqualTo(sklearn < 0 ? 0.0 : 1.0);
      }
    }
    // The first table is the example: a 70 % copy, 32 categories, 150 rows.
    assertThat(CategoricalAssociation.adjustedMutualInformation(CategoricalFixtures.table(tables.get(0))))
        .isGreaterThan(0.4);
  }

  @Property(tries = 200)
  void shouldMatchAnIndependentImplementationOfTheFormula(@ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
    Random random = new Random(seed);
    long[][] table = CategoricalFixtures.randomTable(random, 1 + random.nextInt(10), 1 + random.nextInt(10),
        1 + random.nextInt(random.nextBoolean() ? 3 : 500));
    table[random.nextInt(table.length)][0] += 1;
    CategoricalAssociation.Details d = CategoricalAssociation.analyze(CategoricalFixtures.table(table));
    double[] e = independentAmi(table);
    assertThat(d.mutualInformation()).isCloseTo(e[0], within(1e-12));
    assertThat(d.entropyA()).isCloseTo(e[1], within(1e-12));
    assertThat(d.entropyB()).isCloseTo(e[2], within(1e-12));
    assertThat(d.expectedMutualInformation()).isCloseTo(e[3], within(1e-11 * Math.max(1, e[3])));
    double denominator = (e[1] + e[2]) / 2 - e[3];
    assertThat(d.adjusted()).isCloseTo(e[4], within(1e-12 * Math.max(1, 4 / Math.abs(denominator))));
    assertThat(d.adjusted()).isBetween(0.0, 1.0);
  }

  @Property(tries = 100)
  void shouldBeSymmetricInTheTwoFeatures(@ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
    Random random = new Random(seed);
    Contingency t = CategoricalFixtures.table(CategoricalFixtures.randomTable(random, 2 + random.nextInt(6),
        2 + random.nextInt(6), 80));
    assertThat(ami(t.transpose())).isCloseTo(ami(t), within(1e-12));
  }

  // ---- windows: panes and order

  @Property(tries = 60)
  void permutingEventsInsideAWindowShouldNotChangeTheAssociationAtAll(
      @ForAll @IntRange(min = 0, max = 100_000) int seed) {
    Random random = new Random(seed);
    String[][] ab = ContingencyTest.pairedEvents(random, 1500, 9);
    int[] perm = CategoricalFixtures.permutation(random, ab[0].length);
    Contingency original = ContingencyTest.tableOf(16, ab[0], ab[1]);
    Contingency shuffled = Contingency.empty(16);
    for (int i : perm) {
      shuffled.add(ab[0][i], ab[1][i]);
    }
    // Counts are integers and the sums run in value order: bitwise equal, well within 1e-12.
    assertThat(ami(shuffled)).isEqualTo(ami(original));
  }

  @Property(tries = 60)
  void mergedPanesShouldGiveTheSameAssociationAsOneSequentialTable(
      @ForAll @IntRange(min = 0, max = 100_000) int seed, @ForAll @IntRange(min = 1, max = 6) int panes) {
    Random random = new Random(seed);
    String[][] ab = ContingencyTest.pairedEvents(random, 1200, 8);
    int[] cuts = CategoricalFixtures.cuts(random, 1200, panes);
    List<ContingencyTest.Pane> parts = new ArrayList<>();
    for (int p = 0; p < panes; p++) {
      parts.add(ContingencyTest.Pane.of(16, ab[0], ab[1], cuts[p], cuts[p + 1]));
    }
    CategoryCounts ca = parts.stream().map(ContingencyTest.Pane::a).reduce(CategoryCounts::merge).orElseThrow();
    CategoryCounts cb = parts.stream().map(ContingencyTest.Pane::b).reduce(CategoryCounts::merge).orElseThrow();
    double sequential = ami(ContingencyTest.Pane.of(16, ab[0], ab[1], 0, 1200).joint());
    List<Contingency> tables = parts.stream().map(ContingencyTest.Pane::joint).toList();
    for (Contingency merged : CategoricalFixtures.groupings(tables, (x, y) -> x.merge(y, ca, cb), random)) {
      assertThat(ami(merged)).isEqualTo(sequential);
    }
  }
}
