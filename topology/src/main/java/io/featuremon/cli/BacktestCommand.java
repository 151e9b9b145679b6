package io.featuremon.cli;

import io.featuremon.backtest.Backtest;
import io.featuremon.config.Durations;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.replay.EventTimes;
import io.featuremon.replay.Replay;
import io.featuremon.topology.FeaturemonApp;
import io.featuremon.topology.WhatIfRules;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    description = {
        "Replay the input topics of a real cluster over an event-time range [--from,",
        "--to) and write the outputs replay writes. Needs bootstrap.servers and",
        "schema.registry.url.",
        "",
        "A plain consumer without a group reads every partition from the first record",
        "stamped at or after from - window grace - --skew up to the end offsets seen",
        "at start (so the run ends by itself), and keeps the events whose event time",
        "is in the range. They run through the production topology offline, as in",
        "replay, and every open window is closed at the end. Nothing is written to",
        "the cluster or registered in the registry: no consumer group, no internal",
        "topic, no state, no output record (so there is no --keep-internal). For the",
        "windows a live run closed over the same events, the window stats, masks and",
        "alerts equal the live output records.",
        "",
        "Progress (events, events/s, percent of the offset range, ETA) goes to stderr.",
        "",
        "Tuning alert rules: each --rules file is evaluated beside alert.rules over",
        "the same window statistics, computed once (what-if/NAME.alerts.jsonl);",
        "--incidents scores every rule set against labelled incidents.",
        ""},
    footer = {"", "Example:",
        "  featuremon backtest --config prod.properties --from 2026-01-01T00:00:00Z \\",
        "      --to 2026-01-02T00:00:00Z --models churn --out out/jan1 \\",
        "      --rules strict.yaml --rules lenient.yaml --incidents incidents.csv"})
final class BacktestCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ConfigOptions config;

  @Option(names = "--from", required = true, paramLabel = "TIME",
      description = "Start of the event-time range, inclusive: ISO-8601 or epoch ms.")
  String from;

  @Option(names = "--to", required = true, paramLabel = "TIME",
      description = "End of the event-time range, exclusive: ISO-8601 or epoch ms.")
  String to;

  @Option(names = "--models", split = ",", paramLabel = "MODEL",
      description = "Only these models (comma-separated); default: every model.")
  List<String> models = List.of();

  @Option(names = "--skew", defaultValue = "1h", paramLabel = "DURATION",
      description = "How far a record's timestamp may precede its event time (default ${DEFAULT-VALUE}).")
  String skew;

  @Mixin
  BacktestOptions backtest;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Directory for the four output files (created if missing).")
  Path out;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    FeaturemonConfig settings = config.load(Map.of());
    long start = EventTimes.parse(from);
    long end = EventTimes.parse(to);
    WhatIfRules whatIf = backtest.prepare(spec);
    Backtest run = new Backtest(settings, whatIf, start, end, Durations.parse(skew), new LinkedHashSet<>(models));
    long started = System.nanoTime();
    Replay.Summary s = run.run(FeaturemonApp.registry(settings), out, (records, done, total) -> {
      double seconds = Math.max(1e-9, (System.nanoTime() - started) / 1e9);
      double fraction = total == 0 ? 1 : (double) done / total;
      String eta = fraction <= 0 ? "?" : String.format("%.0f s", seconds / fraction - seconds);
      err.printf("\r  %,d events, %,.0f events/s, %.1f%% of the offsets, ETA %s   ", records, records / seconds,
          100 * fraction, eta);
      err.flush();
    });
    err.println();
    err.flush();
    var w = spec.commandLine().getOut();
    w.printf("backtested [%s, %s): %,d records kept (%,d events) in %.1f s%n", Instant.ofEpochMilli(start),
        Instant.ofEpochMilli(end), s.records(), s.events(), (System.nanoTime() - started) / 1e9);
    w.printf("  %-20s %,d%n", Replay.WINDOW_STATS_FILE, s.windows());
    w.printf("  %-20s %,d%n", Replay.MASKS_FILE, s.masks());
    w.printf("  %-20s %,d%n", Replay.ALERTS_FILE, s.alerts());
    w.printf("  %-20s %,d%n", Replay.DEAD_LETTERS_FILE, s.deadLetters());
    w.printf("in %s%n", out.toAbsolutePath().normalize());
    w.flush();
    backtest.finish(spec, out, "backtest [" + Instant.ofEpochMilli(start) + ", " + Instant.ofEpochMilli(end) + ")");
    return 0;
  }
}
