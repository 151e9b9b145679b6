package io.featuremon.topology;

import io.featuremon.alerts.AlertRules;
import io.featuremon.alerts.RuleSet;
import io.featuremon.config.FeaturemonConfig;
import java.nio.file.Path;
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

  /** The default rules as YAML: what `featuremon config --alert-rules` prints as a starting point for a file. */
  public static String builtIn(FeaturemonConfig config) {
    String severity = config.alertSeverity();
    StringBuilder yaml = new StringBuilder("version: 1\nrules:\n");
    if (config.alertMeanAbsCorrAbove() != null) {
      yaml.append(level("RedundancyMeanAbsCorrHigh", "redundancy.meanAbsCorr", "above", config.alertMeanAbsCorrAbove(), severity));
    }
    if (config.alertMeanSqCorrAbove() != null) {
      yaml.append(level("RedundancyMeanSqCorrHigh", "redundancy.meanSqCorr", "above", config.alertMeanSqCorrAbove(), severity));
    }
    if (config.alertDrift()) {
      // The verdicts already weigh sample sizes and sketch error (see the README), so a verdict is the condition.
      yaml.append(level("EmbeddingDrift", "drift.embedding.drifted", "above", 1.0, severity));
      yaml.append(level("FeatureDrift", "drift.features.*.drifted", "above", 1.0, severity));
    }
    if (config.alertRedundancyTrend()) {
      yaml.append("  - name: RedundancyClimbing\n")
          .append("    metric: redundancy.meanAbsCorr\n")
          .append("    trend: {rising: true, windows: 10, alpha: 0.01, minSlope: 0.003}\n")
          .append("    for: 2\n    keepFiringFor: 2\n")
          .append("    severity: ").append(severity).append('\n');
    }
    return yaml.toString();
  }

  private static String level(String name, String metric, String direction, double value, String severity) {
    return "  - name: " + name + "\n    metric: " + metric + "\n    level: {" + direction + ": "
        + String.format(Locale.ROOT, "%s", value) + "}\n    severity: " + severity + "\n";
  }
}
