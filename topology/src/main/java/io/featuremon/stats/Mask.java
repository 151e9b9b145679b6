package io.featuremon.stats;

import java.util.List;

/**
 * A test-time feature-elimination mask: which dimensions serving keeps and which it can drop, with evidence.
 *
 * @param kept indices kept, ascending
 * @param dropped drops in the order they were decided
 */
public record Mask(List<Integer> kept, List<Drop> dropped) {

  /** Why a dimension can be dropped. */
  public enum Reason {
    /** Zero variance in the window: it carries no information. */
    CONSTANT,
    /** |ρ| with an already kept dimension reached the threshold. */
    REDUNDANT;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * @param dimension the dropped dimension
   * @param redundantWith the kept dimension with the largest |ρ|, or -1 when not redundant
   * @param corr signed ρ with {@code redundantWith}, NaN when not redundant
   */
  public record Drop(int dimension, Reason reason, int redundantWith, double corr) {}
}
