package io.featuremon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featuremon.config.FeaturemonConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replays of the real data in ../shared/data, checked against an independent numpy computation. */
class ReplayTest {
  static final Path DATA = Path.of("src/test/resources/data");
  static final Path ORACLE = Path.of("../scripts/oracle.py");

  @TempDir
  Path tmp;

  static FeaturemonConfig config(String windowSize) {
    return FeaturemonConfig.load(Map.of(FeaturemonConfig.WINDOW_SIZE, windowSize), null, Map.of());
  }

  /** Runs scripts/oracle.py and returns its report; fails the test with the report when it finds a mismatch. */
  static String oracle(Path input, Path out, long windowMs) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("python3", ORACLE.toString(), "--input", input.toString(), "--out", out.toString(),
        "--window-ms", Long.toString(windowMs), "--rtol", "1e-9").redirectErrorStream(true).start();
    String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(report).isZero();
    return report;
  }

  @Test
  void macrodataWith40DayWindowsMatchesNumpyOnAllMetricsAndMasks() throws Exception {
    Path out = tmp.resolve("macro");
    Replay.Summary s = new Replay(config("40d")).run(DATA.resolve("macrodata.jsonl"), out, n -> {});
    assertThat(s.events()).isEqualTo(203);
    assertThat(s.windows()).isEqualTo(6);
    assertThat(oracle(DATA.resolve("macrodata.jsonl"), out, 40L * 86_400_000)).contains("6 windows checked", "0 mismatches");
  }

  @Test
  void minilmEmbeddingsWithHourWindowsMatchNumpyOnAllMetricsAndMasks() throws Exception {
    Path out = tmp.resolve("minilm");
    Replay.Summary s = new Replay(config("1h")).run(DATA.resolve("minilm-utils-then-net.jsonl"), out, n -> {});
    assertThat(s.windows()).isEqualTo(2);
    assertThat(oracle(DATA.resolve("minilm-utils-then-net.jsonl"), out, 3_600_000)).contains("2 windows checked", "0 mismatches");
  }

  @Test
  void replayingTheSameFileTwiceGivesByteIdenticalOutputs() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    new Replay(config("1h")).run(DATA.resolve("wine.jsonl"), a, n -> {});
    new Replay(config("1h")).run(DATA.resolve("wine.jsonl"), b, n -> {});
    for (String f : List.of(Replay.WINDOW_STATS_FILE, Replay.MASKS_FILE, Replay.ALERTS_FILE, Replay.DEAD_LETTERS_FILE)) {
      assertThat(Files.readAllBytes(a.resolve(f))).as(f).isEqualTo(Files.readAllBytes(b.resolve(f)));
    }
    assertThat(Files.readAllLines(a.resolve(Replay.WINDOW_STATS_FILE))).hasSize(3);
  }

  @Test
  void everyBadLineIsADeadLetterWithItsReasonAndValidResultsAreUnchanged() throws Exception {
    List<String> clean = Files.readAllLines(DATA.resolve("macrodata.jsonl"));
    String first = clean.get(0);
    Map<String, String> bad = new HashMap<>();
    bad.put("{\"type\":\"features\",", "not JSON");
    bad.put("{\"type\":\"audio\",\"model\":\"us-macro\",\"timestamp\":1}", "unknown event type");
    bad.put(first.replace("\"model\":\"us-macro\",", ""), "missing model");
    bad.put(first.replaceFirst("\"timestamp\":\\d+", "\"timestamp\":-86400000"), "before 1970");
    bad.put(first.replaceFirst("\"timestamp\":(\\d+)", "\"timestamp\":1900000000000,\"ingestTime\":$1"), "more than PT1H after");
    bad.put(first.replaceFirst("\"realgdp\":[-0-9.eE]+", "\"realgdp\":NaN"), "is NaN");
    bad.put(first.replaceFirst("\"realgdp\":[-0-9.eE]+", "\"realgdp\":\"high\""), "got the string 'high'");
    bad.put(first.replaceFirst("\"features\":\\{", "\"features\":{\"brand_new\":1.0,"), "'brand_new' is not among");
    bad.put(first.replaceFirst("\"features\":\\{", "\"features\":{\"note\":\"" + "x".repeat(5000) + "\","), "exceeds input.max.record.bytes");
    bad.put("{\"type\":\"embedding\",\"model\":\"e\",\"timestamp\":1767225600000,\"vector\":[1,2,Infinity]}", "is Infinity");
    bad.put("{\"type\":\"embedding\",\"model\":\"e\",\"timestamp\":1767225600000,\"vector\":\"oops\"}", "must be an array");

    // The bad lines go early, inside the first window, so that no reason is masked by "late".
    List<String> noisy = new ArrayList<>(clean.subList(0, 3));
    List<String> badLines = new ArrayList<>(bad.keySet());
    badLines.sort(null);
    for (String line : badLines) {
      noisy.add(line);
      noisy.add(clean.get(noisy.size() - badLines.indexOf(line) - 1));
    }
    noisy.addAll(clean.subList(3 + badLines.size(), clean.size()));
    Path noisyFile = tmp.resolve("noisy.jsonl");
    Files.write(noisyFile, noisy);

    FeaturemonConfig config = FeaturemonConfig.load(Map.of(FeaturemonConfig.WINDOW_SIZE, "40d",
        FeaturemonConfig.INPUT_MAX_RECORD_BYTES, "4096"), null, Map.of());
    Path cleanOut = tmp.resolve("clean");
    Path noisyOut = tmp.resolve("noisy");
    new Replay(config).run(DATA.resolve("macrodata.jsonl"), cleanOut, n -> {});
    Replay.Summary s = new Replay(config).run(noisyFile, noisyOut, n -> {});

    for (String f : List.of(Replay.MASKS_FILE, Replay.ALERTS_FILE)) {
      assertThat(Files.readAllBytes(noisyOut.resolve(f))).as(f).isEqualTo(Files.readAllBytes(cleanOut.resolve(f)));
    }
    // Window statistics are the same but for their quality section, which counts the refused events.
    ObjectMapper json = new ObjectMapper();
    List<String> cleanStats = Files.readAllLines(cleanOut.resolve(Replay.WINDOW_STATS_FILE));
    List<String> noisyStats = Files.readAllLines(noisyOut.resolve(Replay.WINDOW_STATS_FILE));
    assertThat(noisyStats).hasSameSizeAs(cleanStats);
    long refused = 0;
    for (int i = 0; i < cleanStats.size(); i++) {
      ObjectNode cleanWindow = (ObjectNode) json.readTree(cleanStats.get(i));
      ObjectNode noisyWindow = (ObjectNode) json.readTree(noisyStats.get(i));
      JsonNode quality = noisyWindow.remove("quality");
      cleanWindow.remove("quality");
      assertThat(noisyWindow).isEqualTo(cleanWindow);
      for (JsonNode count : quality.get("rejected")) {
        refused += count.asLong();
      }
    }
    assertThat(refused).as("refused events counted in their windows' quality").isEqualTo(3); // NaN, string, new feature
    List<JsonNode> letters = new ArrayList<>();
    for (String line : Files.readAllLines(noisyOut.resolve(Replay.DEAD_LETTERS_FILE))) {
      letters.add(json.readTree(line));
    }
    assertThat(s.deadLetters()).isEqualTo(bad.size());
    for (Map.Entry<String, String> e : bad.entrySet()) {
      long line = noisy.indexOf(e.getKey()) + 1;
      JsonNode letter = letters.stream().filter(l -> l.path("line").asLong() == line).findFirst()
          .orElseThrow(() -> new AssertionError("no dead letter for line " + line + ": " + e.getValue()));
      assertThat(letter.get("reason").asText()).as("line %d", line).contains(e.getValue());
    }
  }
}
