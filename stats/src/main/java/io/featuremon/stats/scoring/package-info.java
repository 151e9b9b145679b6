/**
 * Scoring alert rules against labelled incidents, with the definitions of River's {@code river/drift/evaluate.py}
 * (precision, recall, episode recall, F1, missed-detection rate, detection delay, false-alarm rate, mean time between
 * false alarms, mean time ratio) moved from sample indices to event-time milliseconds; see {@link
 * io.featuremon.stats.scoring.Scoring} for how incidents that are intervals, and several models and segments, are
 * matched. {@link io.featuremon.stats.scoring.ScoringTable} lays the scores out beside the always-fire and never-fire
 * baselines, which say how much of a rule's F1 comes from how dense the incidents are.
 *
 * <p>Pure Java like the rest of featuremon-stats; reading incidents files (YAML, CSV) is
 * {@code io.featuremon.backtest.IncidentsFile} in featuremon-topology.
 */
package io.featuremon.stats.scoring;
