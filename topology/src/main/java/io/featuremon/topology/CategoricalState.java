package io.featuremon.topology;

import io.featuremon.stats.CategoryCounts;
import io.featuremon.stats.Contingency;
import io.featuremon.stats.GroupedMoments;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The categorical statistics of one pane (or of a whole window, once merged): value counts per categorical feature,
 * a contingency table per pair of categorical features, and the moments of every numeric feature grouped by every
 * categorical one. Each lives in its own store entry, all bounded by the cardinality cap. The counts decide the
 * buckets (a hash sample of the values, see {@link CategoryCounts}); the tables follow them, evictions included.
 */
final class CategoricalState {
  private final int numeric;
  private final int categorical;
  final CategoryCounts[] counts;
  final Contingency[][] pairs; // [i][j], i < j
  final GroupedMoments[][] grouped; // [numeric k][categorical j]

  private CategoricalState(int numeric, int categorical, int cap) {
    this.numeric = numeric;
    this.categorical = categorical;
    counts = new CategoryCounts[categorical];
    pairs = new Contingency[categorical][categorical];
    grouped = new GroupedMoments[numeric][categorical];
    for (int j = 0; j < categorical; j++) {
      counts[j] = CategoryCounts.empty(cap);
      for (int i = j + 1; i < categorical; i++) {
        pairs[j][i] = Contingency.empty(cap);
      }
      for (int k = 0; k < numeric; k++) {
        grouped[k][j] = GroupedMoments.empty(cap);
      }
    }
  }

  static CategoricalState empty(StateCodec.Schema schema, int cap) {
    return new CategoricalState(schema.dimensions(), schema.categoricalNames().size(), cap);
  }

  static CategoricalState load(KeyValueStore<Bytes, byte[]> store, byte[] group, long pane, StateCodec.Schema schema,
      int cap) {
    CategoricalState s = empty(schema, cap);
    for (int j = 0; j < s.categorical; j++) {
      byte[] bytes = store.get(StateCodec.paneItemKey(group, pane, StateCodec.KIND_COUNTS, j, 0));
      if (bytes != null) {
        s.counts[j] = CategoryCounts.fromBytes(bytes);
      }
      for (int i = j + 1; i < s.categorical; i++) {
        bytes = store.get(StateCodec.paneItemKey(group, pane, StateCodec.KIND_CONTINGENCY, j, i));
        if (bytes != null) {
          s.pairs[j][i] = Contingency.fromBytes(bytes);
        }
      }
      for (int k = 0; k < s.numeric; k++) {
        bytes = store.get(StateCodec.paneItemKey(group, pane, StateCodec.KIND_GROUPED, k, j));
        if (bytes != null) {
          s.grouped[k][j] = GroupedMoments.fromBytes(bytes);
        }
      }
    }
    for (int j = 0; j < s.categorical; j++) {
      if (s.counts[j].isSampled() && s.counts[j].buckets().isEmpty()) {
        // A pane written by version 1 whose first-seen buckets overflowed reads as "everything in OTHER" (see
        // CategoryCounts): its tables follow, so the pane stays consistent as it goes on counting.
        for (int i = 0; i < s.categorical; i++) {
          if (i < j) {
            s.pairs[i][j] = s.pairs[i][j].restrictTo(s.counts[i], s.counts[j]);
          } else if (i > j) {
            s.pairs[j][i] = s.pairs[j][i].restrictTo(s.counts[j], s.counts[i]);
          }
        }
        for (int k = 0; k < s.numeric; k++) {
          s.grouped[k][j] = s.grouped[k][j].restrictTo(s.counts[j]);
        }
      }
    }
    return s;
  }

