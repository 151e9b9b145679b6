package io.featuremon.stats.drift;

import java.lang.reflect.Field;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllSketch;

/**
 * Makes DataSketches' KLL compactions a pure function of the sequence of items, so that the same input gives the
 * same sketch bytes on every run (the replay-equals-live guarantee).
 *
 * <p><b>Why this is needed.</b> A KLL sketch compacts a full level by keeping either its odd- or its even-positioned
 * items, chosen by a coin flip. In datasketches-java 6.x and 7.0.x every KLL sketch in the JVM draws those flips from
 * one package-private {@code static final java.util.Random KllSketch.random}, created <em>unseeded</em> when the
 * class loads; the public API has no seed, no per-sketch generator and no deterministic mode (the classic quantiles
 * {@code DoublesSketch} only has a package-private {@code setRandom(long)} for its own tests). Left alone, two runs
 * over the same 100,000 values give different quantiles and different bytes.
 *
 * <p><b>What this does.</b> Each operation that can compact (one update, one merge) runs under one JVM-wide lock,
 * right after re-seeding that shared generator from the sketch's own state: its item count before the update, or
 * both counts for a merge. The flips then depend only on where in the stream a compaction happens, which the input
 * sequence alone decides, and a sketch serialized and restored at any point continues exactly as one that never was
 * (checked by {@code NumericSketchTest}). The seeds never look at the values, so the coins stay independent of the
 * data, which is all KLL's error analysis asks of them: the stated rank error still holds.
 *
 * <p><b>What it costs and assumes.</b> An uncontended lock and a {@code setSeed} per update (a few tens of
 * nanoseconds on top of KLL's own update). The field is reached by reflection, which works because DataSketches
 * sits on the class path (in a module layout it would need {@code --add-opens}); if an upgrade renames the field,
 * this class fails at initialisation with a message saying so, and the byte-identity tests catch any subtler change.
 * Every KLL sketch in the JVM must be updated and merged through this class, or the other user's draws would
 * interleave with ours.
 */
final class DeterministicKll {
  private static final Object LOCK = new Object();
  private static final Random SHARED_RANDOM = sharedRandom();
  private static final long UPDATE_SALT = 0x6b43a9b5f1e2d3c7L;
  private static final long MERGE_SALT = 0x2545f4914f6cdd1dL;

  private DeterministicKll() {}

  private static Random sharedRandom() {
    try {
      Field field = KllSketch.class.getDeclaredField("random");
      field.setAccessible(true);
      return (Random) field.get(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("featuremon seeds DataSketches' KLL coin flips through the package-private field"
          + " KllSketch.random, which this DataSketches version does not have (or hides): " + e
          + "; sketches would not be reproducible, so featuremon refuses to use them", e);
    }
  }

  static void update(KllDoublesSketch sketch, double value) {
    synchronized (LOCK) {
      SHARED_RANDOM.setSeed(mix64(sketch.getN() ^ UPDATE_SALT));
      sketch.update(value);
    }
  }

  static void update(KllDoublesSketch sketch, double[] values, int from, int to) {
    synchronized (LOCK) {
      for (int i = from; i < to; i++) {
        SHARED_RANDOM.setSeed(mix64(sketch.getN() ^ UPDATE_SALT));
        sketch.update(values[i]);
      }
    }
  }

  /** Merges {@code other} into {@code target} (which changes); the result depends on both counts and the order. */
  static void merge(KllDoublesSketch target, KllDoublesSketch other) {
    synchronized (LOCK) {
      SHARED_RANDOM.setSeed(mix64(mix64(target.getN() ^ MERGE_SALT) + other.getN()));
      target.merge(other);
    }
  }

  /** Stafford's variant 13 of the MurmurHash3 finaliser (as in SplittableRandom): spreads consecutive counts apart. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
