package io.featuremon.topology;

import io.featuremon.stats.CoMoments;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything a window's outputs are computed from: the window's panes merged (in time order), or, with
 * {@code input.spread.partitions}, the windows of several input partitions merged (in partition order). Every part
 * merges exactly (co-moments by Chan's formula, categorical hash samples and grouped moments exactly, counts by
 * addition) except the quantile sketches, whose merge is deterministic but approximate.
 *
 * @param incomplete events left out of the correlations (a missing or null numeric value)
 * @param missing per numeric feature of a tabular group: events in which it was missing or null
 * @param sketches per numeric feature or dimension, or null without drift
 * @param rejected refused events of the window's panes, by reason code (the window's quality counts)
 */
record WindowPartial(CoMoments moments, long incomplete, long[] missing, CategoricalState categorical,
    DriftState sketches, SortedMap<String, Long> rejected) {

  long events() {
    return moments.count() + incomplete;
  }

  /** The parts merged in the given order (a canonical one: merges of sketches are not commutative bit for bit). */
  static WindowPartial merge(List<WindowPartial> parts, StateCodec.Schema schema, int categoryCap) {
    WindowPartial first = parts.get(0);
    if (parts.size() == 1) {
      return first;
    }
    CoMoments moments = first.moments;
    long incomplete = first.incomplete;
    long[] missing = first.missing.clone();
    SortedMap<String, Long> rejected = new TreeMap<>(first.rejected);
    DriftState sketches = first.sketches;
    for (WindowPartial part : parts.subList(1, parts.size())) {
      moments = moments.merge(part.moments);
      incomplete += part.incomplete;
      for (int k = 0; k < Math.min(missing.length, part.missing.length); k++) {
        missing[k] += part.missing[k];
      }
      part.rejected.forEach((code, n) -> rejected.merge(code, n, Long::sum));
      if (sketches != null) {
        sketches = sketches.merge(part.sketches);
      }
    }
    CategoricalState categorical = schema.hasCategorical()
        ? CategoricalState.mergeAll(parts.stream().map(WindowPartial::categorical).toList(), schema, categoryCap)
        : first.categorical;
    return new WindowPartial(moments, incomplete, missing, categorical, sketches, rejected);
  }
}
