package io.featuremon.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A dotted path into the WindowStats JSON (as {@code io.featuremon.serdes.AvroJson} renders it), with at most one
 * {@code *} that stands for every key of an object: {@code redundancy.meanAbsCorr}, {@code count},
 * {@code redundancy.pairs.0.corr} (a number indexes an array), {@code drift.features.*.psi} (one value per feature).
 *
 * <p><b>What counts as a value.</b> A finite JSON number, and a boolean as 1 (true) or 0 (false), so that a verdict
 * such as {@code drift.features.*.drifted} can drive a {@code level: {above: 1}} rule. A missing field, JSON
 * {@code null}, the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"} (AvroJson's rendering of the
 * non-finite doubles), any other string, an object or an array all give <em>no value</em>: the instance is simply
 * absent from {@link #select}'s result, and the alert engine then neither breaches nor clears that rule for that
 * instance in that window (its counters and trend history are left as they were). A {@code *} applied to something
 * other than an object gives no instances; an empty key under a {@code *} is skipped, because the empty string is
 * the instance key of a path without {@code *}.
 *
 * <p><b>Order.</b> {@link #select} returns instances sorted by key ({@link String#compareTo}), whatever the order of
 * the JSON object's fields, so evaluation order and therefore output order are deterministic.
 */
public final class MetricSelector {
  /** A path segment: a field name (letters, digits, '_', '-') or {@code *}. */
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+|\\*");

  private final String path;
  private final List<String> segments;
  private final int wildcard;

  private MetricSelector(String path, List<String> segments, int wildcard) {
    this.path = path;
    this.segments = segments;
    this.wildcard = wildcard;
  }

  /**
   * Parses a path.
   *
   * @throws IllegalArgumentException saying what is wrong, without naming the YAML key (the caller adds it)
   */
  public static MetricSelector parse(String path) {
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("must be a non-empty dotted path such as redundancy.meanAbsCorr");
    }
    String[] parts = path.split("\\.", -1);
    List<String> segments = new ArrayList<>(parts.length);
    int wildcard = -1;
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (!SEGMENT.matcher(part).matches()) {
        throw new IllegalArgumentException("segment " + (i + 1) + " of \"" + path + "\" is \"" + part
            + "\"; each segment must be a field name (letters, digits, '_', '-') or * (every key of an object)");
      }
      if (part.equals("*")) {
        if (wildcard >= 0) {
          throw new IllegalArgumentException("\"" + path + "\" has more than one *; at most one is allowed");
        }
        if (i == 0) {
          throw new IllegalArgumentException("\"" + path + "\" starts with *; the WindowStats root is not a map");
        }
        wildcard = i;
      }
      segments.add(part);
    }
    return new MetricSelector(path, List.copyOf(segments), wildcard);
  }

  /** The path as written in the rule. */
  public String path() {
    return path;
  }

  /** True when the path has a {@code *}: one alert instance per matching key, labelled {@code feature}. */
  public boolean perInstance() {
    return wildcard >= 0;
  }

  /** The concrete path of one instance: the {@code *} replaced by its key (the path itself without a {@code *}). */
  public String pathOf(String instance) {
    if (wildcard < 0) {
      return path;
    }
    List<String> concrete = new ArrayList<>(segments);
    concrete.set(wildcard, instance);
    return String.join(".", concrete);
  }

  /**
   * The values at this path: instance key to value, sorted by key. The key is {@code ""} for a path without
   * {@code *}. Instances without a finite numeric value are absent (see the class comment).
   *
   * @param root the WindowStats JSON; null gives an empty map
   */
  public SortedMap<String, Double> select(JsonNode root) {
    SortedMap<String, Double> out = new TreeMap<>();
    if (root == null) {
      return Collections.unmodifiableSortedMap(out);
    }
    if (wildcard < 0) {
      Double v = valueOf(walk(root, 0, segments.size()));
      if (v != null) {
        out.put("", v);
      }
      return Collections.unmodifiableSortedMap(out);
    }
    JsonNode parent = walk(root, 0, wildcard);
    if (parent != null && parent.isObject()) {
      for (Map.Entry<String, JsonNode> field : parent.properties()) {
        if (field.getKey().isEmpty()) {
          continue;
        }
        Double v = valueOf(walk(field.getValue(), wildcard + 1, segments.size()));
        if (v != null) {
          out.put(field.getKey(), v);
        }
      }
    }
    return Collections.unmodifiableSortedMap(out);
  }

  private JsonNode walk(JsonNode node, int from, int to) {
    for (int i = from; i < to && node != null; i++) {
      String segment = segments.get(i);
      if (node.isObject()) {
        node = node.get(segment);
      } else if (node.isArray() && isIndex(segment)) {
        node = node.get(Integer.parseInt(segment));
      } else {
        return null;
      }
    }
    return node;
  }

  private static boolean isIndex(String segment) {
    return segment.length() <= 9 && segment.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static Double valueOf(JsonNode node) {
    if (node != null && node.isBoolean()) {
      return node.booleanValue() ? 1.0 : 0.0;
    }
    if (node == null || !node.isNumber()) {
      return null;
    }
    double v = node.doubleValue();
    return Double.isFinite(v) ? v : null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MetricSelector other && other.path.equals(path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }

  @Override
  public String toString() {
    return path;
  }
}
