package io.featuremon.bench;

import java.util.Arrays;

/** How the harnesses summarise repeated measurements: median [min – max], never a mean a noisy round can drag. */
final class Spread {
  private Spread() {}

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static double min(double[] values) {
    return Arrays.stream(values).min().orElse(Double.NaN);
  }

  static double max(double[] values) {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }

  /** "median [min – max]", each number in {@code format}. */
  static String of(double[] values, String format) {
    return String.format(format + " [" + format + " – " + format + "]", median(values), min(values), max(values));
  }
}
