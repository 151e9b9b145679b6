package io.featuremon.stats.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * River's documented examples ({@code river/drift/evaluate.py}, one per function docstring) on one stream, with sample
 * indices read as milliseconds: the numbers must come out as River prints them.
 */
class ScoringTest {

  static final String M = "m";

  static List<Alarm> alarms(long... t) {
    return LongStream.of(t).mapToObj(x -> Alarm.at(M, x)).toList();
  }

  static List<Incident> drifts(long... t) {
    return LongStream.of(t).mapToObj(x -> Incident.at(M, x)).toList();
  }

  /** delta_max as given, delta_pre 0, a 1 ms window (delay in windows = delay in samples), n_samples 1000. */
  static ScoringOptions deltaMax(long deltaMax) {
    return new ScoringOptions(deltaMax, 0, 1, 1000);
  }

  static Score score(List<Alarm> a, List<Incident> d, long deltaMax) {
    return Scoring.score(a, d, deltaMax(deltaMax));
  }

  @Test
  void match_alarmsAt110And900_oneDriftAt100_deltaMax50_oneHitOneFalseAlarm() {
    Matching m = Scoring.match(alarms(110, 900), drifts(100), deltaMax(50));
    // River: Matching(hits={0: [110]}, false_alarms=[900])
    assertThat(m.hits()).isEqualTo(Map.of(0, alarms(110)));
    assertThat(m.falseAlarms()).isEqualTo(alarms(900));
  }

  @Test
  void precision_riverExample() {
    assertThat(score(alarms(110, 900), drifts(100), 50).precision()).isEqualTo(0.5);
  }

  @Test
  void recall_countsEveryAlarmInAWindow_riverExample() {
    // River: 0.666666...: two hits, one missed drift
    assertThat(score(alarms(110, 130), drifts(100, 500), 50).recall()).isCloseTo(2.0 / 3, within(1e-15));
  }

  @Test
  void episodeRecall_riverExample() {
    assertThat(score(alarms(110, 130), drifts(100, 500), 50).episodeRecall()).isEqualTo(0.5);
  }

  @Test
  void missedDetectionRate_riverExample() {
    assertThat(score(alarms(110), drifts(100, 500), 50).missedDetectionRate()).isEqualTo(0.5);
  }

  @Test
  void f1_riverExample() {
    assertThat(score(alarms(110, 900), drifts(100, 500), 50).f1()).isEqualTo(0.5);
  }

  @Test
  void detectionDelay_alarms110And530_drifts100_500_900_is20() {
    Score s = score(alarms(110, 530), drifts(100, 500, 900), 50);
    assertThat(s.detectionDelayMs()).isEqualTo(20.0);
    assertThat(s.detectionDelayWindows()).isEqualTo(20.0);
    assertThat(Scoring.score(alarms(110, 530), drifts(100, 500, 900), new ScoringOptions(50, 0, 10, 1000))
        .detectionDelayWindows()).isEqualTo(2.0);
  }

  @Test
  void normalizedDetectionTime_riverExample() {
    assertThat(score(alarms(110), drifts(100), 50).normalizedDetectionTime()).isEqualTo(0.2);
  }

  @Test
  void falseAlarmRate_riverExample_isOnePerThousandSamples_soDayUnitsScaleIt() {
    // River: false_alarm_rate(alarms=[110, 900], drifts=[100], n_samples=1000, delta_max=50, unit=1000) == 1.0;
    // with unit one day instead of 1000 the same rate reads 1 / 1000 * 86_400_000
    Score s = score(alarms(110, 900), drifts(100), 50);
    assertThat(s.falseAlarmsPerDay() / ScoringOptions.DAY_MS * 1000).isEqualTo(1.0);
    assertThat(s.falseAlarmsPerDay()).isEqualTo(86_400.0);
  }

  @Test
  void meanTimeBetweenFalseAlarms_riverExample() {
    assertThat(score(alarms(200, 300, 500), drifts(), 50).meanTimeBetweenFalseAlarmsMs()).isEqualTo(150.0);
  }

