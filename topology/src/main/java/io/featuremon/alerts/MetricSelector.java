package io.featuremon.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.featuremon.config.Nearest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

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

  /** The segments of {@link #pathOf}: the {@code *} replaced by its key, which may itself contain dots. */
  List<String> segmentsOf(String instance) {
    if (wildcard < 0) {
      return segments;
    }
    List<String> concrete = new ArrayList<>(segments);
    concrete.set(wildcard, instance);
    return List.copyOf(concrete);
  }

  /** Whether the path ends at a boolean field of {@code schema} (a verdict such as {@code drifted}). */
  public boolean isBooleanIn(Schema schema) {
    Schema s = schema;
    for (String segment : segments) {
      s = withoutNull(s);
      switch (s.getType()) {
        case RECORD -> {
          Schema.Field field = segment.equals("*") ? null : s.getField(segment);
          if (field == null) {
            return false;
          }
          s = field.schema();
        }
        case MAP -> s = s.getValueType();
        case ARRAY -> s = s.getElementType();
        default -> {
          return false;
        }
      }
    }
    return withoutNull(s).getType() == Schema.Type.BOOLEAN;
  }

  /**
   * Why this path can never give a value in records of {@code schema} (the WindowStats schema), or null when it can:
   * a field that is not there, a path that goes on past a number, an index into something that is not an array, or
   * a path that ends at an object, an array or a string. Each message names up to three of the nearest paths that do
   * give values. Map keys (features, categories) and array indexes are the data's and are not checked; a * over a
   * record's fields is not checked past it.
   */
  public String problemIn(Schema schema) {
    Schema s = schema;
    for (int i = 0; i < segments.size(); i++) {
      s = withoutNull(s);
      String segment = segments.get(i);
      String at = i == 0 ? "WindowStats" : "\"" + String.join(".", segments.subList(0, i)) + "\"";
      switch (s.getType()) {
        case RECORD -> {
          if (segment.equals("*")) {
            return null;
          }
          Schema.Field field = s.getField(segment);
          if (field == null) {
            return at + " has no field \"" + segment + "\"" + nearestPaths(schema);
          }
          s = field.schema();
        }
        case MAP -> s = s.getValueType();
        case ARRAY -> {
          if (!isIndex(segment)) {
            return at + " is an array: the next segment must be an index (0, 1, ...), not \"" + segment + "\""
                + nearestPaths(schema);
          }
          s = s.getElementType();
        }
        default -> {
          return at + " is a " + s.getType().getName() + " value; the path cannot go on past it" + nearestPaths(schema);
        }
      }
    }
    s = withoutNull(s);
    return switch (s.getType()) {
      case INT, LONG, FLOAT, DOUBLE, BOOLEAN, UNION -> null;
      default -> "\"" + path + "\" is " + article(s.getType().getName()) + " " + s.getType().getName()
          + ", not a number or a boolean, so it never gives a value" + nearestPaths(schema);
    };
  }

  /** A union of null and one type is that type; other unions are left as they are (and accepted as values). */
  private static Schema withoutNull(Schema s) {
    if (s.getType() != Schema.Type.UNION) {
      return s;
    }
    List<Schema> types = s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).toList();
    return types.size() == 1 ? types.get(0) : s;
  }

  private static String article(String word) {
    return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
  }

  /** Up to three paths that give values: under this one when it names an object, else the nearest by spelling. */
  private String nearestPaths(Schema schema) {
    List<String> known = new ArrayList<>();
    valuePaths(schema, "", known, 0);
    List<String> below = known.stream().filter(k -> k.startsWith(path + ".")).limit(3).toList();
    List<String> nearest = !below.isEmpty() ? below
        : Nearest.of(path, known, 3, Math.max(4, path.length() / 2));
    return nearest.isEmpty() ? "" : "; nearest paths that give values: " + String.join(", ", nearest);
  }

  /** Every path of the schema that gives a number or a boolean: map keys as *, array indexes as 0. */
  private static void valuePaths(Schema schema, String prefix, List<String> out, int depth) {
    Schema s = withoutNull(schema);
    if (depth > 8) {
      return;
    }
    switch (s.getType()) {
      case RECORD -> s.getFields().forEach(f -> valuePaths(f.schema(), join(prefix, f.name()), out, depth + 1));
      case MAP -> valuePaths(s.getValueType(), join(prefix, "*"), out, depth + 1);
      case ARRAY -> valuePaths(s.getElementType(), join(prefix, "0"), out, depth + 1);
      case INT, LONG, FLOAT, DOUBLE, BOOLEAN -> out.add(prefix);
      default -> { }
    }
  }

  private static String join(String prefix, String segment) {
    return prefix.isEmpty() ? segment : prefix + "." + segment;
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
