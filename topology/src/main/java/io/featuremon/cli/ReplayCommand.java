package io.featuremon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featuremon.alerts.AlertText;
import io.featuremon.replay.Replay;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
        "Run the production topology offline over a JSON Lines file (no broker, no registry) and write its outputs.",
        "At the end of the input every open window is closed. The same input gives byte-identical outputs.",
        "",
        "Input lines:",
        "  {\"type\":\"embedding\",\"model\":\"m\",\"segment\":null,\"timestamp\":1767225600000,\"id\":\"r1\",\"vector\":[0.1,0.2]}",
        "  {\"type\":\"features\",\"model\":\"m\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"features\":{\"age\":31,\"country\":\"DE\"}}",
        "timestamp: epoch ms or ISO-8601. Optional ingestTime: the Kafka record time (default: the event time).",
        "A malformed line is written to dead-letters.jsonl with its line number, not a crash.",
        "",
        "Writes DIR/window-stats.jsonl, DIR/masks.jsonl, DIR/alerts.jsonl, DIR/dead-letters.jsonl,",
        "and prints the first " + ReplayCommand.ALERTS_SHOWN + " alerts with their summary and description.",
        ""},
    footer = {"", "Example, with a file in the repository:",
        "  featuremon replay --input topology/src/test/resources/data/macrodata.jsonl \\",
        "      --out out/macro --set window.size=40d"})
final class ReplayCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "FILE.jsonl", description = "Events, one JSON object per line.")
  Path input;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the four output files (created if missing).")
  Path out;

  @Mixin
  ConfigOptions config;

  @Override
  public Integer call() throws Exception {
    LineProgress progress = new LineProgress(spec.commandLine().getErr());
    long started = System.nanoTime();
    Replay.Summary s = new Replay(config.load(Map.of())).run(LineProgress.readable(input), out, progress);
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
    if (s.events() == 0 && s.lines() > 0) {
      // Every line failed to parse: a wrong file, not bad events. Say what it looks like, and fail the command.
      spec.commandLine().getErr().println("featuremon: none of the " + s.lines() + " lines of " + input + " is an event: "
          + likelyCause(input) + " (each line's reason is in " + out.resolve(Replay.DEAD_LETTERS_FILE) + ")");
      return NOTHING_PARSED;
    }
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

  /** The exit status when no line of the input parsed: the input is the wrong kind of file. */
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
      return "its first line looks like a CSV header (" + abbreviate(first) + "); replay reads JSON Lines, one event"
          + " object per line, e.g. " + EXAMPLE;
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