  @Test
  void meanTimeRatio_riverExample() {
    assertThat(score(alarms(110, 400, 700), drifts(100, 900), 50).meanTimeRatio()).isEqualTo(15.0);
  }

  @Test
  void report_riverExample() {
    Score s = score(alarms(110, 900), drifts(100, 500), 50);
    assertThat(s.episodeRecall()).isEqualTo(0.5);
    assertThat(s.detectionDelayMs()).isEqualTo(10.0);
    assertThat(s.alarms()).isEqualTo(2);
    assertThat(s.incidents()).isEqualTo(2);
  }

  /** River's unit tests ({@code river/drift/test_evaluate.py}) that the docstrings do not already cover. */
  @Test
  void riversUnitTests_gradualDriftEarliestWindowDelayFromStartAndMtrDomain() {
    List<Incident> gradual = List.of(new Incident(M, null, 100, 200, null));
    assertThat(Scoring.match(alarms(250), gradual, deltaMax(50)).hits()).isEqualTo(Map.of(0, alarms(250)));
    assertThat(Scoring.match(alarms(251), gradual, deltaMax(50)).falseAlarms()).isEqualTo(alarms(251));
    assertThat(Scoring.match(alarms(130), drifts(100, 120), deltaMax(50)).hits()).isEqualTo(Map.of(0, alarms(130)));
    assertThat(Scoring.match(alarms(120), drifts(100), deltaMax(50)).falseAlarms()).isEmpty();
    assertThat(score(alarms(110, 130), drifts(100), 50).detectionDelayMs()).isEqualTo(10.0);
    assertThat(score(alarms(110), drifts(100), 50).meanTimeRatio()).isNaN();
    Score report = score(alarms(110, 900), drifts(100, 500), 50);
    assertThat(report.precision()).isEqualTo(0.5);
    assertThat(report.missedDetectionRate()).isEqualTo(0.5);
    // false_alarm_rate per sample: 0.001, i.e. 86.4 per day of 86_400_000 ms
    assertThat(report.falseAlarmsPerDay()).isCloseTo(0.001 * ScoringOptions.DAY_MS, within(1e-9));
  }

  // --- River's undefined cases (math.nan), and the edges the issue names ---

  @Test
  void noAlarms_precisionF1DelayAndMtfaAreNaN_recallAndEpisodeRecallZero() {
    Score s = score(alarms(), drifts(100, 500), 50);
    assertThat(s.precision()).isNaN();
    assertThat(s.f1()).isNaN();
    assertThat(s.recall()).isZero();
    assertThat(s.episodeRecall()).isZero();
    assertThat(s.missedDetectionRate()).isEqualTo(1.0);
    assertThat(s.detectionDelayMs()).isNaN();
    assertThat(s.meanTimeBetweenFalseAlarmsMs()).isNaN();
    assertThat(s.meanTimeRatio()).isNaN();
    assertThat(s.falseAlarmsPerDay()).isZero();
  }

  @Test
  void noIncidents_everyAlarmIsFalse_recallEpisodeRecallMdrAndF1AreNaN() {
    Score s = score(alarms(10, 20, 40), drifts(), 50);
    assertThat(s.falseAlarms()).isEqualTo(3);
    assertThat(s.precision()).isZero();
    assertThat(s.recall()).isNaN();
    assertThat(s.episodeRecall()).isNaN();
    assertThat(s.missedDetectionRate()).isNaN();
    assertThat(s.f1()).isNaN();
    assertThat(s.meanTimeBetweenFalseAlarmsMs()).isEqualTo(15.0);
  }

  @Test
  void neitherAlarmsNorIncidents_everyRatioIsNaN() {
    Score s = score(alarms(), drifts(), 50);
    assertThat(List.of(s.precision(), s.recall(), s.episodeRecall(), s.f1(), s.missedDetectionRate(),
        s.detectionDelayMs())).allMatch(d -> d.isNaN());
  }

  @Test
  void alarmsBeforeTheFirstIncident_areFalse_unlessWithinDeltaPre() {
    assertThat(score(alarms(90, 99, 100), drifts(100), 50).falseAlarms()).isEqualTo(2);
    Score early = Scoring.score(alarms(90, 99, 100), drifts(100), new ScoringOptions(50, 10, 1, 1000));
    assertThat(early.falseAlarms()).isZero();
    assertThat(early.detectionDelayMs()).as("delay from the start, negative when early as in River").isEqualTo(-10.0);
  }

