package io.featuremon.topology;

import io.featuremon.config.FeaturemonConfig;
import io.featuremon.stats.BatchFold;
import io.featuremon.stats.CoMoments;
import io.featuremon.stats.MomentsHeader;
import io.featuremon.stats.Tiling;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The panes of a store: per (group, pane) the counters, pending rows, co-moment tiles, categorical tables and drift
 * sketches, and the operations on them (add a row, fold a batch, collect some panes into a {@link WindowPartial},
 * write a partial as pane entries, delete). The one place that knows how a pane is laid out in the stores; the
 * window stage (its panes) and the merge stage (its partials, one pane each) both keep their statistics here.
 */
final class Panes {
  private final KeyValueStore<Bytes, byte[]> moments;
  private final KeyValueStore<Bytes, byte[]> pending;
  private final int batchSize;
  private final double deadEpsilon;
  private final int categoryCap;
  private final boolean driftEnabled;
  private final int sketchK;
  private final int embeddingSketchK;
  private final int sketchBatchSize;

  /** @param pending the pending rows' store; null for the merge stage, whose partials have none */
  Panes(FeaturemonConfig config, boolean driftEnabled, KeyValueStore<Bytes, byte[]> moments,
      KeyValueStore<Bytes, byte[]> pending) {
    this.moments = moments;
    this.pending = pending;
    this.batchSize = config.foldBatchSize();
    this.deadEpsilon = config.deadEpsilon();
    this.categoryCap = config.maxCategories();
    this.driftEnabled = driftEnabled;
    this.sketchK = config.sketchK();
    this.embeddingSketchK = config.embeddingSketchK();
    this.sketchBatchSize = config.sketchBatchSize();
  }

  /** Whether the pane has been written to (counted an event, or holds a partial). */
  boolean exists(byte[] group, long pane) {
    return moments.get(StateCodec.paneKey(group, pane, StateCodec.KIND_PANE)) != null;
  }

  /**
   * Writes {@code partial} through {@code put} as the entries of one pane, laid out as {@link #collect} reads them
   * (counters, moments header and tiles, categorical tables, sketches, refusal counts): a partial travels to the
   * merge stage as these entries, each at most one tile, and lands there as a pane of its own.
   */
  static void write(java.util.function.BiConsumer<Bytes, byte[]> put, byte[] group, long pane,
      StateCodec.Schema schema, WindowPartial partial) {
    put.accept(StateCodec.paneKey(group, pane, StateCodec.KIND_PANE),
        StateCodec.encodePane(new StateCodec.PaneCounters(0, partial.incomplete(), partial.missing())));
    CoMoments m = partial.moments();
    if (m.count() > 0) {
      put.accept(StateCodec.paneKey(group, pane, StateCodec.KIND_HEADER), StateCodec.encodeHeader(m.header()));
      Tiling tiling = new Tiling(m.dimensions());
      for (int ti = 0; ti < tiling.tilesPerSide(); ti++) {
        for (int tj = ti; tj < tiling.tilesPerSide(); tj++) {
          put.accept(StateCodec.tileKey(group, pane, ti, tj), StateCodec.encodeTile(m.extractTile(ti, tj)));
        }
      }
    }
    if (schema.hasCategorical()) {
      partial.categorical().save(put, group, pane);
    }
    if (partial.sketches() != null) {
      partial.sketches().save(put, group, pane);
    }
    put.accept(StateCodec.rejectionKey(group, pane), StateCodec.encodeCounts(partial.rejected()));
  }

  /** Deletes a partial {@link #write} put into this store. */
  void deletePartial(byte[] group, long pane, StateCodec.Schema schema) {
    delete(group, pane, schema);
    moments.delete(StateCodec.rejectionKey(group, pane));
  }

