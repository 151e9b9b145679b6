package io.featuremon.stats.scoring;

/**
 * How alarms are matched and how rates are normalised.
 *
 * @param deltaMaxMs how late a detection may be and still count (River's {@code delta_max}), strictly positive
 * @param deltaPreMs how early a detection may be and still count (River's {@code delta_pre}), zero or more
 * @param windowMs the evaluation window's length: detection delays are also given in windows, delay / windowMs
 * @param spanMs the length of event time that was evaluated: River's {@code n_samples}, so that false alarms per day is
 *     River's {@code false_alarm_rate} with {@code unit} one day
 */
public record ScoringOptions(long deltaMaxMs, long deltaPreMs, long windowMs, long spanMs) {

  /** One day of event time, the unit the false-alarm rate is quoted per. */
  public static final long DAY_MS = 86_400_000L;

  public ScoringOptions {
    // the same checks, and the same messages, as River's _windows and false_alarm_rate
    if (deltaMaxMs <= 0) {
      throw new IllegalArgumentException("delta_max must be strictly positive");
    }
    if (deltaPreMs < 0) {
      throw new IllegalArgumentException("delta_pre must be positive");
    }
    if (windowMs <= 0) {
      throw new IllegalArgumentException("the window length must be strictly positive");
    }
    if (spanMs <= 0) {
      throw new IllegalArgumentException("the evaluated span must be strictly positive (River: n_samples)");
    }
  }
}
