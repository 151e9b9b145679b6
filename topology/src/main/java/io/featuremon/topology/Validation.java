package io.featuremon.topology;

import io.featuremon.config.FeaturemonConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Stateless checks of a decoded event. Each returns null when the event is fine, otherwise a reason a person can
 * act on. Checks that need state (the shape a group already has) live in the window stage.
 */
final class Validation {
  /** Why an event's content was refused: a short code (for quality counts) and a message (for the dead letter). */
  record Rejection(String code, String message) {}

  static final String NON_FINITE = "non-finite";
  static final String TOO_LARGE_VALUE = "too-large-value";

  /** 9999-12-31T23:59:59.999Z: later event times are absurd, and window arithmetic near Long.MAX_VALUE overflows. */
  static final long MAX_EVENT_TIME = 253_402_300_799_999L;

  /**
   * Event times in seconds, microseconds or nanoseconds are recognised only where that reading lands in
   * [PLAUSIBLE_FROM, PLAUSIBLE_UNTIL), 2001-09-09T01:46:40Z to 2100-01-01T00:00:00Z: there the milliseconds reading
   * is absurd (seconds read as 1970-01-12T13:46:40Z to 1970-02-17T11:34:04.800Z; micro- and nanoseconds as years
   * after 9999, refused anyway), so the hint is right. The one cost: genuine millisecond event times inside those
   * five weeks of 1970 are refused (a synthetic stream that starts at the epoch must stay below 10^9 ms, 11.5 days).
   * A value outside the window gets no unit hint: a seconds value there reads as an ordinary (if early) 1970 time
   * and is accepted, and a larger one is refused as after 9999 with the question, not a guess.
   */
  static final long PLAUSIBLE_FROM = 1_000_000_000_000L;
  static final long PLAUSIBLE_UNTIL = 4_102_444_800_000L;

  private final int maxDimensions;
  private final int maxFeatures;
  private final int maxNameLength;
  private final double maxAbsValue;
  private final long maxFutureMs;

  Validation(FeaturemonConfig config) {
    this.maxDimensions = config.maxDimensions();
    this.maxFeatures = config.maxFeatures();
    this.maxNameLength = config.maxNameLength();
    this.maxAbsValue = config.maxAbsValue();
    this.maxFutureMs = config.maxFuture().toMillis();
  }

  String checkCommon(String model, String segment, long timestamp, long recordTimestamp) {
    if (model == null || model.isBlank()) {
      return "missing model: every event needs a non-empty model name";
    }
    if (model.length() > maxNameLength) {
      return "model name of " + model.length() + " characters, more than input.max.name.length=" + maxNameLength
          + " (it starts '" + model.substring(0, Math.min(40, maxNameLength)) + "')";
    }
    if (segment != null && segment.length() > maxNameLength) {
      return "segment name of " + segment.length() + " characters, more than input.max.name.length=" + maxNameLength;
    }
    if (timestamp < 0) {
      return "timestamp " + timestamp + " is before 1970-01-01T00:00:00Z";
    }
    String unit = wrongUnit(timestamp);
    if (unit != null) {
      return unit;
    }
    if (timestamp > MAX_EVENT_TIME) {
      return "timestamp " + timestamp + " is after 9999-12-31T23:59:59.999Z (is it in microseconds or nanoseconds?"
          + " event times are epoch milliseconds)";
    }
    // Compared with the record's own Kafka timestamp, not the wall clock, so a replay decides exactly as the live run.
    if (recordTimestamp >= 0 && timestamp - recordTimestamp > maxFutureMs) {
      return "timestamp " + Instant.ofEpochMilli(timestamp) + " is more than " + Duration.ofMillis(maxFutureMs)
          + " after the record's timestamp " + Instant.ofEpochMilli(recordTimestamp);
    }
    return null;
  }