  /** A partial {@link #write} put into this store, with its refusal counts. */
  WindowPartial read(byte[] group, long pane, StateCodec.Schema schema) {
    byte[] rejected = moments.get(StateCodec.rejectionKey(group, pane));
    return collect(group, schema, List.of(pane),
        rejected == null ? new java.util.TreeMap<>() : StateCodec.decodeCounts(rejected));
  }

  /** drift.embedding.sketch.k for an embedding's dimensions, drift.sketch.k for a tabular model's features. */
  int sketchK(StateCodec.Schema schema) {
    return schema.featureNames() == null ? embeddingSketchK : sketchK;
  }

  /** Counts the event in the pane and appends its row; folds when the pane has a batch. Null schema: counts only. */
  void add(byte[] group, long pane, StateCodec.Schema schema, MonitoredEvent event, byte[] row) {
    Bytes paneKey = StateCodec.paneKey(group, pane, StateCodec.KIND_PANE);
    byte[] paneBytes = moments.get(paneKey);
    int numeric = schema == null || schema.featureNames() == null ? 0 : schema.dimensions();
    StateCodec.PaneCounters counters = paneBytes == null ? new StateCodec.PaneCounters(0, 0, new long[numeric])
        : StateCodec.decodePane(paneBytes);
    long incomplete = counters.incomplete();
    int rows = counters.pending();
    long[] missing = counters.missing().length == numeric ? counters.missing() : new long[numeric];
    if (schema == null) {
      incomplete++;
    } else {
      for (int k = 0; k < numeric; k++) {
        if (event.features().get(schema.featureNames().get(k)) == null) {
          missing[k]++;
        }
      }
      if (row == INCOMPLETE_NUMERIC_ONLY || !isComplete(event, schema)) {
        incomplete++;
      }
      if (row != INCOMPLETE_NUMERIC_ONLY) {
        pending.put(StateCodec.pendingKey(group, pane, rows), row);
        rows++;
        if (rows >= batchSize) {
          fold(group, pane, schema, rows);
          rows = 0;
        }
      }
    }
    moments.put(paneKey, StateCodec.encodePane(new StateCodec.PaneCounters(rows, incomplete, missing)));
  }


  /** Marks a tabular row without categorical features whose numeric part is incomplete: nothing to store. */
  static final byte[] INCOMPLETE_NUMERIC_ONLY = new byte[0];

  private static boolean isComplete(MonitoredEvent event, StateCodec.Schema schema) {
    if (event.type() == EventType.EMBEDDING) {
      return true;
    }
    for (String name : schema.featureNames()) {
      if (event.features().get(name) == null) {
        return false;
      }
    }
    return true;
  }

  /**
   * Folds the pane's pending rows into its statistics, then deletes them: complete numeric rows into the co-moment
   * tiles with one batched update, every row into the categorical counts, contingencies and grouped moments.
   */
  private void fold(byte[] group, long pane, StateCodec.Schema schema, int rows) {
    int d = schema.dimensions();
    List<byte[]> encoded = new ArrayList<>(rows);
    List<StateCodec.Row> decoded = new ArrayList<>(rows);
    for (int seq = 0; seq < rows; seq++) {
      Bytes k = StateCodec.pendingKey(group, pane, seq);
      byte[] row = pending.get(k);
      encoded.add(row);
      decoded.add(StateCodec.decodeRow(row));
      pending.delete(k);
    }
    double[] batch = new double[rows * d];
    int complete = 0;
    for (StateCodec.Row row : decoded) {
      if (row.complete()) {
        System.arraycopy(row.numeric(), 0, batch, complete++ * d, d);
      }
    }
    if (complete > 0) {
      foldMoments(group, pane, d, batch, complete);
    }
    if (schema.hasCategorical()) {
      foldCategorical(group, pane, schema, decoded);
    }
    if (driftEnabled && d > 0) {
      // With d = 0 (only categorical features) there is no sketch to feed: a backlog would only hold rows.
      DriftState.append(moments, group, pane, d, sketchK(schema), encoded, sketchBatchSize);
    }
  }

