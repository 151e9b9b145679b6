package io.featuremon.stats.scoring;

import java.util.List;
import java.util.Map;

/**
 * River's {@code Matching}: which alarms landed in which incident's detection window, and which in none.
 *
 * @param incidents the incidents in chronological order (start, then end); {@code hits} is keyed by position here
 * @param hits for each incident that got at least one alarm, its alarms in time order (River's {@code hits})
 * @param falseAlarms the alarms inside no window, in time order (River's {@code false_alarms})
 */
public record Matching(List<Incident> incidents, Map<Integer, List<Alarm>> hits, List<Alarm> falseAlarms) {

  /** Alarms inside some window: River's {@code sum(map(len, matching.hits.values()))}. */
  public int hitCount() {
    return hits.values().stream().mapToInt(List::size).sum();
  }
}
