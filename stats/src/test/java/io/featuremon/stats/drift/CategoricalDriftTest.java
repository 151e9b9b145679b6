package io.featuremon.stats.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.featuremon.stats.CategoryCounts;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Categorical drift on real splits and resamples: the table featuremon compares, and every number computed from it,
 * against scipy (scripts/drift_oracle.py categorical, then categorical-table with the buckets featuremon chose), and
 * the verdicts the class comment promises (new values flagged, id-like features and resamples quiet).
 */
class CategoricalDriftTest {
  /** A cap above every distinct count of the small cases: their windows never evict, every number is exact. */
  static final int EXACT = 1000;

  static final CategoricalDrift.Settings DEFAULTS = CategoricalDrift.Settings.DEFAULTS;

  /** Counts of the oracle's value → count object, each event added once (in the object's order). */
  static CategoryCounts counts(JsonNode object, int cap) {
    CategoryCounts counts = CategoryCounts.empty(cap);
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      for (long i = 0; i < e.getValue().asLong(); i++) {
        counts.add(e.getKey());
      }
    }
    return counts;
  }

  static double close(double expected) {
    return 1e-12 * Math.max(1e-3, Math.abs(expected));
  }

  static long[] longs(JsonNode array) {
    long[] values = new long[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asLong();
    }
    return values;
  }

  @Test
  void shouldMatchScipyOnRealCategoricalSplits() throws Exception {
    JsonNode oracle = DriftOracle.run("categorical");
    assertThat(oracle.get("cases")).hasSize(4);
    List<CategoricalDrift.Result> results = new ArrayList<>();
    List<Map<String, Object>> tables = new ArrayList<>();
    for (JsonNode c : oracle.get("cases")) {
      String what = c.get("name").asText();
      int cap = c.get("cap").asInt();
      CategoricalDrift.Result r = CategoricalDrift.compare(counts(c.get("reference"), cap),
          counts(c.get("current"), cap), DEFAULTS);
      results.add(r);
      // The cases cover both regimes: every value counted exactly, and a hash sample with OTHER.
      boolean exact = cap >= c.get("distinct").asInt();
      assertThat(r.exact()).as(what).isEqualTo(exact);
      if (exact) {
        assertThat(r.unseenShare()).as(what).isEqualTo(c.get("unseen_share").asDouble());
      } else {
        assertThat(r.hasOther()).as(what).isTrue();
      }
      Map<String, Object> table = new LinkedHashMap<>();
      table.put("reference", c.get("reference"));
      table.put("current", c.get("current"));
      table.put("buckets", r.buckets());
      table.put("has_other", r.hasOther());
      tables.add(table);
    }
    // scipy on exactly the table featuremon compared, counted by the oracle from the raw values.
    JsonNode expected = DriftOracle.run("categorical-table", Map.of("cases", tables)).get("cases");
    for (int k = 0; k < results.size(); k++) {
      String what = oracle.get("cases").get(k).get("name").asText();
      CategoricalDrift.Result r = results.get(k);
      JsonNode e = expected.get(k);
      assertThat(longs(e.get("unbucketed"))).as(what).containsOnly(0);
      assertThat(r.referenceTable()).as(what).containsExactly(longs(e.get("reference_table")));
      assertThat(r.currentTable()).as(what).containsExactly(longs(e.get("current_table")));
      assertThat(r.psi()).as(what).isCloseTo(e.get("psi").asDouble(), within(close(e.get("psi").asDouble())));
      assertThat(r.js()).as(what).isCloseTo(e.get("js").asDouble(), within(close(e.get("js").asDouble())));
      assertThat(r.chiSquare()).as(what).isCloseTo(e.get("chi_square").asDouble(),
          within(close(e.get("chi_square").asDouble())));
      assertThat(r.degreesOfFreedom()).as(what).isEqualTo(e.get("df").asInt());
      double p = e.get("p_value").asDouble();
      assertThat(r.pValue()).as(what).isCloseTo(p, within(1e-12 * p + 1e-300));
    }
  }

  @Test
  void shouldFlagTheDecadesButNotTheQuartersOfTheMacroSeries() {
    RealData.Features macro = RealData.features("macrodata.jsonl");
    CategoryCounts decadesBefore = CategoryCounts.empty(EXACT);
    CategoryCounts decadesAfter = CategoryCounts.empty(EXACT);
    CategoryCounts quartersBefore = CategoryCounts.empty(EXACT);
    CategoryCounts quartersAfter = CategoryCounts.empty(EXACT);
    for (int i = 0; i < macro.ids().size(); i++) {
      String id = macro.ids().get(i);
      (i < 101 ? decadesBefore : decadesAfter).add(id.substring(0, 3) + "0s");
      (i < 101 ? quartersBefore : quartersAfter).add(id.substring(4));
    }
    CategoricalDrift.Result decades = CategoricalDrift.compare(decadesBefore, decadesAfter, DEFAULTS);
    assertThat(decades.exact()).isTrue();
    assertThat(decades.drifted()).isTrue();
    assertThat(decades.unseenShare()).isGreaterThan(0.7);
    // The new decades are counted in the table, on the current side only.
    boolean newBucket = false;
    for (int i = 0; i < decades.referenceTable().length; i++) {
      newBucket |= decades.referenceTable()[i] == 0 && decades.currentTable()[i] > 0;
    }
    assertThat(newBucket).as("a bucket only the current window has: %s", decades).isTrue();
    CategoricalDrift.Result quarters = CategoricalDrift.compare(quartersBefore, quartersAfter, DEFAULTS);
    assertThat(quarters.exact()).isTrue();
    assertThat(quarters.drifted()).isFalse();
    assertThat(quarters.unseenShare()).isZero();
    assertThat(quarters.hasOther()).isFalse();
    assertThat(quarters.buckets()).hasSize(4); // 25 or 26 events each side: every quarter a bucket of its own
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
  void shouldNotFlagRealCategoriesResampledTo100kPerSideButFlagNewValuesTakingTenPercent(int seed) {
    RealData.Features wine = RealData.features("wine.jsonl");
    double[] magnesium = wine.column(wine.names().indexOf("magnesium"));
    Random random = new Random(seed);
    // Up to 10,000 new values besides the wine's: a cap that keeps every window exact.
    int cap = 1 << 14;
    CategoryCounts reference = CategoryCounts.empty(cap);
    CategoryCounts current = CategoryCounts.empty(cap);
    CategoryCounts withNewValue = CategoryCounts.empty(cap);
    CategoryCounts withNewValues = CategoryCounts.empty(cap);
    for (int i = 0; i < 100_000; i++) {
      reference.add(Long.toString((long) magnesium[random.nextInt(magnesium.length)]));
      String value = Long.toString((long) magnesium[random.nextInt(magnesium.length)]);
      current.add(value);
      withNewValue.add(i % 10 == 0 ? "unknown-supplier" : value);
      withNewValues.add(i % 10 == 0 ? "supplier-" + i : value);
    }
    CategoricalDrift.Result same = CategoricalDrift.compare(reference, current, DEFAULTS);
    assertThat(same.exact()).isTrue();
    assertThat(same.psi()).isLessThan(0.01);
    assertThat(same.drifted()).isFalse();
    // One new value taking 10% is a bucket of its own that the reference lacks: PSI sees it, and so does unseenShare.
    CategoricalDrift.Result changed = CategoricalDrift.compare(reference, withNewValue, DEFAULTS);
    assertThat(changed.exact()).isTrue();
    assertThat(changed.unseenShare()).isEqualTo(0.1);
    assertThat(changed.psi()).isGreaterThanOrEqualTo(DEFAULTS.minPsi());
    assertThat(changed.drifted()).isTrue();
    // 10,000 new values, one event each, pooled with their key neighbours: PSI barely notices, unseenShare does.
    CategoricalDrift.Result spread = CategoricalDrift.compare(reference, withNewValues, DEFAULTS);
    assertThat(spread.exact()).isTrue();
    assertThat(spread.unseenShare()).isEqualTo(0.1);
    assertThat(spread.psi()).as("PSI alone barely notices many rare new values").isLessThan(0.05);
    assertThat(spread.unseenExcess()).isGreaterThanOrEqualTo(DEFAULTS.minUnseenShare());
    assertThat(spread.drifted()).isTrue();
  }

  @ParameterizedTest(name = "cap {0}")
  @ValueSource(ints = {32, 50_000})
  void shouldStayQuietForAnIdLikeFeatureWhoseValuesAreAlwaysNew(int cap) {
    // 50,000 values a window: the pipeline's default cap samples them, a cap of 50,000 counts every one.
    CategoryCounts reference = CategoryCounts.empty(cap);
    CategoryCounts current = CategoryCounts.empty(cap);
    for (int i = 0; i < 50_000; i++) {
      reference.add("request-" + i);
      current.add("request-" + (100_000 + i));
    }
    CategoricalDrift.Result r = CategoricalDrift.compare(reference, current, DEFAULTS);
    assertThat(r.exact()).isEqualTo(cap >= 50_000);
    assertThat(r.unseenShare()).isEqualTo(1);
    assertThat(r.referenceMissingMass()).as("every reference value is a singleton").isEqualTo(1);
    assertThat(r.pValue()).isGreaterThan(0.05);
    assertThat(r.drifted()).isFalse();
  }

  @ParameterizedTest(name = "cap {0}")
  @ValueSource(ints = {2, EXACT})
  void shouldGiveZeroForIdenticalCountsAndOrderBucketsByKey(int cap) {
    CategoryCounts counts = CategoryCounts.empty(cap);
    for (String v : new String[] {"b", "b", "b", "b", "b", "a", "a", "a", "a", "a", "c"}) {
      counts.add(v);
    }
    CategoricalDrift.Result r = CategoricalDrift.compare(counts, counts, DEFAULTS);
    // Three values: a cap of 2 evicts one into OTHER, which then is a bucket of the table.
    assertThat(r.exact()).isEqualTo(cap >= 3);
    assertThat(r.hasOther()).isEqualTo(cap < 3);
    List<String> walked = new ArrayList<>();
    r.buckets().forEach(walked::addAll);
    assertThat(walked).isSortedAccordingTo(CategoryCounts.BY_KEY);
    assertThat(r.referenceTable()).containsExactly(r.currentTable());
    assertThat(r.psi()).isZero();
    assertThat(r.js()).isZero();
    assertThat(r.chiSquare()).isZero();
    assertThat(r.pValue()).isEqualTo(1);
    assertThat(r.drifted()).isFalse();
  }

  @Test
  void shouldRejectWindowsWithoutNonMissingValues() {
    CategoryCounts one = CategoryCounts.empty(EXACT);
    one.add("a");
    assertThatThrownBy(() -> CategoricalDrift.compare(CategoryCounts.empty(EXACT), one, DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reference window has no events");
    // A null is a missing value, never a category: a window of nulls only has no events to compare.
    CategoryCounts nulls = CategoryCounts.empty(EXACT);
    nulls.add(null);
    assertThatThrownBy(() -> CategoricalDrift.compare(one, nulls, DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("current window has no events");
  }

  @Test
  void shouldRejectInvalidSettings() {
    assertThatThrownBy(() -> new CategoricalDrift.Settings(0, 0.1, 0.05)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CategoricalDrift.Settings(1, 0.1, 0.05)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CategoricalDrift.Settings(0.05, -0.1, 0.05))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CategoricalDrift.Settings(0.05, 0.1, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
