package io.featuremon.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A test-time feature-elimination mask: which dimensions serving keeps and which it can drop, with evidence.
 *
 * @param kept indices kept, ascending
 * @param dropped drops, ascending by dimension
 */
public record Mask(List<Integer> kept, List<Drop> dropped) {

  /** Why a dimension can be dropped. */
  public enum Reason {
    /** Zero variance in the window: it carries no information. */
    CONSTANT,
    /** Almost never active (|x| ≤ epsilon in nearly every event). */
    DEAD,
    /** Its association with an already kept dimension reached the threshold. */
    REDUNDANT;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param dimension the dropped dimension
   * @param redundantWith the kept dimension with the largest association, or -1 when not redundant
   * @param corr signed association with {@code redundantWith} (Pearson ρ for numeric pairs), NaN when not redundant
   * @param activeShare share of events in which the dimension was active
   * @param multiple true when {@code corr} is the multiple correlation R with all kept numeric dimensions (a linear
   *     combination of several of them), false when it is the association with {@code redundantWith} alone
   */
  public record Drop(int dimension, Reason reason, int redundantWith, double corr, double activeShare, boolean multiple) {
    public Drop(int dimension, Reason reason, int redundantWith, double corr, double activeShare) {
      this(dimension, reason, redundantWith, corr, activeShare, false);
    }

    /** Whether two drops say the same thing for the mask's purpose (the partner and numbers may move). */
    boolean sameVerdict(Drop other) {
      return other != null && dimension == other.dimension && reason == other.reason;
    }
  }

/** A mask over {@code dimensions} that drops exactly {@code drops}; the kept list is the complement. */
  public static Mask of(int dimensions, List<Mask.Drop> drops) {
    List<Mask.Drop> sorted = new ArrayList<>(drops);
    sorted.sort(Comparator.comparingInt(Mask.Drop::dimension));
    boolean[] isDropped = new boolean[dimensions];
    sorted.forEach(d -> isDropped[d.dimension()] = true);
    List<Integer> keptDimensions = new ArrayList<>();
    for (int i = 0; i < dimensions; i++) {
      if (!isDropped[i]) {
        keptDimensions.add(i);
      }
    }
    return new Mask(List.copyOf(keptDimensions), List.copyOf(sorted));
  }

  public boolean drops(int dimension) {
    return dropped.stream().anyMatch(d -> d.dimension() == dimension);
  }

  /** Same dimensions dropped for the same reasons: what decides whether a new mask is published. */
  public boolean sameVerdicts(Mask other) {
    if (other == null || other.dropped.size() != dropped.size()) {
      return false;
    }
    for (int i = 0; i < dropped.size(); i++) {
      if (!dropped.get(i).sameVerdict(other.dropped.get(i))) {
        return false;
      }
    }
    return true;
  }
}
