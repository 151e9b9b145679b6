package io.featuremon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.config.FeaturemonConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spread input ({@code input.spread.partitions}) keeps statistics per input partition and merges each window's
 * partials in a second stage. Over one partition the merge stage gets exactly one partial per window and shape, so
 * every output must be byte for byte what the window stage reports itself: statistics, drift, quality counts, masks,
 * alerts, dead letters and record order. (Several partitions need a real broker: {@code SpreadInputIT}.)
 */
class SpreadInputTest {
  @TempDir
  Path tmp;

  @Test
  void realDataGivesTheSameBytesWithAndWithoutTheMergeStage() throws Exception {
    sameBytes("wine", ReplayTest.DATA.resolve("wine.jsonl"), Map.of(FeaturemonConfig.WINDOW_SIZE, "1h"));
    sameBytes("macrodata", ReplayTest.DATA.resolve("macrodata.jsonl"), Map.of(FeaturemonConfig.WINDOW_SIZE, "30d",
        FeaturemonConfig.REFERENCE_MODE, "previous", FeaturemonConfig.ALERT_MEAN_ABS_CORR_ABOVE, "0.3"));
    sameBytes("minilm-hopping", ReplayTest.DATA.resolve("minilm-utils-then-net.jsonl"),
        Map.of(FeaturemonConfig.WINDOW_SIZE, "1h", FeaturemonConfig.WINDOW_ADVANCE, "10m"));
  }

  @Test
  void mixedTabularWithNullsAndLateEventsGivesTheSameBytes() throws Exception {
    Path input = mixed(false);
    sameBytes("mixed", input, Map.of(FeaturemonConfig.WINDOW_SIZE, "1h", FeaturemonConfig.WINDOW_ADVANCE, "20m",
        FeaturemonConfig.ALERT_MEAN_ABS_CORR_ABOVE, "0.2"));
  }

  /**
   * A schema change closes the windows that hold the old schema at once (WindowProcessor.flushShape); the merge
   * stage can report them only when every partition is past them, so around the change the reports come in
   * another order, and the mask, alert and reference state that follows differs. The same windows are reported.
   */
  @Test
  void aSchemaChangeReportsTheSameWindows() throws Exception {
    Path input = mixed(true);
    Map<String, String> settings = Map.of(FeaturemonConfig.WINDOW_SIZE, "1h", FeaturemonConfig.WINDOW_ADVANCE, "20m");
    Map<String, String> spread = new HashMap<>(settings);
    spread.put(FeaturemonConfig.INPUT_SPREAD_PARTITIONS, "1");
    Path direct = tmp.resolve("change-direct");
    Path merged = tmp.resolve("change-merged");
    new Replay(FeaturemonConfig.load(settings, null, Map.of())).run(input, direct, n -> {});
    new Replay(FeaturemonConfig.load(spread, null, Map.of())).run(input, merged, n -> {});
    assertThat(windows(merged)).isEqualTo(windows(direct)).hasSizeGreaterThan(100);
    assertThat(Files.readString(merged.resolve(Replay.DEAD_LETTERS_FILE)))
        .isEqualTo(Files.readString(direct.resolve(Replay.DEAD_LETTERS_FILE)));
  }

  /** (segment, start, dimensions, count) of every window reported, sorted. */
  private static List<String> windows(Path out) throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> windows = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve(Replay.WINDOW_STATS_FILE))) {
      var w = json.readTree(line);
      windows.add(w.get("segment").asText() + " " + w.get("windowStart").asLong() + " " + w.get("dimensions").asInt()
          + " " + w.get("count").asLong());
    }
    windows.sort(null);
    return windows;
  }

  private Path mixed(boolean schemaChange) throws Exception {
    Random random = new Random(7);
    List<String> lines = new ArrayList<>();
    long t0 = 1_767_225_600_000L;
    for (int i = 0; i < 3000; i++) {
      long time = t0 + i * 20_000L + (i % 97 == 0 ? -2 * 3_600_000L : 0); // some late events
      double x = random.nextGaussian();
      String color = List.of("red", "green", "blue", "teal").get(random.nextInt(4));
      StringBuilder features = new StringBuilder("\"x\":" + x + ",\"y\":" + (2 * x + random.nextGaussian()));
      features.append(",\"z\":").append(i % 50 == 0 ? "null" : String.valueOf(random.nextGaussian()));
      features.append(",\"color\":\"").append(color).append('"');
      if (schemaChange && i >= 2000) {
        features.append(",\"w\":").append(random.nextGaussian()); // the schema changes
      }
      lines.add("{\"type\":\"features\",\"model\":\"m\",\"segment\":\"" + (i % 3 == 0 ? "eu" : "us") + "\",\"timestamp\":"
          + time + ",\"id\":\"e" + i + "\",\"features\":{" + features + "}}");
    }
    Path input = tmp.resolve("mixed-" + schemaChange + ".jsonl");
    Files.write(input, lines);
    return input;
  }

  private void sameBytes(String name, Path input, Map<String, String> settings) throws Exception {
    Map<String, String> spread = new HashMap<>(settings);
    spread.put(FeaturemonConfig.INPUT_SPREAD_PARTITIONS, "1");
    Path direct = tmp.resolve(name + "-direct");
    Path merged = tmp.resolve(name + "-merged");
    new Replay(FeaturemonConfig.load(settings, null, Map.of())).run(input, direct, n -> {});
    new Replay(FeaturemonConfig.load(spread, null, Map.of())).run(input, merged, n -> {});
    assertThat(Files.readAllLines(direct.resolve(Replay.WINDOW_STATS_FILE))).as("%s: windows", name).isNotEmpty();
    for (String file : List.of(Replay.WINDOW_STATS_FILE, Replay.MASKS_FILE, Replay.ALERTS_FILE, Replay.DEAD_LETTERS_FILE)) {
      assertThat(Files.readString(merged.resolve(file))).as("%s: %s", name, file)
          .isEqualTo(Files.readString(direct.resolve(file)));
    }
  }
}
