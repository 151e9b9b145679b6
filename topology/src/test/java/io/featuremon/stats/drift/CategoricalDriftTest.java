package io.featuremon.stats.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CategoricalDriftTest {

  static Map<String, Long> counts(JsonNode object) {
    Map<String, Long> counts = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      counts.put(e.getKey(), e.getValue().asLong());
    }
    return counts;
  }

  static double close(double expected) {
    return 1e-12 * Math.max(1e-3, Math.abs(expected));
  }

  @Test
  void shouldMatchScipyOnRealCategoricalSplits() throws Exception {
    JsonNode oracle = DriftOracle.run("categorical");
    assertThat(oracle.get("cases")).hasSize(4);
    for (JsonNode c : oracle.get("cases")) {
      String what = c.get("name").asText();
      CategoricalDrift.Settings settings = new CategoricalDrift.Settings(c.get("max_categories").asInt(), 0.05, 0.1, 0.05);
      CategoricalDrift.Result r = CategoricalDrift.compare(counts(c.get("reference")), counts(c.get("current")),
          settings);
      List<String> categories = new ArrayList<>();
      c.get("categories").forEach(v -> categories.add(v.asText()));
      assertThat(r.categories()).as(what).isEqualTo(categories);
      assertThat(r.psi()).as(what).isCloseTo(c.get("psi").asDouble(), within(close(c.get("psi").asDouble())));
      assertThat(r.js()).as(what).isCloseTo(c.get("js").asDouble(), within(close(c.get("js").asDouble())));
      assertThat(r.unseenShare()).as(what).isEqualTo(c.get("unseen_share").asDouble());
      assertThat(r.chiSquare()).as(what).isCloseTo(c.get("chi_square").asDouble(),
          within(close(c.get("chi_square").asDouble())));
      assertThat(r.degreesOfFreedom()).as(what).isEqualTo(c.get("df").asInt());
      double p = c.get("p_value").asDouble();
      assertThat(r.pValue()).as(what).isCloseTo(p, within(1e-12 * p + 1e-300));
    }
  }

  @Test
  void shouldFlagTheDecadesButNotTheQuartersOfTheMacroSeries() {
    RealData.Features macro = RealData.features("macrodata.jsonl");
    Map<String, Long> decadesBefore = new HashMap<>();
    Map<String, Long> decadesAfter = new HashMap<>();
    Map<String, Long> quartersBefore = new HashMap<>();
    Map<String, Long> quartersAfter = new HashMap<>();
    for (int i = 0; i < macro.ids().size(); i++) {
      String id = macro.ids().get(i);
      (i < 101 ? decadesBefore : decadesAfter).merge(id.substring(0, 3) + "0s", 1L, Long::sum);
      (i < 101 ? quartersBefore : quartersAfter).merge(id.substring(4), 1L, Long::sum);
    }
    CategoricalDrift.Result decades = CategoricalDrift.compare(decadesBefore, decadesAfter);
    assertThat(decades.drifted()).isTrue();
    assertThat(decades.unseenShare()).isGreaterThan(0.7);
    assertThat(decades.hasOther()).isTrue();
    CategoricalDrift.Result quarters = CategoricalDrift.compare(quartersBefore, quartersAfter);
    assertThat(quarters.drifted()).isFalse();
    assertThat(quarters.unseenShare()).isZero();
    assertThat(quarters.hasOther()).isFalse();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
  void shouldNotFlagRealCategoriesResampledTo100kPerSideButFlagANewValueTakingTenPercent(int seed) {
    RealData.Features wine = RealData.features("wine.jsonl");
    double[] magnesium = wine.column(wine.names().indexOf("magnesium"));
    Random random = new Random(seed);
    Map<String, Long> reference = new HashMap<>();
    Map<String, Long> current = new HashMap<>();
    Map<String, Long> withNewValue = new HashMap<>();
    for (int i = 0; i < 100_000; i++) {
      reference.merge(Long.toString((long) magnesium[random.nextInt(magnesium.length)]), 1L, Long::sum);
      String value = Long.toString((long) magnesium[random.nextInt(magnesium.length)]);
      current.merge(value, 1L, Long::sum);
      withNewValue.merge(i % 10 == 0 ? "unknown-supplier" : value, 1L, Long::sum);
    }
    CategoricalDrift.Result same = CategoricalDrift.compare(reference, current);
    assertThat(same.psi()).isLessThan(0.01);
    assertThat(same.drifted()).isFalse();
    CategoricalDrift.Result changed = CategoricalDrift.compare(reference, withNewValue);
    assertThat(changed.unseenShare()).isEqualTo(0.1);
    assertThat(changed.psi()).as("PSI alone barely notices a new value").isLessThan(0.05);
    assertThat(changed.drifted()).isTrue();
  }

  @Test
  void shouldStayQuietForAnIdLikeFeatureWhoseValuesAreAlwaysNew() {
    Map<String, Long> reference = new HashMap<>();
    Map<String, Long> current = new HashMap<>();
    for (int i = 0; i < 50_000; i++) {
      reference.put("request-" + i, 1L);
      current.put("request-" + (100_000 + i), 1L);
    }
    CategoricalDrift.Result r = CategoricalDrift.compare(reference, current);
    assertThat(r.unseenShare()).isEqualTo(1);
    assertThat(r.pValue()).isGreaterThan(0.05);
    assertThat(r.drifted()).isFalse();
  }

  @Test
  void shouldGiveZeroForIdenticalCountsAndOrderTiesByValue() {
    Map<String, Long> counts = Map.of("b", 5L, "a", 5L, "c", 1L);
    CategoricalDrift.Result r = CategoricalDrift.compare(counts, counts, new CategoricalDrift.Settings(2, 0.05, 0.1, 0.05));
    assertThat(r.categories()).containsExactly("a", "b");
    assertThat(r.hasOther()).isTrue();
    assertThat(r.psi()).isZero();
    assertThat(r.js()).isZero();
    assertThat(r.chiSquare()).isZero();
    assertThat(r.pValue()).isEqualTo(1);
    assertThat(r.drifted()).isFalse();
  }

  @Test
  void shouldRejectEmptyWindowsNegativeCountsAndNullValues() {
    assertThatThrownBy(() -> CategoricalDrift.compare(Map.of(), Map.of("a", 1L))).hasMessageContaining("no events");
    assertThatThrownBy(() -> CategoricalDrift.compare(Map.of("a", -1L), Map.of("a", 1L)))
        .isInstanceOf(IllegalArgumentException.class);
    Map<String, Long> withNull = new HashMap<>();
    withNull.put(null, 3L);
    assertThatThrownBy(() -> CategoricalDrift.compare(withNull, Map.of("a", 1L)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
