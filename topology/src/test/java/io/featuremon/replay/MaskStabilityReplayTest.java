package io.featuremon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featuremon.config.FeaturemonConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Masks through the whole pipeline: hysteresis, publication on change only, versions counting changes. */
class MaskStabilityReplayTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long HOUR = 3_600_000L;

  @TempDir
  Path tmp;

  /** 12 hourly windows; "b" copies "a" in even windows only; "c" copies "a" from window 6 on. */
  private Path input() throws Exception {
    Random random = new Random(3);
    List<String> lines = new ArrayList<>();
    for (int w = 0; w < 12; w++) {
      for (int i = 0; i < 300; i++) {
        double a = random.nextGaussian();
        ObjectNode f = JSON.createObjectNode();
        f.put("a", a);
        f.put("b", w % 2 == 0 ? 2 * a + 1 : random.nextGaussian());
        f.put("c", w >= 6 ? -a : random.nextGaussian());
        f.put("d", random.nextGaussian());
        ObjectNode e = JSON.createObjectNode().put("type", "features").put("model", "m")
            .put("timestamp", 1_767_225_600_000L + w * HOUR + i * 10_000L);
        e.set("features", f);
        lines.add(e.toString());
      }
    }
    Path file = tmp.resolve("alternating.jsonl");
    Files.write(file, lines);
    return file;
  }

  private List<JsonNode> masks(Map<String, String> settings) throws Exception {
    Path out = tmp.resolve("out-" + settings.hashCode());
    new Replay(FeaturemonConfig.load(settings, null, Map.of())).run(input(), out, n -> {});
    List<JsonNode> masks = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve(Replay.MASKS_FILE))) {
      masks.add(JSON.readTree(line));
    }
    return masks;
  }

  @Test
  void featureRedundantInAlternatingWindowsKeepsItsFirstVerdictWithThreeStableWindows() throws Exception {
    List<JsonNode> masks = masks(Map.of(FeaturemonConfig.WINDOW_SIZE, "1h", FeaturemonConfig.MASK_STABLE_WINDOWS, "3"));
    // The first window has no mask before it, so its verdict stands: b (a copy of a there) is dropped, and the
    // alternation never holds for 3 windows, so b stays dropped.
    for (JsonNode mask : masks) {
      assertThat(mask.get("dropped").toString()).contains("\"b\"");
    }
    // Published twice: the first window, and when c had been a copy of a for 3 windows (window 8).
    assertThat(masks).extracting(m -> m.get("version").asLong()).containsExactly(1L, 2L);
    assertThat(masks.get(1).get("windowStart").asLong()).isEqualTo(1_767_225_600_000L + 8 * HOUR);
    assertThat(masks.get(1).get("dropped")).hasSize(2);
    assertThat(masks.get(1).get("dropped").toString()).containsAnyOf("\"feature\":\"a\"", "\"feature\":\"c\"");
  }

  @Test
  void withOneStableWindowTheMaskFollowsEveryWindowAndVersionsCountChanges() throws Exception {
    List<JsonNode> masks = masks(Map.of(FeaturemonConfig.WINDOW_SIZE, "1h", FeaturemonConfig.MASK_STABLE_WINDOWS, "1"));
    for (int i = 0; i < masks.size(); i++) {
      assertThat(masks.get(i).get("version").asLong()).isEqualTo(i + 1);
    }
    // b flips in and out every window until c joins a's group; each change is published once.
    assertThat(masks.size()).isBetween(6, 12);
    for (int i = 1; i < masks.size(); i++) {
      assertThat(masks.get(i).get("dropped")).isNotEqualTo(masks.get(i - 1).get("dropped"));
    }
  }
}
