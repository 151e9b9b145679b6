package io.featuremon.topology;

import io.featuremon.alerts.AlertRules;
import io.featuremon.alerts.RuleSet;
import io.featuremon.config.FeaturemonConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Alert rule sets a backtest or replay evaluates beside the live one ({@code alert.rules}) in the same pass: the
 * window statistics are computed once and each set runs its own lifecycle over them, so the sets differ only by
 * their rules. Each set's alerts leave the window stage through their own sink; only offline runs build a topology
 * with them, so the live topology (and its topic names) never changes.
 *
 * <p>A set is named by its file name without {@code .yaml}/{@code .yml}: that name heads its rows in the scoring
 * table and names its alerts file, {@code what-if/NAME.alerts.jsonl}.
 */
public final class WhatIfRules {
  /** No what-if sets: the live topology. */
  public static final WhatIfRules NONE = new WhatIfRules(List.of(), List.of(), List.of());
  /** The name of the live rules' rows in scoring tables, so no what-if set may take it. */
  public static final String LIVE = "live";
  /** The what-if sets' alert state sits in the alerts store beside the live engine's, under this prefix. */
  static final String STATE_PREFIX = "what-if\n";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final List<String> names;
  private final List<RuleSet> rules;
  /** Each file's text, copied beside the set's alerts so an output directory says what produced it. */
  private final List<String> texts;

  private WhatIfRules(List<String> names, List<RuleSet> rules, List<String> texts) {
    this.names = List.copyOf(names);
    this.rules = List.copyOf(rules);
    this.texts = List.copyOf(texts);
  }

  /**
   * Loads and validates every file, in the order given.
   *
   * @throws IllegalArgumentException naming the file, for a missing file, a name that cannot name a file, or two
   *     files with one name
   * @throws io.featuremon.alerts.AlertRulesException for an invalid rules file
   */
  public static WhatIfRules load(List<Path> files) throws IOException {
    List<String> names = new ArrayList<>();
    List<RuleSet> sets = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (Path file : files) {
      String name = nameOf(file);
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("--rules " + file + ": no such file");
      }
      if (!NAME.matcher(name).matches() || name.equals(LIVE)) {
        throw new IllegalArgumentException("--rules " + file + ": the rule set is named after its file, and '" + name
            + "' cannot name one (letters, digits, '.', '_', '-', at most 64, not '" + LIVE + "'); rename the file");
      }
      if (names.contains(name)) {
        throw new IllegalArgumentException("--rules " + file + ": two rules files are named '" + name + "'; each"
            + " names its rule set in the scoring table, so rename one");
      }
      String text = Files.readString(file, StandardCharsets.UTF_8);
      names.add(name);
      sets.add(AlertRules.parse(text, file.toString()));
      texts.add(text);
    }
    return new WhatIfRules(names, sets, texts);
  }

  /** The file name without its YAML extension. */
  public static String nameOf(Path file) {
    String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    return name.replaceFirst("(?i)\\.ya?ml$", "");
  }

  public int size() {
    return names.size();
  }

  public boolean isEmpty() {
    return names.isEmpty();
  }

  public String name(int i) {
    return names.get(i);
  }

  public List<String> names() {
    return names;
  }

  public RuleSet rules(int i) {
    return rules.get(i);
  }

  public String text(int i) {
    return texts.get(i);
  }

  /** The sink of set {@code i}: by position, so sink names stay stable whatever the files are called. */
  public static String sink(int i) {
    return "what-if-alerts-sink-" + i;
  }

  /** The topic set {@code i}'s sink writes: it exists only in the offline driver. */
  public static String topic(FeaturemonConfig config, int i) {
    return config.alertsTopic() + ".what-if-" + i;
  }
}
