package io.featuremon.alerts;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.Nearest;
import io.featuremon.stats.drift.TrendTest;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.DoublePredicate;
import java.util.regex.Pattern;

/**
 * Loads and validates an alert rules file. Run the tests with
 * {@code mvn -q -B -pl topology test -Dtest='io.featuremon.alerts.*Test'}; a documented example is
 * {@code docs/alert-rules.example.yaml}.
 *
 * <h2>Format</h2>
 * <pre>{@code
 * version: 1                                  # optional; the only format so far
 * rules:                                      # required, a list (may be empty), evaluated in this order
 *   - name: RedundancyHigh                    # required, unique; the alertname label. [A-Za-z_][A-Za-z0-9_]*
 *     metric: redundancy.meanAbsCorr          # required: dotted path into the WindowStats JSON, see MetricSelector
 *     level: {above: {warning: 0.5, critical: 0.7}}   # above: or below:, a number or severity -> number
 *     for: 2                                  # breached windows in a row before firing (default 1)
 *     keepFiringFor: 1                        # clear windows in a row before resolving (default 1)
 *     match: {type: embedding, model: "churn-*"}  # optional globs (* and ?) on model, segment, type, feature
 *     labels: {team: ml-platform}             # optional static labels
 *     annotations: {summary: "{{model}}: {{value}}"}  # optional {{name}} templates
 *   - name: RedundancyAboveReference
 *     metric: redundancy.meanAbsCorr
 *     relative: {atLeast: 1.3}                # or atMost:; value >= 1.3 x the reference window's value
 *     severity: warning                       # for a single-number level/relative and for trend (default warning)
 *   - name: RedundancyClimbing
 *     metric: redundancy.meanAbsCorr
 *     trend: {rising: true, windows: 10, alpha: 0.001, minSlope: 0.002}
 *   - name: FeatureDrift
 *     metric: drift.features.*.psi            # * = one alert per key, labelled feature
 *     level: {above: {warning: 0.2}}
 * }</pre>
 *
 * <h2>Keys</h2>
 * <ul>
 *   <li>{@code level}: exactly one of {@code above} / {@code below}. Its value is a number (one alert at the rule's
 *       {@code severity}) or a mapping from severity ({@code info}, {@code warning}, {@code critical}) to a number;
 *       with {@code above} a higher severity needs a level at least as high, with {@code below} at least as low.
 *       Breached when value ≥ level ({@code above}) or value ≤ level ({@code below}).</li>
 *   <li>{@code relative}: exactly one of {@code atLeast} / {@code atMost}, a positive ratio or severity → ratio.
 *       Breached when value ≥ ratio × reference ({@code atLeast}) or ≤ ({@code atMost}), where reference is the
 *       same metric and instance in the reference WindowStats the caller passes; the alert's threshold is
 *       ratio × reference. No reference (or no value in it) means no value: neither breached nor cleared.</li>
 *   <li>{@code trend}: exactly one of {@code rising: true} / {@code falling: true}; {@code windows} (required,
 *       integer 4..200), {@code alpha} (required, one-sided level in (0, 0.5]), {@code minSlope} (optional, ≥ 0,
 *       default 0: Sen's slope per window must be at least this in the trend's direction). The rule must be able
 *       to fire: the smallest p-value Mann–Kendall reaches with {@code windows} values must be below alpha.</li>
 *   <li>{@code for}, {@code keepFiringFor}: integers 1..10000, counted in windows that have a value.</li>
 *   <li>{@code match}: keys {@code model}, {@code segment} (an absent segment matches as ""), {@code type} (must
 *       be able to match {@code embedding} or {@code features}) and, only for a {@code *} metric, {@code feature};
 *       each a glob or a list of globs (any may match).</li>
 *   <li>{@code labels}: names {@code [A-Za-z_][A-Za-z0-9_]*}, not starting with {@code __}, not one of the labels
 *       the engine sets ({@code alertname, model, segment, type, feature, severity}) nor a template variable;
 *       values strings (integers and booleans are taken as their text).</li>
 *   <li>{@code annotations}: name → template; {@code summary} and {@code description} get a default when absent
 *       ({@link #defaultSummary}, {@link #defaultDescription}); {@code runbook_url} must be an absolute http(s) URL
 *       (placeholders allowed). Written as rule keys instead, these three are errors that say where they go.
 *       Template variables: every label, {@code value} (true/false for a boolean metric), {@code threshold},
 *       {@code metric} (the concrete path), {@code target} ({@code model=m segment=s type=t feature=f}),
 *       {@code condition}, {@code windowStart}, {@code windowEnd}, {@code activeAt}, {@code startsAt} (RFC 3339
 *       instants), {@code events} (the window's count), {@code reference} (the metric in the reference window, empty
 *       without one), {@code referenceWindow} (which reference drift compared with, empty without drift),
 *       {@code details} and {@code top} (the statistics behind the value and the features, dimensions or pairs that
 *       explain it; see {@link Explanation}); relative rules add {@code ratio}; trend rules add {@code slope},
 *       {@code pValue}, {@code current} (the latest value), {@code windows}, {@code alpha}. Numbers render with 4
 *       significant digits.</li>
 * </ul>
 * Unknown keys are errors (with a "did you mean" when close), so are duplicate keys, duplicate rule names, a rule
 * with none or several of level/relative/trend, and a file with more than one YAML document. Numbers may be written
 * plainly ({@code 0.001}, {@code 1e-3}) or quoted.
 *
 * <p>Every problem is reported at once, one line each, naming the key: {@code alerts.yaml: rules[2].trend.windows:
 * must be an integer >= 4, got 2} (see {@link AlertRulesException}).
 */
