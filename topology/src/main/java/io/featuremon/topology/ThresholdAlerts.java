package io.featuremon.topology;

import io.featuremon.avro.Alert;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.stats.RedundancyReport;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Threshold rules on the redundancy metrics, with a firing/resolved lifecycle: an alert fires in the first window
 * whose value crosses its threshold and resolves in the first window back on the safe side; no repeats in between.
 */
final class ThresholdAlerts {

  /** One rule: a metric, a direction and a level. */
  record Rule(String name, String metric, boolean above, double threshold, String severity) {
    boolean breached(double value) {
      return !Double.isNaN(value) && (above ? value >= threshold : value <= threshold);
    }

    String describe() {
      return metric + (above ? " >= " : " <= ") + threshold;
    }
  }

  private final List<Rule> rules;

  ThresholdAlerts(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  static ThresholdAlerts fromConfig(FeaturemonConfig config) {
    List<Rule> rules = new ArrayList<>();
    String severity = config.alertSeverity();
    if (config.alertMeanAbsCorrAbove() != null) {
      rules.add(new Rule("RedundancyMeanAbsCorrHigh", "meanAbsCorr", true, config.alertMeanAbsCorrAbove(), severity));
    }
    if (config.alertMeanSqCorrAbove() != null) {
      rules.add(new Rule("RedundancyMeanSqCorrHigh", "meanSqCorr", true, config.alertMeanSqCorrAbove(), severity));
    }
    if (config.alertEffectiveRankRatioBelow() != null) {
      rules.add(new Rule("EffectiveRankLow", "effectiveRankRatio", false, config.alertEffectiveRankRatioBelow(), severity));
    }
    return new ThresholdAlerts(rules);
  }

  List<Rule> rules() {
    return rules;
  }

  static double value(String metric, RedundancyReport report) {
    switch (metric) {
      case "meanAbsCorr": return report.meanAbsCorr();
      case "meanSqCorr": return report.meanSqCorr();
      case "effectiveRankRatio":
        return report.nonConstantCount() < 2 ? Double.NaN : report.effectiveRank() / report.nonConstantCount();
      default: throw new IllegalArgumentException("unknown metric " + metric);
    }
  }

  /** Builds the alert record for a state change; {@code endsAt} is null while firing. */
  static Alert alert(Rule rule, GroupKey key, boolean firing, double value, long windowStart, long windowEnd,
      long startsAt, Long endsAt) {
    Map<String, String> labels = new TreeMap<>();
    labels.put("alertname", rule.name());
    labels.put("model", key.model());
    if (key.segment() != null) {
      labels.put("segment", key.segment());
    }
    labels.put("type", key.type().label());
    labels.put("severity", rule.severity());
    Map<String, String> annotations = new TreeMap<>();
    annotations.put("summary", rule.metric() + " of " + key.type().label() + " for model " + key.model()
        + (firing ? " crossed " : " is back within ") + rule.threshold());
    annotations.put("description", "rule " + rule.describe() + "; value " + value + " in window ["
        + java.time.Instant.ofEpochMilli(windowStart) + ", " + java.time.Instant.ofEpochMilli(windowEnd) + ")");
    return Alert.newBuilder()
        .setFingerprint(fingerprint(labels))
        .setStatus(firing ? "firing" : "resolved")
        .setRule(rule.name())
        .setModel(key.model())
        .setSegment(key.segment())
        .setType(key.type().label())
        .setSeverity(rule.severity())
        .setMetric(rule.metric())
        .setValue(value)
        .setThreshold(rule.threshold())
        .setWindowStart(windowStart)
        .setWindowEnd(windowEnd)
        .setStartsAt(startsAt)
        .setEndsAt(endsAt)
        .setLabels(new java.util.LinkedHashMap<>(labels))
        .setAnnotations(new java.util.LinkedHashMap<>(annotations))
        .build();
  }

  /** First 16 hex digits of SHA-256 over the sorted labels: the same labels always give the same fingerprint. */
  static String fingerprint(Map<String, String> sortedLabels) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sortedLabels.forEach((k, v) -> sha.update((k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
