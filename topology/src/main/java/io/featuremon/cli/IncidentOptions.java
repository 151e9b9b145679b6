package io.featuremon.cli;

import io.featuremon.backtest.IncidentsFile;
import io.featuremon.backtest.Scorecard;
import io.featuremon.config.Durations;
import io.featuremon.stats.scoring.Incident;
import io.featuremon.stats.scoring.ScoringOptions;
import io.featuremon.stats.scoring.ScoringTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Labelled incidents and how alarms are matched with them, for the commands that score rule sets on the way
 * (replay, backtest) or show the incidents (report). {@code score} declares its own, required, --incidents.
 */
final class IncidentOptions {
  @Option(names = "--incidents", paramLabel = "FILE",
      description = "Labelled incidents (.yaml, .csv: model, start, end, optional segment and label) to score every"
          + " rule set against and to shade in the report.")
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

  /** Reads and checks everything now, so that a typo is reported before a long run, not after it. */
  void read(CommandSpec spec) {
    try {
      if (incidents != null) {
        labelled = IncidentsFile.read(incidents);
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (deltaMax != null) {
      duration(spec, "--delta-max", deltaMax);
    }
    duration(spec, "--delta-pre", deltaPre);
  }

  boolean given() {
    return incidents != null;
  }

  List<Incident> labelled() {
    return labelled;
  }

  /** The scored rule sets of {@code dir}, or no rows without --incidents. */
  Scored score(CommandSpec spec, Path dir) throws IOException {
    if (incidents == null) {
      return new Scored(List.of(), "");
    }
    Scorecard card;
    try {
      card = Scorecard.read(List.of(dir));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    ScoringOptions options = card.options(deltaMax == null ? null : duration(spec, "--delta-max", deltaMax),
        duration(spec, "--delta-pre", deltaPre));
    return new Scored(card.rows(labelled, options), card.render(labelled, options));
  }

  /** The rows, and the table as {@code score} prints it. */
  record Scored(List<ScoringTable.Row> rows, String table) {}

  static long duration(CommandSpec spec, String option, String text) {
    try {
      return Durations.parse(text).toMillis();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid value for " + option + ": " + e.getMessage());
    }
  }
}
