package io.featuremon.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featuremon.config.FeaturemonConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hopping windows are kept as panes and merged when a window closes; merging is exact, so every hopping window must
 * equal a tumbling window over the same events. A tumbling window over [s, s + 1h) is obtained by shifting all
 * timestamps by −(s mod 1h), which moves the epoch-aligned tumbling grid onto s.
 */
class HoppingWindowsTest {
  static final long HOUR = 3_600_000L;
  static final long ADVANCE = 600_000L;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @Test
  void everyHoppingWindowEqualsTheTumblingWindowOverTheSameEvents() throws Exception {
    Path input = ReplayTest.DATA.resolve("minilm-utils-then-net.jsonl");
    Path hopOut = tmp.resolve("hop");
    new Replay(FeaturemonConfig.load(Map.of(FeaturemonConfig.WINDOW_SIZE, "1h", FeaturemonConfig.WINDOW_ADVANCE, "10m"),
        null, Map.of())).run(input, hopOut, n -> {});
    Map<Long, JsonNode> hopping = byStart(hopOut);
    assertThat(hopping).hasSize(17);

    List<String> lines = Files.readAllLines(input);
    Map<Long, JsonNode> tumbling = new HashMap<>();
    for (long offset = 0; offset < HOUR; offset += ADVANCE) {
      List<String> shifted = new ArrayList<>();
      for (String line : lines) {
        ObjectNode event = (ObjectNode) JSON.readTree(line);
        event.put("timestamp", event.get("timestamp").asLong() - offset);
        shifted.add(event.toString());
      }
      Path file = tmp.resolve("shifted-" + offset + ".jsonl");
      Files.write(file, shifted);
      Path out = tmp.resolve("tumbling-" + offset);
      new Replay(FeaturemonConfig.load(Map.of(FeaturemonConfig.WINDOW_SIZE, "1h"), null, Map.of())).run(file, out, n -> {});
      for (Map.Entry<Long, JsonNode> e : byStart(out).entrySet()) {
        tumbling.put(e.getKey() + offset, e.getValue());
      }
    }

    for (Map.Entry<Long, JsonNode> e : hopping.entrySet()) {
      JsonNode hop = e.getValue();
      JsonNode tum = tumbling.get(e.getKey());
      assertThat(tum).as("tumbling window at %d", e.getKey()).isNotNull();
      assertThat(hop.get("count").asLong()).isEqualTo(tum.get("count").asLong());
      for (String metric : List.of("fretL1", "meanAbsCorr", "meanSqCorr", "effectiveRank")) {
        double expected = tum.get("redundancy").get(metric).asDouble();
        assertThat(hop.get("redundancy").get(metric).asDouble()).as("%s of window %d", metric, e.getKey())
            .isCloseTo(expected, within(1e-9 * Math.abs(expected)));
      }
    }
  }

  private static Map<Long, JsonNode> byStart(Path out) throws Exception {
    Map<Long, JsonNode> windows = new HashMap<>();
    for (String line : Files.readAllLines(out.resolve(Replay.WINDOW_STATS_FILE))) {
      JsonNode node = JSON.readTree(line);
      windows.put(node.get("windowStart").asLong(), node);
    }
    return windows;
  }
}
