package io.featuremon.cli;

import io.featuremon.replay.Replay;
import io.featuremon.report.HtmlReport;
import io.featuremon.stats.scoring.Incident;
import io.featuremon.stats.scoring.ScoringTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Writes the self-contained HTML report ({@link HtmlReport}) of a replay's or backtest's output directory. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
        "Write one self-contained HTML page over a replay or backtest output",
        "directory: per model and segment the redundancy metrics over time with the",
        "firing alerts shaded (also of what-if/<set>.alerts.jsonl rule sets), a drift",
        "heatmap, the mask timeline, the latest clusters and top pairs, and the dead",
        "letters. It opens offline: the charting library and the data are inlined.",
        "With --incidents, the incidents are shaded and the page ends with the scoring",
        "table of every rule set in the directory (as `featuremon score` prints it).",
        ""},
    footer = {"", "Example:",
        "  featuremon replay --input ev.jsonl --out out/ --set window.size=1h",
        "  featuremon report --in out/          (writes out/report.html)",
        "  featuremon report --in out/ --incidents incidents.csv --out ticket-123.html"})
final class ReportCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--in", required = true, paramLabel = "DIR",
      description = "A replay's or backtest's --out directory.")
  Path in;

  @Option(names = "--out", paramLabel = "FILE", description = "The HTML file to write (default: DIR/report.html).")
  Path out;

  @Mixin
  IncidentOptions incidentOptions;

  @Option(names = "--title", paramLabel = "TEXT", description = "The page's title (default: featuremon report: DIR).")
  String title;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(in)) {
      throw new ParameterException(spec.commandLine(), "--in " + in + " is not a directory: give the --out directory"
          + " of a replay or a backtest");
    }
    if (!Files.isRegularFile(in.resolve(Replay.WINDOW_STATS_FILE))) {
      throw new ParameterException(spec.commandLine(), "no " + Replay.WINDOW_STATS_FILE + " in " + in + ": --in takes"
          + " the --out directory of a replay or a backtest");
    }
    Path html = out != null ? out : in.resolve("report.html");
    Path parent = html.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new ParameterException(spec.commandLine(), "--out " + html + ": directory " + parent + " does not exist;"
          + " create it first");
    }
    incidentOptions.read(spec);
    IncidentOptions.Scored scored = incidentOptions.score(spec, in);
    HtmlReport.write(in, incidentOptions.labelled(), scored.rows(), title != null ? title : "featuremon report: " + in, html);
    spec.commandLine().getOut().printf("wrote %s (%,d bytes); open it in a browser, it needs no network%n", html,
        Files.size(html));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
