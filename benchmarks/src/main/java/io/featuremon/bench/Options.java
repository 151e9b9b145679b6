package io.featuremon.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The harnesses' command lines: {@code --name value} pairs, {@code --set key=value} overrides, counts with '_'. */
final class Options {
  private Options() {}

  /** The arguments as (name, value) pairs, in order; every name needs a value. */
  static List<Map.Entry<String, String>> pairs(String[] args) {
    List<Map.Entry<String, String>> pairs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      pairs.add(Map.entry(a, args[++i]));
    }
    return pairs;
  }

  /** Adds the override of one {@code --set key=value}. */
  static void set(Map<String, String> overrides, String keyValue) {
    int eq = keyValue.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("--set takes key=value, not " + keyValue);
    }
    overrides.put(keyValue.substring(0, eq), keyValue.substring(eq + 1));
  }

  /** A count such as 200_000. */
  static long count(String v) {
    return Long.parseLong(v.replace("_", ""));
  }
}
