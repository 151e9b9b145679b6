package io.featuremon.topology;

import io.featuremon.avro.Alert;
import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.stats.BatchFold;
import io.featuremon.stats.CoMoments;
import io.featuremon.stats.Mask;
import io.featuremon.stats.MaskOptions;
import io.featuremon.stats.MaskRule;
import io.featuremon.stats.MaskStability;
import io.featuremon.stats.MomentsHeader;
import io.featuremon.stats.Redundancy;
import io.featuremon.stats.RedundancyReport;
import io.featuremon.stats.Tiling;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The window stage: per (model, segment, type) group, event-time windows of exact co-moments kept in tiles in
 * RocksDB, closed on the group's own stream time.
 *
 * <p>Per event: append the row to {@code pending}; every {@code stats.fold.batch.size} rows of a pane, fold them
 * into the pane's tiles with one batched update. When the group's stream time reaches a window's end + grace:
 * fold what is pending, merge the window's panes, compute statistics, emit WindowStats, FeatureMask and alert
 * changes, delete the panes no later window needs.
 *
 * <p>Why it is deterministic: fold points, stream time and window closing depend only on the sequence of events of
 * the group (the order of their input partition), never on commit timing, caching or wall-clock time; and every
 * byte the next commit needs is in a logged store before the commit, so exactly-once holds across restarts.
 */
final class WindowProcessor implements Processor<GroupKey, MonitoredEvent, String, SpecificRecord> {
  private final long sizeMs;
  private final long advanceMs;
  private final long paneMs;
  private final long graceMs;
  private final int batchSize;
  private final int topPairs;
  private final double deadEpsilon;
  private final FeaturemonConfig config;
  private final Map<String, Map<String, Double>> importance;
  private final ThresholdAlerts alerts;

  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<Bytes, byte[]> groups;
  private KeyValueStore<Bytes, byte[]> moments;
  private KeyValueStore<Bytes, byte[]> pending;
  private KeyValueStore<Bytes, byte[]> alertState;

  WindowProcessor(FeaturemonConfig config, ThresholdAlerts alerts) {
    this.config = config;
    this.sizeMs = config.windowSize().toMillis();
    this.advanceMs = config.windowAdvance().toMillis();
    this.paneMs = gcd(sizeMs, advanceMs);
    this.graceMs = config.windowGrace().toMillis();
    this.batchSize = config.foldBatchSize();
    this.topPairs = config.topPairs();
    this.deadEpsilon = config.deadEpsilon();
    this.importance = config.importance();
    this.alerts = alerts;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.groups = context.getStateStore(FeaturemonTopology.GROUPS_STORE);
    this.moments = context.getStateStore(FeaturemonTopology.MOMENTS_STORE);
    this.pending = context.getStateStore(FeaturemonTopology.PENDING_STORE);
    this.alertState = context.getStateStore(FeaturemonTopology.ALERTS_STORE);
  }

