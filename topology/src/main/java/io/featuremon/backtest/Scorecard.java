package io.featuremon.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.featuremon.alerts.AlertRules;
import io.featuremon.config.Durations;
import io.featuremon.replay.OutputFiles;
import io.featuremon.replay.Replay;
import io.featuremon.stats.scoring.Alarm;
import io.featuremon.stats.scoring.Incident;
import io.featuremon.stats.scoring.ScoringOptions;
import io.featuremon.stats.scoring.ScoringTable;
import io.featuremon.topology.WhatIfRules;
import java.io.IOException;
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

/**
 * The alarms of the rule sets in replay or backtest outputs, ready to be scored against labelled incidents.
 *
 * <p>A directory holds the live rules' alerts ({@code alerts.jsonl}) and those of its what-if sets
 * ({@code what-if/NAME.alerts.jsonl}). With one directory the sets are named {@code live} and NAME; with several
 * (replays of one input under different configurations) {@code DIR} and {@code DIR/NAME}. An alarm is a firing
 * alert at its start, one per model, segment and time: a rule firing for eleven features at once raised one alarm.
 * The always-fire baseline fires at the end of every window of the first directory.
 */
public final class Scorecard {

  /** Rule set → rule → its alarms; sets in directory order, then what-if sets by name; rules by name. */
  private final Map<String, Map<String, List<Alarm>>> alarms;
  private final List<Alarm> evaluations;
  private final long windowMs;
  private final long spanMs;

  private Scorecard(Map<String, Map<String, List<Alarm>>> alarms, List<Alarm> evaluations, long windowMs,
      long spanMs) {
    this.alarms = alarms;
    this.evaluations = evaluations;
    this.windowMs = windowMs;
    this.spanMs = spanMs;
  }

  /**
   * @throws IllegalArgumentException naming the directory and file, when one is missing, two directories have one
   *     name, or the first directory has no window stats (nothing was evaluated)
   */
  public static Scorecard read(List<Path> dirs) throws IOException {
    Map<String, Map<String, List<Alarm>>> alarms = new LinkedHashMap<>();
    for (Path dir : dirs) {
      String prefix = dirs.size() == 1 ? "" : name(dir) + "/";
      String live = dirs.size() == 1 ? WhatIfRules.LIVE : name(dir);
      if (alarms.containsKey(live)) {
        throw new IllegalArgumentException("two --in directories are named '" + live + "': each names its rule set"
            + " in the table, so give them different names");
      }
      alarms.put(live, firings(file(dir, Replay.ALERTS_FILE), dir.resolve(Replay.RULES_FILE)));
      for (Map.Entry<String, Path> whatIf : OutputFiles.whatIfSets(dir).entrySet()) {
        String set = whatIf.getKey();
        alarms.put(prefix + set, firings(whatIf.getValue(),
            whatIf.getValue().resolveSibling(set + Replay.WHAT_IF_RULES_SUFFIX)));
      }
    }
    List<Alarm> evaluations = new ArrayList<>();
    long[] span = {Long.MAX_VALUE, Long.MIN_VALUE, 0};
    OutputFiles.forEachLine(file(dirs.get(0), Replay.WINDOW_STATS_FILE), s -> {
      long start = s.get("windowStart").asLong();
      long end = s.get("windowEnd").asLong();
      evaluations.add(new Alarm(s.get("model").asText(), text(s.get("segment")), end));
      span[0] = Math.min(span[0], start);
      span[1] = Math.max(span[1], end);
      span[2] = Math.max(span[2], end - start);
    });
    if (evaluations.isEmpty()) {
      throw new IllegalArgumentException(dirs.get(0) + " has no window stats: nothing was evaluated, so there is"
          + " nothing to score");
    }
    return new Scorecard(alarms, evaluations, span[2], span[1] - span[0]);
  }

  /** Scoring options for these windows: {@code deltaMaxMs} null means two windows. */
  public ScoringOptions options(Long deltaMaxMs, long deltaPreMs) {
    return new ScoringOptions(deltaMaxMs == null ? 2 * windowMs : deltaMaxMs, deltaPreMs, windowMs, spanMs);
  }

  /** Every rule set and rule, then the always-fire and never-fire baselines. */
  public List<ScoringTable.Row> rows(List<Incident> incidents, ScoringOptions options) {
    return ScoringTable.rows(alarms, incidents, evaluations, options);
  }

  /** What the table is over, in a sentence, then the table. */
  public String render(List<Incident> incidents, ScoringOptions options) {
    return String.format("%d incidents, %d windows of %s over %s; an alarm detects an incident from %s before its"
        + " start to %s after its end%n%n", incidents.size(), evaluations.size(), format(options.windowMs()),
        format(options.spanMs()), format(options.deltaPreMs()), format(options.deltaMaxMs()))
        + ScoringTable.render(rows(incidents, options));
  }

  public List<String> ruleSets() {
    return List.copyOf(alarms.keySet());
  }

  private static String format(long ms) {
    return Durations.format(Duration.ofMillis(ms));
  }

  /**
   * Rule → its alarms: every rule of {@code rules} in file order, those that never fired included (a what-if rule
   * that stays silent is an answer too), when the run left its rules file; else the rules that fired, by name.
   */
  private static Map<String, List<Alarm>> firings(Path alerts, Path rules) throws IOException {
    Map<String, LinkedHashSet<Alarm>> byRule = new TreeMap<>();
    if (Files.isRegularFile(rules)) {
      byRule = new LinkedHashMap<>();
      for (var rule : AlertRules.parse(Files.readString(rules, StandardCharsets.UTF_8), rules.toString()).rules()) {
        byRule.put(rule.name(), new LinkedHashSet<>());
      }
    }
    Map<String, LinkedHashSet<Alarm>> collected = byRule;
    OutputFiles.forEachLine(alerts, a -> {
      if ("firing".equals(a.get("status").asText())) {
        collected.computeIfAbsent(a.get("rule").asText(), r -> new LinkedHashSet<>())
            .add(new Alarm(a.get("model").asText(), text(a.get("segment")), a.get("startsAt").asLong()));
      }
    });
    Map<String, List<Alarm>> lists = new LinkedHashMap<>();
    byRule.forEach((rule, set) -> lists.put(rule, List.copyOf(set)));
    return lists;
  }

  private static String name(Path dir) {
    Path name = dir.toAbsolutePath().normalize().getFileName();
    return name == null ? dir.toString() : name.toString();
  }

  private static Path file(Path dir, String name) {
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no " + name + " in " + dir + ": --in takes the --out directory of a replay"
          + " or backtest");
    }
    return file;
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }
}
