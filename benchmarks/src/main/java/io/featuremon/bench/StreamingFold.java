package io.featuremon.bench;

import io.featuremon.stats.Tiling;
import java.util.Arrays;

/**
 * The tile loop {@link io.featuremon.stats.BatchFold} used before it was register-blocked, kept as the baseline the
 * kernel benchmarks compare the production loop with: the same batched, centred update (Chan's merge), one tile row
 * kept in L1 while the batch streams past it, so every multiply-add loads and stores a tile element and loads a
 * batch element (the memory traffic of one rank-1 update per event).
 *
 * <p>Bit for bit the same result as the production loop: each tile element receives tile + x₀ᵢx₀ⱼ + x₁ᵢx₁ⱼ + ... in
 * batch-row order, then the mean correction, each a separately rounded multiply and add (Java never contracts them
 * into an FMA). {@code StreamingFoldTest} checks the tiles with {@code Arrays.equals}.
 */
final class StreamingFold {
  private final Tiling tiling;
  private final int rows;
  private final double[] centred;
  private final double[] sums;
  private final double[] shift;
  private final double[] low;
  private final double[] exactSums;
  private final double[] batchMin;
  private final double[] batchMax;
  private final long[] batchInactive;
  private final long newCount;
  private final boolean wasEmpty;

  /** Per-dimension state the fold moves forward; the benchmark's stand-in for MomentsHeader. */
  static final class State {
    long count;
    final double[] mean;
    final double[] meanLow;
    final double[] min;
    final double[] max;
    final long[] inactive;

    State(int dimensions) {
      mean = new double[dimensions];
      meanLow = new double[dimensions];
      min = new double[dimensions];
      max = new double[dimensions];
      inactive = new long[dimensions];
      Arrays.fill(min, Double.POSITIVE_INFINITY);
      Arrays.fill(max, Double.NEGATIVE_INFINITY);
    }
  }

  private StreamingFold(Tiling tiling, int rows, double[] centred, double[] sums, double[] shift, double[] low,
      double[] batchMin, double[] batchMax, long[] batchInactive, long newCount, boolean wasEmpty) {
    this.tiling = tiling;
    this.rows = rows;
    this.centred = centred;
    this.sums = sums;
    this.shift = shift;
    this.low = low;
    this.exactSums = new double[sums.length];
    for (int j = 0; j < sums.length; j++) {
      exactSums[j] = sums[j] - rows * low[j];
    }
    this.batchMin = batchMin;
    this.batchMax = batchMax;
    this.batchInactive = batchInactive;
    this.newCount = newCount;
    this.wasEmpty = wasEmpty;
  }

  /** The same centring, sums and range work as {@code BatchFold.prepare}. */
  static StreamingFold prepare(State state, double[] batch, int rows, double inactiveEpsilon) {
    int d = state.mean.length;
    boolean empty = state.count == 0;
    double[] shift = Arrays.copyOf(empty ? batch : state.mean, d);
    double[] centred = new double[rows * d];
    double[] sums = new double[d];
    double[] min = new double[d];
    double[] max = new double[d];
    long[] inactive = new long[d];
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
    for (int r = 0; r < rows; r++) {
      int base = r * d;
      for (int j = 0; j < d; j++) {
        double x = batch[base + j];
        double v = x - shift[j];
        centred[base + j] = v;
        sums[j] += v;
        if (x < min[j]) {
          min[j] = x;
        }
        if (x > max[j]) {
          max[j] = x;
        }
        if (Math.abs(x) <= inactiveEpsilon) {
          inactive[j]++;
        }
      }
    }
    double[] low = empty ? new double[d] : state.meanLow.clone();
    return new StreamingFold(new Tiling(d), rows, centred, sums, shift, low, min, max, inactive, state.count + rows,
        empty);
  }

  void applyToTile(int tileRow, int tileCol, double[] tile) {
    int d = tiling.dimensions();
    int r0 = tiling.start(tileRow);
    int r1 = tiling.end(tileRow);
    int c0 = tiling.start(tileCol);
    int width = tiling.width(tileCol);
    double inverseCount = 1.0 / newCount;
    boolean allZero = true;
    for (int k = 0; k < width; k++) {
      allZero &= low[c0 + k] == 0;
    }
    for (int i = r0; i < r1; i++) {
      int rowOffset = (i - r0) * width;
      for (int r = 0; r < rows; r++) {
        int base = r * d;
        double xi = centred[base + i];
        int from = base + c0;
        for (int k = 0; k < width; k++) {
          tile[rowOffset + k] += xi * centred[from + k];
        }
      }
      double si = exactSums[i] * inverseCount;
      double li = low[i];
      if (li == 0 && allZero) {
        for (int k = 0; k < width; k++) {
          tile[rowOffset + k] -= si * exactSums[c0 + k];
        }
      } else {
        for (int k = 0; k < width; k++) {
          double lj = low[c0 + k];
          tile[rowOffset + k] += -li * sums[c0 + k] - sums[i] * lj + rows * li * lj - si * exactSums[c0 + k];
        }
      }
    }
  }

  /** The same header arithmetic as {@code BatchFold.updateHeader}. */
  void updateState(State state) {
    double[] mean = state.mean;
    double[] meanLow = state.meanLow;
    for (int j = 0; j < mean.length; j++) {
      double increment = wasEmpty ? sums[j] / rows : exactSums[j] / newCount;
      double hi = shift[j] + increment;
      double bb = hi - shift[j];
      double error = ((shift[j] - (hi - bb)) + (increment - bb)) + low[j];
      mean[j] = hi + error;
      meanLow[j] = error - (mean[j] - hi);
    }
    for (int j = 0; j < mean.length; j++) {
      state.min[j] = Math.min(state.min[j], batchMin[j]);
      state.max[j] = Math.max(state.max[j], batchMax[j]);
      state.inactive[j] += batchInactive[j];
    }
    state.count = newCount;
  }
}
