package io.featuremon.cli;

import io.featuremon.report.HtmlReport;
import io.featuremon.topology.WhatIfRules;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
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
  static final String REPORT_FILE = "report.html";

  @Option(names = "--rules", paramLabel = "FILE",
      description = "A what-if alert rules file, evaluated beside alert.rules over the same window statistics"
          + " (computed once); its alerts go to what-if/NAME.alerts.jsonl. Repeat for more.")
  List<Path> rules = List.of();

  @Mixin
  IncidentOptions incidents;

  @Option(names = "--report", description = "Also write DIR/" + REPORT_FILE + ": one self-contained HTML page to"
      + " open offline or attach to a ticket (see `featuremon report --help`).")
  boolean report;

  /** The what-if sets, and the incidents read now, before the run. */
  WhatIfRules prepare(CommandSpec spec) {
    incidents.read(spec);
    try {
      return WhatIfRules.load(rules);
    } catch (IOException | IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** After the run: the scoring table and the report, as asked. */
  void finish(CommandSpec spec, Path out, String title) throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    IncidentOptions.Scored scored = incidents.score(spec, out);
    if (incidents.given()) {
      Files.writeString(out.resolve(SCORING_FILE), scored.table(), StandardCharsets.UTF_8);
      w.printf("%nscored against %s (also in %s):%n%n%s", incidents.incidents, out.resolve(SCORING_FILE),
          scored.table());
    }
    if (report) {
      Path html = out.resolve(REPORT_FILE);
      HtmlReport.write(out, incidents.labelled(), scored.rows(), title, html);
      w.printf("%nreport: %s (%,d bytes; it needs no network)%n", html.toAbsolutePath().normalize(), Files.size(html));
    }
    w.flush();
  }
}
