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

  static DriftState load(Function<Bytes, byte[]> store, byte[] group, long pane, int dimensions, int k) {
    DriftState s = empty(dimensions, k);
    for (int i = 0; i < dimensions; i++) {
      byte[] bytes = store.apply(StateCodec.paneItemKey(group, pane, StateCodec.KIND_SKETCH, i, 0));
      if (bytes != null) {
        s.sketches[i] = NumericSketch.fromBytes(bytes);
      }
    }
    return s;
  }

  /** Adds every present numeric value of the rows, in order. */
  void add(List<StateCodec.Row> rows) {
    for (int i = 0; i < sketches.length; i++) {
      NumericSketch sketch = sketches[i];
      for (StateCodec.Row row : rows) {
        if (row.present()[i]) {
          sketch.update(row.numeric()[i]);
        }
      }
    }
  }

  void save(KeyValueStore<Bytes, byte[]> store, byte[] group, long pane) {
    for (int i = 0; i < sketches.length; i++) {
      store.put(StateCodec.paneItemKey(group, pane, StateCodec.KIND_SKETCH, i, 0), sketches[i].toBytes());
    }
  }

  static void delete(KeyValueStore<Bytes, byte[]> store, byte[] group, long pane, int dimensions) {
    for (int i = 0; i < dimensions; i++) {
      store.delete(StateCodec.paneItemKey(group, pane, StateCodec.KIND_SKETCH, i, 0));
    }
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
