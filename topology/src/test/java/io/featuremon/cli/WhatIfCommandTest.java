package io.featuremon.cli;

import static io.featuremon.cli.ScoreCommandTest.MACRO;
import static io.featuremon.cli.ScoreCommandTest.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay --rules A --rules B --incidents FILE}: the what-if sets scored in the run that computed them. */
class WhatIfCommandTest {
  @TempDir
  Path dir;

  @Test
  void twoRuleFilesAreScoredInOnePassAsScoreWouldScoreThem() throws Exception {
    Path drift = Files.writeString(dir.resolve("drift.yaml"), "rules:\n  - name: AnyDrift\n"
        + "    metric: drift.features.*.drifted\n    level: {above: 0.5}\n");
    Path quiet = Files.writeString(dir.resolve("quiet.yml"), "rules:\n  - name: Never\n"
        + "    metric: redundancy.meanAbsCorr\n    level: {above: 0.9999}\n");
    Path incidents = Files.writeString(dir.resolve("incidents.csv"),
        "model,start,end\nus-macro,2026-02-01T00:00:00Z,2026-03-01T00:00:00Z\n");
    Path out = dir.resolve("out");
    CliRun run = CliRun.of("replay", "--input", MACRO, "--out", out.toString(), "--set", "window.size=40d",
        "--rules", drift.toString(), "--rules", quiet.toString(), "--incidents", incidents.toString());
    assertThat(run.exit()).as(run.err()).isZero();

    String table = Files.readString(out.resolve(BacktestOptions.SCORING_FILE));
    assertThat(run.out()).contains("scored against " + incidents, table);
    // the live rules (built-in), then each set; a rule that never fired still has its row
    assertThat(row(table, "live", "FeatureDrift")).isNotNull();
    assertThat(row(table, "drift", "AnyDrift").get(2)).isNotEqualTo("0");
    assertThat(row(table, "quiet", "Never").get(2)).isEqualTo("0");
    assertThat(row(table, "baseline", "always-fire").get(2)).isEqualTo("6");
    // the same directory scored afterwards gives the same table
    CliRun score = CliRun.of("score", "--in", out.toString(), "--incidents", incidents.toString());
    assertThat(score.exit()).as(score.err()).isZero();
    assertThat(score.out()).isEqualTo(table);
  }

  @Test
  void aBadRulesOrIncidentsFileStopsTheRunBeforeItWritesAnything() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "rules:\n  - name: X\n    metric: no.such.metric\n"
        + "    level: {above: 1}\n");
    Path out = dir.resolve("out");
    CliRun run = CliRun.of("replay", "--input", MACRO, "--out", out.toString(), "--rules", bad.toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("bad.yaml: rules[0].metric");
    Path incidents = Files.writeString(dir.resolve("i.csv"), "model,start,end\nus-macro,yesterday,2026-03-01T00:00:00Z\n");
    CliRun late = CliRun.of("replay", "--input", MACRO, "--out", out.toString(), "--incidents", incidents.toString());
    assertThat(late.exit()).isEqualTo(2);
    assertThat(late.err()).contains("i.csv line 2: start yesterday");
    CliRun twice = CliRun.of("replay", "--input", MACRO, "--out", out.toString(), "--rules", bad.toString(),
        "--rules", bad.toString());
    assertThat(twice.exit()).isEqualTo(2);
    assertThat(out).doesNotExist();
    for (String command : List.of("replay", "backtest")) {
      assertThat(CliRun.of(command, "--help").out()).contains("--rules=FILE", "--incidents=FILE");
    }
  }
}
