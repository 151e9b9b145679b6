package io.featuremon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code featuremon score} over real replays of macrodata (40-day windows), scored against a labelled incident. */
class ScoreCommandTest {
  static final String MACRO = "src/test/resources/data/macrodata.jsonl";
  static final ObjectMapper JSON = new ObjectMapper();

  /** The columns of a table row, split on runs of two or more spaces. */
  static List<String> row(String table, String ruleSet, String rule) {
    return table.lines().map(l -> List.of(l.trim().split(" {2,}")))
        .filter(c -> c.size() > 2 && c.get(0).equals(ruleSet) && c.get(1).equals(rule)).findFirst().orElseThrow(
            () -> new AssertionError("no row " + ruleSet + " / " + rule + " in\n" + table));
  }

  @Test
  void twoRuleSetsAreScoredAgainstAnIncidentBesideBothBaselines(@TempDir Path dir) throws Exception {
    // Rule set "builtin": the default rules; "drift-only": one rule that fires on any drifted feature.
    assertThat(CliRun.of("replay", "--input", MACRO, "--out", dir.resolve("builtin").toString(),
        "--set", "window.size=40d").exit()).isZero();
    Path rules = dir.resolve("drift-only.yaml");
    Files.writeString(rules, "rules:\n  - name: AnyDrift\n    metric: drift.features.*.drifted\n"
        + "    level: {above: 0.5}\n");
    assertThat(CliRun.of("replay", "--input", MACRO, "--out", dir.resolve("drift-only").toString(),
        "--set", "window.size=40d", "--set", "alert.rules=" + rules).exit()).isZero();
    // The second window, [2026-01-27, 2026-03-08), is the first that drift compares with the reference window: its
    // alerts fire at 2026-03-08. The incident is labelled inside it.
    Path incidents = dir.resolve("incidents.csv");
    Files.writeString(incidents, "model,segment,start,end,label\nus-macro,,2026-02-01T00:00:00Z,2026-03-01T00:00:00Z,"
        + "price shift\n");

    CliRun run = CliRun.of("score", "--in", dir.resolve("builtin").toString(), "--in",
        dir.resolve("drift-only").toString(), "--incidents", incidents.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    String table = run.out();
    assertThat(table).startsWith("1 incidents, 6 windows of 40d over 240d; an alarm detects an incident from 0ms"
        + " before its start to 80d after its end");
    List<String> header = row(table, "rule set", "rule");
    // Expected from the replay's own alerts file: the distinct firing times of each rule (a rule firing for eleven
    // features at once is one alarm), a hit when inside [incident start, end + 80 days].
    long start = Instant.parse("2026-02-01T00:00:00Z").toEpochMilli();
    long end = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli() + 80L * 86_400_000;
    for (String rule : List.of("FeatureDrift", "RedundancyMeanAbsCorrHigh")) {
      Set<Long> times = new TreeSet<>();
      for (String line : Files.readAllLines(dir.resolve("builtin/alerts.jsonl"))) {
        JsonNode a = JSON.readTree(line);
        if (a.get("rule").asText().equals(rule) && a.get("status").asText().equals("firing")) {
          times.add(a.get("startsAt").asLong());
        }
      }
      long hits = times.stream().filter(t -> t >= start && t <= end).count();
      List<String> got = row(table, "builtin", rule);
      assertThat(got.get(header.indexOf("alarms"))).isEqualTo(Integer.toString(times.size()));
      assertThat(got.get(header.indexOf("precision"))).isEqualTo(String.format("%.3f", (double) hits / times.size()));
      assertThat(got.get(header.indexOf("ep.recall"))).isEqualTo(hits > 0 ? "1.000" : "0.000");
    }
    assertThat(row(table, "drift-only", "AnyDrift").get(header.indexOf("ep.recall"))).isEqualTo("1.000");
    assertThat(row(table, "baseline", "always-fire").get(header.indexOf("ep.recall"))).isEqualTo("1.000");
    assertThat(row(table, "baseline", "never-fire").get(header.indexOf("ep.recall"))).isEqualTo("0.000");
    assertThat(row(table, "baseline", "never-fire").get(header.indexOf("precision"))).isEqualTo("nan");
  }

  @Test
  void aDirectoryThatIsNoReplayOutputOrABadIncidentsFileIsRefusedByName(@TempDir Path dir) throws Exception {
    Path incidents = dir.resolve("incidents.csv");
    Files.writeString(incidents, "model,segment,start,end,label\nm,,yesterday,2026-03-01T00:00:00Z,x\n");
    CliRun bad = CliRun.of("score", "--in", dir.toString(), "--incidents", incidents.toString());
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("incidents.csv", "line 2");
    Files.writeString(incidents, "model,segment,start,end,label\nm,,2026-02-01T00:00:00Z,2026-03-01T00:00:00Z,x\n");
    CliRun none = CliRun.of("score", "--in", dir.toString(), "--incidents", incidents.toString());
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("no alerts.jsonl in " + dir, "--out directory of a replay");
  }
}
