package io.featuremon.stats.scoring;

import java.util.Objects;

/**
 * One firing of a rule (or, for the always-fire baseline, one evaluation) on a model's segment, at the event time of
 * the window it fired on. {@code segment} may be {@code null} for an unsegmented model.
 */
public record Alarm(String model, String segment, long timeMs) {

  public Alarm {
    Objects.requireNonNull(model, "model");
  }

  /** An alarm with no segment. */
  public static Alarm at(String model, long timeMs) {
    return new Alarm(model, null, timeMs);
  }

  /** The stream the alarm belongs to: gaps between false alarms are measured within one stream only. */
  String stream() {
    return segment == null ? model : model + '\u0000' + segment;
  }
}
