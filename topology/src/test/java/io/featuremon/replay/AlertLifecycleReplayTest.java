package io.featuremon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featuremon.config.FeaturemonConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in rising-trend rule through the whole pipeline, on generated series with known trends. */
class AlertLifecycleReplayTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long HOUR = 3_600_000L;
  static final long T0 = 1_767_225_600_000L;

  @TempDir
  Path tmp;

  /** Embeddings whose pairwise correlation in window w is share(w): a common factor mixed into 8 dimensions. */
  private List<JsonNode> replay(int windows, IntToDoubleFunction share, long seed) throws Exception {
    Random random = new Random(seed);
    List<String> lines = new ArrayList<>();
    for (int w = 0; w < windows; w++) {
      double s = share.applyAsDouble(w);
      for (int i = 0; i < 1000; i++) {
        double common = random.nextGaussian();
        ObjectNode e = JSON.createObjectNode().put("type", "embedding").put("model", "trend")
            .put("timestamp", T0 + w * HOUR + i * 3000L);
        ArrayNode v = e.putArray("vector");
        for (int j = 0; j < 8; j++) {
          v.add((float) (Math.sqrt(s) * common + Math.sqrt(1 - s) * random.nextGaussian()));
        }
        lines.add(e.toString());
      }
    }
    Path input = tmp.resolve("series-" + seed + ".jsonl");
    Files.write(input, lines);
    Path out = tmp.resolve("out-" + seed);
    new Replay(FeaturemonConfig.load(Map.of(FeaturemonConfig.WINDOW_SIZE, "1h", FeaturemonConfig.ALERT_DRIFT, "false",
        FeaturemonConfig.ALERT_MEAN_ABS_CORR_ABOVE, "0.99"), null, Map.of())).run(input, out, n -> {});
    List<JsonNode> alerts = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve(Replay.ALERTS_FILE))) {
      alerts.add(JSON.readTree(line));
    }
    return alerts;
  }

  @Test
  void slowlyClimbingRedundancyFiresTheTrendRuleOnceAndResolvesAfterTheClimbStops() throws Exception {
    int climbStart = 10;
    int climbEnd = climbStart + 12;
    List<JsonNode> alerts = replay(40, w -> 0.2 + 0.02 * Math.max(0, Math.min(w, climbEnd) - climbStart), 7);
    List<JsonNode> firing = alerts.stream().filter(a -> a.get("status").asText().equals("firing")).toList();
    List<JsonNode> resolved = alerts.stream().filter(a -> a.get("status").asText().equals("resolved")).toList();
    assertThat(firing).hasSize(1);
    assertThat(firing.get(0).get("rule").asText()).isEqualTo("RedundancyClimbing");
    long firedInWindow = (firing.get(0).get("windowStart").asLong() - T0) / HOUR;
    assertThat(firedInWindow).as("window the rule fired in").isBetween((long) climbStart + 1, (long) climbStart + 10);
    assertThat(resolved).hasSize(1);
    long resolvedInWindow = (resolved.get(0).get("windowStart").asLong() - T0) / HOUR;
    assertThat(resolvedInWindow).as("window it resolved in").isGreaterThan(climbEnd).isLessThan(40);
    assertThat(resolved.get(0).get("fingerprint").asText()).isEqualTo(firing.get(0).get("fingerprint").asText());
  }

  @Test
  void aFlatNoisySeriesNeverFires() throws Exception {
    for (long seed = 1; seed <= 3; seed++) {
      assertThat(replay(60, w -> 0.2, seed)).as("alerts for seed %d", seed).isEmpty();
    }
  }
}
