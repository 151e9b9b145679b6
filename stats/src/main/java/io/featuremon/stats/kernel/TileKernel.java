package io.featuremon.stats.kernel;

/**
 * The hot loop of the co-moment fold: tile += XᵢᵀXⱼ for one tile of the upper triangle, where Xᵢ and Xⱼ are the
 * batch's (centred) values in the tile's rows and columns.
 *
 * <p><b>The contract that makes results independent of the CPU.</b> Every element the kernel updates ends as
 * {@code (((tile + x₀ᵢx₀ⱼ) + x₁ᵢx₁ⱼ) + …) + x[B−1]ᵢx[B−1]ⱼ}: per batch row, in row order, one rounded product and one
 * rounded sum. Implementations may vectorise across output elements, never across the batch, so a scalar loop and a
 * vector loop of any width give the same bits ({@code TileKernelTest}); Java never contracts a * b + c into a fused
 * multiply-add on its own, and the vector API does not either.
 *
 * <p><b>Why not fused multiply-adds.</b> They would be as exact, and were measured 1.11× faster here (vector kernel,
 * d = 384: 15.7 against 14.1 G multiply-adds/s on an AMD EPYC, whose separate add pipes take the adds). But every
 * path must use them for the bits to agree, and where the CPU has no FMA ({@code -XX:UseAVX=0}, a virtual machine
 * whose CPU model hides AVX, pre-2013 x86) {@code Math.fma} runs in software through BigDecimal, hundreds of times
 * slower: the same replay would take days. A separate multiply and add is IEEE-exact and fast on every CPU.
 *
 * <p><b>Which elements.</b> In an off-diagonal tile all of them. In a diagonal tile (rows and columns the same
 * range) row i is updated from column {@link #firstColumn}(i) on, which is at most i: the strictly lower elements
 * before it are left as they are, because readers take the upper half of diagonal tiles and mirror it
 * ({@code CoMoments.fromTiles}). This skips nearly half of a diagonal tile's work.
 */
public interface TileKernel {
  /**
   * Updates tile (rows r0..r1 − 1, columns c0..c0 + width − 1) of the co-moment matrix, stored row-major with row
   * length width, in place.
   *
   * @param r0 first row, a multiple of {@link PackedBatch#PANEL} (tiles start at multiples of 128)
   * @param c0 first column, a multiple of {@link PackedBatch#PANEL}
   * @param diagonal whether the tile's rows and columns are the same range (then r0 == c0)
   */
  void apply(PackedBatch batch, int r0, int r1, int c0, int width, boolean diagonal, double[] tile);

  /** What it is, for benchmark reports. */
  String name();

  /** First column (relative to the tile) of tile row i (relative) the kernels update; 0 off the diagonal. */
  static int firstColumn(int row, boolean diagonal) {
    return diagonal ? row & -PackedBatch.PANEL : 0;
  }

  /** Blocks read a row's or a column's neighbours from the same panel, which holds when tiles start on one. */
  static void requireAligned(int r0, int c0) {
    if (r0 % PackedBatch.PANEL != 0 || c0 % PackedBatch.PANEL != 0) {
      throw new IllegalArgumentException("tile must start at a multiple of " + PackedBatch.PANEL + ": rows from " + r0
          + ", columns from " + c0);
    }
  }

  /** The fastest kernel this JVM can run, chosen once (see {@link Kernels}). */
  static TileKernel best() {
    return Kernels.BEST;
  }

  /** Below this many dimensions the fold uses the scalar kernel (see {@link #forDimensions}). */
  int VECTOR_MIN_DIMENSIONS = 128;

  /**
   * The kernel for a model of d dimensions: {@link #best()} from one full tile up, the scalar kernel below. Java 17's
   * vector API runs boxed, tens of times slower, until the JIT has compiled the kernel; a narrow model calls it too
   * rarely to get there soon (a live tabular run of 50 features spent 8% of its time in the boxed path), and its fold
   * is cheap anyway (1,275 multiply-adds an event at d = 50). Same bits either way.
   */
  static TileKernel forDimensions(int d) {
    return d >= VECTOR_MIN_DIMENSIONS ? best() : scalar();
  }

  /** The scalar kernel, available everywhere. */
  static TileKernel scalar() {
    return ScalarTileKernel.INSTANCE;
  }
}