  /**
   * Why {@code timestamp} looks like seconds, microseconds or nanoseconds instead of milliseconds, with what the
   * right unit gives, or null when it does not (see {@link #PLAUSIBLE_FROM}).
   */
  static String wrongUnit(long timestamp) {
    String read = " (read as epoch milliseconds it is ";
    if (timestamp >= PLAUSIBLE_FROM / 1_000 && timestamp < PLAUSIBLE_UNTIL / 1_000) {
      return "timestamp " + timestamp + " looks like seconds: ×1000 gives " + Instant.ofEpochMilli(timestamp * 1_000)
          + read + Instant.ofEpochMilli(timestamp) + "; event times are epoch milliseconds)";
    }
    if (timestamp >= PLAUSIBLE_FROM * 1_000 && timestamp < PLAUSIBLE_UNTIL * 1_000) {
      return "timestamp " + timestamp + " looks like microseconds: ÷1000 gives " + Instant.ofEpochMilli(timestamp / 1_000)
          + read + "after 9999-12-31T23:59:59.999Z; event times are epoch milliseconds)";
    }
    if (timestamp >= PLAUSIBLE_FROM * 1_000_000 && timestamp < PLAUSIBLE_UNTIL * 1_000_000) {
      return "timestamp " + timestamp + " looks like nanoseconds: ÷1,000,000 gives "
          + Instant.ofEpochMilli(timestamp / 1_000_000) + read + "after 9999-12-31T23:59:59.999Z; event times are"
          + " epoch milliseconds)";
    }
    return null;
  }

  Rejection checkVector(float[] vector) {
    if (vector.length == 0) {
      return new Rejection("empty", "empty vector");
    }
    if (vector.length > maxDimensions) {
      return new Rejection("too-large", "vector has " + vector.length + " dimensions, more than input.max.dimensions="
          + maxDimensions);
    }
    for (int i = 0; i < vector.length; i++) {
      float v = vector[i];
      if (Float.isNaN(v) || Float.isInfinite(v)) {
        return new Rejection(NON_FINITE, "vector[" + i + "] is " + v);
      }
      if (Math.abs(v) > maxAbsValue) {
        return new Rejection(TOO_LARGE_VALUE, "vector[" + i + "] is " + v + ", beyond input.max.abs.value="
            + maxAbsValue);
      }
    }
    return null;
  }

  Rejection checkFeatures(Map<String, Object> features) {
    if (features.isEmpty()) {
      return new Rejection("empty", "no features");
    }
    if (features.size() > maxFeatures) {
      return new Rejection("too-large", features.size() + " features, more than input.max.features=" + maxFeatures);
    }
    int numeric = 0;
    for (Map.Entry<String, Object> e : features.entrySet()) {
      String name = e.getKey();
      if (name.isEmpty()) {
        return new Rejection("empty-name", "a feature has an empty name");
      }
      if (name.length() > maxNameLength) {
        return new Rejection("too-long-name", "a feature name of " + name.length()
            + " characters, more than input.max.name.length=" + maxNameLength + " (it starts '"
            + name.substring(0, Math.min(40, maxNameLength)) + "')");
      }
      if (e.getValue() instanceof Double d) {
        numeric++;
        if (d.isNaN() || d.isInfinite()) {
          return new Rejection(NON_FINITE, "feature '" + name + "' is " + d);
        }
        if (Math.abs(d) > maxAbsValue) {
          return new Rejection(TOO_LARGE_VALUE, "feature '" + name + "' is " + d + ", beyond input.max.abs.value="
              + maxAbsValue + " (its square would overflow the window's co-moments)");
        }
      } else if (e.getValue() instanceof String c && c.length() > maxNameLength * 4) {
        return new Rejection("too-long-name", "categorical feature '" + name + "' has a value of " + c.length()
            + " characters, more than 4 × input.max.name.length=" + (maxNameLength * 4));
      }
    }
    if (numeric > maxDimensions) {
      return new Rejection("too-large", numeric + " numeric features, more than input.max.dimensions=" + maxDimensions);
    }
    return null;
  }
}
