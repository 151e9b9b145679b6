package io.featuremon.stats.scoring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores alarms against labelled incidents with the definitions of River's {@code river/drift/evaluate.py}, moved from
 * sample indices to event-time milliseconds.
 *
 * <h2>Matching (River's {@code _windows} and {@code match})</h2>
 * An incident {@code [start, end]} has the detection window {@code [start - deltaPre, end + deltaMax]}, both bounds
 * inclusive, exactly River's window for a {@code (start, end)} drift; a point incident ({@code end == start}) gets
 * River's {@code [drift - delta_pre, drift + delta_max]}. Each alarm goes to the earliest window (incidents in
 * chronological order) that contains it and that it may detect; an alarm in no window is a false alarm.
 *
 * <p>Why the whole interval plus delta_max, and not only {@code [start, start + deltaMax]}: an alert that fires while
 * the incident is still going on is a detection, which is what River does for its interval drifts too; a rule that
 * only notices an incident long after it began is still charged for it in the detection delay, measured from the
 * start as River does. Alarms are taken in time order and incidents in (start, end) order, because River's "earliest
 * window" and its gaps between false alarms assume chronological input.
 *
 * <p>Overlapping incidents keep River's rule: an alarm in two windows goes to the earlier incident only, so a later
 * incident whose window lies inside an earlier one's is missed even by the always-fire baseline. River assumes drifts
 * further apart than delta_max; label overlapping incidents as one, or expect that.
 *
 * <h2>Models and segments</h2>
 * An alarm may detect an incident of its own model whose segment is its own or absent (a model-wide incident). With
 * one model and one segment this is River's single stream; over several, the counts are summed (micro-averaged):
 * precision is all hits over all alarms, recall all hits over hits plus all missed incidents, the detection delay a
 * mean over all caught incidents, false alarms per day all false alarms per day of the evaluated span, and the mean
 * time between false alarms a mean over the gaps inside each (model, segment) stream, since a gap between two
 * streams' alarms measures nothing.
 *
 * <h2>Event time</h2>
 * River's {@code n_samples} is the span of evaluated event time and its {@code unit} one day, so its false-alarm rate
 * is false alarms per day; delays and the mean time between false alarms are in milliseconds, and the delay also in
 * evaluation windows (delay / window length).
 */
public final class Scoring {

  private static final Comparator<Incident> CHRONOLOGICAL =
      Comparator.comparingLong(Incident::startMs).thenComparingLong(Incident::endMs);

  private Scoring() {}

  /** River's {@code match}: assigns each alarm to the earliest incident window it falls into, or to false alarms. */
  public static Matching match(Collection<Alarm> alarms, Collection<Incident> incidents, ScoringOptions options) {
    List<Incident> chronological = new ArrayList<>(incidents);
    chronological.sort(CHRONOLOGICAL); // stable: ties keep the file's order
    List<Alarm> inTime = new ArrayList<>(alarms);
    inTime.sort(Comparator.comparingLong(Alarm::timeMs));

    Map<Integer, List<Alarm>> hits = new TreeMap<>();
    List<Alarm> falseAlarms = new ArrayList<>();
    for (Alarm alarm : inTime) {
      int window = -1;
      for (int i = 0; i < chronological.size() && window < 0; i++) {
        Incident incident = chronological.get(i);
        // River: lower <= alarm <= upper with lower = start - delta_pre, upper = end + delta_max
        if (incident.covers(alarm.model(), alarm.segment())
            && incident.startMs() - options.deltaPreMs() <= alarm.timeMs()
            && alarm.timeMs() <= incident.endMs() + options.deltaMaxMs()) {
          window = i;
        }
      }
      if (window >= 0) {
        hits.computeIfAbsent(window, i -> new ArrayList<>()).add(alarm);
      } else {
        falseAlarms.add(alarm);
      }
    }
    return new Matching(List.copyOf(chronological), hits, falseAlarms);
  }

