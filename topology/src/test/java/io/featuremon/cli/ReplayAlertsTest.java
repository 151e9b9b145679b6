package io.featuremon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerts {@code replay} writes and prints explain themselves, with the numbers of the window they came from;
 * and a stable window shows no share that looks like an alarm.
 */
class ReplayAlertsTest {
  static final Path DATA = Path.of("src", "test", "resources", "data");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  private List<JsonNode> read(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  /** The number after {@code label} in {@code text} (annotations print 4 significant digits). */
  private static double numberAfter(String text, String label) {
    Matcher m = Pattern.compile(Pattern.quote(label) + " (-?[0-9.]+(?:e[-+]?[0-9]+)?)").matcher(text);
    assertThat(m.find()).as("\"%s\" followed by a number in: %s", label, text).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static void assertShown(String text, String label, double value) {
    assertThat(numberAfter(text, label)).as("%s in %s", label, text).isCloseTo(value, within(5e-4 * Math.abs(value)
        + 1e-12));
  }

  private static String rfc3339(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  private CliRun replay(Path input, String out, String... settings) {
    List<String> args = new ArrayList<>(List.of("replay", "--input", input.toString(), "--out",
        tmp.resolve(out).toString()));
    for (String s : settings) {
      args.add("--set");
      args.add(s);
    }
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertThat(run.exit()).as(run.err()).isZero();
    return run;
  }

  @Test
  void aRedundancyAndAFeatureDriftAlertCarryTheirWindowsNumbersAndAreReplayedByteForByte() throws Exception {
    Path macro = DATA.resolve("macrodata.jsonl");
    CliRun run = replay(macro, "a", "window.size=40d");
    CliRun again = replay(macro, "b", "window.size=40d");
    List<JsonNode> alerts = read(tmp.resolve("a").resolve("alerts.jsonl"));
    Map<Long, JsonNode> windows = new HashMap<>();
    read(tmp.resolve("a").resolve("window-stats.jsonl")).forEach(w -> windows.put(w.get("windowEnd").asLong(), w));

    assertThat(Files.readAllBytes(tmp.resolve("b").resolve("alerts.jsonl")))
        .isEqualTo(Files.readAllBytes(tmp.resolve("a").resolve("alerts.jsonl")));
    assertThat(again.out().substring(again.out().indexOf("\nalerts")))
        .isEqualTo(run.out().substring(run.out().indexOf("\nalerts")));

    JsonNode redundancy = alerts.stream().filter(a -> a.get("rule").asText().equals("RedundancyMeanAbsCorrHigh")
        && a.get("status").asText().equals("firing")).findFirst().orElseThrow();
    JsonNode window = windows.get(redundancy.get("windowEnd").asLong());
    String summary = redundancy.get("annotations").get("summary").asText();
    String description = redundancy.get("annotations").get("description").asText();
    assertShown(summary, "redundancy.meanAbsCorr =", window.get("redundancy").get("meanAbsCorr").asDouble());
    assertShown(summary, "threshold", redundancy.get("threshold").asDouble());
    assertShown(summary, "meanSqCorr", window.get("redundancy").get("meanSqCorr").asDouble());
    JsonNode pair = window.get("redundancy").get("pairs").get(0);
    assertShown(description, pair.get("a").asText() + "~" + pair.get("b").asText() + " ρ",
        pair.get("corr").asDouble());
    assertThat(description).contains("[" + rfc3339(window.get("windowStart").asLong()) + ", "
        + rfc3339(window.get("windowEnd").asLong()) + ") of " + window.get("count").asLong() + " events");

    List<JsonNode> drifts = alerts.stream().filter(a -> a.get("rule").asText().equals("FeatureDrift")
        && a.get("status").asText().equals("firing")).toList();
    assertThat(drifts).isNotEmpty();
    for (JsonNode alert : drifts) {
      String feature = alert.get("labels").get("feature").asText();
      JsonNode drift = windows.get(alert.get("windowEnd").asLong()).get("drift");
      JsonNode stats = drift.get("features").get(feature);
      String s = alert.get("annotations").get("summary").asText();
      assertThat(s).contains("feature=" + feature, "drifted = true").doesNotContain("threshold 1");
      assertShown(s, "KS", stats.get("ks").asDouble());
      assertShown(s, "W1/σ", stats.get("wasserstein").asDouble());
      assertShown(s, "PSI", stats.get("psi").asDouble());
      long driftedFeatures = 0;
      for (JsonNode f : drift.get("features")) {
        driftedFeatures += f.get("drifted").asBoolean() ? 1 : 0;
      }
      assertThat(alert.get("annotations").get("description").asText()).contains(
          "against the reference window [" + rfc3339(drift.get("referenceStart").asLong()) + ", "
              + rfc3339(drift.get("referenceEnd").asLong()) + ") of " + drift.get("referenceCount").asLong()
              + " events",
          "Drifted: " + driftedFeatures + " of " + drift.get("features").size() + " features");
    }

    for (JsonNode alert : alerts) {
      assertThat(alert.get("labels").has("value")).isFalse();
      String starts = alert.get("startsAtRfc3339").asText();
      assertThat(starts).endsWith("Z");
      assertThat(OffsetDateTime.parse(starts).toInstant().toEpochMilli()).isEqualTo(alert.get("startsAt").asLong());
      if (alert.get("status").asText().equals("resolved")) {
        assertThat(OffsetDateTime.parse(alert.get("endsAtRfc3339").asText()).toInstant().toEpochMilli())
            .isEqualTo(alert.get("endsAt").asLong());
      } else {
        assertThat(alert.get("endsAtRfc3339").isNull()).isTrue();
      }
    }
    // Printed: each of the first alerts with its time, status, summary and description.
    assertThat(run.out()).contains("\nalerts:\n");
    for (JsonNode alert : alerts.subList(0, Math.min(ReplayCommand.ALERTS_SHOWN, alerts.size()))) {
      String time = alert.get("endsAtRfc3339").isNull() ? alert.get("startsAtRfc3339").asText()
          : alert.get("endsAtRfc3339").asText();
      assertThat(run.out()).contains("  " + time + " " + String.format(Locale.ROOT, "%-8s",
          alert.get("status").asText().toUpperCase(Locale.ROOT)) + " " + alert.get("annotations").get("summary")
          .asText() + " [" + alert.get("fingerprint").asText() + "]\n")
          .contains(alert.get("annotations").get("description").asText());
    }
  }

  @Test
  void anEmbeddingDriftAlertNamesItsDriftedShareAndTopDimension() throws Exception {
    replay(DATA.resolve("minilm-utils-then-net.jsonl"), "m", "window.size=1h");
    List<JsonNode> alerts = read(tmp.resolve("m").resolve("alerts.jsonl"));
    List<JsonNode> windows = read(tmp.resolve("m").resolve("window-stats.jsonl"));

    JsonNode alert = alerts.stream().filter(a -> a.get("rule").asText().equals("EmbeddingDrift")).findFirst()
        .orElseThrow();
    JsonNode embedding = windows.stream().filter(w -> w.get("windowEnd").equals(alert.get("windowEnd")))
        .findFirst().orElseThrow().get("drift").get("embedding");
    String summary = alert.get("annotations").get("summary").asText();
    assertShown(summary, "driftedShare", embedding.get("driftedShare").asDouble());
    assertShown(summary, "centroid cosine distance", embedding.get("centroidCosine").asDouble());
    JsonNode top = embedding.get("topDimensions").get(0);
    assertShown(alert.get("annotations").get("description").asText(), "dimension " + top.get("dimension").asInt()
        + " (W1/σ", top.get("wasserstein").asDouble());
  }

  @Test
  void aStableWindowShowsNoShareThatLooksLikeAnAlarm() throws Exception {
    // Stationary generated data: an embedding and a tabular model, three hours of the same distributions.
    Random random = new Random(7);
    List<String> lines = new ArrayList<>();
    long t0 = 1_767_225_600_000L;
    String[] cities = {"Berlin", "Lyon", "Porto", "Graz", "Turin"};
    for (int i = 0; i < 3 * 300; i++) {
      long t = t0 + i * 12_000L;   // 300 events an hour
      StringBuilder v = new StringBuilder();
      for (int j = 0; j < 24; j++) {
        v.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", j * 0.1 + random.nextGaussian()));
      }
      lines.add("{\"type\":\"embedding\",\"model\":\"stable-encoder\",\"timestamp\":" + t + ",\"vector\":[" + v
          + "]}");
      lines.add(String.format(Locale.ROOT, "{\"type\":\"features\",\"model\":\"stable-tabular\",\"timestamp\":%d,"
          + "\"features\":{\"age\":%.3f,\"income\":%.2f,\"city\":\"%s\"}}", t, 40 + 12 * random.nextGaussian(),
          Math.exp(10 + 0.5 * random.nextGaussian()), cities[random.nextInt(cities.length)]));
    }
    Path input = tmp.resolve("stable.jsonl");
    Files.write(input, lines);

    replay(input, "s", "window.size=1h");

    int compared = 0;
    for (JsonNode w : read(tmp.resolve("s").resolve("window-stats.jsonl"))) {
      if (w.get("drift").isNull()) {
        continue;
      }
      compared++;
      List<String> shares = new ArrayList<>();
      collectShares(w.get("drift"), "drift", shares, w);
      if (w.get("type").asText().equals("embedding")) {
        assertThat(shares).contains("drift.embedding.driftedShare");
        assertThat(w.get("drift").get("embedding").get("drifted").asBoolean()).isFalse();
      }
    }
    assertThat(compared).isEqualTo(4);   // two later windows of each model against the first
    assertThat(read(tmp.resolve("s").resolve("alerts.jsonl"))).noneMatch(a -> a.get("rule").asText()
        .equals("EmbeddingDrift"));
  }

  /** Every field named *Share under {@code node}: on stable data each must read far below the 0.2 alarm line. */
  private static void collectShares(JsonNode node, String path, List<String> found, JsonNode window) {
    node.properties().forEach(e -> {
      String p = path + "." + e.getKey();
      if (e.getKey().endsWith("Share") && e.getValue().isNumber()) {
        found.add(p);
        assertThat(e.getValue().asDouble()).as("%s in the stable window ending %s", p,
            rfc3339(window.get("windowEnd").asLong())).isLessThanOrEqualTo(0.1);
      } else if (e.getValue().isObject()) {
        collectShares(e.getValue(), p, found, window);
      }
    });
  }
}
