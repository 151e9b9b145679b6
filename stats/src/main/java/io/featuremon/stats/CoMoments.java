package io.featuremon.stats;

/**
 * Count, mean, range and the full symmetric co-moment matrix M2 = Σ (x − mean)(x − mean)ᵀ of d dimensions.
 *
 * <p>The dense form used when a window closes (and in tests); while a window is open the same numbers live as
 * tiles (see {@link Tiling}, {@link BatchFold}). Values are mergeable: {@link #merge} is Chan et al.'s exact
 * pairwise combination, so statistics over panes combine into the statistics over their union.
 */
public final class CoMoments {
  private final MomentsHeader header;
  private final double[] m2; // d × d, row-major, symmetric

  public CoMoments(MomentsHeader header, double[] m2) {
    int d = header.dimensions();
    if (m2.length != d * d) {
      throw new IllegalArgumentException("co-moment matrix must hold " + d * d + " values, got " + m2.length);
    }
    this.header = header;
    this.m2 = m2;
  }

  public static CoMoments empty(int dimensions) {
    return new CoMoments(new MomentsHeader(dimensions), new double[dimensions * dimensions]);
  }

  /** Source of tile values for {@link #fromTiles}; a missing tile is all zeros. */
  @FunctionalInterface
  public interface TileSource {
    double[] tile(int tileRow, int tileCol);
  }

  /** Assembles the dense matrix from upper-triangle tiles, mirroring into the lower triangle. */
  public static CoMoments fromTiles(MomentsHeader header, TileSource tiles) {
    int d = header.dimensions();
    Tiling tiling = new Tiling(d);
    double[] m2 = new double[d * d];
    for (int ti = 0; ti < tiling.tilesPerSide(); ti++) {
      for (int tj = ti; tj < tiling.tilesPerSide(); tj++) {
        double[] tile = tiles.tile(ti, tj);
        if (tile == null) {
          continue;
        }
        int r0 = tiling.start(ti);
        int c0 = tiling.start(tj);
        int w = tiling.width(tj);
        for (int i = r0; i < tiling.end(ti); i++) {
          for (int j = c0; j < tiling.end(tj); j++) {
            if (j < i) {
              continue; // diagonal tiles: take the upper half and mirror it, so the result is exactly symmetric
            }
            double v = tile[(i - r0) * w + (j - c0)];
            m2[i * d + j] = v;
            m2[j * d + i] = v;
          }
        }
      }
    }
    return new CoMoments(header, m2);
  }

  /**
   * Exact sequential reference: folds rows one batch at a time, exactly as the topology does.
   *
   * @param batchSize rows per fold; the fold points are part of the result's last bits
   */
  public static CoMoments ofRows(double[][] rows, int batchSize) {
    int d = rows[0].length;
    CoMoments acc = empty(d);
    for (int from = 0; from < rows.length; from += batchSize) {
      int b = Math.min(batchSize, rows.length - from);
      double[] batch = new double[b * d];
      for (int r = 0; r < b; r++) {
        System.arraycopy(rows[from + r], 0, batch, r * d, d);
      }
      acc.fold(batch, b);
    }
    return acc;
  }

  /** Folds a batch of rows (row-major) into this state in place; exact zeros count as inactive. */
  public void fold(double[] batch, int rows) {
    int d = dimensions();
    Tiling tiling = new Tiling(d);
    BatchFold fold = BatchFold.prepare(header, batch, rows, 0.0);
    for (int ti = 0; ti < tiling.tilesPerSide(); ti++) {
      for (int tj = ti; tj < tiling.tilesPerSide(); tj++) {
        double[] tile = extractTile(ti, tj);
        fold.applyToTile(ti, tj, tile);
        storeTile(ti, tj, tile);
      }
    }
    fold.updateHeader(header);
  }

  /** Copies tile (tileRow, tileCol) out of the dense matrix. */
  public double[] extractTile(int tileRow, int tileCol) {
    int d = dimensions();
    Tiling tiling = new Tiling(d);
    int r0 = tiling.start(tileRow);
    int c0 = tiling.start(tileCol);
    int w = tiling.width(tileCol);
    double[] tile = new double[tiling.tileLength(tileRow, tileCol)];
    for (int i = r0; i < tiling.end(tileRow); i++) {
      System.arraycopy(m2, i * d + c0, tile, (i - r0) * w, w);
    }
    return tile;
  }

  private void storeTile(int tileRow, int tileCol, double[] tile) {
    int d = dimensions();
    Tiling tiling = new Tiling(d);
    int r0 = tiling.start(tileRow);
    int c0 = tiling.start(tileCol);
    int w = tiling.width(tileCol);
    for (int i = r0; i < tiling.end(tileRow); i++) {
      for (int j = c0; j < tiling.end(tileCol); j++) {
        if (j < i) {
          continue;
        }
        double v = tile[(i - r0) * w + (j - c0)];
        m2[i * d + j] = v;
        m2[j * d + i] = v;
      }
    }
  }

  /** Chan's exact merge: the moments of the union of both samples. Neither argument is modified. */
  public CoMoments merge(CoMoments other) {
    int d = dimensions();
    if (other.dimensions() != d) {
      throw new IllegalArgumentException("cannot merge " + d + " with " + other.dimensions() + " dimensions");
    }
    if (other.count() == 0) {
      return copy();
    }
    if (count() == 0) {
      return other.copy();
    }
    long na = count();
    long nb = other.count();
    long n = na + nb;
    double[] delta = new double[d];
    double[] mean = new double[d];
    double[] meanLow = new double[d];
    double[] min = new double[d];
    double[] max = new double[d];
    long[] inactive = new long[d];
    for (int j = 0; j < d; j++) {
      inactive[j] = header.inactive()[j] + other.header.inactive()[j];
      // Both means are double-doubles (see BatchFold): δ from the high parts, then the low parts, so that two
      // panes with means near 1e6 and a spread of 1e-3 merge without losing digits to the means' rounding.
      double hiA = header.mean()[j];
      double hiB = other.header.mean()[j];
      delta[j] = (hiB - hiA) + (other.header.meanLow()[j] - header.meanLow()[j]);
      double increment = delta[j] * ((double) nb / n);
      double hi = hiA + increment;
      double error = BatchFold.twoSumError(hiA, increment, hi) + header.meanLow()[j];
      mean[j] = hi + error;
      meanLow[j] = error - (mean[j] - hi);
      min[j] = Math.min(header.min()[j], other.header.min()[j]);
      max[j] = Math.max(header.max()[j], other.header.max()[j]);
    }
    double scale = (double) na * nb / n;
    double[] merged = new double[d * d];
    for (int i = 0; i < d; i++) {
      double di = delta[i] * scale;
      int row = i * d;
      for (int j = i; j < d; j++) {
        double v = m2[row + j] + other.m2[row + j] + di * delta[j];
        merged[row + j] = v;
        merged[j * d + i] = v; // mirrored, so the result stays exactly symmetric
      }
    }
    return new CoMoments(new MomentsHeader(n, mean, meanLow, min, max, inactive), merged);
  }

  public CoMoments copy() {
    return new CoMoments(header.copy(), m2.clone());
  }

  public int dimensions() {
    return header.dimensions();
  }

  public long count() {
    return header.count();
  }

  public MomentsHeader header() {
    return header;
  }

  /** M2[i][j]; divide by count − 1 for the sample covariance. */
  public double comoment(int i, int j) {
    return m2[i * dimensions() + j];
  }
}
