package io.featuremon.stats.drift;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * <p><b>What this does.</b> Each operation that compacts (an update that finds level 0 full, and every merge) runs
 * under one JVM-wide lock, right after re-seeding that shared generator from the sketch's own state: its item count
 * before the update, or both counts for a merge. An update that finds a free slot in level 0 draws no coin and runs
 * without either. The flips then depend only on where in the stream a compaction happens, which the input
 * sequence alone decides, and a sketch serialized and restored at any point continues exactly as one that never was
 * (checked by {@code NumericSketchTest}). The seeds never look at the values, so the coins stay independent of the
 * data, which is all KLL's error analysis asks of them: the stated rank error still holds.
 *
 * <p><b>What it costs and assumes.</b> A lock and a {@code setSeed} per compacting update (a small fraction of the
 * updates: level 0 takes up to about k items between compactions) and per merge; the other updates go in as array
 * copies. The generator and the level boundaries ({@code KllSketch.levelsArr}) are package-private fields reached by
 * reflection, which works because DataSketches sits on the class path (in a module layout it would need {@code
 * --add-opens}); if an upgrade renames either, this class fails at initialisation with a message saying so, and the
 * byte-identity tests (among them one that seeds before every update, the definition above) catch any subtler change.
 * Every KLL sketch in the JVM must be updated and merged through this class, or the other user's draws would
 * interleave with ours.
 */
final class DeterministicKll {
  private static final Object LOCK = new Object();
  private static final Random SHARED_RANDOM = sharedRandom();
  static final long UPDATE_SALT = 0x6b43a9b5f1e2d3c7L;
  private static final long MERGE_SALT = 0x2545f4914f6cdd1dL;
  private static final VarHandle LEVELS = levelsArray();
  /** A first size for the reversed run; a longer run (level 0 holds up to about k items) grows it. */
  private static final int RUN_CAPACITY = 512;

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

  private static VarHandle levelsArray() {
    try {
      return MethodHandles.privateLookupIn(KllSketch.class, MethodHandles.lookup())
          .findVarHandle(KllSketch.class, "levelsArr", int[].class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("featuremon reads DataSketches' KLL level boundaries through the package-private"
          + " field KllSketch.levelsArr, which this DataSketches version does not have (or hides): " + e
          + "; without it featuremon cannot tell which updates compact, so it refuses to use the sketches", e);
    }
  }

  /** Adds one value: the coin is seeded only when this update compacts, the only time KLL draws one. */
  static void update(KllDoublesSketch sketch, double value) {
    if (freeSlotsInLevelZero(sketch) > 0) {
      sketch.update(value);
    } else {
      seededUpdate(sketch, value);
    }
  }

  /**
   * Adds values[from..to) in order, with the same bytes as one {@link #update(KllDoublesSketch, double)} per value.
   *
   * <p>Why it is fast: an update compacts only when level 0 has no free slot, so a run of values that fits in the
   * free slots draws no coin and needs neither the lock nor a seed. Such a run goes in through KLL's own bulk update
   * (an array copy). That copy stores a run in array order, where one update at a time stores it last-first from the
   * top of the free slots down, so the run is reversed first: the level-0 layout, and with it the bytes, stay those of
   * single updates. The updates that do compact are single, seeded and locked, as before.
   */
  static void update(KllDoublesSketch sketch, double[] values, int from, int to) {
    double[] run = null;
    int i = from;
    while (i < to) {
      int free = freeSlotsInLevelZero(sketch);
      if (free == 0) {
        seededUpdate(sketch, values[i++]);
        continue;
      }
      int length = Math.min(free, to - i);
      if (run == null) {
        run = new double[Math.min(to - from, Math.max(length, RUN_CAPACITY))];
      } else if (run.length < length) {
        run = new double[length];
      }
      for (int j = 0; j < length; j++) {
        run[j] = values[i + length - 1 - j];
      }
      sketch.update(run, 0, length);
      i += length;
    }
  }

  private static void seededUpdate(KllDoublesSketch sketch, double value) {
    synchronized (LOCK) {
      SHARED_RANDOM.setSeed(mix64(sketch.getN() ^ UPDATE_SALT));
      sketch.update(value);
    }
  }

  /** KLL keeps level 0 at the front of its item array: {@code levelsArr[0]} is the number of free slots before it. */
  static int freeSlotsInLevelZero(KllDoublesSketch sketch) {
    return ((int[]) LEVELS.get(sketch))[0];
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
