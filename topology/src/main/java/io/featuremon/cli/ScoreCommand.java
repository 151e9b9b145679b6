package io.featuremon.cli;

import io.featuremon.backtest.IncidentsFile;
import io.featuremon.backtest.Scorecard;
import io.featuremon.stats.scoring.Incident;
import io.featuremon.stats.scoring.ScoringOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Scores the alerts of replays against labelled incidents, with River's drift-detection metrics in event time
 * ({@link io.featuremon.stats.scoring.Scoring}), one row per rule set (each {@code --in} directory, e.g. one replay
 * per rules file over the same input) and rule, then the always-fire and never-fire baselines over the windows the
 * rules saw.
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = {
        "Score the alerts of one or more replay outputs against labelled incidents:",
        "precision, recall, episode recall, F1, detection delay, missed detections,",
        "false alarms per day and mean time between false alarms (River's drift",
        "metrics, in event time), per rule set (each --in) and rule, beside an",
        "always-fire and a never-fire baseline over the same windows. An alarm is a",
        "firing alert at its start; it detects an incident of its model (and segment,",
        "when the incident names one) from --delta-pre before the start to --delta-max",
        "after the end.",
        ""},
    footer = {"", "Incidents, YAML (a list, or one under incidents:) or CSV:",
        "  model,segment,start,end,label   (segment and label optional, any order)",
        "  us-macro,,2026-02-01T00:00:00Z,2026-03-01T00:00:00Z,cpi jump",
        "Example, two rule sets over the same input:",
        "  featuremon replay --input ev.jsonl --out out/a --set alert.rules=a.yaml",
        "  featuremon replay --input ev.jsonl --out out/b --set alert.rules=b.yaml",
        "  featuremon score --in out/a --in out/b --incidents incidents.csv"})
final class ScoreCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--in", required = true, paramLabel = "DIR",
      description = "A replay's output directory (alerts.jsonl, window-stats.jsonl); repeat for more rule sets.")
  List<Path> in;

  @Option(names = "--incidents", required = true, paramLabel = "FILE", description = "Labelled incidents (.yaml, .csv).")
  Path incidents;

  @Option(names = "--delta-max", paramLabel = "DURATION",
      description = "How long after an incident's end an alarm still detects it (default: two windows).")
  String deltaMax;

  @Option(names = "--delta-pre", defaultValue = "0s", paramLabel = "DURATION",
      description = "How long before an incident's start an alarm already detects it (default ${DEFAULT-VALUE}).")
  String deltaPre;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<Incident> labelled;
    Scorecard card;
    try {
      labelled = IncidentsFile.read(incidents);
      card = Scorecard.read(in);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    ScoringOptions options = card.options(deltaMax == null ? null : IncidentOptions.duration(spec, "--delta-max", deltaMax),
        IncidentOptions.duration(spec, "--delta-pre", deltaPre));
    out.print(card.render(labelled, options));
    out.flush();
    return 0;
  }
}
