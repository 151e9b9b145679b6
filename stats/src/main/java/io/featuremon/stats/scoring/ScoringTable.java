package io.featuremon.stats.scoring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The scoring table the backtest command prints: one row per rule set (any of its rules firing), one per rule, and
 * the two baselines under them, in plain text with aligned columns so it reads in a terminal and diffs in a review.
 *
 * <p>Undefined metrics print as {@code nan}, as River prints {@code math.nan}: a blank would read as "not computed"
 * and a 0 as a score.
 */
public final class ScoringTable {

  /** The rule column of a rule set's own row: the set as one detector, firing when any of its rules does. */
  public static final String ANY_RULE = "*";
  /** The rule-set column of the baseline rows. */
  public static final String BASELINE = "baseline";

  /** One line of the table. */
  public record Row(String ruleSet, String rule, Score score) {}

  private record Column(String header, boolean numeric, Function<Row, String> cell) {}

  private static final List<Column> COLUMNS = List.of(
      new Column("rule set", false, Row::ruleSet),
      new Column("rule", false, Row::rule),
      new Column("alarms", true, r -> Integer.toString(r.score().alarms())),
      new Column("incidents", true, r -> Integer.toString(r.score().incidents())),
      new Column("precision", true, r -> ratio(r.score().precision())),
      new Column("recall", true, r -> ratio(r.score().recall())),
      new Column("ep.recall", true, r -> ratio(r.score().episodeRecall())),
      new Column("F1", true, r -> ratio(r.score().f1())),
      new Column("MDR", true, r -> ratio(r.score().missedDetectionRate())),
      new Column("delay ms", true, r -> decimal(r.score().detectionDelayMs(), 0)),
      new Column("delay win", true, r -> decimal(r.score().detectionDelayWindows(), 2)),
      new Column("FA/day", true, r -> decimal(r.score().falseAlarmsPerDay(), 2)),
      new Column("MTFA ms", true, r -> decimal(r.score().meanTimeBetweenFalseAlarmsMs(), 0)));

  private ScoringTable() {}

  /**
   * Scores every rule set and rule, then the baselines.
   *
   * @param alarms rule set -> rule -> its alarms, iterated in the caller's order (use ordered maps)
   * @param evaluations every window evaluated (model, segment, window end): the always-fire baseline's alarms
   */
  public static List<Row> rows(Map<String, ? extends Map<String, ? extends Collection<Alarm>>> alarms,
      Collection<Incident> incidents, Collection<Alarm> evaluations, ScoringOptions options) {
    List<Row> rows = new ArrayList<>();
    alarms.forEach((set, byRule) -> {
      // two rules of a set firing on the same window are one firing of the set
      LinkedHashSet<Alarm> any = new LinkedHashSet<>();
      byRule.values().forEach(any::addAll);
      rows.add(new Row(set, ANY_RULE, Scoring.score(any, incidents, options)));
      byRule.forEach((rule, a) -> rows.add(new Row(set, rule, Scoring.score(a, incidents, options))));
    });
    rows.add(new Row(BASELINE, "always-fire", Scoring.alwaysFire(evaluations, incidents, options)));
    rows.add(new Row(BASELINE, "never-fire", Scoring.neverFire(incidents, options)));
    return rows;
  }

  /** The table, header first, columns separated by two spaces, text left- and numbers right-aligned. */
  public static String render(List<Row> rows) {
    int[] width = new int[COLUMNS.size()];
    List<String[]> lines = new ArrayList<>();
    String[] header = COLUMNS.stream().map(Column::header).toArray(String[]::new);
    lines.add(header);
    for (Row row : rows) {
      lines.add(COLUMNS.stream().map(c -> c.cell().apply(row)).toArray(String[]::new));
    }
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        width[i] = Math.max(width[i], line[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] line : lines) {
      StringBuilder l = new StringBuilder();
      for (int i = 0; i < line.length; i++) {
        if (i > 0) {
          l.append("  ");
        }
        String pad = " ".repeat(width[i] - line[i].length());
        l.append(COLUMNS.get(i).numeric() ? pad + line[i] : line[i] + pad);
      }
      out.append(l.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private static String ratio(double v) {
    return decimal(v, 3);
  }

  private static String decimal(double v, int places) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return String.format(Locale.ROOT, "%." + places + "f", v);
  }
}