  @Override
  public void process(Record<GroupKey, MonitoredEvent> record) {
    GroupKey key = record.key();
    MonitoredEvent event = record.value();
    byte[] group = StateCodec.groupPrefix(key);
    Bytes clockKey = StateCodec.groupKey(group, StateCodec.KIND_CLOCK);
    byte[] clockBytes = groups.get(clockKey);
    StateCodec.Clock clock = clockBytes == null ? StateCodec.Clock.initial() : StateCodec.decodeClock(clockBytes);

    if (event.endOfInput()) {
      clock = closeDue(key, group, clock, Long.MAX_VALUE);
      groups.put(clockKey, StateCodec.encodeClock(clock));
      return;
    }

    Bytes schemaKey = StateCodec.groupKey(group, StateCodec.KIND_SCHEMA);
    byte[] schemaBytes = groups.get(schemaKey);
    StateCodec.Schema schema;
    if (schemaBytes != null) {
      schema = StateCodec.decodeSchema(schemaBytes);
    } else if (hasNulls(event)) {
      // A null says nothing about a feature's type, so the schema waits for the first row without nulls; a row
      // with a null is left out of the correlations anyway, so this row only counts as incomplete.
      schema = null;
    } else {
      schema = schemaOf(event);
      groups.put(schemaKey, StateCodec.encodeSchema(schema.featureNames(), schema.dimensions()));
    }

    long pane = Math.floorDiv(event.timestamp(), paneMs) * paneMs;
    long lastWindowStart = Math.floorDiv(pane, advanceMs) * advanceMs;
    if (clock.streamTime() != Long.MIN_VALUE && isClosed(lastWindowStart, clock.streamTime())) {
      dead(key, event, "late: its window [" + lastWindowStart + ", " + (lastWindowStart + sizeMs)
          + ") closed when the stream time of this model reached " + clock.streamTime() + " (window.grace="
          + graceMs + " ms)");
      return;
    }

    Row row = new Row();
    if (schema == null) {
      row.incomplete = true;
    } else {
      String reason = toRow(event, schema, key, row);
      if (reason != null) {
        dead(key, event, reason);
        return;
      }
    }

    Bytes paneKey = StateCodec.paneKey(group, pane, StateCodec.KIND_PANE);
    byte[] paneBytes = moments.get(paneKey);
    StateCodec.PaneCounters counters = paneBytes == null ? new StateCodec.PaneCounters(0, 0) : StateCodec.decodePane(paneBytes);
    if (row.incomplete) {
      counters = new StateCodec.PaneCounters(counters.pending(), counters.incomplete() + 1);
    } else {
      pending.put(StateCodec.pendingKey(group, pane, counters.pending()), StateCodec.encodeRow(row.floats, row.doubles));
      counters = new StateCodec.PaneCounters(counters.pending() + 1, counters.incomplete());
      if (counters.pending() >= batchSize) {
        fold(group, pane, schema.dimensions(), counters.pending());
        counters = new StateCodec.PaneCounters(0, counters.incomplete());
      }
    }
    moments.put(paneKey, StateCodec.encodePane(counters));

    List<Long> panes = clock.openPanes();
    if (!panes.contains(pane)) {
      TreeSet<Long> sorted = new TreeSet<>(panes);
      sorted.add(pane);
      panes = List.copyOf(sorted);
    }
    clock = new StateCodec.Clock(Math.max(clock.streamTime(), event.timestamp()), clock.lastClosedWindowStart(), panes);
    clock = closeDue(key, group, clock, clock.streamTime());
    groups.put(clockKey, StateCodec.encodeClock(clock));
  }

  /** A window [start, start + size) is closed once stream time reaches its end + grace. */
  private boolean isClosed(long windowStart, long streamTime) {
    return streamTime == Long.MAX_VALUE || windowStart <= streamTime - sizeMs - graceMs;
  }

  private static boolean hasNulls(MonitoredEvent event) {
    return event.features() != null && event.features().containsValue(null);
  }

  private static StateCodec.Schema schemaOf(MonitoredEvent event) {
    if (event.type() == EventType.EMBEDDING) {
      return new StateCodec.Schema(event.vector().length, null);
    }
    List<String> numeric = new ArrayList<>();
    for (Map.Entry<String, Object> e : event.features().entrySet()) {
      if (e.getValue() instanceof Double) {
        numeric.add(e.getKey()); // sorted map: names come in order
      }
    }
    return new StateCodec.Schema(numeric.size(), List.copyOf(numeric));
  }

  private static final class Row {
    float[] floats;
    double[] doubles;
    boolean incomplete;
  }

  /** Fills {@code row} from the event; returns a dead-letter reason when the event does not fit the schema. */
  private static String toRow(MonitoredEvent event, StateCodec.Schema schema, GroupKey key, Row row) {
    if (event.type() == EventType.EMBEDDING) {
      if (event.vector().length != schema.dimensions()) {
        return "vector has " + event.vector().length + " dimensions but model '" + key.model() + "'"
            + (key.segment() == null ? "" : " segment '" + key.segment() + "'") + " has " + schema.dimensions();
      }
      row.floats = event.vector();
      return null;
    }
    List<String> names = schema.featureNames();
    double[] values = new double[names.size()];
    int matched = 0;
    for (Map.Entry<String, Object> e : event.features().entrySet()) {
      int index = java.util.Collections.binarySearch(names, e.getKey());
      Object v = e.getValue();
      if (index < 0) {
        if (v instanceof Double) {
          return "numeric feature '" + e.getKey() + "' is not among the numeric features of model '" + key.model()
              + "' " + names + " (fixed by its first event)";
        }
        continue; // categorical features are not part of the correlation statistics
      }
      if (v == null) {
        continue;
      }
      if (!(v instanceof Double d)) {
        return "feature '" + e.getKey() + "' is numeric for model '" + key.model() + "' but got the string '" + v + "'";
      }
      values[index] = d;
      matched++;
    }
    row.doubles = values;
    row.incomplete = matched < names.size();
    return null;
  }