  @Test
  void windowBoundsAreInclusive_asInRiver() {
    assertThat(score(alarms(100, 150, 151), drifts(100), 50).hits()).isEqualTo(2);
  }

  @Test
  void intervalIncident_windowRunsFromStartToEndPlusDeltaMax_delayFromStart() {
    List<Incident> one = List.of(new Incident(M, null, 100, 400, "outage"));
    Score s = score(alarms(350, 450, 451), one, 50);
    assertThat(s.hits()).isEqualTo(2);
    assertThat(s.falseAlarms()).isEqualTo(1);
    assertThat(s.detectionDelayMs()).isEqualTo(250.0);
  }

  @Test
  void overlappingIncidents_anAlarmGoesToTheEarliestWindow_theLaterOneIsMissed() {
    List<Incident> overlapping = List.of(new Incident(M, null, 200, 300, null), new Incident(M, null, 100, 250, null));
    Matching m = Scoring.match(alarms(220), overlapping, deltaMax(50));
    assertThat(m.incidents().get(0).startMs()).as("chronological whatever the input order").isEqualTo(100);
    assertThat(m.hits()).containsOnlyKeys(0);
    Score s = Scoring.score(alarms(220), overlapping, deltaMax(50));
    assertThat(s.episodeRecall()).isEqualTo(0.5);
    assertThat(s.detectionDelayMs()).isEqualTo(120.0);
  }

  @Test
  void alarmsAreTakenInTimeOrder() {
    assertThat(score(alarms(500, 200, 300), drifts(), 50).meanTimeBetweenFalseAlarmsMs()).isEqualTo(150.0);
    assertThat(score(alarms(530, 110), drifts(100, 500, 900), 50).detectionDelayMs()).isEqualTo(20.0);
  }

  @Test
  void segments_aModelWideIncidentIsDetectedOnAnySegment_aSegmentIncidentOnlyOnItsOwn() {
    List<Incident> incidents = List.of(new Incident(M, null, 100, 100, null), new Incident(M, "eu", 500, 500, null),
        new Incident("other", null, 900, 900, null));
    List<Alarm> a = List.of(new Alarm(M, "us", 110), new Alarm(M, "us", 510), new Alarm(M, "eu", 520),
        new Alarm(M, "us", 910));
    Score s = Scoring.score(a, incidents, deltaMax(50));
    assertThat(s.hits()).isEqualTo(2);
    assertThat(s.falseAlarms()).as("us at 510 is not eu's; model m at 910 is not other's").isEqualTo(2);
    assertThat(s.caught()).isEqualTo(2);
    assertThat(s.detectionDelayMs()).isEqualTo(15.0);
    assertThat(s.meanTimeBetweenFalseAlarmsMs()).as("gap inside the us stream").isEqualTo(400.0);
  }

  @Test
  void falseAlarmGapsAreMeasuredInsideOneStreamOnly() {
    List<Alarm> a = List.of(new Alarm(M, "a", 0), new Alarm(M, "b", 10), new Alarm(M, "a", 100));
    assertThat(Scoring.score(a, List.of(), deltaMax(50)).meanTimeBetweenFalseAlarmsMs()).isEqualTo(100.0);
    assertThat(Scoring.score(alarms(0), List.of(), deltaMax(50)).meanTimeBetweenFalseAlarmsMs()).isNaN();
  }

  @Test
  void invalidInputIsRefusedWithRiversMessages() {
    assertThatThrownBy(() -> new ScoringOptions(0, 0, 1, 1)).hasMessageContaining("delta_max");
    assertThatThrownBy(() -> new ScoringOptions(1, -1, 1, 1)).hasMessageContaining("delta_pre");
    assertThatThrownBy(() -> new ScoringOptions(1, 0, 1, 0)).hasMessageContaining("n_samples");
    assertThatThrownBy(() -> new Incident(M, null, 10, 5, null)).hasMessageContaining("before it starts");
  }
}
