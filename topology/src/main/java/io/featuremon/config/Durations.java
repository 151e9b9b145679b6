package io.featuremon.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations written as ISO-8601 ({@code PT1H}, {@code P40D}) or short forms ({@code 1h}, {@code 90s}, {@code 250ms}, {@code 40d}). */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)");

  private Durations() {}

  /** @throws IllegalArgumentException with the accepted forms when {@code text} is neither */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim();
    if (t.equals("0")) {
      return Duration.ZERO; // no unit needed for nothing: "0" turns an interval off
    }
    Matcher m = SHORT.matcher(t.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms": return Duration.ofMillis(n);
        case "s": return Duration.ofSeconds(n);
        case "m": return Duration.ofMinutes(n);
        case "h": return Duration.ofHours(n);
        case "d": return Duration.ofDays(n);
        default: return Duration.ofDays(7 * n);
      }
    }
    try {
      return Duration.parse(t.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration: use ISO-8601 (PT1H, P40D) or a number with"
          + " ms, s, m, h, d or w (90s, 1h, 40d)");
    }
  }

  /** Shortest exact short form, for messages: 3600000 ms → "1h". */
  public static String format(Duration d) {
    long ms = d.toMillis();
    long[] units = {604_800_000L, 86_400_000L, 3_600_000L, 60_000L, 1000L};
    String[] names = {"w", "d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (ms != 0 && ms % units[i] == 0) {
        return ms / units[i] + names[i];
      }
    }
    return ms + "ms";
  }
}
