package io.featuremon.topology;

import io.featuremon.stats.drift.NumericSketch;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Quantile sketches of a pane (or, merged, of a window): one KLL sketch per numeric feature or embedding dimension,
 * each in its own store entry. Sketches are updated row by row in arrival order and merged pane by pane in time
 * order, so the bytes, and every drift value computed from them, are the same on every run.
 *
 * <p><b>The backlog.</b> Rewriting every sketch of a pane at every fold was the largest cost of a live run (d = 384:
 * 384 sketches read, decoded, encoded and written back, about 1.8 MB, every 256 events; ~31% of the time, and most of
 * the changelog bytes). So a fold only appends its rows, as stored, to the pane's backlog (one chunk per fold), and
 * the sketches are brought up to date once the backlog holds {@code drift.sketch.batch.size} rows, or when the pane
 * is read for a window. A KLL sketch's state depends only on the sequence of values it was given (each coin is a hash
 * of the sketch's own state, see {@code io.featuremon.stats.drift.KllSketch}), and each dimension's values arrive in
 * the same order either way, so the bytes are the same whatever the batch size: {@code DriftBacklogTest} checks it.
 */
final class DriftState {
  final NumericSketch[] sketches;

  private DriftState(NumericSketch[] sketches) {
    this.sketches = sketches;
  }

  static DriftState empty(int dimensions, int k) {
    NumericSketch[] sketches = new NumericSketch[dimensions];
    for (int i = 0; i < dimensions; i++) {
      sketches[i] = NumericSketch.create(k);
    }
    return new DriftState(sketches);
  }

  /** The pane's sketches with its backlog added (the store is not changed). */
  static DriftState load(Function<Bytes, byte[]> store, byte[] group, long pane, int dimensions, int k) {
    return load(store, group, pane, dimensions, k, backlog(store, group, pane));
  }

  private static DriftState load(Function<Bytes, byte[]> store, byte[] group, long pane, int dimensions, int k,
      StateCodec.Backlog backlog) {
    DriftState s = empty(dimensions, k);
    for (int i = 0; i < dimensions; i++) {
      byte[] bytes = store.apply(StateCodec.paneItemKey(group, pane, StateCodec.KIND_SKETCH, i, 0));
      if (bytes != null) {
        s.sketches[i] = NumericSketch.fromBytes(bytes);
      }
    }
    List<StateCodec.Row> rows = new java.util.ArrayList<>((int) backlog.rows());
    for (int c = 0; c < backlog.chunks(); c++) {
      rows.addAll(StateCodec.decodeChunk(store.apply(StateCodec.backlogKey(group, pane, c))));
    }
    s.add(rows);
    return s;
  }

  /**
   * The pane's sketches with its backlog added, written back and the backlog cleared: for a window close. A pane of
   * hopping windows is read by every window it belongs to (six for 1 h every 10 min); re-applying its backlog each
   * time was 44% of a close at d = 384 (PipelineBenchmark under JFR). The sketches' bytes do not depend on when the
   * backlog is applied ({@code DriftBacklogTest}), so this changes no output.
   */
  static DriftState settle(KeyValueStore<Bytes, byte[]> store, byte[] group, long pane, int dimensions, int k) {
    return settle(store, group, pane, dimensions, k, backlog(store::get, group, pane));
  }

  private static DriftState settle(KeyValueStore<Bytes, byte[]> store, byte[] group, long pane, int dimensions, int k,
      StateCodec.Backlog backlog) {
    DriftState state = load(store::get, group, pane, dimensions, k, backlog);
    if (backlog.chunks() > 0) {
      state.save(store::put, group, pane);
      deleteBacklog(store, group, pane, backlog.chunks());
    }
    return state;
  }

  private static StateCodec.Backlog backlog(Function<Bytes, byte[]> store, byte[] group, long pane) {
    byte[] bytes = store.apply(StateCodec.backlogKey(group, pane, -1));
    return bytes == null ? new StateCodec.Backlog(0, 0, 0) : StateCodec.decodeBacklog(bytes);
  }

  /**
   * Most bytes of rows a pane's backlog holds, whatever drift.sketch.batch.size says: so a wide model (d = 4096:
   * 16 KB a row) keeps at most this per pane, in the store and on the heap when a window reads it.
   */
  static final long MAX_BACKLOG_BYTES = 8L << 20;

