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
 * <p><b>Why the mean carries a low part.</b> The merge is exact only if K is the exact mean of the rows already
 * folded. A double mean of 1e6-sized values is off by up to half an ulp (6e-11), which is not small beside a spread of
 * 1e-3: the cross term B·ε·(x̄_B − μ) then put relative errors of 1e-8 into ρ. So the mean is kept as a double-double
 * (mean + meanLow, updated with an error-free sum) and the update uses the exact mean μ = K + ℓ: with c = x − K,
 * Σ(x − μ)(x − μ)ᵀ = CᵀC − ℓ sᵀ − s ℓᵀ + B ℓ ℓᵀ and s' = s − B ℓ, M2 += Σ(x − μ)(x − μ)ᵀ − s' s'ᵀ / (n + B).
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
  private final double[] low; // ℓ, the old mean's low part (0 when the state was empty)
  private final double[] exactSums; // s' = s − B ℓ = Σ (x − μ)
  private final double[] batchMin;
  private final double[] batchMax;
  private final long[] batchInactive;
  private final long newCount;
  private final boolean wasEmpty;

  private BatchFold(Tiling tiling, int rows, double[] centred, double[] sums, double[] shift, double[] low,
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
    double[] low = empty ? new double[d] : header.meanLow().clone();
    return new BatchFold(new Tiling(d), rows, centred, sums, shift, low, min, max, inactive, header.count() + rows,
        empty);
  }

  /**
   * Adds this batch's contribution to tile (tileRow, tileCol), tileRow ≤ tileCol, in place.
   *
   * <p><b>Register-blocked.</b> A 4 × 4 block of tile elements stays in registers while the batch streams past: per
   * batch row, 8 loads feed 16 multiply-adds, and each tile element is loaded and stored once per batch. The plain
   * loop (a tile row in L1, the batch streaming past) loads and stores a tile element for every multiply-add, the
   * memory traffic of one rank-1 update per event, and ran at 0.5–0.65× this speed (benchmarks/README.md).
   *
   * <p><b>The same bits as the plain loop, on every CPU.</b> Each tile element still receives
   * tile + c₀ᵢc₀ⱼ + c₁ᵢc₁ⱼ + … in batch-row order, then the mean correction, each product and sum rounded separately:
   * Java never contracts a * b + c into a fused multiply-add, and never reorders floating-point sums, so the result
   * does not depend on the vector width or instruction set the JIT picks ({@code BatchFoldTest} checks the bits
   * against the plain loop).
   */
  public void applyToTile(int tileRow, int tileCol, double[] tile) {
    int r0 = tiling.start(tileRow);
    int r1 = tiling.end(tileRow);
    int c0 = tiling.start(tileCol);
    int width = tiling.width(tileCol);
    int i = r0;
    for (; i + 4 <= r1; i += 4) {
      int k = blockedRows(i, r0, c0, width, tile);
      for (int ii = i; ii < i + 4; ii++) {
        plainRow(ii, (ii - r0) * width, c0, k, width, tile);
      }
    }
    for (; i < r1; i++) {
      plainRow(i, (i - r0) * width, c0, 0, width, tile);
    }
    correct(r0, r1, c0, width, tile);
  }

  /** Tile rows i..i+3, columns in blocks of 4; returns the first column left for {@link #plainRow}. */
  private int blockedRows(int i, int r0, int c0, int width, double[] tile) {
    int d = tiling.dimensions();
    double[] c = centred;
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
    return k;
  }

  /** Tile row i, columns kFrom..width − 1, one element at a time in the same order. */
  private void plainRow(int i, int rowOffset, int c0, int kFrom, int width, double[] tile) {
    int d = tiling.dimensions();
    for (int k = kFrom; k < width; k++) {
      double a = tile[rowOffset + k];
      for (int r = 0, base = 0; r < rows; r++, base += d) {
        a += centred[base + i] * centred[base + c0 + k];
      }
      tile[rowOffset + k] = a;
    }
  }

  /** The mean correction, after every product: − s'ᵢs'ⱼ/(n + B), plus the low-part terms when the mean has one. */
  private void correct(int r0, int r1, int c0, int width, double[] tile) {
    double inverseCount = 1.0 / newCount;
    boolean allZero = true;
    for (int k = 0; k < width; k++) {
      allZero &= low[c0 + k] == 0;
    }
    for (int i = r0; i < r1; i++) {
      int rowOffset = (i - r0) * width;
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

  /** The rounding error of hi = a + b (Knuth's TwoSum): a + b = hi + the result, exactly. */
  static double twoSumError(double a, double b, double hi) {
    double bb = hi - a;
    return (a - (hi - bb)) + (b - bb);
  }

  /** Moves count and mean forward; call once, after every tile has been updated. */
  public void updateHeader(MomentsHeader header) {
    double[] mean = header.mean();
    double[] meanLow = header.meanLow();
    for (int j = 0; j < mean.length; j++) {
      // μ' = μ + s'/(n + B), μ = K + ℓ, in double-double: K + (s'/(n + B) + ℓ) with the rounding of the sum kept.
      double increment = wasEmpty ? sums[j] / rows : exactSums[j] / newCount;
      double hi = shift[j] + increment;
      double error = twoSumError(shift[j], increment, hi) + low[j];
      mean[j] = hi + error;
      meanLow[j] = error - (mean[j] - hi);
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
