package io.featuremon.stats;

import io.featuremon.stats.kernel.PackedBatch;
import io.featuremon.stats.kernel.TileKernel;
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
  private final PackedBatch centred;
  private final double[] sums; // s = Σ (x − K)
  private final double[] shift;
  private final double[] low; // ℓ, the old mean's low part (0 when the state was empty)
  private final double[] exactSums; // s' = s − B ℓ = Σ (x − μ)
  private final double[] batchMin;
  private final double[] batchMax;
  private final long[] batchInactive;
  private final long newCount;
  private final boolean wasEmpty;

  private BatchFold(Tiling tiling, int rows, PackedBatch centred, double[] sums, double[] shift, double[] low,
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
   * <p>d = 0 (a tabular model whose features are all categorical) is a fold that only counts rows: no tile, no
   * mean, and {@link #updateHeader} moves the count, which is the window's count of complete events.
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
    double[] sums = new double[d];
    // PackedBatch needs d ≥ 1; with d = 0 there is no tile to apply it to (Tiling(0) has none).
    PackedBatch centred = d == 0 ? null : new PackedBatch(batch, rows, d, shift, sums);
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
   * Adds this batch's contribution to tile (tileRow, tileCol), tileRow ≤ tileCol, in place, with the kernel for
   * this many dimensions ({@link TileKernel#forDimensions}).
   *
   * <p>Each updated element receives tile + c₀ᵢc₀ⱼ + c₁ᵢc₁ⱼ + … in batch-row order, each product and sum rounded
   * separately ({@link TileKernel}'s contract), then the mean correction, so the bits do not depend on the kernel, the vector
   * width or the instruction set ({@code TileKernelTest}, {@code CrossPlatformDeterminismTest}). In a diagonal tile
   * the strictly lower elements before {@link TileKernel#firstColumn} are not touched: nobody reads them.
   */
  public void applyToTile(int tileRow, int tileCol, double[] tile) {
    applyToTile(tileRow, tileCol, tile, TileKernel.forDimensions(tiling.dimensions()));
  }

  /** As {@link #applyToTile(int, int, double[])} with a given kernel (tests and benchmarks compare them). */
  public void applyToTile(int tileRow, int tileCol, double[] tile, TileKernel kernel) {
    int r0 = tiling.start(tileRow);
    int r1 = tiling.end(tileRow);
    int c0 = tiling.start(tileCol);
    int width = tiling.width(tileCol);
    boolean diagonal = tileRow == tileCol;
    kernel.apply(centred, r0, r1, c0, width, diagonal, tile);
    correct(r0, r1, c0, width, diagonal, tile);
  }

  /** The mean correction, after every product: − s'ᵢs'ⱼ/(n + B), plus the low-part terms when the mean has one. */
  private void correct(int r0, int r1, int c0, int width, boolean diagonal, double[] tile) {
    double inverseCount = 1.0 / newCount;
    boolean allZero = true;
    for (int k = 0; k < width; k++) {
      allZero &= low[c0 + k] == 0;
    }
    for (int i = r0; i < r1; i++) {
      int rowOffset = (i - r0) * width;
      int first = TileKernel.firstColumn(i - r0, diagonal);
      double si = exactSums[i] * inverseCount;
      double li = low[i];
      if (li == 0 && allZero) {
        for (int k = first; k < width; k++) {
          tile[rowOffset + k] -= si * exactSums[c0 + k];
        }
      } else {
        for (int k = first; k < width; k++) {
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
