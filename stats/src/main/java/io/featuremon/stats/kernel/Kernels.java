package io.featuremon.stats.kernel;

/**
 * Picks the kernels once per JVM (the co-moment fold's and the eigenvalue reduction's). Every kernel gives the same
 * bits as its scalar twin, so the choice changes speed only.
 *
 * <p>{@code -Dfeaturemon.kernel=scalar} forces the scalar kernel (to compare, or to prove the bits equal);
 * otherwise the vector kernel is used when the JVM was started with {@code --add-modules jdk.incubator.vector} and
 * the CPU has 256-bit vectors.
 */
final class Kernels {
  static final TileKernel BEST = choose();
  static final RowKernel BEST_ROWS = BEST instanceof VectorTileKernel ? new VectorRowKernel() : ScalarRowKernel.INSTANCE;

  private Kernels() {}

  private static TileKernel choose() {
    if ("scalar".equals(System.getProperty("featuremon.kernel"))
        || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return ScalarTileKernel.INSTANCE;
    }
    try {
      // Only touched when the module is present, so VectorTileKernel's imports resolve.
      return VectorTileKernel.usable() ? new VectorTileKernel() : ScalarTileKernel.INSTANCE;
    } catch (LinkageError e) {
      return ScalarTileKernel.INSTANCE;
    }
  }

}
