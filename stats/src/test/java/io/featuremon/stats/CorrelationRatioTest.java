package io.featuremon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
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

class CorrelationRatioTest {

  static GroupedMoments momentsOf(String[] category, double[] x) {
    GroupedMoments g = GroupedMoments.empty(1000);
    for (int i = 0; i < x.length; i++) {
      g.add(category[i], x[i]);
    }
    return g;
  }

  /** The definition by textbook two-pass over raw values: {SS_within, SS_total, η, adjusted}. */
  static double[] twoPass(String[] category, double[] x) {
    Map<String, List<Double>> groups = new HashMap<>();
    List<Double> all = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      if (category[i] != null) {
        groups.computeIfAbsent(category[i], k -> new ArrayList<>()).add(x[i]);
        all.add(x[i]);
      }
    }
    double ssTotal = sumOfSquares(all);
    double ssWithin = 0;
    for (List<Double> g : groups.values()) {
      ssWithin += sumOfSquares(g);
    }
    int n = all.size();
    int k = groups.size();
    double eta = 0;
    double adjusted = 0;
    if (k >= 2 && ssTotal > 0) {
      eta = Math.sqrt(Math.max(0, 1 - ssWithin / ssTotal));
      if (n > k) {
        adjusted = Math.sqrt(Math.max(0, Math.min(1, 1 - (ssWithin / (n - k)) / (ssTotal / (n - 1)))));
      }
    }
    return new double[] {ssWithin, ssTotal, eta, adjusted};
  }

  private static double square(double v) {
    return v * v;
  }

  private static double sumOfSquares(List<Double> values) {
    double mean = 0;
    for (double v : values) {
      mean += v;
    }
    mean /= values.size();
    double ss = 0;
    for (double v : values) {
      ss += (v - mean) * (v - mean);
    }
    return ss;
  }

  /** Rows whose numeric value is {@code dependence}·f(category) + independent noise. */
  static Object[] rows(Random random, int n, int cardinality, double dependence, double offset) {
    String[] c = CategoricalFixtures.values(random, n, cardinality, 0.05, "c");
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      double f = c[i] == null ? 0 : Math.cos(3 * Integer.parseInt(c[i].substring(1)));
      x[i] = offset + dependence * f + random.nextGaussian();
    }
    return new Object[] {c, x};
  }

  @Test
  void numericThatIsAnExactFunctionOfTheCategoryShouldHaveAssociationOne() {
    Random random = new Random(1);
    String[] c = CategoricalFixtures.values(random, 3000, 9, 0.05, "c");
    double[] x = new double[c.length];
    for (int i = 0; i < c.length; i++) {
      x[i] = c[i] == null ? random.nextGaussian() : 0.1 * Integer.parseInt(c[i].substring(1)) + 1e4;
    }
    GroupedMoments whole = momentsOf(c, x);
    assertThat(CorrelationRatio.adjusted(whole)).isEqualTo(1.0);
    assertThat(CorrelationRatio.unadjusted(whole)).isEqualTo(1.0);
    // Also after merging panes: each group stays exactly constant.
    GroupedMoments merged = momentsOf(Arrays.copyOf(c, 1000), Arrays.copyOf(x, 1000))
        .merge(momentsOf(Arrays.copyOfRange(c, 1000, 3000), Arrays.copyOfRange(x, 1000, 3000)));
    assertThat(CorrelationRatio.adjusted(merged)).isEqualTo(1.0);
  }

  @Test
  void independentNumericShouldHaveAssociationNearZero() {
    for (int seed = 0; seed < 20; seed++) {
      Object[] r = rows(new Random(seed), 20_000, 5, 0, 0);
      assertThat(CorrelationRatio.adjusted(momentsOf((String[]) r[0], (double[]) r[1]))).as("seed %d", seed)
          .isLessThan(0.05);
    }
  }

  @Test
  void idLikeCategoryShouldHaveAdjustedAssociationNearZeroWhereasPlainEtaIsHigh() {
    // 500 categories of 2 rows each and an independent numeric: E[η²] = (k − 1)/(N − 1) ≈ 0.5 by chance alone.
    double sumEpsilonSquared = 0;
    double[] adjusted = new double[40];
    for (int seed = 0; seed < 40; seed++) {
      Random random = new Random(seed);
      GroupedMoments g = GroupedMoments.empty(1000);
      for (int i = 0; i < 1000; i++) {
        g.add("user-" + i / 2, random.nextGaussian());
      }
      assertThat(CorrelationRatio.unadjusted(g)).as("plain η, seed %d", seed).isGreaterThan(0.6);
      adjusted[seed] = CorrelationRatio.adjusted(g);
      CorrelationRatio.Anova a = CorrelationRatio.anova(g);
      sumEpsilonSquared += 1 - (a.ssWithin() / (a.count() - a.groups())) / (a.ssTotal() / (a.count() - 1));
    }
    Arrays.sort(adjusted);
    assertThat(sumEpsilonSquared / 40).as("ε² is unbiased under independence").isCloseTo(0.0, within(0.01));
    // ε² is negative (clamped to 0) about half of the time; its spread, sd ≈ 0.045 with two rows per group, is
    // what remains, and the square root makes one sd look like 0.2.
    assertThat(adjusted[19]).as("lower median adjusted").isLessThan(0.05);
    assertThat(Arrays.stream(adjusted).average().orElseThrow()).as("mean adjusted").isLessThan(0.15);
    assertThat(adjusted[39]).as("largest adjusted").isLessThan(0.35);
  }

  @Test
  void aPartlyDependentNumericShouldScoreInBetween() {
    Object[] r = rows(new Random(2), 20_000, 6, 1.0, 0);
    double v = CorrelationRatio.adjusted(momentsOf((String[]) r[0], (double[]) r[1]));
    assertThat(v).isBetween(0.3, 0.9);
  }

  @Test
  void aConstantNumericShouldGiveZeroEvenAtAValueWithoutAnExactBinaryForm() {
    Random random = new Random(3);
    GroupedMoments merged = null;
    for (int p = 0; p < 5; p++) {
      GroupedMoments pane = GroupedMoments.empty(16);
      for (int i = 0, n = 1 + random.nextInt(200); i < n; i++) {
        pane.add("c" + random.nextInt(7), 0.1);
      }
      merged = merged == null ? pane : merged.merge(pane);
    }
    assertThat(CorrelationRatio.anova(merged).ssTotal()).isEqualTo(0.0);
    assertThat(CorrelationRatio.adjusted(merged)).isZero();
    assertThat(CorrelationRatio.unadjusted(merged)).isZero();
  }

  @Test
  void noMoreRowsThanGroupsOrASingleGroupShouldGiveZero() {
    GroupedMoments oneRowEach = GroupedMoments.empty(8);
    for (int i = 0; i < 5; i++) {
      oneRowEach.add("c" + i, i * i);
    }
    assertThat(CorrelationRatio.adjusted(oneRowEach)).as("N = k").isZero();
    assertThat(CorrelationRatio.unadjusted(oneRowEach)).as("plain η is 1 here").isEqualTo(1.0);
    GroupedMoments single = GroupedMoments.empty(8);
    for (int i = 0; i < 50; i++) {
      single.add("only", i);
    }
    assertThat(CorrelationRatio.adjusted(single)).isZero();
    assertThat(CorrelationRatio.adjusted(GroupedMoments.empty(8))).isZero();
  }

  @Test
  void anOverflowedSumOfSquaresShouldGiveZeroNotNaN() {
    GroupedMoments g = GroupedMoments.empty(4);
    g.add("a", -Double.MAX_VALUE / 4);
    g.add("a", Double.MAX_VALUE / 4);
    g.add("b", 1);
    g.add("b", 2);
    assertThat(CorrelationRatio.adjusted(g)).isZero();
    assertThat(CorrelationRatio.unadjusted(g)).isZero();
  }

  // ---- against independent computations

  @Property(tries = 100)
  void shouldMatchAnIndependentTwoPassComputation(@ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
    Random random = new Random(seed);
    Object[] r = rows(random, 2 + random.nextInt(600), 1 + random.nextInt(12), random.nextDouble() * 2,
        random.nextInt(3) * 100.0);
    String[] c = (String[]) r[0];
    double[] x = (double[]) r[1];
    double[] expected = twoPass(c, x);
    GroupedMoments g = momentsOf(c, x);
    CorrelationRatio.Anova a = CorrelationRatio.anova(g);
    assertThat(a.ssWithin()).isCloseTo(expected[0], within(1e-12 * expected[1] + 1e-300));
    assertThat(a.ssTotal()).isCloseTo(expected[1], within(1e-12 * expected[1] + 1e-300));
    // Compared squared: near 0 the square root would magnify last-bit differences of η² and ε².
    assertThat(square(CorrelationRatio.unadjusted(g))).isCloseTo(square(expected[2]), within(1e-12));
    assertThat(square(CorrelationRatio.adjusted(g))).isCloseTo(square(expected[3]), within(1e-12));
  }

  @Test
  void shouldMatchNumpyOnSeveralSamples() throws Exception {
    List<Map<String, List<List<Double>>>> cases = new ArrayList<>();
    List<GroupedMoments> states = new ArrayList<>();
    List<Double> means = new ArrayList<>();
    Random random = new Random(8);
    for (int k = 0; k < 25; k++) {
      Object[] r = rows(random, 3 + random.nextInt(400), 1 + random.nextInt(10), random.nextDouble() * 3,
          k % 5 == 0 ? 1e4 : 0);
      String[] c = (String[]) r[0];
      double[] x = (double[]) r[1];
      Map<String, List<Double>> groups = new java.util.TreeMap<>();
      for (int i = 0; i < x.length; i++) {
        if (c[i] != null) {
          groups.computeIfAbsent(c[i], key -> new ArrayList<>()).add(x[i]);
        }
      }
      cases.add(Map.of("groups", new ArrayList<>(groups.values())));
      states.add(momentsOf(c, x));
      means.add(Arrays.stream(x).average().orElseThrow());
    }
    List<JsonNode> expected = CategoricalFixtures.oracle(cases);
    for (int k = 0; k < cases.size(); k++) {
      JsonNode e = expected.get(k);
      GroupedMoments g = states.get(k);
      CorrelationRatio.Anova a = CorrelationRatio.anova(g);
      String as = "sample " + k + ": " + e;
      assertThat(a.count()).as(as).isEqualTo(e.get("n").asLong());
      assertThat(a.groups()).as(as).isEqualTo(e.get("k").asInt());
      double ssTotal = e.get("ss_total").asDouble();
      // 1e-12 relative plus the rounding floor of an offset sample (see GroupedMomentsTest.assertSameMoments).
      double tolerance = 1e-12 * ssTotal + 4 * Math.ulp(1.0) * Math.abs(means.get(k)) * Math.sqrt(a.count() * ssTotal);
      assertThat(a.ssTotal()).as(as).isCloseTo(ssTotal, within(tolerance));
      assertThat(a.ssWithin()).as(as).isCloseTo(e.get("ss_within").asDouble(), within(tolerance));
      assertThat(square(CorrelationRatio.unadjusted(g))).as(as).isCloseTo(square(e.get("eta").asDouble()),
          within(1e-12));
      assertThat(square(CorrelationRatio.adjusted(g))).as(as).isCloseTo(square(e.get("adjusted").asDouble()),
          within(1e-12));
    }
  }

  // ---- exact rational arithmetic

  /** How the numeric values of one regime are drawn: the category's index and a standard normal in, a double out. */
  private interface Draw {
    double value(int category, Random random);
  }

  private record Regime(String name, Draw draw) {}

  /** The regimes of issue 8: large offsets with small spreads, nearly constant columns, timestamps. */
  private static List<Regime> regimes() {
    List<Regime> list = new ArrayList<>();
    double[][] offsetSpread = {{0, 1}, {1e6, 1}, {1e6, 1e-3}, {1e12, 1e6}, {1e12, 1e-2}, {1.7e12, 1e3}, {5, 1e-9}};
    for (double[] os : offsetSpread) {
      for (double dependence : new double[] {0, 0.05, 1}) {
        list.add(new Regime(os[0] + " + " + os[1] + "·(" + dependence + "·f(c) + N(0,1))",
            (c, random) -> os[0] + os[1] * (dependence * Math.cos(3 * c) + random.nextGaussian())));
      }
    }
    // Milliseconds since the epoch, spread over an hour, the hour depending a little on the category.
    list.add(new Regime("1.7e12 ms + seconds", (c, random) -> 1.7e12 + 1000.0 * (random.nextInt(3600) + 60 * c)));
    list.add(new Regime("1.7e12 + fractional seconds", (c, random) -> 1.7e12 + c + random.nextGaussian()));
    // Nearly constant: one row in about a thousand differs, by a step or by one ulp.
    list.add(new Regime("0.1, rarely 0.2", (c, random) -> random.nextInt(1000) == 0 ? 0.2 : 0.1));
    list.add(new Regime("1e6, rarely one ulp up",
        (c, random) -> random.nextInt(1000) == 0 ? Math.nextUp(1e6) : 1e6));
    list.add(new Regime("1e12, in category 0 one ulp up half the time",
        (c, random) -> c == 0 && random.nextBoolean() ? Math.nextUp(1e12) : 1e12));
    return list;
  }

  /**
   * Issue 8, item 2: η was off by up to 5e-6 relative on 1e6 + 1e-3·N(0,1), because the per-category means were plain
   * doubles (their half-ulp at 1e6 is not small beside a spread of 1e-3). Checked against exact rational arithmetic
   * (scripts/exact_correlation_ratio.py) in every regime, for one state fed row by row, for panes merged in three
   * groupings, and for panes whose categories overflow the cap, folded into OTHER by the window's buckets.
   */
  @Test
  void etaShouldBeExactInEveryRegimeAgainstRationalArithmetic() throws Exception {
    int n = 2000;
    int cardinality = 8;
    int smallCap = 5;
    List<Map<String, List<List<String>>>> cases = new ArrayList<>();
    List<List<GroupedMoments>> states = new ArrayList<>();
    List<String> names = new ArrayList<>();
    Random random = new Random(81);
    for (Regime regime : regimes()) {
      String[] c = CategoricalFixtures.values(random, n, cardinality, 0.02, "c");
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = regime.draw().value(c[i] == null ? cardinality : Integer.parseInt(c[i].substring(1)), random);
      }
      int[] cuts = CategoricalFixtures.cuts(random, n, 2 + random.nextInt(6));

      // Every category its own group: sequential and merged panes have the same groups.
      List<GroupedMoments> own = new ArrayList<>();
      own.add(momentsOf(c, x));
      List<GroupedMoments> parts = new ArrayList<>();
      for (int p = 0; p + 1 < cuts.length; p++) {
        parts.add(momentsOf(Arrays.copyOfRange(c, cuts[p], cuts[p + 1]), Arrays.copyOfRange(x, cuts[p], cuts[p + 1])));
      }
      own.addAll(CategoricalFixtures.groupings(parts, GroupedMoments::merge, random));
      cases.add(Map.of("groups", exactGroups(c, x)));
      states.add(own);
      names.add(regime.name());

      // Cap below the cardinality: each pane keeps the values of smallest hash key, the window folds what has no bucket into OTHER.
      List<CategoryCounts> counts = new ArrayList<>();
      List<GroupedMoments> capped = new ArrayList<>();
      String[] keys = new String[n];
      for (int p = 0; p + 1 < cuts.length; p++) {
        CategoryCounts pc = CategoryCounts.empty(smallCap);
        GroupedMoments pm = GroupedMoments.empty(smallCap);
        for (int i = cuts[p]; i < cuts[p + 1]; i++) {
          keys[i] = pc.add(c[i]);
          if (pc.lastEvicted() != null) { // as CategoricalState does: the moments follow the counts' evictions
            pm = pm.fold(pc.lastEvicted());
          }
          pm.add(keys[i], x[i]);
        }
        counts.add(pc);
        capped.add(pm);
      }
      CategoryCounts window = counts.stream().reduce(CategoryCounts::merge).orElseThrow();
      for (int i = 0; i < n; i++) {
        keys[i] = keys[i] == null ? null : window.bucketOf(keys[i]);
      }
      List<GroupedMoments> folded = new ArrayList<>();
      folded.add(capped.get(0).restrictTo(window).merge(GroupedMoments.empty(smallCap), window));
      if (capped.size() > 1) {
        folded.addAll(CategoricalFixtures.groupings(capped, (a, b) -> a.merge(b, window), random));
      }
      cases.add(Map.of("groups", exactGroups(keys, x, cuts[1])));
      states.add(folded.subList(0, 1));
      names.add(regime.name() + ", first pane folded");
      if (capped.size() > 1) {
        cases.add(Map.of("groups", exactGroups(keys, x, n)));
        states.add(folded.subList(1, folded.size()));
        names.add(regime.name() + ", folded panes merged");
      }
    }
    List<JsonNode> exact = exactCorrelationRatios(cases);
    StringBuilder report = new StringBuilder();
    List<String> failures = new ArrayList<>();
    for (int k = 0; k < cases.size(); k++) {
      JsonNode e = exact.get(k);
      double worstEta = 0;
      double worstEpsilon = 0;
      double worstSs = 0;
      for (GroupedMoments g : states.get(k)) {
        String as = names.get(k) + ": " + e;
        CorrelationRatio.Anova a = CorrelationRatio.anova(g);
        assertThat(a.count()).as(as).isEqualTo(e.get("n").asLong());
        assertThat(a.groups()).as(as).isEqualTo(e.get("k").asInt());
        worstSs = Math.max(worstSs, relative(a.ssWithin(), e.get("ss_within").asDouble(), 0));
        worstSs = Math.max(worstSs, relative(a.ssTotal(), e.get("ss_total").asDouble(), 0));
        double eta = e.get("eta").isNull() ? 0 : e.get("eta").asDouble();
        worstEta = Math.max(worstEta, relative(CorrelationRatio.unadjusted(g), eta, 0));
        // ε² is a difference of two ratios: near 0 (no association) its relative error is the problem's own
        // conditioning, not the computation's, so it is compared on the scale of 1e-6, where the test's data put it.
        double epsilonSquared = e.get("epsilon_squared").isNull() ? 0 : Math.max(0, e.get("epsilon_squared").asDouble());
        worstEpsilon = Math.max(worstEpsilon, relative(square(CorrelationRatio.adjusted(g)), epsilonSquared, 1e-6));
      }
      String line = String.format("%-60s worst relative error: SS %.1e, η %.1e, ε² %.1e", names.get(k), worstSs,
          worstEta, worstEpsilon);
      report.append(line).append('\n');
      if (Math.max(worstSs, Math.max(worstEta, worstEpsilon)) > 1e-9) {
        failures.add(line);
      }
    }
    System.out.print(report);
    assertThat(failures).as("regimes beyond 1e-9").isEmpty();
  }

  /** |actual − exact| / max(|exact|, floor); 0 when both are 0. */
  private static double relative(double actual, double exact, double floor) {
    double scale = Math.max(Math.abs(exact), floor);
    return actual == exact ? 0 : Math.abs(actual - exact) / scale;
  }

  /** The rows' values as exact decimal strings, one list per key, over rows [0, to). */
  private static List<List<String>> exactGroups(String[] keys, double[] x, int to) {
    Map<String, List<String>> groups = new java.util.TreeMap<>();
    for (int i = 0; i < to; i++) {
      if (keys[i] != null) {
        groups.computeIfAbsent(keys[i], k -> new ArrayList<>()).add(Double.toString(x[i]));
      }
    }
    return new ArrayList<>(groups.values());
  }

  private static List<List<String>> exactGroups(String[] keys, double[] x) {
    return exactGroups(keys, x, x.length);
  }

  /** scripts/exact_correlation_ratio.py, one answer per case. */
  private static List<JsonNode> exactCorrelationRatios(List<?> cases) throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    Process p = new ProcessBuilder(CategoricalFixtures.PYTHON, "../scripts/exact_correlation_ratio.py")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (var in = p.getOutputStream()) {
      for (Object c : cases) {
        in.write(json.writeValueAsBytes(c));
        in.write('\n');
      }
    }
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("exact_correlation_ratio.py: %s", out).isZero();
    List<JsonNode> answers = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        answers.add(json.readTree(line));
      }
    }
    assertThat(answers).hasSameSizeAs(cases);
    return answers;
  }

  // ---- windows: panes and order

  @Property(tries = 60)
  void mergedPanesInAnyGroupingShouldMatchSequentialTo1e12Relative(
      @ForAll @IntRange(min = 0, max = 100_000) int seed, @ForAll @IntRange(min = 1, max = 8) int panes) {
    Random random = new Random(seed);
    Object[] r = rows(random, 50 + random.nextInt(800), 2 + random.nextInt(10), 0.7, 0);
    String[] c = (String[]) r[0];
    double[] x = (double[]) r[1];
    double sequential = CorrelationRatio.adjusted(momentsOf(c, x));
    int[] cuts = CategoricalFixtures.cuts(random, x.length, panes);
    List<GroupedMoments> parts = new ArrayList<>();
    for (int p = 0; p < panes; p++) {
      parts.add(momentsOf(Arrays.copyOfRange(c, cuts[p], cuts[p + 1]), Arrays.copyOfRange(x, cuts[p], cuts[p + 1])));
    }
    for (GroupedMoments merged : CategoricalFixtures.groupings(parts, GroupedMoments::merge, random)) {
      assertThat(CorrelationRatio.adjusted(merged)).isCloseTo(sequential, within(1e-12 * Math.max(sequential, 1e-3)));
    }
  }

  @Property(tries = 60)
  void permutingEventsInsideAWindowShouldChangeTheAssociationByAtMost1e12Relative(
      @ForAll @IntRange(min = 0, max = 100_000) int seed) {
    Random random = new Random(seed);
    Object[] r = rows(random, 2000, 8, 0.5, 0);
    String[] c = (String[]) r[0];
    double[] x = (double[]) r[1];
    int[] perm = CategoricalFixtures.permutation(random, x.length);
    String[] pc = new String[x.length];
    double[] px = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      pc[i] = c[perm[i]];
      px[i] = x[perm[i]];
    }
    double original = CorrelationRatio.adjusted(momentsOf(c, x));
    assertThat(CorrelationRatio.adjusted(momentsOf(pc, px))).isCloseTo(original, within(1e-12 * original));
  }
}
