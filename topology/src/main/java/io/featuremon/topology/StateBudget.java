package io.featuremon.topology;

import io.featuremon.config.FeaturemonConfig;
import io.featuremon.stats.drift.NumericSketch;

/**
 * The state one group needs, estimated from its shape, against {@code limits.group.state.bytes}: decided once, when
 * a shape is first seen, so a group is either refused at its first event or never.
 *
 * <p>Per open pane: the upper triangle of the co-moment matrix (8·d(d+1)/2 bytes), its header (40·d), one KLL sketch
 * per numeric dimension when drift is on ({@link NumericSketch#maxSerializedBytes} at 2⁴⁰ items: 7.0 KB for
 * k = 200, 51 KB for k = 2048; k is drift.sketch.k for tabular features and drift.embedding.sketch.k for embedding
 * dimensions), categorical counts, contingency tables and
 * grouped moments (bounded by the category cap), up to one fold batch of pending rows and, with drift on, the rows
 * waiting for the sketches (drift.sketch.batch.size rows, at most 8 MiB). A window of
 * size/pane panes plus the panes its grace keeps open, and the reference pane of a reference range, are open at
 * once. The estimate errs high; the README's sizing table uses the same formula.
 */
final class StateBudget {
  private final long limit;
  private final long openPanes;
  private final boolean drift;
  private final int sketchK;
  private final int embeddingSketchK;
  private final int categoryCap;
  private final int batch;
  private final int sketchBatch;

  StateBudget(FeaturemonConfig config) {
    long size = config.windowSize().toMillis();
    long advance = config.windowAdvance().toMillis();
    long pane = gcd(size, advance);
    this.openPanes = (size + config.windowGrace().toMillis()) / pane + 1 + (config.referenceRange() != null ? 1 : 0);
    this.limit = config.maxGroupStateBytes();
    this.drift = config.referenceMode().drift();
    this.sketchK = config.sketchK();
    this.embeddingSketchK = config.embeddingSketchK();
    this.categoryCap = config.maxCategories();
    this.batch = config.foldBatchSize();
    this.sketchBatch = config.sketchBatchSize();
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /** Most bytes one numeric dimension's sketch takes, for any count a pane can reach (2⁴⁰ events). */
  static long sketchBytes(int k) {
    return NumericSketch.maxSerializedBytes(k, 1L << 40);
  }

  /** Bytes one pane of a group of {@code numeric} numeric and {@code categorical} categorical features holds. */
  static long bytesPerPane(long numeric, long categorical, boolean drift, int sketchK, int categoryCap, int batch,
      int sketchBatch) {
    long cells = categoryCap + 1L;
    long bytes = 8 * numeric * (numeric + 1) / 2 + 40 * numeric;
    bytes += drift ? sketchBytes(sketchK) * numeric : 0;
    bytes += 64 * cells * categorical;                                    // capped counts
    bytes += 8 * cells * cells * categorical * (categorical - 1) / 2;     // contingency tables
    bytes += 32 * cells * numeric * categorical;                          // grouped moments (n, mean + low, M2)
    long rowBytes = 9 * numeric + 32 * categorical + 32;
    bytes += (long) batch * rowBytes;                                     // pending rows
    // The drift backlog (DriftState): drift.sketch.batch.size rows, at most MAX_BACKLOG_BYTES.
    bytes += drift ? Math.min((long) sketchBatch * rowBytes, DriftState.MAX_BACKLOG_BYTES) : 0;
    return bytes;
  }

  /**
   * Most panes a group may hold open at once: those its windows and grace need, plus this many for events ahead of
   * its stream time (a clock running ahead, within input.max.future). Beyond it, an event that would open a pane
   * later than every open one is refused, so far-ahead events cannot multiply a group's state; events of the
   * group's own traffic, earlier than those, are never refused by this.
   */
  static final int EXTRA_PANES = 16;

  long maxOpenPanes() {
    return openPanes + EXTRA_PANES;
  }

  long estimate(StateCodec.Schema shape) {
    long numeric = shape.dimensions();
    long categorical = shape.categoricalNames().size();
    int k = shape.featureNames() == null ? embeddingSketchK : sketchK;
    return openPanes * bytesPerPane(numeric, categorical, drift, k, categoryCap, batch, sketchBatch);
  }

  /**
   * Most UTF-8 bytes the feature names of one group may total. A window's statistics name every feature up to five
   * times (missing rates, drift, constant or dead, clusters) and must fit in one Kafka record of 1 MiB, with about
   * 100 bytes of numbers per feature besides: 4,096 features of 24 characters take 0.9 MiB.
   */
  static final long MAX_NAME_BYTES = 100_000;

  /** Why a group of this shape is refused, or null when it fits. */
  String refusal(GroupKey key, StateCodec.Schema shape) {
    if (shape.featureNames() != null) {
      long nameBytes = 0;
      for (String name : shape.allNames()) {
        nameBytes += name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      }
      if (nameBytes > MAX_NAME_BYTES) {
        return "limit: model '" + key.model() + "' has " + shape.allNames().size() + " features whose names take "
            + nameBytes + " bytes, more than " + MAX_NAME_BYTES + ": its window statistics, which name every feature,"
            + " would not fit in one Kafka record";
      }
    }
    long need = estimate(shape);
    if (need <= limit) {
      return null;
    }
    String what = shape.featureNames() == null ? shape.dimensions() + " dimensions"
        : shape.dimensions() + " numeric and " + shape.categoricalNames().size() + " categorical features";
    return "limit: model '" + key.model() + "' with " + what + " needs about " + mib(need) + " of state for its "
        + openPanes + " open panes, more than limits.group.state.bytes=" + limit + " (" + mib(limit) + ")";
  }

  private static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