public final class AlertRules {
  private AlertRules() {}

  static final int MIN_TREND_WINDOWS = 4;
  static final int MAX_TREND_WINDOWS = 200;
  static final int MAX_WINDOWS = 10_000;

  /** Labels the engine sets itself; a rule cannot set them. */
  static final Set<String> RESERVED_LABELS =
      Set.of("alertname", "model", "segment", "type", "feature", "severity");
  static final Set<String> COMMON_VARIABLES = Set.of("value", "threshold", "metric", "target", "condition",
      "windowStart", "windowEnd", "activeAt", "startsAt", "events", "reference", "referenceWindow", "details", "top");
  static final Set<String> RELATIVE_VARIABLES = Set.of("ratio");
  /** Annotations written as rule keys by mistake: they belong under {@code annotations}, as in Prometheus rules. */
  private static final List<String> ANNOTATION_KEYS = List.of("summary", "description", "runbook_url");
  static final Set<String> TREND_VARIABLES = Set.of("slope", "pValue", "current", "windows", "alpha");

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern NUMBER_TEXT =
      Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
  private static final Pattern INTEGER_TEXT = Pattern.compile("[-+]?\\d{1,18}");
  private static final List<String> TOP_KEYS = List.of("version", "rules");
  private static final List<String> RULE_KEYS = List.of("name", "metric", "level", "relative", "trend", "for",
      "keepFiringFor", "severity", "match", "labels", "annotations");
  private static final List<String> CONDITION_KEYS = List.of("level", "relative", "trend");
  private static final List<String> LEVEL_KEYS = List.of("above", "below");
  private static final List<String> RELATIVE_KEYS = List.of("atLeast", "atMost");
  private static final List<String> TREND_KEYS = List.of("rising", "falling", "windows", "alpha", "minSlope");
  private static final List<String> MATCH_KEYS = List.of("model", "segment", "type", "feature");
  private static final List<String> TYPES = List.of("embedding", "features");

  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build())
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  /**
   * Reads and validates a rules file (UTF-8).
   *
   * @throws AlertRulesException when the file cannot be read or is not a valid rules file; the message names the
   *     file and, for each problem, the key
   */
  public static RuleSet load(Path yaml) {
    String text;
    try {
      text = Files.readString(yaml, StandardCharsets.UTF_8);
    } catch (IOException | java.io.UncheckedIOException e) {
      AlertRulesException ex = new AlertRulesException(yaml.toString(), List.of("cannot read the file: " + e));
      ex.initCause(e);
      throw ex;
    }
    return parse(text, yaml.toString());
  }

  /**
   * Validates rules given as YAML text.
   *
   * @param sourceName names the text in messages (a file name)
   * @throws AlertRulesException listing every problem, each naming its key
   */
  public static RuleSet parse(String yaml, String sourceName) {
    Problems problems = new Problems();
    JsonNode root = readSingleDocument(yaml, problems);
    if (!problems.isEmpty()) {
      throw new AlertRulesException(sourceName, problems.list);
    }
    List<AlertRule> rules = new ArrayList<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      problems.add("rules", "required; the file is empty (expected a mapping with a 'rules' list)");
    } else if (!root.isObject()) {
      problems.add("(top level)", "must be a mapping with a 'rules' list, got " + describe(root));
    } else {
      checkKeys(root, "", TOP_KEYS, problems);
      JsonNode version = root.get("version");
      if (version != null && !(version.isIntegralNumber() && version.asLong() == 1)) {
        problems.add("version", "must be 1 (the only rules format so far), got " + describe(version));
      }
      JsonNode list = root.get("rules");
      if (list == null) {
        problems.add("rules", "required: a list of rules");
      } else if (!list.isArray()) {
        problems.add("rules", "must be a list of rules, got " + describe(list));
      } else {
        Map<String, Integer> names = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
          AlertRule rule = parseRule(list.get(i), i, "rules[" + i + "]", problems, names);
          if (rule != null) {
            rules.add(rule);
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new AlertRulesException(sourceName, problems.list);
    }
    return new RuleSet(sourceName, rules);
  }

  private static JsonNode readSingleDocument(String yaml, Problems problems) {
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      JsonNode first = docs.hasNextValue() ? docs.nextValue() : null;
      if (docs.hasNextValue()) {
        problems.add("(file)", "has more than one YAML document (---); put every rule under one 'rules' list");
      }
      return first;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
      problems.add("(file)", where + "not valid YAML: " + firstLine(e.getOriginalMessage()));
      return null;
    } catch (IOException e) {
      problems.add("(file)", "cannot be read: " + e.getMessage());
      return null;
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static AlertRule parseRule(JsonNode node, int index, String path, Problems problems,
      Map<String, Integer> names) {
    if (!node.isObject()) {
      problems.add(path, "must be a mapping with name, metric and one of level, relative, trend; got "
          + describe(node));
      return null;
    }
    int before = problems.size();
    checkKeys(node, path, RULE_KEYS, ANNOTATION_KEYS, problems);
    for (String key : ANNOTATION_KEYS) {
      if (node.has(key)) {
        problems.add(path + "." + key, "is an annotation: write it under annotations (annotations: {" + key
            + ": ...}), as in Prometheus alerting rules");
      }
    }

    String name = requiredString(node, path, "name", problems);
    if (name != null) {
      if (!NAME.matcher(name).matches()) {
        problems.add(path + ".name", "must match [A-Za-z_][A-Za-z0-9_]* (it becomes the alertname label), got \""
            + name + "\"");
      } else if (names.containsKey(name)) {
        problems.add(path + ".name", "duplicate rule name \"" + name + "\" (also rules[" + names.get(name) + "])");
      } else {
        names.put(name, index);
      }
    }

    MetricSelector metric = null;
    String metricText = requiredString(node, path, "metric", problems);
    if (metricText != null) {
      try {
        metric = MetricSelector.parse(metricText);
        // A misspelt path would never fire: refuse it, naming the paths that exist.
        String never = metric.problemIn(WindowStats.getClassSchema());
        if (never != null) {
          problems.add(path + ".metric", never);
          metric = null;
        }
      } catch (IllegalArgumentException e) {
        problems.add(path + ".metric", e.getMessage());
      }
    }

    int forWindows = optionalInt(node, path, "for", 1, MAX_WINDOWS, 1, problems);
    int keepFiringFor = optionalInt(node, path, "keepFiringFor", 1, MAX_WINDOWS, 1, problems);

    Severity severity = Severity.WARNING;
    JsonNode severityNode = node.get("severity");
    if (severityNode != null) {
      Severity s = severityNode.isTextual() ? Severity.fromLabel(severityNode.asText()) : null;
      if (s == null) {
        problems.add(path + ".severity", "must be one of " + Severity.allowed() + ", got " + describe(severityNode));
      } else {
        severity = s;
      }
    }

    List<String> kinds = new ArrayList<>();
    for (String k : CONDITION_KEYS) {
      if (node.has(k)) {
        kinds.add(k);
      }
    }
    AlertRule.Condition condition = null;
    if (kinds.size() != 1) {
      problems.add(path, "needs exactly one of level, relative, trend; got "
          + (kinds.isEmpty() ? "none" : String.join(" and ", kinds)));
    } else {
      String kind = kinds.get(0);
      String cpath = path + "." + kind;
      JsonNode c = node.get(kind);
      boolean severityUsed;
      switch (kind) {
        case "level" -> {
          condition = parseLevel(c, cpath, severity, problems);
          severityUsed = c.isObject() && singleNumber(c, LEVEL_KEYS);
        }
        case "relative" -> {
          condition = parseRelative(c, cpath, severity, problems);
          severityUsed = c.isObject() && singleNumber(c, RELATIVE_KEYS);
        }
        default -> {
          condition = parseTrend(c, cpath, severity, problems);
          severityUsed = true;
        }
      }
      if (severityNode != null && !severityUsed && c.isObject()) {
        problems.add(path + ".severity", "is not used: " + kind
            + " gives its severities as a mapping; remove severity or give a single number");
      }
    }

    AlertRule.Match match = parseMatch(node.get("match"), path + ".match", metric, problems);
    Set<String> variables = new TreeSet<>();
    variables.addAll(RESERVED_LABELS);
    variables.addAll(COMMON_VARIABLES);
    if (condition instanceof AlertRule.Relative) {
      variables.addAll(RELATIVE_VARIABLES);
    } else if (condition instanceof AlertRule.Trend) {
      variables.addAll(TREND_VARIABLES);
    }
    if (metric != null && !metric.perInstance()) {
      variables.remove("feature");
    }
    Map<String, String> labels = parseLabels(node.get("labels"), path + ".labels", problems);
    variables.addAll(labels.keySet());
    boolean booleanMetric = metric != null && metric.isBooleanIn(WindowStats.getClassSchema());
    Map<String, Template> annotations = parseAnnotations(node.get("annotations"), path + ".annotations", variables,
        condition, metric == null ? Explanation.Family.OTHER : Explanation.Family.of(metric), booleanMetric,
        problems);

    if (problems.size() > before || metric == null || condition == null || name == null) {
      return null;
    }
    return new AlertRule(index, name, metric, condition, forWindows, keepFiringFor, match, labels, annotations,
        booleanMetric);
  }

  /** True when the condition mapping's (only) direction key holds a single number rather than a severity map. */
  private static boolean singleNumber(JsonNode condition, List<String> directionKeys) {
    for (String k : directionKeys) {
      JsonNode v = condition.get(k);
      if (v != null && !v.isObject()) {
        return true;
      }
    }
    return false;
  }

  private static AlertRule.Condition parseLevel(JsonNode node, String path, Severity severity, Problems problems) {
    if (!node.isObject()) {
      problems.add(path, "must be a mapping with above: or below:, got " + describe(node));
      return null;
    }
    checkKeys(node, path, LEVEL_KEYS, problems);
    String direction = exactlyOne(node, path, LEVEL_KEYS, problems);
    if (direction == null) {
      return null;
    }
    boolean above = direction.equals("above");
    SortedMap<Severity, Double> levels = severityNumbers(node.get(direction), path + "." + direction, severity,
        v -> true, "a number", problems);
    if (levels == null) {
      return null;
    }
    if (!checkMonotone(levels, above, path + "." + direction, "level", problems)) {
      return null;
    }
    return new AlertRule.Level(above, levels);
  }

  private static AlertRule.Condition parseRelative(JsonNode node, String path, Severity severity,
      Problems problems) {
    if (!node.isObject()) {
      problems.add(path, "must be a mapping with atLeast: or atMost:, got " + describe(node));
      return null;
    }
    checkKeys(node, path, RELATIVE_KEYS, problems);
    String direction = exactlyOne(node, path, RELATIVE_KEYS, problems);
    if (direction == null) {
      return null;
    }
    boolean atLeast = direction.equals("atLeast");
    SortedMap<Severity, Double> ratios = severityNumbers(node.get(direction), path + "." + direction, severity,
        v -> v > 0, "a number > 0", problems);
    if (ratios == null) {
      return null;
    }
    if (!checkMonotone(ratios, atLeast, path + "." + direction, "ratio", problems)) {
      return null;
    }
    return new AlertRule.Relative(atLeast, ratios);
  }

  private static AlertRule.Condition parseTrend(JsonNode node, String path, Severity severity, Problems problems) {
    if (!node.isObject()) {
      problems.add(path, "must be a mapping such as {rising: true, windows: 10, alpha: 0.01}, got "
          + describe(node));
      return null;
    }
    int before = problems.size();
    checkKeys(node, path, TREND_KEYS, problems);
    String direction = exactlyOne(node, path, List.of("rising", "falling"), problems);
    if (direction != null) {
      JsonNode flag = node.get(direction);
      if (!(flag.isBoolean() && flag.booleanValue())) {
        problems.add(path + "." + direction, "must be true (for the other direction write "
            + (direction.equals("rising") ? "falling" : "rising") + ": true), got " + describe(flag));
      }
    }
    Integer windows = null;
    if (!node.has("windows")) {
      problems.add(path + ".windows", "required: an integer >= " + MIN_TREND_WINDOWS + " (values in the test)");
    } else {
      windows = intValue(node.get("windows"), path + ".windows", MIN_TREND_WINDOWS, MAX_TREND_WINDOWS, problems);
    }
    Double alpha = null;
    if (!node.has("alpha")) {
      problems.add(path + ".alpha", "required: the one-sided significance level, a number in (0, 0.5]");
    } else {
      alpha = number(node.get("alpha"), path + ".alpha", v -> v > 0 && v <= 0.5, "a number in (0, 0.5]", problems);
    }
    double minSlope = 0;
    if (node.has("minSlope")) {
      Double m = number(node.get("minSlope"), path + ".minSlope", v -> v >= 0, "a number >= 0", problems);
      minSlope = m == null ? 0 : m;
    }
    if (windows != null && alpha != null) {
      double[] monotone = new double[windows];
      for (int i = 0; i < windows; i++) {
        monotone[i] = i;
      }
      double smallestP = TrendTest.mannKendall(monotone, 0.5).pRising();
      if (!(smallestP < alpha)) {
        problems.add(path, String.format(Locale.ROOT, "can never fire: with windows: %d the smallest one-sided "
            + "p-value Mann-Kendall reaches is %.4g, not below alpha %s; use more windows or a larger alpha",
            windows, smallestP, alpha));
      }
    }
    if (problems.size() > before || direction == null) {
      return null;
    }
    return new AlertRule.Trend(direction.equals("rising"), windows, alpha, minSlope, severity);
  }

  private static boolean checkMonotone(SortedMap<Severity, Double> values, boolean increasing, String path,
      String what, Problems problems) {
    Map.Entry<Severity, Double> previous = null;
    for (Map.Entry<Severity, Double> e : values.entrySet()) {
      if (previous != null) {
        boolean ok = increasing ? e.getValue() >= previous.getValue() : e.getValue() <= previous.getValue();
        if (!ok) {
          problems.add(path + "." + e.getKey().label(), "the " + e.getKey().label() + " " + what + " "
              + e.getValue() + " is " + (increasing ? "below" : "above") + " the " + previous.getKey().label()
              + " " + what + " " + previous.getValue() + "; a higher severity needs a " + what + " at least as "
              + (increasing ? "high" : "low"));
          return false;
        }
      }
      previous = e;
    }
    return true;
  }

  private static SortedMap<Severity, Double> severityNumbers(JsonNode node, String path, Severity severity,
      DoublePredicate ok, String allowed, Problems problems) {
    SortedMap<Severity, Double> out = new TreeMap<>();
    if (node.isObject()) {
      if (node.isEmpty()) {
        problems.add(path, "must name at least one severity (" + Severity.allowed() + ")");
        return null;
      }
      boolean good = true;
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        Severity s = Severity.fromLabel(e.getKey());
        if (s == null) {
          problems.add(path + keySuffix(e.getKey()), "unknown severity; allowed: " + Severity.allowed());
          good = false;
          continue;
        }
        Double v = number(e.getValue(), path + "." + s.label(), ok, allowed, problems);
        if (v == null) {
          good = false;
        } else {
          out.put(s, v);
        }
      }
      return good ? out : null;
    }
    if (node.isArray() || node.isNull() || node.isBoolean()) {
      problems.add(path, "must be " + allowed + " or a mapping of severity (" + Severity.allowed() + ") to "
          + allowed + ", got " + describe(node));
      return null;
    }
    boolean numeric = node.isNumber() || node.isTextual() && NUMBER_TEXT.matcher(node.asText().trim()).matches();
    Double v = number(node, path, ok, numeric ? allowed : allowed + " or a mapping of severity ("
        + Severity.allowed() + ") to " + allowed, problems);
    if (v == null) {
      return null;
    }
    out.put(severity, v);
    return out;
  }

  private static AlertRule.Match parseMatch(JsonNode node, String path, MetricSelector metric, Problems problems) {
    if (node == null) {
      return AlertRule.Match.ALL;
    }
    if (!node.isObject()) {
      problems.add(path, "must be a mapping of model, segment, type, feature to globs, got " + describe(node));
      return AlertRule.Match.ALL;
    }
    checkKeys(node, path, MATCH_KEYS, problems);
    List<String> model = globs(node.get("model"), path + ".model", problems);
    List<String> segment = globs(node.get("segment"), path + ".segment", problems);
    List<String> type = globs(node.get("type"), path + ".type", problems);
    List<String> feature = globs(node.get("feature"), path + ".feature", problems);
    if (!type.isEmpty() && TYPES.stream().noneMatch(t -> type.stream().anyMatch(g -> Glob.of(g).matches(t)))) {
      problems.add(path + ".type", "matches no type; the types are embedding and features, got " + type);
    }
    if (!feature.isEmpty() && metric != null && !metric.perInstance()) {
      problems.add(path + ".feature", "only applies to a metric path with * (one alert per feature); "
          + "metric is " + metric.path());
    }
    return new AlertRule.Match(model, segment, type, feature);
  }

  private static List<String> globs(JsonNode node, String path, Problems problems) {
    if (node == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (node.isTextual()) {
      out.add(node.asText());
    } else if (node.isArray() && !node.isEmpty()) {
      for (int i = 0; i < node.size(); i++) {
        JsonNode g = node.get(i);
        if (g.isTextual()) {
          out.add(g.asText());
        } else {
          problems.add(path + "[" + i + "]", "must be a glob string, got " + describe(g));
        }
      }
    } else {
      problems.add(path, "must be a glob string or a non-empty list of them, got " + describe(node));
    }
    return out;
  }

  private static Map<String, String> parseLabels(JsonNode node, String path, Problems problems) {
    Map<String, String> out = new TreeMap<>();
    if (node == null) {
      return out;
    }
    if (!node.isObject()) {
      problems.add(path, "must be a mapping of label name to value, got " + describe(node));
      return out;
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String key = e.getKey();
      String kpath = path + keySuffix(key);
      if (!NAME.matcher(key).matches() || key.startsWith("__")) {
        problems.add(kpath, "label names must match [A-Za-z_][A-Za-z0-9_]* and not start with __");
        continue;
      }
      if (RESERVED_LABELS.contains(key)) {
        problems.add(kpath, "is set by the engine (alertname, model, segment, type, feature, severity); "
            + "choose another label name");
        continue;
      }
      if (COMMON_VARIABLES.contains(key) || RELATIVE_VARIABLES.contains(key) || TREND_VARIABLES.contains(key)) {
        problems.add(kpath, "is a template variable name; choose another label name");
        continue;
      }
      JsonNode v = e.getValue();
      if (v.isTextual() || v.isIntegralNumber() || v.isBoolean()) {
        out.put(key, v.asText());
      } else {
        problems.add(kpath, "must be a string (quote it), got " + describe(v));
      }
    }
    return out;
  }

  private static Map<String, Template> parseAnnotations(JsonNode node, String path, Set<String> variables,
      AlertRule.Condition condition, Explanation.Family family, boolean booleanMetric, Problems problems) {
    Map<String, Template> out = new TreeMap<>();
    if (node != null) {
      if (!node.isObject()) {
        problems.add(path, "must be a mapping of annotation name to template, got " + describe(node));
      } else {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
          String kpath = path + keySuffix(e.getKey());
          if (!NAME.matcher(e.getKey()).matches()) {
            problems.add(kpath, "annotation names must match [A-Za-z_][A-Za-z0-9_]*");
            continue;
          }
          if (!e.getValue().isTextual()) {
            problems.add(kpath, "must be a string template, got " + describe(e.getValue()));
            continue;
          }
          Template t;
          try {
            t = Template.parse(e.getValue().asText());
          } catch (IllegalArgumentException ex) {
            problems.add(kpath, ex.getMessage());
            continue;
          }
          Set<String> unknown = new LinkedHashSet<>();
          for (String v : t.variables()) {
            if (!variables.contains(v)) {
              unknown.add(v);
            }
          }
          if (!unknown.isEmpty()) {
            problems.add(kpath, "unknown template variable" + (unknown.size() > 1 ? "s " : " ")
                + unknown.stream().map(v -> "{{" + v + "}}").toList() + "; this rule has " + variables);
            continue;
          }
          if (e.getKey().equals(RUNBOOK_URL)) {
            String problem = runbookProblem(t);
            if (problem != null) {
              problems.add(kpath, problem);
              continue;
            }
          }
          out.put(e.getKey(), t);
        }
      }
    }
    if (condition != null) {
      out.putIfAbsent("summary", Template.parse(defaultSummary(condition, family, booleanMetric)));
      out.putIfAbsent("description", Template.parse(defaultDescription(condition, family)));
    }
    return out;
  }

  /** The annotation Alertmanager users put a link to the runbook in (Prometheus' convention). */
  static final String RUNBOOK_URL = "runbook_url";

  /** Why a runbook_url template cannot give an absolute http(s) URL, or null when it can. */
  private static String runbookProblem(Template t) {
    String probe = t.text().replaceAll("\\{\\{[^}]*}}", "x");
    String why = null;
    try {
      URI uri = new URI(probe);
      if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))
          || uri.getHost() == null) {
        why = "";
      }
    } catch (URISyntaxException e) {
      why = " (" + e.getReason() + ")";
    }
    return why == null ? null : "must be an absolute http:// or https:// URL ({{name}} placeholders allowed)"
        + why + ", got \"" + t.text() + "\"";
  }

  /**
   * The summary a rule gets when it gives none: the metric, its value and the threshold (a verdict, true or false,
   * needs no threshold) and, for drift and redundancy metrics, the statistics behind it ({{details}}).
   */
  static String defaultSummary(AlertRule.Condition condition, Explanation.Family family, boolean booleanMetric) {
    String text;
    if (condition instanceof AlertRule.Level) {
      text = "{{alertname}} {{target}}: {{metric}} = {{value}}" + (booleanMetric ? "" : " (threshold {{threshold}})");
    } else if (condition instanceof AlertRule.Relative) {
      text = "{{alertname}} {{target}}: {{metric}} = {{value}}, {{ratio}} x the reference {{reference}} "
          + "(threshold {{threshold}})";
    } else {
      boolean rising = ((AlertRule.Trend) condition).rising();
      return "{{alertname}} {{target}}: {{metric}} is " + (rising ? "rising" : "falling")
          + ", Sen slope {{slope}} per window over the last {{windows}} windows (Mann-Kendall p = {{pValue}}, "
          + "alpha {{alpha}}); now {{current}}";
    }
    return family == Explanation.Family.OTHER ? text : text + "; {{details}}";
  }

  /**
   * The description a rule gets when it gives none: the condition, the window and its events, for drift the
   * reference it was measured against, and the features, dimensions or pairs that explain it ({{top}}).
   */
  static String defaultDescription(AlertRule.Condition condition, Explanation.Family family) {
    boolean trend = condition instanceof AlertRule.Trend;
    String text = "In window [{{windowStart}}, {{windowEnd}}) of {{events}} events"
        + (family.drift() ? " against {{referenceWindow}}" : "") + ", {{metric}} = "
        + (trend ? "{{current}}" : "{{value}}") + "; the alert fires while {{condition}}.";
    if (family == Explanation.Family.OTHER) {
      return text;
    }
    return text + (trend ? " {{details}}. {{top}}." : " {{top}}.");
  }

  // ---- small readers ------------------------------------------------------------------------------------------

  private static String exactlyOne(JsonNode node, String path, List<String> keys, Problems problems) {
    List<String> present = keys.stream().filter(node::has).toList();
    if (present.size() != 1) {
      problems.add(path, "needs exactly one of " + String.join(", ", keys) + "; got "
          + (present.isEmpty() ? "none" : String.join(" and ", present)));
      return null;
    }
    return present.get(0);
  }

  private static String requiredString(JsonNode node, String path, String key, Problems problems) {
    JsonNode v = node.get(key);
    if (v == null) {
      problems.add(path + "." + key, "required");
      return null;
    }
    if (!v.isTextual() || v.asText().isEmpty()) {
      problems.add(path + "." + key, "must be a non-empty string, got " + describe(v));
      return null;
    }
    return v.asText();
  }

  private static int optionalInt(JsonNode node, String path, String key, int min, int max, int dflt,
      Problems problems) {
    JsonNode v = node.get(key);
    if (v == null) {
      return dflt;
    }
    Integer i = intValue(v, path + "." + key, min, max, problems);
    return i == null ? dflt : i;
  }

  private static Integer intValue(JsonNode v, String path, int min, int max, Problems problems) {
    Long value = null;
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      value = v.asLong();
    } else if (v.isTextual() && INTEGER_TEXT.matcher(v.asText().trim()).matches()) {
      value = Long.parseLong(v.asText().trim().replace("+", ""));
    }
    if (value == null || value < min) {
      problems.add(path, "must be an integer >= " + min + ", got " + describe(v));
      return null;
    }
    if (value > max) {
      problems.add(path, "must be an integer <= " + max + ", got " + describe(v));
      return null;
    }
    return value.intValue();
  }

  private static Double number(JsonNode v, String path, DoublePredicate ok, String allowed, Problems problems) {
    Double value = null;
    if (v.isNumber()) {
      value = v.doubleValue();
    } else if (v.isTextual() && NUMBER_TEXT.matcher(v.asText().trim()).matches()) {
      value = Double.parseDouble(v.asText().trim());
    }
    if (value == null || !Double.isFinite(value) || !ok.test(value)) {
      problems.add(path, "must be " + allowed + ", got " + describe(v));
      return null;
    }
    return value;
  }

  private static void checkKeys(JsonNode node, String path, List<String> allowed, Problems problems) {
    checkKeys(node, path, allowed, List.of(), problems);
  }

  /** As above, leaving alone the keys in {@code reportedElsewhere} (the caller says what is wrong with them). */
  private static void checkKeys(JsonNode node, String path, List<String> allowed, List<String> reportedElsewhere,
      Problems problems) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key) && !reportedElsewhere.contains(key)) {
        String hint = suggestion(key, allowed);
        problems.add((path.isEmpty() ? key : path + keySuffix(key)), "unknown key"
            + (hint == null ? "" : " (did you mean '" + hint + "'?)") + "; allowed: " + String.join(", ", allowed));
      }
    }
  }

  private static String keySuffix(String key) {
    return key.matches("[A-Za-z0-9_-]+") ? "." + key : "[\"" + key.replace("\"", "\\\"") + "\"]";
  }

  /** A known key that differs only in case, '_' / '-', or by at most two edits. */
  static String suggestion(String key, List<String> allowed) {
    String norm = normalize(key);
    for (String a : allowed) {
      if (normalize(a).equals(norm)) {
        return a;
      }
    }
    List<String> normalized = allowed.stream().map(AlertRules::normalize).toList();
    List<String> nearest = Nearest.of(norm, normalized, 1, 2);
    return nearest.isEmpty() ? null : allowed.get(normalized.indexOf(nearest.get(0)));
  }

  private static String normalize(String s) {
    return s.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
  }

  static String describe(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    if (n.isNull()) {
      return "null";
    }
    if (n.isTextual()) {
      String s = n.asText();
      return "\"" + (s.length() > 40 ? s.substring(0, 37) + "..." : s) + "\" (a string)";
    }
    if (n.isNumber() || n.isBoolean()) {
      return n.asText();
    }
    if (n.isArray()) {
      return "a list";
    }
    if (n.isObject()) {
      return "a mapping";
    }
    return n.getNodeType().toString().toLowerCase(Locale.ROOT);
  }

  private static final class Problems {
    final List<String> list = new ArrayList<>();

    void add(String path, String message) {
      list.add(path + ": " + message);
    }

    int size() {
      return list.size();
    }

    boolean isEmpty() {
      return list.isEmpty();
    }
  }
}
