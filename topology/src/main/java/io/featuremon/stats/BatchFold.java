package io.featuremon.stats;

import java.util.Arrays;

/**
 * One exact, batched update of co-moments: B new rows are folded into (count, mean, co-moment tiles).
 *
 * <p>The batch is centred on a shift K, the current mean when the state is non-empty (else the batch's first row),
 * so that large common offsets cancel before any product is formed. With s = Σ(x − K) this is Chan et al.'s
 * pairwise merge: M2 += XcᵀXc − s sᵀ / (n + B) and mean += s / (n + B). The result depends only on which rows
 * form the batch and in what order, never on timing, which is what makes outputs reproducible.
 *
 * <p>Use: {@code prepare} with the header before the update, {@link #applyToTile} on every upper-triangle tile,
 * then {@link #updateHeader} once.
 */
public final class BatchFold {
  private final Tiling tiling;
  private final int rows;
  private final double[] centred; // rows × d, row-major
  private final double[] sums; // s = Σ (x − K)
  private final double[] shift;
  private final double[] batchMin;
  private final double[] batchMax;
  private final long[] batchInactive;
  private final long newCount;
  private final boolean wasEmpty;

  private BatchFold(Tiling tiling, int rows, double[] centred, double[] sums, double[] shift,
      double[] batchMin, double[] batchMax, long[] batchInactive, long newCount, boolean wasEmpty) {
    this.tiling = tiling;
    this.rows = rows;
    this.centred = centred;
    this.sums = sums;
    this.shift = shift;
    this.batchMin = batchMin;
    this.batchMax = batchMax;
    this.batchInactive = batchInactive;
    this.newCount = newCount;
    this.wasEmpty = wasEmpty;
  }

  /**
   * Centres a batch against the header's current state.
   *
   * @param batch rows × d values, row-major
   * @param inactiveEpsilon a value with |x| ≤ this counts as inactive (dead-dimension detection)
   */
  public static BatchFold prepare(MomentsHeader header, double[] batch, int rows, double inactiveEpsilon) {
    int d = header.dimensions();
    if (rows <= 0 || batch.length < rows * d) {
      throw new IllegalArgumentException("batch holds " + batch.length + " values, need " + rows + " × " + d);
    }
    boolean empty = header.count() == 0;
    double[] shift = new double[d];
    System.arraycopy(empty ? batch : header.mean(), 0, shift, 0, d);
    double[] centred = new double[rows * d];
    double[] sums = new double[d];
    for (int r = 0; r < rows; r++) {
      int base = r * d;
      for (int j = 0; j < d; j++) {
        double v = batch[base + j] - shift[j];
        centred[base + j] = v;
        sums[j] += v;
      }
    }
    double[] min = new double[d];
    double[] max = new double[d];
    long[] inactive = new long[d];
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
    for (int r = 0; r < rows; r++) {
      int base = r * d;
      for (int j = 0; j < d; j++) {
        double v = batch[base + j];
        if (v < min[j]) {
          min[j] = v;
        }
        if (v > max[j]) {
          max[j] = v;
        }
        if (Math.abs(v) <= inactiveEpsilon) {
          inactive[j]++;
        }
      }
    }
    return new BatchFold(new Tiling(d), rows, centred, sums, shift, min, max, inactive, header.count() + rows, empty);
  }

  /** Adds this batch's contribution to tile (tileRow, tileCol), tileRow ≤ tileCol, in place. */
  public void applyToTile(int tileRow, int tileCol, double[] tile) {
    int d = tiling.dimensions();
    int r0 = tiling.start(tileRow);
    int r1 = tiling.end(tileRow);
    int c0 = tiling.start(tileCol);
    int width = tiling.width(tileCol);
    double inverseCount = 1.0 / newCount;
    // Row of the tile outermost: it stays in L1 while the batch streams past (a blocked rank-B update).
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
      double si = sums[i] * inverseCount;
      for (int k = 0; k < width; k++) {
        tile[rowOffset + k] -= si * sums[c0 + k];
      }
    }
  }

  /** Moves count and mean forward; call once, after every tile has been updated. */
  public void updateHeader(MomentsHeader header) {
    double[] mean = header.mean();
    if (wasEmpty) {
      for (int j = 0; j < mean.length; j++) {
        mean[j] = shift[j] + sums[j] / rows;
      }
    } else {
      for (int j = 0; j < mean.length; j++) {
        mean[j] += sums[j] / newCount;
      }
    }
    double[] min = header.min();
    double[] max = header.max();
    for (int j = 0; j < mean.length; j++) {
      min[j] = Math.min(min[j], batchMin[j]);
      max[j] = Math.max(max[j], batchMax[j]);
      header.inactive()[j] += batchInactive[j];
    }
    header.setCount(newCount);
  }
}
