package io.featuremon.stats.kernel;

/**
 * A batch of B rows of d values, repacked for the co-moment kernels: columns in panels of {@link #PANEL}, each
 * panel B × PANEL contiguous, d padded with zeros to a whole panel.
 *
 * <p>Why: the update M2 += XᵀX reads, for every block of output elements, the batch's values in a few columns,
 * for every row. Row-major, consecutive rows of one column are d doubles apart (3 KiB at d = 384), so each row of
 * the batch costs the kernel a cache line per column group; packed, a block's operands stream from consecutive
 * addresses and stay in L1.
 */
public final class PackedBatch {
  /** Panel width in columns: the kernels' block of output columns, and a multiple of their row block. */
  public static final int PANEL = 8;

  private final int rows;
  private final int dimensions;
  private final double[] values;

  /** Packs rows × d row-major values. */
  public PackedBatch(double[] rowMajor, int rows, int dimensions) {
    this(rowMajor, rows, dimensions, new double[dimensions], null);
  }

  /**
   * Packs (x − shift) for rows × d row-major values x and, when {@code sums} is given, adds each column's centred
   * values to it in row order: the fold's centring and packing in one pass over the batch.
   */
  public PackedBatch(double[] rowMajor, int rows, int dimensions, double[] shift, double[] sums) {
    if (rows <= 0 || dimensions <= 0 || rowMajor.length < rows * dimensions) {
      throw new IllegalArgumentException("batch holds " + rowMajor.length + " values, need " + rows + " × "
          + dimensions);
    }
    this.rows = rows;
    this.dimensions = dimensions;
    int panels = (dimensions + PANEL - 1) / PANEL;
    this.values = new double[panels * rows * PANEL];
    for (int r = 0; r < rows; r++) {
      int source = r * dimensions;
      for (int g = 0, j0 = 0; j0 < dimensions; g++, j0 += PANEL) {
        int target = (g * rows + r) * PANEL;
        int width = Math.min(PANEL, dimensions - j0);
        for (int q = 0; q < width; q++) {
          double v = rowMajor[source + j0 + q] - shift[j0 + q];
          values[target + q] = v;
          if (sums != null) {
            sums[j0 + q] += v;
          }
        }
      }
    }
  }

  public int rows() {
    return rows;
  }

  public int dimensions() {
    return dimensions;
  }

  /** The packed values; the value in column j, row r is at {@link #offset}(j, r). */
  double[] values() {
    return values;
  }

  /** Index of the value in column j, row r; row r + 1 of the same column is PANEL further. */
  int offset(int column, int row) {
    return ((column / PANEL) * rows + row) * PANEL + column % PANEL;
  }
}