  /** One row, in arrival order: its values are mapped to buckets by the counts first, then counted jointly. */
  void add(StateCodec.Row row) {
    String[] buckets = new String[categorical];
    for (int j = 0; j < categorical; j++) {
      buckets[j] = counts[j].add(row.categorical()[j]);
      String evicted = counts[j].lastEvicted();
      if (evicted != null) {
        // The counts gave the evicted value's bucket up to OTHER: the tables keyed by those buckets follow, so they
        // keep at most K + 1 buckets and agree with the counts (every table is then exactly the rows bucketed by
        // the pane's final tracked values, whatever the arrival order).
        for (int i = 0; i < categorical; i++) {
          if (i < j) {
            pairs[i][j] = pairs[i][j].fold(null, evicted);
          } else if (i > j) {
            pairs[j][i] = pairs[j][i].fold(evicted, null);
          }
        }
        for (int k = 0; k < numeric; k++) {
          grouped[k][j] = grouped[k][j].fold(evicted);
        }
      }
    }
    for (int j = 0; j < categorical; j++) {
      for (int i = j + 1; i < categorical; i++) {
        pairs[j][i].add(buckets[j], buckets[i]);
      }
      for (int k = 0; k < numeric; k++) {
        if (row.present()[k]) {
          grouped[k][j].add(buckets[j], row.numeric()[k]);
        } else {
          grouped[k][j].addIncomplete();
        }
      }
    }
  }

  /** Writes the state as pane entries through {@code put}: into a store, or onto the partials topic. */
  void save(java.util.function.BiConsumer<Bytes, byte[]> put, byte[] group, long pane) {
    for (int j = 0; j < categorical; j++) {
      put.accept(StateCodec.paneItemKey(group, pane, StateCodec.KIND_COUNTS, j, 0), counts[j].toBytes());
      for (int i = j + 1; i < categorical; i++) {
        put.accept(StateCodec.paneItemKey(group, pane, StateCodec.KIND_CONTINGENCY, j, i), pairs[j][i].toBytes());
      }
      for (int k = 0; k < numeric; k++) {
        put.accept(StateCodec.paneItemKey(group, pane, StateCodec.KIND_GROUPED, k, j), grouped[k][j].toBytes());
      }
    }
  }

  static void delete(KeyValueStore<Bytes, byte[]> store, byte[] group, long pane, StateCodec.Schema schema) {
    int c = schema.categoricalNames().size();
    for (int j = 0; j < c; j++) {
      store.delete(StateCodec.paneItemKey(group, pane, StateCodec.KIND_COUNTS, j, 0));
      for (int i = j + 1; i < c; i++) {
        store.delete(StateCodec.paneItemKey(group, pane, StateCodec.KIND_CONTINGENCY, j, i));
      }
      for (int k = 0; k < schema.dimensions(); k++) {
        store.delete(StateCodec.paneItemKey(group, pane, StateCodec.KIND_GROUPED, k, j));
      }
    }
  }

  /**
   * Merges panes into the window's state: counts first, then every table restricted to the window's buckets, so a
   * value that has its own bucket in the window is counted there from every pane.
   */
  static CategoricalState mergeAll(java.util.List<CategoricalState> panes, StateCodec.Schema schema, int cap) {
    CategoricalState w = empty(schema, cap);
    for (CategoricalState p : panes) {
      for (int j = 0; j < w.categorical; j++) {
        w.counts[j] = w.counts[j].merge(p.counts[j]);
      }
    }
    for (int j = 0; j < w.categorical; j++) {
      for (int i = j + 1; i < w.categorical; i++) {
        Contingency acc = null;
        for (CategoricalState p : panes) {
          acc = acc == null ? p.pairs[j][i].restrictTo(w.counts[j], w.counts[i])
              : acc.merge(p.pairs[j][i], w.counts[j], w.counts[i]);
        }
        if (acc != null) {
          w.pairs[j][i] = acc;
        }
      }
      for (int k = 0; k < w.numeric; k++) {
        GroupedMoments acc = null;
        for (CategoricalState p : panes) {
          acc = acc == null ? p.grouped[k][j].restrictTo(w.counts[j]) : acc.merge(p.grouped[k][j], w.counts[j]);
        }
        if (acc != null) {
          w.grouped[k][j] = acc;
        }
      }
    }
    return w;
  }
}
