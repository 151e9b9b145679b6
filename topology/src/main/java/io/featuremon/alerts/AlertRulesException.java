package io.featuremon.alerts;

import java.util.List;

/**
 * A rules file that cannot be used. The message has one line per problem, each
 * {@code <source>: <key path>: <what is wrong and what is allowed>}, e.g.
 * {@code alerts.yaml: rules[2].trend.windows: must be an integer >= 4, got 2}; all problems of the file are reported
 * at once.
 */
public final class AlertRulesException extends IllegalArgumentException {
  private final String source;
  private final List<String> problems;

  AlertRulesException(String source, List<String> problems) {
    super(String.join("\n", problems.stream().map(p -> source + ": " + p).toList()));
    this.source = source;
    this.problems = List.copyOf(problems);
  }

  public String source() {
    return source;
  }

  /** The problems without the source prefix, each {@code <key path>: <message>}. */
  public List<String> problems() {
    return problems;
  }
}
