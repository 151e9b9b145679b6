package io.featuremon.topology;

import io.featuremon.alerts.AlertRules;
import io.featuremon.alerts.RuleSet;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.alerts.AlertRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The alert rules in force: the YAML file named by {@code alert.rules}, or else the built-in rules below, whose
 * levels come from the {@code alert.*} settings. Either way they are validated at start-up.
 */
public final class AlertRulesConfig {
  private AlertRulesConfig() {}

  public static RuleSet load(FeaturemonConfig config) {
    String file = config.alertRulesFile();
    if (!file.isBlank()) {
      if (!java.nio.file.Files.isRegularFile(Path.of(file))) {
        throw new org.apache.kafka.common.config.ConfigException(FeaturemonConfig.ALERT_RULES, file,
            "no such file (relative paths start from " + Path.of("").toAbsolutePath() + "); unset it for the"
            + " built-in rules, or `featuremon config --alert-rules` prints them as a file to start from");
      }
      return AlertRules.load(Path.of(file));
    }
    return AlertRules.parse(builtIn(config), "built-in rules (alert.* settings)");
  }

  /**
   * The default rules as YAML: what `featuremon config --alert-rules` prints as a starting point for a file. Each
   * rule shows the summary and description it gets (the defaults {@link AlertRules} gives such a rule) and, as a
   * comment to fill in, where its runbook_url goes.
   */
  public static String builtIn(FeaturemonConfig config) {
    String severity = config.alertSeverity();
    List<String> rules = new ArrayList<>();
    if (config.alertMeanAbsCorrAbove() != null) {
      rules.add(level("RedundancyMeanAbsCorrHigh", "redundancy.meanAbsCorr", "above", config.alertMeanAbsCorrAbove(), severity));
    }
    if (config.alertMeanSqCorrAbove() != null) {
      rules.add(level("RedundancyMeanSqCorrHigh", "redundancy.meanSqCorr", "above", config.alertMeanSqCorrAbove(), severity));
    }
    if (config.alertDrift()) {
      // The verdicts already weigh sample sizes and sketch error (see the README), so a verdict is the condition.
      rules.add(level("EmbeddingDrift", "drift.embedding.drifted", "above", 1.0, severity));
      rules.add(level("FeatureDrift", "drift.features.*.drifted", "above", 1.0, severity));
    }
    if (config.alertRedundancyTrend()) {
      rules.add("  - name: RedundancyClimbing\n"
          + "    metric: redundancy.meanAbsCorr\n"
          + "    trend: {rising: true, windows: 10, alpha: 0.01, minSlope: 0.003}\n"
          + "    for: 2\n    keepFiringFor: 2\n"
          + "    severity: " + severity + "\n");
    }
    StringBuilder yaml = new StringBuilder("version: 1\nrules:\n");
    for (String rule : rules) {
      AlertRule parsed = AlertRules.parse("rules:\n" + rule, "built-in rule").rules().get(0);
      yaml.append(rule).append("    annotations:\n");
      for (String name : List.of("summary", "description")) {
        yaml.append("      ").append(name).append(": ").append(quoted(parsed.annotationTemplates().get(name)))
            .append('\n');
      }
      yaml.append("      # runbook_url: \"https://runbooks.example.com/featuremon/").append(parsed.name())
          .append("\"   # a link per rule, {{placeholders}} allowed\n");
    }
    return yaml.toString();
  }

  private static String level(String name, String metric, String direction, double value, String severity) {
    return "  - name: " + name + "\n    metric: " + metric + "\n    level: {" + direction + ": "
        + String.format(Locale.ROOT, "%s", value) + "}\n    severity: " + severity + "\n";
  }

  /** A YAML double-quoted scalar. */
  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
