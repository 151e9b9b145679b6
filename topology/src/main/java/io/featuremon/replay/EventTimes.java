package io.featuremon.replay;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** Event times as text: epoch milliseconds (an integer) or an ISO-8601 instant (with Z or an offset). */
public final class EventTimes {
  private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

  private EventTimes() {}

  /** Epoch milliseconds, or IllegalArgumentException saying why the text is neither form. */
  public static long parse(String text) {
    if (INTEGER.matcher(text).matches()) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' is out of range for epoch milliseconds");
      }
    }
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + abbreviate(text) + "' is neither epoch milliseconds nor ISO-8601"
          + hint(text));
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + abbreviate(text) + "' is out of range for epoch milliseconds");
    }
  }

  /** For a date or a date-time without a zone, what to write instead; otherwise empty. */
  static String hint(String text) {
    try {
      String iso = text.strip().replace(' ', 'T');
      LocalDateTime.parse(iso);
      return " (it has no time zone: " + iso + "Z is UTC, " + iso + "+01:00 an offset)";
    } catch (DateTimeException e) {
      // not a local date-time
    }
    try {
      LocalDate date = LocalDate.parse(text.strip());
      return " (a date alone is not an instant: " + date + "T00:00:00Z is its start in UTC)";
    } catch (DateTimeException e) {
      return "";
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
