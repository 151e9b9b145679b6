package io.featuremon.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.replay.Replay;
import io.featuremon.stats.scoring.Alarm;
import io.featuremon.stats.scoring.Incident;
import io.featuremon.stats.scoring.ScoringOptions;
import io.featuremon.stats.scoring.ScoringTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Report inputs: real replays of the test data sets, their incidents and scoring tables. */
final class ReportFixtures {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path DATA = Path.of("src/test/resources/data");
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z, the MiniLM file's first event
  static final long MINUTE = 60_000L;
  static final long DAY = 86_400_000L;

  /** A replay's output directory with the report's other inputs. */
  record Run(Path dir, List<Incident> incidents, List<ScoringTable.Row> scoring) {}

  private ReportFixtures() {}

  /**
   * The MiniLM embeddings (500 "utils" then 500 "net" sentences over two hours) in 15-minute windows, the switch
   * at 01:00 labelled as an incident, and a what-if rule set (the run's own alerts under another set name: the
   * page must show a second set, and which alerts it holds does not matter here).
   */
  static Run minilm(Path tmp) throws IOException {
    Path dir = replay(tmp.resolve("minilm"), "minilm-utils-then-net.jsonl", "15m");
    Files.createDirectories(dir.resolve(HtmlReport.WHAT_IF_DIR));
    Files.writeString(dir.resolve(HtmlReport.WHAT_IF_DIR).resolve("lenient.alerts.jsonl"),
        Files.readString(dir.resolve(Replay.ALERTS_FILE)));
    List<Incident> incidents = List.of(
        new Incident("minilm-debian", null, T0 + 60 * MINUTE, T0 + 75 * MINUTE, "utils → net"),
        Incident.at("minilm-debian", T0 + 105 * MINUTE));
    return new Run(dir, incidents, scoring(dir, incidents, 15 * MINUTE));
  }

  /** The US macro data (quarterly, 1959-2009, replayed on a daily clock) in 40-day windows. */
  static Run macro(Path tmp) throws IOException {
    Path dir = replay(tmp.resolve("macro"), "macrodata.jsonl", "40d");
    List<Incident> incidents = List.of(new Incident("us-macro", null, 1_776_384_000_000L, 1_779_840_000_000L,
        "regime change"));
    return new Run(dir, incidents, scoring(dir, incidents, 40 * DAY));
  }

  static Path replay(Path out, String data, String window) throws IOException {
    new Replay(FeaturemonConfig.load(Map.of(FeaturemonConfig.WINDOW_SIZE, window), null, Map.of()))
        .run(DATA.resolve(data), out, n -> {});
    return out;
  }

  /** The scoring table featuremon score prints for this directory and its what-if sets. */
  static List<ScoringTable.Row> scoring(Path dir, List<Incident> incidents, long windowMs) throws IOException {
    Map<String, Map<String, List<Alarm>>> alarms = new LinkedHashMap<>();
    alarms.put(dir.getFileName().toString(), firings(dir.resolve(Replay.ALERTS_FILE)));
    Path whatIf = dir.resolve(HtmlReport.WHAT_IF_DIR);
    if (Files.isDirectory(whatIf)) {
      try (var files = Files.list(whatIf)) {
        for (Path f : files.sorted().toList()) {
          alarms.put(f.getFileName().toString().replace(".alerts.jsonl", ""), firings(f));
        }
      }
    }
    List<Alarm> evaluations = new ArrayList<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (JsonNode s : read(dir.resolve(Replay.WINDOW_STATS_FILE))) {
      evaluations.add(new Alarm(s.get("model").asText(), null, s.get("windowEnd").asLong()));
      first = Math.min(first, s.get("windowStart").asLong());
      last = Math.max(last, s.get("windowEnd").asLong());
    }
    return ScoringTable.rows(alarms, incidents, evaluations,
        new ScoringOptions(2 * windowMs, 0, windowMs, last - first));
  }

  private static Map<String, List<Alarm>> firings(Path alerts) throws IOException {
    Map<String, LinkedHashSet<Alarm>> byRule = new TreeMap<>();
    for (JsonNode a : read(alerts)) {
      if ("firing".equals(a.get("status").asText())) {
        byRule.computeIfAbsent(a.get("rule").asText(), r -> new LinkedHashSet<>())
            .add(new Alarm(a.get("model").asText(), null, a.get("startsAt").asLong()));
      }
    }
    Map<String, List<Alarm>> out = new LinkedHashMap<>();
    byRule.forEach((rule, set) -> out.put(rule, List.copyOf(set)));
    return out;
  }

  static List<JsonNode> read(Path jsonl) throws IOException {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : Files.readAllLines(jsonl)) {
      if (!line.isBlank()) {
        nodes.add(JSON.readTree(line));
      }
    }
    return nodes;
  }
}
