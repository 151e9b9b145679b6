package io.featuremon.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featuremon.config.FeaturemonConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drift through the whole pipeline, against numpy/scipy on the real embeddings and against its own profiles. */
class DriftReplayTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path MINILM = ReplayTest.DATA.resolve("minilm-utils-then-net.jsonl");

  @TempDir
  Path tmp;

  private JsonNode secondWindowDrift(Map<String, String> settings, Path input) throws Exception {
    Path out = tmp.resolve("out-" + settings.hashCode() + "-" + input.getFileName());
    Map<String, String> all = new HashMap<>(Map.of(FeaturemonConfig.WINDOW_SIZE, "1h"));
    all.putAll(settings);
    new Replay(FeaturemonConfig.load(all, null, Map.of())).run(input, out, n -> {});
    List<String> windows = Files.readAllLines(out.resolve(Replay.WINDOW_STATS_FILE));
    return JSON.readTree(windows.get(windows.size() - 1)).get("drift");
  }

  /**
   * Centroid cosine distance, the drifted share (W1/σ above 0.1 and KS significant at drift.alpha) and its
   * sketch-error band, from scripts/drift_check.py.
   */
  private static JsonNode scipy(Path input, int k) throws Exception {
    Process p = new ProcessBuilder("python3", "../scripts/drift_check.py", input.toString(), Integer.toString(k))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return JSON.readTree(out);
  }

  @Test
  void secondMinilmWindowMatchesScipyOnCentroidCosineAndDriftedShare() throws Exception {
    JsonNode expected = scipy(MINILM, 200);
    JsonNode drift = secondWindowDrift(Map.of(), MINILM);
    assertThat(drift.get("referenceMode").asText()).isEqualTo("window");
    JsonNode embedding = drift.get("embedding");
    double cosine = expected.get("centroidCosine").asDouble();
    assertThat(embedding.get("centroidCosine").asDouble()).isCloseTo(cosine, within(1e-9 * cosine));
    // With k = 200 the sketches summarise 500 values each: only dimensions whose exact W1/σ or KS D lies within the
    // sketch error of its cut may land on the other side of it.
    double share = expected.get("driftedShare").asDouble();
    double band = expected.get("ambiguousShare").asDouble();
    assertThat(embedding.get("driftedShare").asDouble()).isBetween(share - band, share + band);
    assertThat(embedding.get("drifted").asBoolean()).isTrue();

    List<String> alerts = Files.readAllLines(tmp.resolve("out-" + Map.of().hashCode() + "-" + MINILM.getFileName())
        .resolve(Replay.ALERTS_FILE));
    assertThat(alerts).hasSize(1);
    JsonNode alert = JSON.readTree(alerts.get(0));
    assertThat(alert.get("rule").asText()).isEqualTo("EmbeddingDrift");
    assertThat(alert.get("status").asText()).isEqualTo("firing");
    assertThat(alert.get("windowStart").asLong()).isEqualTo(1_767_229_200_000L);
  }

  @Test
  void withSketchesLargeEnoughToBeExactTheDriftedShareIsScipysExactly() throws Exception {
    JsonNode expected = scipy(MINILM, 512);
    JsonNode drift = secondWindowDrift(Map.of(FeaturemonConfig.DRIFT_EMBEDDING_SKETCH_K, "512"), MINILM);
    assertThat(drift.get("embedding").get("driftedShare").asDouble()).isEqualTo(expected.get("driftedShare").asDouble());
  }

  @Test
  void aProfileOfTheReferenceDataGivesTheSameDriftAsTheFirstWindow() throws Exception {
    List<String> lines = Files.readAllLines(MINILM);
    Path reference = tmp.resolve("reference.jsonl");
    Path current = tmp.resolve("current.jsonl");
    Files.write(reference, lines.subList(0, 500));
    Files.write(current, lines.subList(500, lines.size()));
    Path profile = tmp.resolve("reference.profile");
    Replay.profile(FeaturemonConfig.load(Map.of(), null, Map.of()), reference, profile, n -> {});

    ObjectNode fromWindow = (ObjectNode) secondWindowDrift(Map.of(), MINILM);
    ObjectNode fromProfile = (ObjectNode) secondWindowDrift(Map.of(FeaturemonConfig.REFERENCE_MODE, "profile",
        FeaturemonConfig.REFERENCE_PROFILE, profile.toString()), current);
    assertThat(fromProfile.get("referenceMode").asText()).isEqualTo("profile");
    for (ObjectNode d : List.of(fromWindow, fromProfile)) {
      d.remove(List.of("referenceMode", "referenceStart", "referenceEnd"));
    }
    assertThat(fromProfile).isEqualTo(fromWindow);
  }

  @Test
  void aConfiguredReferenceRangeCoveringTheFirstHourGivesTheSameDriftAsTheFirstWindow() throws Exception {
    ObjectNode fromWindow = (ObjectNode) secondWindowDrift(Map.of(), MINILM);
    ObjectNode fromRange = (ObjectNode) secondWindowDrift(Map.of(FeaturemonConfig.REFERENCE_FROM, "2026-01-01T00:00:00Z",
        FeaturemonConfig.REFERENCE_TO, "2026-01-01T01:00:00Z"), MINILM);
    assertThat(fromRange.get("referenceStart").asLong()).isEqualTo(1_767_225_600_000L);
    assertThat(fromRange).isEqualTo(fromWindow);
  }

  @Test
  void aReferenceRangeNeedsBothEndsInOrder() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> FeaturemonConfig.load(Map.of(
        FeaturemonConfig.REFERENCE_FROM, "2026-01-02T00:00:00Z", FeaturemonConfig.REFERENCE_TO, "2026-01-01T00:00:00Z"),
        null, Map.of())).hasMessageContaining("reference.to");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> FeaturemonConfig.load(Map.of(
        FeaturemonConfig.REFERENCE_FROM, "2026-01-02T00:00:00Z"), null, Map.of())).hasMessageContaining("reference.to");
  }

  @Test
  void tabularDriftFlagsTheShiftedCultivarsOfWine() throws Exception {
    // wine rows are sorted by cultivar: the first two hours against the third are different wines.
    JsonNode drift = secondWindowDrift(Map.of(FeaturemonConfig.WINDOW_SIZE, "1h"), ReplayTest.DATA.resolve("wine.jsonl"));
    JsonNode features = drift.get("features");
    assertThat(features.size()).isEqualTo(13);
    long drifted = 0;
    for (JsonNode f : features) {
      drifted += f.get("drifted").asBoolean() ? 1 : 0;
      assertThat(f.get("psi").asDouble()).isGreaterThanOrEqualTo(0);
      assertThat(f.get("ks").asDouble()).isBetween(0.0, 1.0);
      assertThat(f.get("js").asDouble()).isBetween(0.0, 1.0);
    }
    assertThat(drifted).isGreaterThanOrEqualTo(5);
  }
}
