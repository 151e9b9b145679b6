package io.featuremon.bench;

import io.featuremon.stats.Tiling;
import java.util.Arrays;

/**
 * A candidate replacement for the tile loop of {@link io.featuremon.stats.BatchFold}: the same batched, centred
 * update (Chan's merge), but register-blocked, and bit for bit the same result.
 *
 * <p>Why it is faster: {@code BatchFold.applyToTile} keeps one tile row in L1 and streams the batch past it, so
 * every multiply-add still loads and stores a tile element and loads a batch element — the same three memory
 * operations per multiply-add as a rank-1 update per event, which is why it is no faster than one (see
 * {@link CoMomentKernelBenchmark}). Here a 4 × 4 block of tile elements stays in registers for the whole batch:
 * per batch row, 8 loads feed 16 multiply-adds, and the tile is read and written once per batch.
 *
 * <p>Why it is bit-identical: each tile element still receives tile + x₀ᵢx₀ⱼ + x₁ᵢx₁ⱼ + ... in batch-row order,
 * then − sᵢsⱼ/(n + B), each a separately rounded multiply and add (Java never contracts them into an FMA), exactly
 * as in {@code BatchFold}. {@code BlockedFoldTest} checks the tiles with {@code Arrays.equals}.
 */
final class BlockedFold {
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

  private BlockedFold(Tiling tiling, int rows, double[] centred, double[] sums, double[] shift, double[] low,
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
  static BlockedFold prepare(State state, double[] batch, int rows, double inactiveEpsilon) {
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
    return new BlockedFold(new Tiling(d), rows, centred, sums, shift, low, min, max, inactive, state.count + rows,
        empty);
  }

  void applyToTile(int tileRow, int tileCol, double[] tile) {
    int d = tiling.dimensions();
    int r0 = tiling.start(tileRow);
    int r1 = tiling.end(tileRow);
    int c0 = tiling.start(tileCol);
    int width = tiling.width(tileCol);
    double[] c = centred;
    int i = r0;
    for (; i + 4 <= r1; i += 4) {
      int t0 = (i - r0) * width;
      int t1 = t0 + width;
      int t2 = t1 + width;
      int t3 = t2 + width;
      int k = 0;
      for (; k + 4 <= width; k += 4) {
        double a00 = tile[t0 + k], a01 = tile[t0 + k + 1], a02 = tile[t0 + k + 2], a03 = tile[t0 + k + 3];
        double a10 = tile[t1 + k], a11 = tile[t1 + k + 1], a12 = tile[t1 + k + 2], a13 = tile[t1 + k + 3];
        double a20 = tile[t2 + k], a21 = tile[t2 + k + 1], a22 = tile[t2 + k + 2], a23 = tile[t2 + k + 3];
        double a30 = tile[t3 + k], a31 = tile[t3 + k + 1], a32 = tile[t3 + k + 2], a33 = tile[t3 + k + 3];
        int col = c0 + k;
        for (int r = 0, base = 0; r < rows; r++, base += d) {
          double x0 = c[base + i], x1 = c[base + i + 1], x2 = c[base + i + 2], x3 = c[base + i + 3];
          double y0 = c[base + col], y1 = c[base + col + 1], y2 = c[base + col + 2], y3 = c[base + col + 3];
          a00 += x0 * y0; a01 += x0 * y1; a02 += x0 * y2; a03 += x0 * y3;
          a10 += x1 * y0; a11 += x1 * y1; a12 += x1 * y2; a13 += x1 * y3;
          a20 += x2 * y0; a21 += x2 * y1; a22 += x2 * y2; a23 += x2 * y3;
          a30 += x3 * y0; a31 += x3 * y1; a32 += x3 * y2; a33 += x3 * y3;
        }
        tile[t0 + k] = a00; tile[t0 + k + 1] = a01; tile[t0 + k + 2] = a02; tile[t0 + k + 3] = a03;
        tile[t1 + k] = a10; tile[t1 + k + 1] = a11; tile[t1 + k + 2] = a12; tile[t1 + k + 3] = a13;
        tile[t2 + k] = a20; tile[t2 + k + 1] = a21; tile[t2 + k + 2] = a22; tile[t2 + k + 3] = a23;
        tile[t3 + k] = a30; tile[t3 + k + 1] = a31; tile[t3 + k + 2] = a32; tile[t3 + k + 3] = a33;
      }
      for (int ii = i; ii < i + 4; ii++) {
        scalarRow(ii, (ii - r0) * width, c0, k, width, tile);
      }
    }
    for (; i < r1; i++) {
      scalarRow(i, (i - r0) * width, c0, 0, width, tile);
    }
    double inverseCount = 1.0 / newCount;
    boolean allZero = true;
    for (int k = 0; k < width; k++) {
      allZero &= low[c0 + k] == 0;
    }
    // The same correction as BatchFold.applyToTile, term for term.
    for (int ii = r0; ii < r1; ii++) {
      double si = exactSums[ii] * inverseCount;
      double li = low[ii];
      int rowOffset = (ii - r0) * width;
      if (li == 0 && allZero) {
        for (int k = 0; k < width; k++) {
          tile[rowOffset + k] -= si * exactSums[c0 + k];
        }
      } else {
        for (int k = 0; k < width; k++) {
          double lj = low[c0 + k];
          tile[rowOffset + k] += -li * sums[c0 + k] - sums[ii] * lj + rows * li * lj - si * exactSums[c0 + k];
        }
      }
    }
  }

  /** Edge of a tile whose width is not a multiple of 4: one element at a time, same order. */
  private void scalarRow(int i, int rowOffset, int c0, int kFrom, int width, double[] tile) {
    int d = tiling.dimensions();
    for (int k = kFrom; k < width; k++) {
      double a = tile[rowOffset + k];
      for (int r = 0, base = 0; r < rows; r++, base += d) {
        a += centred[base + i] * centred[base + c0 + k];
      }
      tile[rowOffset + k] = a;
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