  /** Folds the pane's pending rows into its tiles and header with one batched update, then deletes them. */
  private void fold(byte[] group, long pane, int d, int rows) {
    Bytes headerKey = StateCodec.paneKey(group, pane, StateCodec.KIND_HEADER);
    byte[] headerBytes = moments.get(headerKey);
    MomentsHeader header = headerBytes == null ? new MomentsHeader(d) : StateCodec.decodeHeader(headerBytes);
    double[] batch = new double[rows * d];
    for (int seq = 0; seq < rows; seq++) {
      Bytes k = StateCodec.pendingKey(group, pane, seq);
      StateCodec.decodeRowInto(pending.get(k), batch, seq * d);
      pending.delete(k);
    }
    BatchFold fold = BatchFold.prepare(header, batch, rows, deadEpsilon);
    Tiling tiling = new Tiling(d);
    for (int ti = 0; ti < tiling.tilesPerSide(); ti++) {
      for (int tj = ti; tj < tiling.tilesPerSide(); tj++) {
        Bytes tileKey = StateCodec.tileKey(group, pane, ti, tj);
        byte[] bytes = moments.get(tileKey);
        double[] tile = bytes == null ? new double[tiling.tileLength(ti, tj)] : StateCodec.decodeTile(bytes);
        fold.applyToTile(ti, tj, tile);
        moments.put(tileKey, StateCodec.encodeTile(tile));
      }
    }
    fold.updateHeader(header);
    moments.put(headerKey, StateCodec.encodeHeader(header));
  }

  /** Closes, in order, every window of this group that is due at {@code streamTime}. */
  private StateCodec.Clock closeDue(GroupKey key, byte[] group, StateCodec.Clock clock, long streamTime) {
    TreeSet<Long> due = new TreeSet<>();
    for (long pane : clock.openPanes()) {
      long last = Math.floorDiv(pane, advanceMs) * advanceMs;
      for (long start = last; start > pane - sizeMs; start -= advanceMs) {
        if (start > clock.lastClosedWindowStart() && isClosed(start, streamTime)) {
          due.add(start);
        }
      }
    }
    if (due.isEmpty()) {
      return clock;
    }
    byte[] schemaBytes = groups.get(StateCodec.groupKey(group, StateCodec.KIND_SCHEMA));
    // No schema yet means every row so far had a null: the windows hold counts only.
    StateCodec.Schema schema = schemaBytes == null ? new StateCodec.Schema(0, List.of()) : StateCodec.decodeSchema(schemaBytes);
    List<Long> open = new ArrayList<>(clock.openPanes());
    for (long start : due) {
      closeWindow(key, group, schema, open, start);
      long keepFrom = start + advanceMs;
      for (var it = open.iterator(); it.hasNext(); ) {
        long pane = it.next();
        if (pane < keepFrom) {
          deletePane(group, pane, schema.dimensions());
          it.remove();
        }
      }
    }
    return new StateCodec.Clock(streamTime, due.last(), List.copyOf(open));
  }

