package io.featuremon.stats.kernel;

/**
 * The kernel on every JVM: blocks of 4 × 4 output elements in registers while the batch streams past, per batch row
 * 8 loads for 16 multiply-adds, each tile element loaded and stored once per batch (a plain loop loads and stores one
 * per multiply-add, the memory traffic of a rank-1 update per event, and ran at 0.5–0.65× this speed). Scalar
 * arithmetic, so about a quarter of a vector unit's rate; the bits are those of {@link TileKernel}'s contract.
 */
final class ScalarTileKernel implements TileKernel {
  static final ScalarTileKernel INSTANCE = new ScalarTileKernel();

  private ScalarTileKernel() {}

  @Override
  public String name() {
    return "scalar (4 × 4 blocks)";
  }

  @Override
  public void apply(PackedBatch batch, int r0, int r1, int c0, int width, boolean diagonal, double[] tile) {
    TileKernel.requireAligned(r0, c0);
    double[] v = batch.values();
    int rows = batch.rows();
    int height = r1 - r0;
    int a = 0;
    for (; a + 4 <= height; a += 4) {
      int xBase = batch.offset(r0 + a, 0);
      int k = TileKernel.firstColumn(a, diagonal);
      for (; k + 4 <= width; k += 4) {
        block(v, rows, xBase, batch.offset(c0 + k, 0), tile, a * width + k, width);
      }
      for (int q = 0; q < 4; q++) {
        elements(batch, r0 + a + q, c0, k, width, tile, (a + q) * width);
      }
    }
    for (; a < height; a++) {
      elements(batch, r0 + a, c0, TileKernel.firstColumn(a, diagonal), width, tile, a * width);
    }
  }

  /** Rows xBase..+3 (one half of a panel) × columns yBase..+3, the tile block starting at t. */
  private static void block(double[] v, int rows, int xBase, int yBase, double[] tile, int t, int width) {
    int t1 = t + width;
    int t2 = t1 + width;
    int t3 = t2 + width;
    double a00 = tile[t], a01 = tile[t + 1], a02 = tile[t + 2], a03 = tile[t + 3];
    double a10 = tile[t1], a11 = tile[t1 + 1], a12 = tile[t1 + 2], a13 = tile[t1 + 3];
    double a20 = tile[t2], a21 = tile[t2 + 1], a22 = tile[t2 + 2], a23 = tile[t2 + 3];
    double a30 = tile[t3], a31 = tile[t3 + 1], a32 = tile[t3 + 2], a33 = tile[t3 + 3];
    for (int r = 0, step = 0; r < rows; r++, step += PackedBatch.PANEL) {
      int x = xBase + step;
      int y = yBase + step;
      double x0 = v[x], x1 = v[x + 1], x2 = v[x + 2], x3 = v[x + 3];
      double y0 = v[y], y1 = v[y + 1], y2 = v[y + 2], y3 = v[y + 3];
      a00 += x0 * y0; a01 += x0 * y1; a02 += x0 * y2; a03 += x0 * y3;
      a10 += x1 * y0; a11 += x1 * y1; a12 += x1 * y2; a13 += x1 * y3;
      a20 += x2 * y0; a21 += x2 * y1; a22 += x2 * y2; a23 += x2 * y3;
      a30 += x3 * y0; a31 += x3 * y1; a32 += x3 * y2; a33 += x3 * y3;
    }
    tile[t] = a00; tile[t + 1] = a01; tile[t + 2] = a02; tile[t + 3] = a03;
    tile[t1] = a10; tile[t1 + 1] = a11; tile[t1 + 2] = a12; tile[t1 + 3] = a13;
    tile[t2] = a20; tile[t2 + 1] = a21; tile[t2 + 2] = a22; tile[t2 + 3] = a23;
    tile[t3] = a30; tile[t3 + 1] = a31; tile[t3 + 2] = a32; tile[t3 + 3] = a33;
  }

  /** Row i (absolute), columns kFrom..width − 1 of the tile, one element at a time: the tails of every kernel. */
  static void elements(PackedBatch batch, int i, int c0, int kFrom, int width, double[] tile, int rowOffset) {
    double[] v = batch.values();
    int rows = batch.rows();
    int x = batch.offset(i, 0);
    for (int k = kFrom; k < width; k++) {
      int y = batch.offset(c0 + k, 0);
      double a = tile[rowOffset + k];
      for (int r = 0, step = 0; r < rows; r++, step += PackedBatch.PANEL) {
        a += v[x + step] * v[y + step];
      }
      tile[rowOffset + k] = a;
    }
  }
}
