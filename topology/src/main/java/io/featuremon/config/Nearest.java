package io.featuremon.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** The known names closest to a misspelled one (Levenshtein distance), for messages that say "did you mean". */
public final class Nearest {
  private Nearest() {}

  /**
   * Up to {@code count} candidates within edit distance {@code max} of {@code word}, closest first (ties in the
   * candidates' order).
   */
  public static List<String> of(String word, Collection<String> candidates, int count, int max) {
    record Scored(String name, int distance, int order) {}
    List<Scored> scored = new ArrayList<>();
    int order = 0;
    for (String candidate : candidates) {
      int d = distance(word, candidate, max + 1);
      if (d <= max) {
        scored.add(new Scored(candidate, d, order));
      }
      order++;
    }
    scored.sort(Comparator.comparingInt(Scored::distance).thenComparingInt(Scored::order));
    return scored.stream().limit(count).map(Scored::name).toList();
  }

  /** Levenshtein distance of a and b, or {@code limit} when it is at least that (computed no further). */
  static int distance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) >= limit) {
      return limit;
    }
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      int rowMin = current[0];
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
        rowMin = Math.min(rowMin, current[j]);
      }
      if (rowMin >= limit) {
        return limit;
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return Math.min(previous[b.length()], limit);
  }
}