  private void closeWindow(GroupKey key, byte[] group, StateCodec.Schema schema, List<Long> openPanes, long start) {
    long end = start + sizeMs;
    int d = schema.dimensions();
    CoMoments merged = CoMoments.empty(d);
    long incomplete = 0;
    for (long pane : openPanes) {
      if (pane < start || pane >= end) {
        continue;
      }
      Bytes paneKey = StateCodec.paneKey(group, pane, StateCodec.KIND_PANE);
      StateCodec.PaneCounters counters = StateCodec.decodePane(moments.get(paneKey));
      if (counters.pending() > 0) {
        fold(group, pane, d, counters.pending());
        moments.put(paneKey, StateCodec.encodePane(new StateCodec.PaneCounters(0, counters.incomplete())));
      }
      incomplete += counters.incomplete();
      byte[] headerBytes = moments.get(StateCodec.paneKey(group, pane, StateCodec.KIND_HEADER));
      if (headerBytes != null) {
        CoMoments paneMoments = CoMoments.fromTiles(StateCodec.decodeHeader(headerBytes), (ti, tj) -> {
          byte[] bytes = moments.get(StateCodec.tileKey(group, pane, ti, tj));
          return bytes == null ? null : StateCodec.decodeTile(bytes);
        });
        merged = merged.merge(paneMoments);
      }
    }
    RedundancyReport report = Redundancy.analyze(merged, topPairs);
    double[] activeShare = new double[d];
    for (int i = 0; i < d; i++) {
      activeShare[i] = merged.header().activeShare(i);
    }
    MaskOptions options = maskOptions(key, schema);
    Mask verdicts = MaskRule.apply(report, activeShare, options);
    Bytes maskKey = StateCodec.groupKey(group, StateCodec.KIND_MASK);
    byte[] maskBytes = groups.get(maskKey);
    MaskStability.State maskState = maskBytes == null || StateCodec.maskDimensions(maskBytes) != d
        ? MaskStability.State.initial(d) : StateCodec.decodeMaskState(maskBytes);
    MaskStability.Step step = MaskStability.next(maskState, verdicts, options);
    groups.put(maskKey, StateCodec.encodeMaskState(step.state()));

    String outputKey = key.outputKey();
    WindowStats stats = WindowOutputs.stats(key, schema, start, end, merged.count() + incomplete, incomplete, report, verdicts);
    context.forward(new Record<>(outputKey, stats, end));
    if (step.changed()) {
      FeatureMask featureMask = WindowOutputs.mask(key, schema, start, end, options, step.mask(), step.version(),
          config.softMasks());
      context.forward(new Record<>(outputKey, featureMask, end));
    }
    for (ThresholdAlerts.Rule rule : alerts.rules()) {
      double value = ThresholdAlerts.value(rule.metric(), report);
      Bytes stateKey = StateCodec.alertKey(group, rule.name());
      byte[] state = alertState.get(stateKey);
      boolean breached = rule.breached(value);
      if (breached && state == null) {
        alertState.put(stateKey, StateCodec.encodeAlert(end));
        Alert alert = ThresholdAlerts.alert(rule, key, true, value, start, end, end, null);
        context.forward(new Record<>(outputKey, alert, end));
      } else if (!breached && state != null && !Double.isNaN(value)) {
        alertState.delete(stateKey);
        Alert alert = ThresholdAlerts.alert(rule, key, false, value, start, end, StateCodec.decodeAlert(state), end);
        context.forward(new Record<>(outputKey, alert, end));
      }
    }
  }

  /** Protected features and importances are configured by name; the mask works on dimension indices. */
  private MaskOptions maskOptions(GroupKey key, StateCodec.Schema schema) {
    int d = schema.dimensions();
    java.util.Set<Integer> protectedDims = new java.util.TreeSet<>();
    for (String name : config.protectedFeatures()) {
      int index = schema.indexOf(name);
      if (index >= 0) {
        protectedDims.add(index);
      }
    }
    double[] weights = null;
    Map<String, Double> byName = importance.get(key.model());
    if (byName != null) {
      weights = new double[d];
      for (Map.Entry<String, Double> e : byName.entrySet()) {
        int index = schema.indexOf(e.getKey());
        if (index >= 0) {
          weights[index] = e.getValue();
        }
      }
    }
    return new MaskOptions(config.maskThreshold(), config.deadMaxActiveShare(), protectedDims, weights,
        config.maxDropFraction(), config.minKept(), config.stableWindows());
  }

  private void deletePane(byte[] group, long pane, int d) {
    moments.delete(StateCodec.paneKey(group, pane, StateCodec.KIND_PANE));
    moments.delete(StateCodec.paneKey(group, pane, StateCodec.KIND_HEADER));
    Tiling tiling = new Tiling(d);
    for (int ti = 0; ti < tiling.tilesPerSide(); ti++) {
      for (int tj = ti; tj < tiling.tilesPerSide(); tj++) {
        moments.delete(StateCodec.tileKey(group, pane, ti, tj));
      }
    }
  }

  private void dead(GroupKey key, MonitoredEvent event, String reason) {
    DeadLetter letter = DeadLetters.ofEvent(event, key, reason);
    context.forward(new Record<String, SpecificRecord>(null, letter, Math.max(0, event.recordTimestamp())));
  }

  @Override
  public void close() {
    // Nothing held outside the stores: a revived or migrated task rebuilds everything from them.
  }
}
