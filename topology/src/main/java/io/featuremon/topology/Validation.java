package io.featuremon.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Stateless checks of a decoded event. Each returns null when the event is fine, otherwise a reason a person can
 * act on. Checks that need state (the dimension a group already has) live in the window stage.
 */
final class Validation {
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

  String checkVector(float[] vector) {
    if (vector.length == 0) {
      return "empty vector";
    }
    if (vector.length > maxDimensions) {
      return "vector has " + vector.length + " dimensions, more than input.max.dimensions=" + maxDimensions;
    }
    for (int i = 0; i < vector.length; i++) {
      float v = vector[i];
      if (Float.isNaN(v) || Float.isInfinite(v)) {
        return "vector[" + i + "] is " + v;
      }
    }
    return null;
  }

  String checkFeatures(Map<String, Object> features) {
    if (features.isEmpty()) {
      return "no features";
    }
    int numeric = 0;
    for (Map.Entry<String, Object> e : features.entrySet()) {
      if (e.getKey().isEmpty()) {
        return "a feature has an empty name";
      }
      if (e.getValue() instanceof Double d) {
        numeric++;
        if (d.isNaN() || d.isInfinite()) {
          return "feature '" + e.getKey() + "' is " + d;
        }
      }
    }
    if (numeric > maxDimensions) {
      return numeric + " numeric features, more than input.max.dimensions=" + maxDimensions;
    }
    return null;
  }
}