  private void foldMoments(byte[] group, long pane, int d, double[] batch, int rows) {
    Bytes headerKey = StateCodec.paneKey(group, pane, StateCodec.KIND_HEADER);
    byte[] headerBytes = moments.get(headerKey);
    MomentsHeader header = headerBytes == null ? new MomentsHeader(d) : StateCodec.decodeHeader(headerBytes);
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

  private void foldCategorical(byte[] group, long pane, StateCodec.Schema schema, List<StateCodec.Row> rows) {
    CategoricalState state = CategoricalState.load(moments, group, pane, schema, categoryCap);
    for (StateCodec.Row row : rows) {
      state.add(row);
    }
    state.save(moments::put, group, pane);
  }

  /**
   * The statistics of some panes, merged in time order (pending rows folded first); {@code rejected} is the
   * window's quality count, which the caller keeps.
   */
  WindowPartial collect(byte[] group, StateCodec.Schema schema, List<Long> panes,
      java.util.SortedMap<String, Long> rejected) {
    int d = schema.dimensions();
    CoMoments merged = CoMoments.empty(d);
    List<CategoricalState> categoricalPanes = new ArrayList<>();
    List<DriftState> driftPanes = new ArrayList<>();
    long incomplete = 0;
    long[] missing = new long[schema.featureNames() == null ? 0 : d];
    for (long pane : panes) {
      Bytes paneKey = StateCodec.paneKey(group, pane, StateCodec.KIND_PANE);
      byte[] paneBytes = moments.get(paneKey);
      if (paneBytes == null) {
        continue;
      }
      StateCodec.PaneCounters counters = StateCodec.decodePane(paneBytes);
      if (counters.pending() > 0) {
        fold(group, pane, schema, counters.pending());
        moments.put(paneKey, StateCodec.encodePane(new StateCodec.PaneCounters(0, counters.incomplete(),
            counters.missing())));
      }
      incomplete += counters.incomplete();
      for (int k = 0; k < Math.min(missing.length, counters.missing().length); k++) {
        missing[k] += counters.missing()[k];
      }
      byte[] headerBytes = moments.get(StateCodec.paneKey(group, pane, StateCodec.KIND_HEADER));
      if (headerBytes != null) {
        CoMoments paneMoments = CoMoments.fromTiles(StateCodec.decodeHeader(headerBytes), (ti, tj) -> {
          byte[] bytes = moments.get(StateCodec.tileKey(group, pane, ti, tj));
          return bytes == null ? null : StateCodec.decodeTile(bytes);
        });
        merged = merged.merge(paneMoments);
      }
      if (schema.hasCategorical()) {
        categoricalPanes.add(CategoricalState.load(moments, group, pane, schema, categoryCap));
      }
      if (driftEnabled) {
        driftPanes.add(DriftState.settle(moments, group, pane, d, sketchK(schema)));
      }
    }
    CategoricalState categorical = schema.hasCategorical()
        ? CategoricalState.mergeAll(categoricalPanes, schema, categoryCap) : CategoricalState.empty(schema, categoryCap);
    DriftState sketches = driftEnabled ? DriftState.mergeAll(driftPanes, d, sketchK(schema)) : null;
    return new WindowPartial(merged, incomplete, missing, categorical, sketches, rejected);
  }

  void delete(byte[] group, long pane, StateCodec.Schema schema) {
    moments.delete(StateCodec.paneKey(group, pane, StateCodec.KIND_PANE));
    moments.delete(StateCodec.paneKey(group, pane, StateCodec.KIND_HEADER));
    Tiling tiling = new Tiling(schema.dimensions());
    for (int ti = 0; ti < tiling.tilesPerSide(); ti++) {
      for (int tj = ti; tj < tiling.tilesPerSide(); tj++) {
        moments.delete(StateCodec.tileKey(group, pane, ti, tj));
      }
    }
    CategoricalState.delete(moments, group, pane, schema);
    DriftState.delete(moments, group, pane, schema.dimensions());
  }
}
