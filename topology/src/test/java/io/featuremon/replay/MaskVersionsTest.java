package io.featuremon.replay;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Random;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's measure of stable masks, at default settings: over 12 windows of stationary data with groups of
 * near-duplicate features the mask is published once (1 + the number of genuine structural changes, which is 0), and a
 * planted change (a copy appears, later disappears) changes the mask within {@code mask.stableWindows} windows.
 *
 * <p>Stationary real data: each window is a bootstrap resample of the same rows of a real data set (wine,
 * macrodata) or, for the MiniLM embeddings, a random half of the 500 "utils" rows, so every window has one
 * distribution and any change of mask is noise. Each test prints its row of the table in the closing note.
 */
class MaskVersionsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path DATA = Path.of("src/test/resources/data");
  static final long HOUR = 3_600_000L;
  static final long T0 = 1_767_225_600_000L;

  @TempDir
  Path tmp;

  /** Replays at default settings but 1 h windows and returns the published masks in order. */
  private List<JsonNode> masks(String name, List<String> lines) throws Exception {
    Path input = tmp.resolve(name + ".jsonl");
    Files.write(input, lines);
    Path out = tmp.resolve(name);
    Replay.Summary summary = new Replay(FeaturemonConfig.load(Map.of(FeaturemonConfig.WINDOW_SIZE, "1h"), null,
        Map.of())).run(input, out, n -> {});
    List<JsonNode> masks = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve(Replay.MASKS_FILE))) {
      masks.add(JSON.readTree(line));
    }
    System.out.printf("%-22s windows=%d versions=%d dropped per version=%s%n", name, summary.windows(), masks.size(),
        masks.stream().map(m -> m.get("dropped").size()).toList());
    return masks;
  }

  private static Map<String, String> dropped(JsonNode mask) {
    Map<String, String> byFeature = new HashMap<>();
    mask.get("dropped").forEach(d -> byFeature.put(d.get("feature").asText(), d.get("reason").asText()));
    return byFeature;
  }

  private static String features(String model, long time, Map<String, Object> features) {
    ObjectNode event = JSON.createObjectNode().put("type", "features").put("model", model).put("timestamp", time);
    event.set("features", JSON.valueToTree(features));
    return event.toString();
  }

  /**
   * A table with a noisy copy (ρ ≈ 0.999), a unit conversion (cm and inches), a derived measurement (BMI from
   * weight and height), an affine conversion with noise (°C, °F), a sum (total ≈ a + b), a renamed categorical copy
   * and independent features; {@code window -> copyOfB} decides whether "b2" copies b in that window.
   */
  private static List<String> table(int windows, IntFunction<Boolean> copyOfB, long seed) {
    Random random = new Random(seed);
    String[] cities = {"berlin", "paris", "rome", "madrid", "oslo"};
    List<String> lines = new ArrayList<>();
    for (int w = 0; w < windows; w++) {
      for (int i = 0; i < 500; i++) {
        double a = random.nextGaussian();
        double b = random.nextGaussian();
        double height = 170 + 10 * random.nextGaussian();
        double weight = 70 + 12 * random.nextGaussian() + 0.5 * (height - 170);
        double celsius = 15 + 8 * random.nextGaussian();
        String city = cities[random.nextInt(cities.length)];
        Map<String, Object> f = new HashMap<>();
        f.put("a", a);
        f.put("a_noisy", a + 0.05 * random.nextGaussian());
        f.put("b", b);
        f.put("b2", copyOfB.apply(w) ? b + 0.05 * random.nextGaussian() : random.nextGaussian());
        f.put("c", random.nextGaussian());
        f.put("total", a + b + 0.02 * random.nextGaussian());
        f.put("height_cm", height);
        f.put("height_in", height / 2.54);
        f.put("weight_kg", weight);
        f.put("bmi", weight / (height / 100) / (height / 100));
        f.put("temp_c", celsius);
        f.put("temp_f", 32 + 1.8 * celsius + 0.01 * random.nextGaussian());
        f.put("city", city);
        f.put("city_code", city.substring(0, 3).toUpperCase());
        f.put("channel", random.nextBoolean() ? "web" : "app");
        lines.add(features("generated", T0 + w * HOUR + i * 7_000L, f));
      }
    }
    return lines;
  }

  /** 12 windows, each a resample of the file's rows (with replacement, or a random half without), restamped. */
  private static List<String> resampled(String file, boolean bootstrap, long seed) throws Exception {
    List<String> all = Files.readAllLines(DATA.resolve(file)).stream().filter(l -> !l.isBlank())
        .collect(Collectors.toList());
    // without replacement: the "utils" hour of the MiniLM file, one domain
    List<String> rows = bootstrap ? all : all.subList(0, 500);
    Random random = new Random(seed);
    List<String> lines = new ArrayList<>();
    for (int w = 0; w < 12; w++) {
      List<String> window = new ArrayList<>(rows);
      if (bootstrap) {
        window.replaceAll(r -> rows.get(random.nextInt(rows.size())));
      } else {
        java.util.Collections.shuffle(window, random);
        window = window.subList(0, rows.size() / 2);
      }
      for (int i = 0; i < window.size(); i++) {
        ObjectNode event = (ObjectNode) JSON.readTree(window.get(i));
        event.put("timestamp", T0 + w * HOUR + i * (HOUR / window.size()));
        lines.add(event.toString());
      }
    }
    return lines;
  }

  @Test
  void aStationaryTableWithCopiesConversionsAndDerivedMeasurementsGetsOneMaskIn12Windows() throws Exception {
    List<JsonNode> masks = masks("generated", table(12, w -> false, 11));
    assertThat(masks).hasSize(1);
    Map<String, String> dropped = dropped(masks.get(0));
    // one member of each group: {a, a_noisy}, {temp_c, temp_f}, {city, city_code}, and the sum of a and b
    assertThat(dropped.keySet().stream().filter(f -> f.equals("a") || f.equals("a_noisy"))).hasSize(1);
    assertThat(dropped.keySet().stream().filter(f -> f.startsWith("temp_"))).hasSize(1);
    assertThat(dropped.keySet().stream().filter(f -> f.startsWith("city"))).hasSize(1);
    assertThat(dropped).doesNotContainKeys("b2", "c", "channel");
    assertThat(dropped.keySet().stream().filter(f -> f.equals("total") || f.equals("b") || f.startsWith("a")))
        .hasSize(2); // total = a + b: one of the three goes besides the noisy copy
  }

  @Test
  void bootstrapWindowsOfRealDataGetOneMaskIn12Windows() throws Exception {
    assertThat(masks("wine (bootstrap)", resampled("wine.jsonl", true, 5))).hasSize(1);
    assertThat(masks("macrodata (bootstrap)", resampled("macrodata.jsonl", true, 6))).hasSize(1);
    assertThat(masks("minilm utils (halves)", resampled("minilm-utils-then-net.jsonl", false, 7))).hasSize(1);
  }

  @Test
  void aPlantedCopyChangesTheMaskWithinStableWindowsWhenItAppearsAndWhenItDisappears() throws Exception {
    int stableWindows = FeaturemonConfig.load(Map.of(), null, Map.of()).stableWindows();
    // b2 is independent in windows 0-4, a copy of b in windows 5-10, independent again from window 11 on.
    List<JsonNode> masks = masks("planted copy", table(16, w -> w >= 5 && w <= 10, 12));
    assertThat(masks).hasSize(3);
    assertThat(dropped(masks.get(0))).doesNotContainKeys("b2");
    long appeared = (masks.get(1).get("windowStart").asLong() - T0) / HOUR;
    assertThat(appeared).isBetween(5L, 5L + stableWindows - 1);
    Map<String, String> during = dropped(masks.get(1));
    assertThat(during.containsKey("b") ^ during.containsKey("b2")).as("exactly one of b, b2 dropped").isTrue();
    long disappeared = (masks.get(2).get("windowStart").asLong() - T0) / HOUR;
    assertThat(disappeared).isBetween(11L, 11L + stableWindows - 1);
    assertThat(dropped(masks.get(2))).isEqualTo(dropped(masks.get(0)));
  }
}
