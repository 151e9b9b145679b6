package io.featuremon.stats.scoring;

/**
 * Every metric of River's {@code drift.evaluate.report}, for one detector (a rule, a rule set or a baseline), in event
 * time. Undefined metrics are {@link Double#NaN}, River's convention (its functions return {@code math.nan}); the
 * table prints them as {@code nan}.
 *
 * @param alarms alarms scored
 * @param incidents incidents they were scored against
 * @param hits alarms inside some incident's detection window (true positives, counted per alarm as River does)
 * @param caught incidents with at least one alarm in their window
 * @param falseAlarms alarms inside no window
 * @param precision hits / alarms; NaN without alarms
 * @param recall hits / (hits + missed incidents), River's alarm-counting recall; NaN when both are zero
 * @param episodeRecall caught / incidents; NaN without incidents
 * @param f1 harmonic mean of precision and episode recall; NaN if either is, 0 if both are 0
 * @param missedDetectionRate 1 - episode recall
 * @param detectionDelayMs mean over caught incidents of (first alarm in its window - its start); NaN if none caught
 * @param detectionDelayWindows the same delay divided by the window length
 * @param normalizedDetectionTime the delay as a fraction of delta_max
 * @param falseAlarmsPerDay false alarms per day of evaluated event time
 * @param meanTimeBetweenFalseAlarmsMs mean gap between consecutive false alarms of one stream; NaN below one gap
 * @param meanTimeRatio MTFA / delay x (1 - MDR); NaN if either part is, infinite for a zero delay
 */
public record Score(
    int alarms,
    int incidents,
    int hits,
    int caught,
    int falseAlarms,
    double precision,
    double recall,
    double episodeRecall,
    double f1,
    double missedDetectionRate,
    double detectionDelayMs,
    double detectionDelayWindows,
    double normalizedDetectionTime,
    double falseAlarmsPerDay,
    double meanTimeBetweenFalseAlarmsMs,
    double meanTimeRatio) {}
