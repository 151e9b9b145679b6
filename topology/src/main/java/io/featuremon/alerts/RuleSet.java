package io.featuremon.alerts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The validated rules of one rules file, in file order. Immutable; build it with {@link AlertRules}. */
public final class RuleSet {
  private final String source;
  private final List<AlertRule> rules;
  private final Map<String, AlertRule> byName;

  RuleSet(String source, List<AlertRule> rules) {
    this.source = source;
    this.rules = List.copyOf(rules);
    Map<String, AlertRule> names = new LinkedHashMap<>();
    for (AlertRule r : this.rules) {
      if (names.put(r.name(), r) != null) {
        throw new IllegalArgumentException("duplicate rule name " + r.name());
      }
    }
    this.byName = names;
  }

  /** Where the rules came from (a file name), for messages. */
  public String source() {
    return source;
  }

  public List<AlertRule> rules() {
    return rules;
  }

  public Optional<AlertRule> rule(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  @Override
  public String toString() {
    return source + ": " + rules.size() + " rules";
  }
}
