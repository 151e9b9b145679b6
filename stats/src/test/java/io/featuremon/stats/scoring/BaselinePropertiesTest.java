package io.featuremon.stats.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * The baselines' defining properties: a detector firing at every evaluation catches every incident whose window holds
 * an evaluation time (recall and episode recall 1, for incidents whose windows do not overlap, River's setting), and one that never fires catches none (recall 0) and has an
 * undefined precision and F1 (NaN, River's convention).
 */
class BaselinePropertiesTest {

  @Property
  void alwaysFireHasRecallOne_neverFireRecallZeroAndNoPrecision(
      @ForAll @Size(min = 1, max = 8) List<@LongRange(min = 1, max = 20_000) Long> gaps,
      @ForAll @Size(min = 1, max = 8) List<@LongRange(min = 0, max = 20_000) Long> lengths,
      @ForAll @IntRange(min = 1, max = 5_000) int windowMs,
      @ForAll @IntRange(min = 0, max = 3) int extraDelta,
      @ForAll boolean segmented) {
    // delta_max of at least one window: every incident window holds an evaluation time
    long deltaMax = (long) windowMs * (1 + extraDelta);
    // River assumes drifts further apart than delta_max: with overlapping windows an alarm goes to the earliest one
    // and a later incident can starve even under always-fire (ScoringTest covers that case)
    List<Incident> incidents = new ArrayList<>();
    long previousUpper = -1;
    for (int i = 0; i < gaps.size(); i++) {
      long start = previousUpper + gaps.get(i);
      long end = start + lengths.get(i % lengths.size());
      incidents.add(new Incident("m", segmented && i % 2 == 0 ? "eu" : null, start, end, null));
      previousUpper = end + deltaMax;
    }
    long span = previousUpper + windowMs;
    List<Alarm> evaluations = new ArrayList<>();
    for (long t = windowMs; t <= span; t += windowMs) {
      evaluations.add(new Alarm("m", segmented ? "eu" : null, t));
      if (segmented) {
        evaluations.add(new Alarm("m", "us", t));
      }
    }
    ScoringOptions options = new ScoringOptions(deltaMax, 0, windowMs, span);

    Score always = Scoring.alwaysFire(evaluations, incidents, options);
    assertThat(always.episodeRecall()).isEqualTo(1.0);
    assertThat(always.recall()).isEqualTo(1.0);
    assertThat(always.missedDetectionRate()).isZero();
    assertThat(always.alarms()).isEqualTo(evaluations.size());
    assertThat(always.detectionDelayMs()).isBetween(0.0, (double) windowMs);

    Score never = Scoring.neverFire(incidents, options);
    assertThat(never.recall()).isZero();
    assertThat(never.episodeRecall()).isZero();
    assertThat(never.precision()).isNaN();
    assertThat(never.f1()).isNaN();
    assertThat(never.falseAlarmsPerDay()).isZero();
  }
}
