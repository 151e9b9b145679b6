package io.featuremon.cli;

import io.featuremon.backtest.IncidentsFile;
import io.featuremon.backtest.Scorecard;
import io.featuremon.config.Durations;
import io.featuremon.stats.scoring.Incident;
import io.featuremon.stats.scoring.ScoringOptions;
import io.featuremon.stats.scoring.ScoringTable;
import io.featuremon.topology.WhatIfRules;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * What replay and backtest do beyond the live topology: what-if rule sets evaluated in the same pass, scoring
 * against labelled incidents and the HTML report. Everything the options name is read and validated before the run,
 * so a typo in an incidents file does not cost an hour of backtest.
 */
final class BacktestOptions {
  /** The scoring table, beside the outputs, when incidents are given. */
  static final String SCORING_FILE = "scoring.txt";

  @Option(names = "--rules", paramLabel = "FILE",
      description = "A what-if alert rules file, evaluated beside alert.rules over the same window statistics"
          + " (computed once); its alerts go to what-if/NAME.alerts.jsonl. Repeat for more.")
  List<Path> rules = List.of();

  @Option(names = "--incidents", paramLabel = "FILE",
      description = "Labelled incidents (.yaml, .csv) to score every rule set against; the table is printed and"
          + " written to " + SCORING_FILE + " (see `featuremon score --help`).")
  Path incidents;

  @Option(names = "--delta-max", paramLabel = "DURATION",
      description = "With --incidents: how long after an incident's end an alarm still detects it (default: two"
          + " windows).")
  String deltaMax;

  @Option(names = "--delta-pre", defaultValue = "0s", paramLabel = "DURATION",
      description = "With --incidents: how long before an incident's start an alarm already detects it (default"
          + " ${DEFAULT-VALUE}).")
  String deltaPre;

  private List<Incident> labelled = List.of();

  /** The what-if sets, and the incidents read now, before the run. */
  WhatIfRules prepare(CommandSpec spec) throws IOException {
    try {
      if (incidents != null) {
        labelled = IncidentsFile.read(incidents);
      }
      if (deltaMax != null) {
        duration(spec, "--delta-max", deltaMax);
      }
      duration(spec, "--delta-pre", deltaPre);
      return WhatIfRules.load(rules);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** After the run: the scoring table and the report, as asked. */
  void finish(CommandSpec spec, Path out, String title) throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    List<ScoringTable.Row> rows = List.of();
    if (incidents != null) {
      Scorecard card = Scorecard.read(List.of(out));
      ScoringOptions options = card.options(deltaMax == null ? null : duration(spec, "--delta-max", deltaMax),
          duration(spec, "--delta-pre", deltaPre));
      rows = card.rows(labelled, options);
      String table = card.render(labelled, options);
      Files.writeString(out.resolve(SCORING_FILE), table, StandardCharsets.UTF_8);
      w.printf("%nscored against %s (also in %s):%n%n%s", incidents, out.resolve(SCORING_FILE), table);
    }
    w.flush();
  }

  private static long duration(CommandSpec spec, String option, String text) {
    try {
      return Durations.parse(text).toMillis();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid value for " + option + ": " + e.getMessage());
    }
  }
}
