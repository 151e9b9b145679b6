package io.featuremon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * A tabular model whose features are all categorical has no numeric part (d = 0): its windows once died in the
 * fold ("batch holds 0 values, need 20 × 0"), which live would have stopped the stream thread. It must be monitored
 * like any other: counts, categorical associations and clusters, quality, a mask that drops a categorical copy and
 * categorical drift, with the numeric parts empty (d' = 0: fretL1 0, effectiveRank 0); the same through the merge
 * stage; and the opposite edges, a numeric model with an event whose numeric values are all null and an event with
 * no features at all, keep working.
 */
class AllCategoricalReplayTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long T0 = 1_767_225_600_000L;
  private static final List<String> OUTPUTS = List.of(Replay.WINDOW_STATS_FILE, Replay.MASKS_FILE, Replay.ALERTS_FILE,
      Replay.DEAD_LETTERS_FILE);

  @TempDir
  Path tmp;

  /** Small folds (20 rows) as well as the default: panes fold while events arrive and again at the window close. */
  @Test
  void anAllCategoricalModelIsMonitoredOverTwoWindows() throws Exception {
    Path input = allCategorical();
    for (String batch : List.of("20", "256")) {
      Map<String, String> settings = Map.of(FeaturemonConfig.WINDOW_SIZE, "1h", FeaturemonConfig.FOLD_BATCH_SIZE, batch);
      Path a = tmp.resolve("a-" + batch);
      Path b = tmp.resolve("b-" + batch);
      new Replay(FeaturemonConfig.load(settings, null, Map.of())).run(input, a, n -> {});
      new Replay(FeaturemonConfig.load(settings, null, Map.of())).run(input, b, n -> {});
      for (String f : OUTPUTS) {
        assertThat(Files.readAllBytes(b.resolve(f))).as("%s, batch %s", f, batch)
            .isEqualTo(Files.readAllBytes(a.resolve(f)));
      }
      assertThat(Files.readString(a.resolve(Replay.DEAD_LETTERS_FILE))).as("dead letters").isEmpty();

      List<JsonNode> windows = lines(a.resolve(Replay.WINDOW_STATS_FILE));
      assertThat(windows).hasSize(2);
      for (JsonNode w : windows) {
        assertThat(w.get("error").isNull()).as("error").isTrue();
        assertThat(w.get("count").asLong()).isEqualTo(150);
        assertThat(w.get("incomplete").asLong()).isZero();
        assertThat(w.get("dimensions").asInt()).isZero();
        JsonNode redundancy = w.get("redundancy");
        assertThat(redundancy.get("nonConstant").asInt()).isZero();
        assertThat(redundancy.get("fretL1").asDouble()).isZero();
        assertThat(redundancy.get("effectiveRank").asDouble()).isZero();
        assertThat(redundancy.get("pairs")).isEmpty();
        assertThat(redundancy.get("associations").toString()).contains(
            "{\"a\":\"city\",\"b\":\"city_code\",\"value\":1.0,\"measure\":\"ami\"}");
        assertThat(redundancy.get("clusters").toString()).contains("\"members\":[\"city\",\"city_code\"]");
        JsonNode missing = w.get("quality").get("missingRate");
        assertThat(missing.fieldNames()).toIterable().containsExactly("channel", "city", "city_code", "country");
      }
      assertThat(windows.get(0).get("quality").get("missingRate").get("channel").asDouble()).isEqualTo(15.0 / 150);
      // The first window became the reference: the second has drift, for categorical features only.
      JsonNode drift = windows.get(1).get("drift");
      assertThat(drift.isNull()).isFalse();
      assertThat(drift.get("referenceCount").asLong()).isEqualTo(150);
      assertThat(drift.get("features").fieldNames()).toIterable()
          .containsExactly("channel", "city", "city_code", "country");
      assertThat(drift.get("features").get("country").get("psi").isNull()).isFalse();

      List<JsonNode> masks = lines(a.resolve(Replay.MASKS_FILE));
      assertThat(masks).hasSize(1);
      assertThat(masks.get(0).get("kept").toString()).isEqualTo("[\"channel\",\"city\",\"country\"]");
      JsonNode dropped = masks.get(0).get("dropped");
      assertThat(dropped).hasSize(1);
      assertThat(dropped.get(0).get("feature").asText()).isEqualTo("city_code");
      assertThat(dropped.get(0).get("reason").asText()).isEqualTo("redundant");
      assertThat(dropped.get(0).get("redundantWith").asText()).isEqualTo("city");
    }
  }

  /** The merge stage (input.spread.partitions) over one partition reports exactly what the window stage does. */
  @Test
  void anAllCategoricalModelGivesTheSameBytesThroughTheMergeStage() throws Exception {
    Path input = allCategorical();
    Map<String, String> settings = Map.of(FeaturemonConfig.WINDOW_SIZE, "1h", FeaturemonConfig.FOLD_BATCH_SIZE, "20");
    Map<String, String> spread = new HashMap<>(settings);
    spread.put(FeaturemonConfig.INPUT_SPREAD_PARTITIONS, "1");
    Path direct = tmp.resolve("direct");
    Path merged = tmp.resolve("merged");
    new Replay(FeaturemonConfig.load(settings, null, Map.of())).run(input, direct, n -> {});
    new Replay(FeaturemonConfig.load(spread, null, Map.of())).run(input, merged, n -> {});
    assertThat(lines(direct.resolve(Replay.WINDOW_STATS_FILE))).hasSize(2);
    assertThat(lines(direct.resolve(Replay.MASKS_FILE))).hasSize(1);
    for (String f : OUTPUTS) {
      assertThat(Files.readString(merged.resolve(f))).as(f).isEqualTo(Files.readString(direct.resolve(f)));
    }
  }

  /**
   * The other references of an all-categorical model: a profile of its first hour and a configured reference range
   * over the first hour give the second window the same categorical drift as the first window does.
   */
  @Test
  void aProfileAndAReferenceRangeGiveTheSameDriftAsTheFirstWindow() throws Exception {
    Path input = allCategorical();
    List<String> lines = Files.readAllLines(input);
    Path firstHour = tmp.resolve("first-hour.jsonl");
    Files.write(firstHour, lines.subList(0, 150));
    Path profile = tmp.resolve("reference.profile");
    Replay.profile(FeaturemonConfig.load(Map.of(), null, Map.of()), firstHour, profile, n -> {});

    JsonNode fromWindow = secondWindowDrift(Map.of(), input);
    JsonNode fromProfile = secondWindowDrift(Map.of(FeaturemonConfig.REFERENCE_MODE, "profile",
        FeaturemonConfig.REFERENCE_PROFILE, profile.toString()), input);
    JsonNode fromRange = secondWindowDrift(Map.of(FeaturemonConfig.REFERENCE_FROM, "2026-01-01T00:00:00Z",
        FeaturemonConfig.REFERENCE_TO, "2026-01-01T01:00:00Z"), input);
    assertThat(fromProfile.get("referenceMode").asText()).isEqualTo("profile");
    assertThat(fromWindow.get("features").size()).isEqualTo(4);
    assertThat(fromProfile.get("features")).isEqualTo(fromWindow.get("features"));
    assertThat(fromRange.get("features")).isEqualTo(fromWindow.get("features"));
    assertThat(fromRange.get("referenceCount").asLong()).isEqualTo(150);
    assertThat(fromProfile.get("referenceCount").asLong()).isEqualTo(150);
  }

  /**
   * A model of categorical features only keeps d = 0 whatever features it has: when a new one comes (a_new, first in
   * name order), the reference of the old features is not compared by position with the new ones (a_new against
   * city, city against country, all "drifted"); the first window of the new shape becomes the reference.
   */
  @Test
  void aNewCategoricalFeatureStartsANewReference() throws Exception {
    Random random = new Random(5);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String country = random.nextBoolean() ? "DE" : "FR";
      String features = "\"country\":\"" + country + "\",\"city\":\"" + (random.nextBoolean() ? "x" : "y") + country
          + "\"" + (i >= 100 ? ",\"a_new\":\"" + "pqrst".charAt(random.nextInt(5)) + "\"" : "");
      lines.add(event("m", T0 + i * 36_000L, features));
    }
    Path input = tmp.resolve("new-feature.jsonl");
    Files.write(input, lines);
    Path out = tmp.resolve("new-feature");
    new Replay(FeaturemonConfig.load(Map.of(FeaturemonConfig.WINDOW_SIZE, "1h"), null, Map.of())).run(input, out, n -> {});
    List<JsonNode> windows = lines(out.resolve(Replay.WINDOW_STATS_FILE));
    assertThat(windows).hasSize(3);
    assertThat(windows.get(1).get("quality").get("missingRate").fieldNames()).toIterable()
        .containsExactly("a_new", "city", "country");
    assertThat(windows.get(1).get("drift").isNull()).as("no reference of this shape yet").isTrue();
    JsonNode drift = windows.get(2).get("drift");
    assertThat(drift.get("referenceStart").asLong()).isEqualTo(T0 + 3_600_000L);
    assertThat(drift.get("features").fieldNames()).toIterable().containsExactly("a_new", "city", "country");
    assertThat(Files.readString(out.resolve(Replay.ALERTS_FILE))).as("no drift alert from misaligned features")
        .doesNotContain("\"drifted\"");
    assertThat(drift.get("features").get("city").get("drifted").asBoolean()).isFalse();
  }

  private JsonNode secondWindowDrift(Map<String, String> extra, Path input) throws Exception {
    Map<String, String> settings = new HashMap<>(extra);
    settings.put(FeaturemonConfig.WINDOW_SIZE, "1h");
    Path out = Files.createTempDirectory(tmp, "drift");
    new Replay(FeaturemonConfig.load(settings, null, Map.of())).run(input, out, n -> {});
    assertThat(Files.readString(out.resolve(Replay.DEAD_LETTERS_FILE))).isEmpty();
    List<JsonNode> windows = lines(out.resolve(Replay.WINDOW_STATS_FILE));
    assertThat(windows).hasSize(2);
    return windows.get(1).get("drift");
  }

  /**
   * The opposite edges: a numeric model with one event whose numeric values are all null (counted as incomplete,
   * also as the model's very first event), and an event with no features (a dead letter, "no features").
   */
  @Test
  void allNullNumericValuesAndNoFeaturesKeepTheirMeaning() throws Exception {
    Random random = new Random(3);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String features;
      if (i == 0 || i == 30) {
        features = "\"x\":null,\"y\":null";
      } else if (i == 40) {
        features = "";
      } else {
        double x = random.nextGaussian();
        features = "\"x\":" + x + ",\"y\":" + (2 * x + 0.1 * random.nextGaussian());
      }
      lines.add(event("n", T0 + i * 72_000L, features));
    }
    Path input = tmp.resolve("nulls.jsonl");
    Files.write(input, lines);
    for (String spread : List.of("0", "1")) {
      Map<String, String> settings = Map.of(FeaturemonConfig.WINDOW_SIZE, "1h", FeaturemonConfig.FOLD_BATCH_SIZE, "20",
          FeaturemonConfig.INPUT_SPREAD_PARTITIONS, spread);
      Path out = tmp.resolve("nulls-" + spread);
      new Replay(FeaturemonConfig.load(settings, null, Map.of())).run(input, out, n -> {});
      List<JsonNode> windows = lines(out.resolve(Replay.WINDOW_STATS_FILE));
      assertThat(windows).as("spread %s", spread).hasSize(2);
      assertThat(windows.get(0).get("count").asLong()).isEqualTo(49);
      assertThat(windows.get(0).get("incomplete").asLong()).isEqualTo(2);
      assertThat(windows.get(0).get("dimensions").asInt()).isEqualTo(2);
      // Only the later one counts as missing x: before any schema, a row with nulls is counted as incomplete only
      // (WindowProcessor.route: a null says nothing about a feature's type).
      assertThat(windows.get(0).get("quality").get("missingRate").get("x").asDouble()).isEqualTo(1.0 / 49);
      assertThat(windows.get(1).get("count").asLong()).isEqualTo(50);
      List<JsonNode> dead = lines(out.resolve(Replay.DEAD_LETTERS_FILE));
      assertThat(dead).hasSize(1);
      assertThat(dead.get(0).get("reason").asText()).isEqualTo("no features");
      assertThat(dead.get(0).get("line").asLong()).isEqualTo(41);
    }
  }

  /**
   * 300 events over two hours: country (5 values), city (two per country), city_code (city renamed: a copy the mask
   * must drop) and channel (independent, missing in every tenth event).
   */
  private Path allCategorical() throws Exception {
    Random random = new Random(11);
    String[] countries = {"DE", "FR", "IT", "ES", "PL"};
    String[][] cities = {{"berlin", "munich"}, {"paris", "lyon"}, {"rome", "milan"}, {"madrid", "bilbao"},
        {"warsaw", "krakow"}};
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      int c = random.nextInt(countries.length);
      String city = cities[c][random.nextInt(2)];
      String channel = i % 10 == 3 ? "null" : "\"" + (random.nextBoolean() ? "web" : "app") + "\"";
      lines.add(event("m", T0 + i * 24_000L, "\"country\":\"" + countries[c] + "\",\"city\":\"" + city
          + "\",\"city_code\":\"" + city.toUpperCase(java.util.Locale.ROOT).substring(0, 3) + c + "\",\"channel\":"
          + channel));
    }
    Path input = tmp.resolve("all-categorical.jsonl");
    Files.write(input, lines);
    return input;
  }

  private static String event(String model, long time, String features) {
    return "{\"type\":\"features\",\"model\":\"" + model + "\",\"timestamp\":" + time + ",\"features\":{" + features
        + "}}";
  }

  private static List<JsonNode> lines(Path file) throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      nodes.add(JSON.readTree(line));
    }
    return nodes;
  }
}
