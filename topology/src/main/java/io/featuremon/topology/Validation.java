package io.featuremon.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Stateless checks of a decoded event. Each returns null when the event is fine, otherwise a reason a person can
 * act on. Checks that need state (the dimension a group already has) live in the window stage.
 */
final class Validation {
  /** Why an event's content was refused: a short code (for quality counts) and a message (for the dead letter). */
  record Rejection(String code, String message) {}

  static final String NON_FINITE = "non-finite";

  private final int maxDimensions;
  private final long maxFutureMs;

  Validation(int maxDimensions, Duration maxFuture) {
    this.maxDimensions = maxDimensions;
    this.maxFutureMs = maxFuture.toMillis();
  }

  String checkCommon(String model, long timestamp, long recordTimestamp) {
    if (model == null || model.isBlank()) {
      return "missing model: every event needs a non-empty model name";
    }
    if (timestamp < 0) {
      return "timestamp " + timestamp + " is before 1970-01-01T00:00:00Z";
    }
    // Compared with the record's own Kafka timestamp, not the wall clock, so a replay decides exactly as the live run.
    if (recordTimestamp >= 0 && timestamp - recordTimestamp > maxFutureMs) {
      return "timestamp " + Instant.ofEpochMilli(timestamp) + " is more than " + Duration.ofMillis(maxFutureMs)
          + " after the record's timestamp " + Instant.ofEpochMilli(recordTimestamp);
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
    }
    return null;
  }

  Rejection checkFeatures(Map<String, Object> features) {
    if (features.isEmpty()) {
      return new Rejection("empty", "no features");
    }
    int numeric = 0;
    for (Map.Entry<String, Object> e : features.entrySet()) {
      if (e.getKey().isEmpty()) {
        return new Rejection("empty-name", "a feature has an empty name");
      }
      if (e.getValue() instanceof Double d) {
        numeric++;
        if (d.isNaN() || d.isInfinite()) {
          return new Rejection(NON_FINITE, "feature '" + e.getKey() + "' is " + d);
        }
      }
    }
    if (numeric > maxDimensions) {
      return new Rejection("too-large", numeric + " numeric features, more than input.max.dimensions=" + maxDimensions);
    }
    return null;
  }
}
