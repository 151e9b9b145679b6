package io.featuremon.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featuremon.backtest.IncidentsFile;
import io.featuremon.backtest.Scorecard;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.replay.Replay;
import io.featuremon.stats.scoring.Incident;
import io.featuremon.stats.scoring.ScoringTable;
import io.featuremon.topology.WhatIfRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

  /** The worked example of the README's "Backtest your alert rules": rule files and incidents in docs/. */
  static final Path EXAMPLE = Path.of("../docs/examples/backtest");

  /**
   * The README's worked example: the MiniLM embeddings (500 "utils" then 500 "net" descriptions over two hours) in
   * 10-minute windows under the built-in rules, with the two what-if rule sets of docs/examples/backtest, scored
   * against the switch at 01:00 (the example's incidents file). Its screenshot is the README's.
   */
  static Run minilm(Path tmp) throws IOException {
    Path dir = tmp.resolve("minilm");
    new Replay(FeaturemonConfig.load(Map.of(FeaturemonConfig.WINDOW_SIZE, "10m"), null, Map.of()),
        WhatIfRules.load(List.of(EXAMPLE.resolve("sensitive.yaml"), EXAMPLE.resolve("centroid.yaml"))))
        .run(DATA.resolve("minilm-utils-then-net.jsonl"), dir, n -> {});
    List<Incident> incidents = IncidentsFile.read(EXAMPLE.resolve("minilm-incidents.csv"));
    return new Run(dir, incidents, scoring(dir, incidents));
  }

  /** The US macro data (quarterly, 1959-2009, replayed on a daily clock) in 40-day windows; a point incident too. */
  static Run macro(Path tmp) throws IOException {
    Path dir = replay(tmp.resolve("macro"), "macrodata.jsonl", "40d");
    List<Incident> incidents = List.of(new Incident("us-macro", null, 1_776_384_000_000L, 1_779_840_000_000L,
        "regime change"), Incident.at("us-macro", 1_781_000_000_000L));
    return new Run(dir, incidents, scoring(dir, incidents));
  }

  static Path replay(Path out, String data, String window) throws IOException {
    new Replay(FeaturemonConfig.load(Map.of(FeaturemonConfig.WINDOW_SIZE, window), null, Map.of()))
        .run(DATA.resolve(data), out, n -> {});
    return out;
  }

  /** The scoring table featuremon score prints for this directory and its what-if sets. */
  static List<ScoringTable.Row> scoring(Path dir, List<Incident> incidents) throws IOException {
    Scorecard card = Scorecard.read(List.of(dir));
    return card.rows(incidents, card.options(null, 0));
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
