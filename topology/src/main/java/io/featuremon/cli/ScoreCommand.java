package io.featuremon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featuremon.backtest.IncidentsFile;
import io.featuremon.backtest.IncidentsFileException;
import io.featuremon.config.Durations;
import io.featuremon.replay.Replay;
import io.featuremon.stats.scoring.Alarm;
import io.featuremon.stats.scoring.Incident;
import io.featuremon.stats.scoring.ScoringOptions;
import io.featuremon.stats.scoring.ScoringTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
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
        "  model,segment,start,end,label",
        "  us-macro,,2026-02-01T00:00:00Z,2026-03-01T00:00:00Z,cpi jump",
        "Example, two rule sets over the same input:",
        "  featuremon replay --input ev.jsonl --out out/a --set alert.rules=a.yaml",
        "  featuremon replay --input ev.jsonl --out out/b --set alert.rules=b.yaml",
        "  featuremon score --in out/a --in out/b --incidents incidents.csv"})
final class ScoreCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

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
    try {
      labelled = IncidentsFile.read(incidents);
    } catch (IncidentsFileException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Map<String, Map<String, List<Alarm>>> alarms = new LinkedHashMap<>();
    for (Path dir : in) {
      String set = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
      if (alarms.containsKey(set)) {
        throw new ParameterException(spec.commandLine(), "two --in directories are named '" + set + "': each names"
            + " its rule set in the table, so give them different names");
      }
      alarms.put(set, firings(file(dir, Replay.ALERTS_FILE)));
    }
    // The windows the rules saw: every window of the first directory (the rule sets are replays of one input).
    List<Alarm> evaluations = new ArrayList<>();
    long[] span = {Long.MAX_VALUE, Long.MIN_VALUE, 0};
    lines(file(in.get(0), Replay.WINDOW_STATS_FILE), s -> {
      long start = s.get("windowStart").asLong();
      long end = s.get("windowEnd").asLong();
      evaluations.add(new Alarm(s.get("model").asText(), text(s.get("segment")), end));
      span[0] = Math.min(span[0], start);
      span[1] = Math.max(span[1], end);
      span[2] = Math.max(span[2], end - start);
    });
    if (evaluations.isEmpty()) {
      throw new ParameterException(spec.commandLine(), in.get(0) + " has no window stats: nothing was evaluated");
    }
    long windowMs = span[2];
    ScoringOptions options = new ScoringOptions(deltaMax == null ? 2 * windowMs : duration("--delta-max", deltaMax),
        duration("--delta-pre", deltaPre), windowMs, span[1] - span[0]);
    out.printf("%d incidents, %d windows of %s over %s; an alarm detects an incident from %s before its start to"
        + " %s after its end%n%n", labelled.size(), evaluations.size(), Durations.format(Duration.ofMillis(windowMs)),
        Durations.format(Duration.ofMillis(options.spanMs())), Durations.format(Duration.ofMillis(options.deltaPreMs())),
        Durations.format(Duration.ofMillis(options.deltaMaxMs())));
    out.print(ScoringTable.render(ScoringTable.rows(alarms, labelled, evaluations, options)));
    out.flush();
    return 0;
  }

  /** Rule → its alarms: each firing record at its start (one per model, segment and time: a rule firing for eleven
   * features at once raised one alarm, not eleven), rules in name order. */
  private static Map<String, List<Alarm>> firings(Path alerts) throws IOException {
    Map<String, LinkedHashSet<Alarm>> byRule = new TreeMap<>();
    lines(alerts, a -> {
      if ("firing".equals(a.get("status").asText())) {
        byRule.computeIfAbsent(a.get("rule").asText(), r -> new LinkedHashSet<>())
            .add(new Alarm(a.get("model").asText(), text(a.get("segment")), a.get("startsAt").asLong()));
      }
    });
    Map<String, List<Alarm>> lists = new LinkedHashMap<>();
    byRule.forEach((rule, set) -> lists.put(rule, List.copyOf(set)));
    return lists;
  }

  private Path file(Path dir, String name) {
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new ParameterException(spec.commandLine(), "no " + name + " in " + dir + ": --in takes the --out directory"
          + " of a replay");
    }
    return file;
  }

  private static void lines(Path file, Consumer<JsonNode> each) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank()) {
          each.accept(JSON.readTree(line));
        }
      }
    }
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  private long duration(String option, String text) {
    try {
      return Durations.parse(text).toMillis();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid value for " + option + ": " + e.getMessage());
    }
  }
}