  /**
   * Appends one fold's rows (their stored encoding, in order) to the pane's backlog; when one more such fold would
   * take it past {@code batchRows} rows or {@link #MAX_BACKLOG_BYTES}, adds them all to the sketches and clears it.
   */
  static void append(KeyValueStore<Bytes, byte[]> store, byte[] group, long pane, int dimensions, int k,
      List<byte[]> rows, int batchRows) {
    StateCodec.Backlog before = backlog(store::get, group, pane);
    byte[] chunk = StateCodec.encodeChunk(rows);
    store.put(StateCodec.backlogKey(group, pane, before.chunks()), chunk);
    StateCodec.Backlog after = new StateCodec.Backlog(before.chunks() + 1, before.rows() + rows.size(),
        before.bytes() + chunk.length);
    store.put(StateCodec.backlogKey(group, pane, -1), StateCodec.encodeBacklog(after));
    // Update now if another chunk like this one would take the backlog past either limit: so it never holds more
    // than drift.sketch.batch.size rows or MAX_BACKLOG_BYTES bytes.
    if (after.rows() + rows.size() > batchRows || after.bytes() + chunk.length > MAX_BACKLOG_BYTES) {
      settle(store, group, pane, dimensions, k, after);
    }
  }

  private static void deleteBacklog(KeyValueStore<Bytes, byte[]> store, byte[] group, long pane, int chunks) {
    for (int c = 0; c < chunks; c++) {
      store.delete(StateCodec.backlogKey(group, pane, c));
    }
    store.delete(StateCodec.backlogKey(group, pane, -1));
  }

  /** Dimensions transposed at a time: their columns (4096 rows × 32 doubles = 1 MiB) stay in cache. */
  private static final int COLUMN_BLOCK = 32;

  /**
   * Adds every present numeric value of the rows, in order. The rows are transposed a block of dimensions at a time
   * and the block's sketches take their columns together ({@link NumericSketch#updateColumns}): a dimension's values,
   * read row by row, cost a cache miss each (its rows are separate arrays), and the sketches' exact moments overlap
   * when updated side by side. Each sketch sees the same values in the same order as one update per value, so its
   * bytes are the same.
   */
  void add(List<StateCodec.Row> rows) {
    int n = rows.size();
    double[][] columns = new double[Math.min(COLUMN_BLOCK, sketches.length)][n];
    int[] counts = new int[columns.length];
    for (int from = 0; from < sketches.length; from += COLUMN_BLOCK) {
      int to = Math.min(sketches.length, from + COLUMN_BLOCK);
      java.util.Arrays.fill(counts, 0);
      for (StateCodec.Row row : rows) {
        double[] numeric = row.numeric();
        boolean[] present = row.present();
        for (int i = from; i < to; i++) {
          if (present[i]) {
            columns[i - from][counts[i - from]++] = numeric[i];
          }
        }
      }
      NumericSketch.updateColumns(sketches, from, columns, counts, to - from);
    }
  }

  /** Writes the sketches as pane entries through {@code put}: into a store, or onto the partials topic. */
  void save(java.util.function.BiConsumer<Bytes, byte[]> put, byte[] group, long pane) {
    for (int i = 0; i < sketches.length; i++) {
      put.accept(StateCodec.paneItemKey(group, pane, StateCodec.KIND_SKETCH, i, 0), sketches[i].toBytes());
    }
  }

  static void delete(KeyValueStore<Bytes, byte[]> store, byte[] group, long pane, int dimensions) {
    for (int i = 0; i < dimensions; i++) {
      store.delete(StateCodec.paneItemKey(group, pane, StateCodec.KIND_SKETCH, i, 0));
    }
    deleteBacklog(store, group, pane, backlog(store::get, group, pane).chunks());
  }

  /** Both samples' sketches, this one's first. */
  DriftState merge(DriftState other) {
    NumericSketch[] merged = new NumericSketch[sketches.length];
    for (int i = 0; i < sketches.length; i++) {
      merged[i] = sketches[i].merge(other.sketches[i]);
    }
    return new DriftState(merged);
  }

  /** The window's sketches: panes merged in time order (KLL merges are not commutative bit for bit). */
  static DriftState mergeAll(List<DriftState> panes, int dimensions, int k) {
    DriftState w = empty(dimensions, k);
    for (DriftState p : panes) {
      for (int i = 0; i < dimensions; i++) {
        w.sketches[i] = w.sketches[i].merge(p.sketches[i]);
      }
    }
    return w;
  }
}
