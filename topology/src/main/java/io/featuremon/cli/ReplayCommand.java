package io.featuremon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featuremon.alerts.AlertText;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.replay.InputFormat;
import io.featuremon.replay.Replay;
import io.featuremon.topology.WhatIfRules;
import io.featuremon.replay.ReplayInput;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
        "Run the production topology offline over a file of events (no broker, no",
        "registry) and write its outputs. At the end of the input every open window is",
        "closed. The same input gives byte-identical outputs.",
        "",
        "JSON Lines (*.jsonl, *.json, *.ndjson), one event a line:",
        "  {\"type\":\"embedding\",\"model\":\"e\",\"timestamp\":1767225600000,\"vector\":[0.1,0.2]}",
        "  {\"type\":\"features\",\"model\":\"m\",\"timestamp\":1767225600000,\"features\":{\"x\":1.5}}",
        "Optional: segment, id, ingestTime (the Kafka record time; default: the event",
        "time). Times are epoch milliseconds or ISO-8601 (\"2026-01-01T00:00:00Z\").",
        "",
        "CSV (*.csv, *.tsv): tabular features, a header row first, one event a row:",
        "  model,timestamp,age,country,zip",
        "  m,2026-01-01T00:00:00Z,31,DE,02139",
        "Columns named model, segment, timestamp (or ts, time, event_time), ingest_time",
        "and id (or request_id), in any case, are what they say; every other column is",
        "a feature: numeric when each of its values is a number, else categorical (a",
        "first pass over the file decides; --column overrides). An empty cell is a",
        "missing value; quotes as in RFC 4180. Embeddings need JSON Lines: a CSV row",
        "holds named features, and a vector spread over hundreds of columns could not",
        "be told from them.",
        "",
        "A line or row that is not an event is written to dead-letters.jsonl with its",
        "line number, not a crash. When no line is an event, or none is accepted,",
        "replay exits 3 and says why.",
        "",
        "Writes DIR/window-stats.jsonl, DIR/masks.jsonl, DIR/alerts.jsonl and",
        "DIR/dead-letters.jsonl, and prints the first " + ReplayCommand.ALERTS_SHOWN + " alerts with their summary",
        "and description.",
        "",
        "Tuning alert rules: each --rules file is evaluated beside alert.rules over",
        "the same window statistics, computed once (what-if/NAME.alerts.jsonl);",
        "--incidents scores every rule set against labelled incidents.",
        ""},
    footer = {"", "Examples, with files in the repository:",
        "  featuremon replay --input topology/src/test/resources/data/macrodata.jsonl \\",
        "      --out out/macro --set window.size=40d",
        "  featuremon replay --input topology/src/test/resources/data/macrodata.csv \\",
        "      --out out/macro-csv --set window.size=40d",
        "A CSV file without a model column, a zip code kept as text, NA as missing:",
        "  featuremon replay --input rows.csv --model churn --column zip=categorical \\",
        "      --missing NA --out out/churn",
        "Two what-if rule sets scored against a labelled incident (files in docs/):",
        "  featuremon replay --out out/minilm --set window.size=10m \\",
        "      --input topology/src/test/resources/data/minilm-utils-then-net.jsonl \\",
        "      --rules docs/examples/backtest/sensitive.yaml \\",
        "      --rules docs/examples/backtest/centroid.yaml \\",
        "      --incidents docs/examples/backtest/minilm-incidents.csv"})
