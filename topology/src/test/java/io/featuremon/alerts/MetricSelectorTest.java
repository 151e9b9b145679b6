package io.featuremon.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricSelectorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static final JsonNode STATS = json("""
      {"model":"m","segment":null,"type":"features","count":1200,
       "redundancy":{"nonConstant":5,"meanAbsCorr":0.42,"effectiveRank":"NaN","meanSqCorr":null,
                     "pairs":[{"a":"x","b":"y","corr":-0.9},{"a":"x","b":"z","corr":0.5}]},
       "drift":{"features":{"zeta":{"psi":0.31},"age":{"psi":0.02},"income":{"psi":"Infinity"},
                            "city":{"js":0.1},"blank":{"psi":null},"":{"psi":0.9},"Beta":{"psi":0.05}},
                "flag":true}}
      """);

  @Test
  void shouldSelectOneFieldUnderTheEmptyInstanceKey() {
    assertThat(MetricSelector.parse("redundancy.meanAbsCorr").select(STATS)).containsExactly(Map.entry("", 0.42));
    assertThat(MetricSelector.parse("count").select(STATS)).containsExactly(Map.entry("", 1200.0));
    assertThat(MetricSelector.parse("redundancy.meanAbsCorr").perInstance()).isFalse();
  }

  @Test
  void shouldIndexArraysWithNumbers() {
    assertThat(MetricSelector.parse("redundancy.pairs.0.corr").select(STATS)).containsExactly(Map.entry("", -0.9));
    assertThat(MetricSelector.parse("redundancy.pairs.5.corr").select(STATS)).isEmpty();
  }

  @Test
  void shouldSelectOneValuePerFeatureSortedByKeyWithStar() {
    MetricSelector psi = MetricSelector.parse("drift.features.*.psi");

    // not "city" (no psi), "blank" (null), "income" (Infinity) or "" (the empty key is skipped)
    assertThat(psi.select(STATS)).containsExactly(Map.entry("Beta", 0.05), Map.entry("age", 0.02),
        Map.entry("zeta", 0.31));
    assertThat(psi.perInstance()).isTrue();
    assertThat(psi.pathOf("age")).isEqualTo("drift.features.age.psi");
  }

  @Test
  void shouldGiveTheSameOrderWhateverTheFieldOrder() {
    JsonNode a = json("{\"d\":{\"b\":1,\"a\":2,\"c\":3}}");
    JsonNode b = json("{\"d\":{\"c\":3,\"a\":2,\"b\":1}}");
    MetricSelector star = MetricSelector.parse("d.*");

    assertThat(star.select(a).keySet()).containsExactly("a", "b", "c");
    assertThat(star.select(a)).isEqualTo(star.select(b));
  }

  @Test
  void shouldGiveNoValueForMissingNullNonFiniteStringAndStructuredFields() {
    assertThat(MetricSelector.parse("redundancy.fretL1").select(STATS)).isEmpty();        // missing
    assertThat(MetricSelector.parse("redundancy.meanSqCorr").select(STATS)).isEmpty();    // null
    assertThat(MetricSelector.parse("redundancy.effectiveRank").select(STATS)).isEmpty(); // "NaN"
    assertThat(MetricSelector.parse("model").select(STATS)).isEmpty();                    // a string
    assertThat(MetricSelector.parse("redundancy").select(STATS)).isEmpty();               // an object
    assertThat(MetricSelector.parse("redundancy.meanAbsCorr.x").select(STATS)).isEmpty(); // below a number
    assertThat(MetricSelector.parse("redundancy.pairs.*.corr").select(STATS)).isEmpty();  // * over an array
    assertThat(MetricSelector.parse("drift.missing.*.psi").select(STATS)).isEmpty();
    assertThat(MetricSelector.parse("redundancy.meanAbsCorr").select(null)).isEmpty();
  }

  @Test
  void shouldReadBooleansAsOneAndZero() {
    JsonNode stats = json("{\"drift\":{\"features\":{\"age\":{\"drifted\":true},\"zip\":{\"drifted\":false}}}}");

    assertThat(MetricSelector.parse("drift.features.*.drifted").select(stats))
        .containsExactly(Map.entry("age", 1.0), Map.entry("zip", 0.0));
    assertThat(MetricSelector.parse("drift.flag").select(STATS)).containsExactly(Map.entry("", 1.0));
  }

  @Test
  void shouldRejectMalformedPaths() {
    assertThatThrownBy(() -> MetricSelector.parse("")).hasMessageContaining("non-empty dotted path");
    assertThatThrownBy(() -> MetricSelector.parse("a..b")).hasMessage(
        "segment 2 of \"a..b\" is \"\"; each segment must be a field name (letters, digits, '_', '-') or * (every "
            + "key of an object)");
    assertThatThrownBy(() -> MetricSelector.parse("a.*.b.*")).hasMessageContaining("more than one *");
    assertThatThrownBy(() -> MetricSelector.parse("*.psi")).hasMessageContaining("starts with *");
    assertThatThrownBy(() -> MetricSelector.parse("drift.f*.psi")).hasMessageContaining("\"f*\"");
  }

  @Test
  void shouldKnowWhichPathsAreVerdictsAndWhichEmbeddingShareIsPublished() {
    org.apache.avro.Schema schema = io.featuremon.avro.WindowStats.getClassSchema();
    assertThat(MetricSelector.parse("drift.features.*.drifted").isBooleanIn(schema)).isTrue();
    assertThat(MetricSelector.parse("drift.embedding.drifted").isBooleanIn(schema)).isTrue();
    assertThat(MetricSelector.parse("drift.embedding.topDimensions.0.drifted").isBooleanIn(schema)).isTrue();
    assertThat(MetricSelector.parse("drift.embedding.driftedShare").isBooleanIn(schema)).isFalse();
    assertThat(MetricSelector.parse("redundancy.meanAbsCorr").isBooleanIn(schema)).isFalse();
    assertThat(MetricSelector.parse("drift.nothing").isBooleanIn(schema)).isFalse();
    // driftedShare is the verdict's share; the untested ratio and significantShare are gone, and a rule that still
    // names the old field is refused at start-up, pointing at the one that is there.
    assertThat(MetricSelector.parse("drift.embedding.driftedShare").problemIn(schema)).isNull();
    assertThat(MetricSelector.parse("drift.embedding.topDimensions.0.wasserstein").problemIn(schema)).isNull();
    assertThat(MetricSelector.parse("drift.embedding.significantShare").problemIn(schema))
        .contains("has no field \"significantShare\"", "drift.embedding.driftedShare");
  }
}