  /** Every metric for one detector: River's {@code report}. */
  public static Score score(Collection<Alarm> alarms, Collection<Incident> incidents, ScoringOptions options) {
    Matching m = match(alarms, incidents, options);
    int nAlarms = alarms.size();
    int nIncidents = incidents.size();
    int nHits = m.hitCount();
    int nCaught = m.hits().size();
    int nFalse = m.falseAlarms().size();

    // precision: nan when the detector never fired
    double precision = nAlarms == 0 ? Double.NaN : (double) nHits / nAlarms;
    // recall: every alarm in a window counts; nan when there is neither a hit nor a missed incident
    int nMissed = nIncidents - nCaught;
    double recall = nHits + nMissed == 0 ? Double.NaN : (double) nHits / (nHits + nMissed);
    // episode_recall: nan without incidents; missed_detection_rate inherits it
    double episodeRecall = nIncidents == 0 ? Double.NaN : (double) nCaught / nIncidents;
    double mdr = Double.isNaN(episodeRecall) ? Double.NaN : 1 - episodeRecall;
    // f1: precision with episode recall, nan if either is, 0 if both are 0
    double f1;
    if (Double.isNaN(precision) || Double.isNaN(episodeRecall)) {
      f1 = Double.NaN;
    } else if (precision + episodeRecall == 0) {
      f1 = 0.0;
    } else {
      f1 = 2 * precision * episodeRecall / (precision + episodeRecall);
    }
    // detection_delay: the first alarm of each caught incident minus its start, averaged; nan when none was caught
    double delay = Double.NaN;
    if (nCaught > 0) {
      double sum = 0;
      for (Map.Entry<Integer, List<Alarm>> e : m.hits().entrySet()) {
        long first = e.getValue().stream().mapToLong(Alarm::timeMs).min().orElseThrow();
        sum += first - m.incidents().get(e.getKey()).startMs();
      }
      delay = sum / nCaught;
    }
    double delayWindows = delay / options.windowMs();
    double ndt = delay / options.deltaMaxMs();
    // false_alarm_rate: false alarms / n_samples * unit, with n_samples the span and unit a day
    double perDay = (double) nFalse / options.spanMs() * ScoringOptions.DAY_MS;
    double mtfa = meanGapBetweenFalseAlarms(m.falseAlarms());
    // mean_time_ratio: nan if the MTFA or the delay is, inf for a zero delay
    double mtr;
    if (Double.isNaN(mtfa) || Double.isNaN(delay)) {
      mtr = Double.NaN;
    } else if (delay == 0) {
      mtr = Double.POSITIVE_INFINITY;
    } else {
      mtr = mtfa / delay * (1 - mdr);
    }
    return new Score(nAlarms, nIncidents, nHits, nCaught, nFalse, precision, recall, episodeRecall, f1, mdr, delay,
        delayWindows, ndt, perDay, mtfa, mtr);
  }

  /**
   * The always-fire baseline: an alarm at every evaluation time, i.e. the scores a rule that fires on every window
   * would get. River's maintainers print it because F1 depends on how dense the incidents are.
   *
   * @param evaluations one entry per window evaluated (model, segment, window end), the same times the rules saw
   */
  public static Score alwaysFire(Collection<Alarm> evaluations, Collection<Incident> incidents,
      ScoringOptions options) {
    // several rules evaluating one window are one evaluation
    return score(new LinkedHashSet<>(evaluations), incidents, options);
  }

  /** The never-fire baseline: no alarm at all; precision and F1 are undefined (NaN), recall 0 if any incident. */
  public static Score neverFire(Collection<Incident> incidents, ScoringOptions options) {
    return score(List.of(), incidents, options);
  }

  /** River's {@code mean_time_between_false_alarms}, gaps taken inside each stream: NaN below one gap. */
  private static double meanGapBetweenFalseAlarms(List<Alarm> falseAlarms) {
    Map<String, List<Long>> byStream = new HashMap<>();
    for (Alarm a : falseAlarms) {
      byStream.computeIfAbsent(a.stream(), s -> new ArrayList<>()).add(a.timeMs()); // already in time order
    }
    double sum = 0;
    long gaps = 0;
    for (List<Long> times : byStream.values()) {
      for (int i = 1; i < times.size(); i++) {
        sum += times.get(i) - times.get(i - 1);
        gaps++;
      }
    }
    return gaps == 0 ? Double.NaN : sum / gaps;
  }
}