final class ReplayCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  InputOptions input;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the four output files (created if missing).")
  Path out;

  @Mixin
  ConfigOptions config;

  @Mixin
  BacktestOptions backtest;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    FeaturemonConfig settings = config.load(Map.of());
    ReplayInput in = input.resolve(notes(err));
    WhatIfRules whatIf = backtest.prepare(spec);
    LineProgress progress = new LineProgress(err);
    long started = System.nanoTime();
    Replay.Summary s = new Replay(settings, whatIf).run(in, out, progress);
    progress.done();
    var w = spec.commandLine().getOut();
    w.printf("replayed %,d lines (%,d events) in %.1f s%n", s.lines(), s.events(), (System.nanoTime() - started) / 1e9);
    w.printf("  %-20s %,d%n", Replay.WINDOW_STATS_FILE, s.windows());
    w.printf("  %-20s %,d%n", Replay.MASKS_FILE, s.masks());
    w.printf("  %-20s %,d%n", Replay.ALERTS_FILE, s.alerts());
    w.printf("  %-20s %,d%n", Replay.DEAD_LETTERS_FILE, s.deadLetters());
    w.printf("in %s%n", out.toAbsolutePath().normalize());
    printAlerts(w, out.resolve(Replay.ALERTS_FILE), s.alerts());
    w.flush();
    String failure = nothingUsable(s, in, "each one's reason is in " + out.resolve(Replay.DEAD_LETTERS_FILE));
    if (failure != null) {
      err.println("featuremon: " + failure);
      err.flush();
      return NOTHING_PARSED;
    }
    backtest.finish(spec, out, "replay of " + in.path().getFileName());
    return 0;
  }

  /** How many alert records the command prints; the rest are only in alerts.jsonl. */
  static final int ALERTS_SHOWN = 20;

  /**
   * The first {@link #ALERTS_SHOWN} alert records as the demo console prints them (the summary, then the description
   * and runbook link indented), each at the event time it changed state.
   */
  private static void printAlerts(PrintWriter w, Path file, long count) throws IOException {
    if (count == 0) {
      return;
    }
    w.printf("%nalerts%s:%n", count > ALERTS_SHOWN ? " (the first " + ALERTS_SHOWN + " of " + count + ")" : "");
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      for (int shown = 0; shown < ALERTS_SHOWN && (line = reader.readLine()) != null; shown++) {
        JsonNode alert = JSON.readTree(line);
        String time = AlertText.time(alert);
        List<String> lines = AlertText.lines(alert);
        w.printf("  %s %s%n", time, lines.get(0));
        for (String more : lines.subList(1, lines.size())) {
          w.printf("  %" + time.length() + "s %9s%s%n", "", "", more);
        }
      }
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();


  /** Notes about reading the input, one line each on stderr. */
  static Consumer<String> notes(PrintWriter err) {
    return note -> {
      err.println("featuremon: " + note);
      err.flush();
    };
  }

  /**
   * Why the input gave nothing to compute, or null when it did: none of its records is an event (a wrong file,
   * not bad events: the likely cause), or every event was refused (the first dead letter's reason, e.g. a
   * timestamp in seconds). {@code where} says where each record's reason is.
   */
  static String nothingUsable(Replay.Summary s, ReplayInput in, String where) {
    Path file = in.path();
    if (s.records() > 0 && s.events() == 0) {
      if (in.format() == InputFormat.CSV) {
        return "none of the " + s.records() + " rows of " + file + " is an event; the first dead letter, "
            + s.firstDeadLetter() + " (" + where + ")";
      }
      return "none of the " + s.records() + " lines of " + file + " is an event: " + likelyCause(file) + " (" + where
          + ")";
    }
    if (s.events() > 0 && s.accepted() <= 0) {
      return "none of the " + s.events() + " events of " + file + " was accepted: each is a dead letter; the first, "
          + s.firstDeadLetter() + " (" + where + ")";
    }
    return null;
  }

  /**
   * The exit status when no line of the input is an event (the wrong kind of file) or no event was accepted (every
   * one a dead letter).
   */
  static final int NOTHING_PARSED = 3;

  /** What the input's first non-blank line (its first 2,000 characters) suggests is wrong with it. */
  static String likelyCause(Path input) {
    String first = "";
    try (BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
      char[] buffer = new char[2_000];
      int n = reader.read(buffer);
      String start = n <= 0 ? "" : new String(buffer, 0, n);
      for (String line : start.split("\\R")) {
        if (!line.isBlank()) {
          first = line.strip();
          break;
        }
      }
    } catch (IOException | UncheckedIOException e) {
      return "it could not be read again to say why (" + e.getMessage() + ")";
    }
    if (first.startsWith("[")) {
      return "it starts with '[', a JSON array; replay reads JSON Lines, one event object per line";
    }
    if (!first.startsWith("{") && (first.contains(",") || first.contains(";") || first.contains("\t"))) {
      return "its first line looks like a CSV header (" + abbreviate(first) + "), and the file is read as JSON Lines"
          + " (by its name): --format csv reads it as CSV";
    }
    if (!first.startsWith("{")) {
      return "its first line is not a JSON object (" + abbreviate(first) + "); replay reads JSON Lines, e.g. " + EXAMPLE;
    }
    return "the lines are JSON but not events; each needs type, model, timestamp and a vector or features, e.g. "
        + EXAMPLE;
  }

  private static final String EXAMPLE =
      "{\"type\":\"features\",\"model\":\"m\",\"timestamp\":1767225600000,\"features\":{\"age\":31}}";

  private static String abbreviate(String line) {
    return "'" + (line.length() <= 80 ? line : line.substring(0, 77) + "...") + "'";
  }
}
