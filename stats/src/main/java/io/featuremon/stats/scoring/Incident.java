package io.featuremon.stats.scoring;

import java.util.Objects;

/**
 * A labelled incident: the ground truth an alert rule is scored against.
 *
 * <p>{@code startMs} is the change point (River's drift index, in event-time milliseconds) and {@code endMs} is when the
 * incident was over; {@code endMs == startMs} is a point incident, River's plain {@code int} drift, and a longer one is
 * River's {@code (start, end)} pair. A {@code null} segment means the whole model: it can be detected by an alarm on
 * any of the model's segments (see {@link Scoring}).
 */
public record Incident(String model, String segment, long startMs, long endMs, String label) {

  public Incident {
    Objects.requireNonNull(model, "model");
    if (model.isBlank()) {
      throw new IllegalArgumentException("an incident needs a model");
    }
    // River's _windows: "drift {drift} ends before it starts"
    if (endMs < startMs) {
      throw new IllegalArgumentException("incident ends (" + endMs + ") before it starts (" + startMs + ")");
    }
  }

  /** A point incident with no segment and no label, River's plain drift index. */
  public static Incident at(String model, long timeMs) {
    return new Incident(model, null, timeMs, timeMs, null);
  }

  /** Whether an alarm on {@code alarmModel}/{@code alarmSegment} may detect this incident. */
  boolean covers(String alarmModel, String alarmSegment) {
    return model.equals(alarmModel) && (segment == null || segment.equals(alarmSegment));
  }
}
