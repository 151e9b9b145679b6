package io.featuremon.backtest;

import java.util.List;

/**
 * An incidents file that cannot be used. One line per problem, each {@code <source> line <n>: <what is wrong>}, all
 * problems of the file at once, as {@link io.featuremon.alerts.AlertRulesException} does for rules files.
 */
public final class IncidentsFileException extends IllegalArgumentException {
  private final List<String> problems;

  IncidentsFileException(String source, List<String> problems) {
    super(String.join("\n", problems.stream().map(p -> source + " " + p).toList()));
    this.problems = List.copyOf(problems);
  }

  /** The problems without the source prefix, each {@code line <n>: <message>}. */
  public List<String> problems() {
    return problems;
  }
}
