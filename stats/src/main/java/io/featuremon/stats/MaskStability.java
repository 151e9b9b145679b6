package io.featuremon.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * Hysteresis for masks, so that serving does not flap: a dimension is dropped only after the per-window rule has
 * flagged it for {@code stableWindows} consecutive windows, and re-admitted only after as many consecutive windows
 * without a flag; the first window, with no mask before it, is published as the rule decided. With {@code
 * stableWindows = 1} the mask is exactly the per-window rule. The budget is applied last,
 * so a published mask never exceeds it. A new mask is published only when its verdicts change; its version then
 * increases by one.
 */
public final class MaskStability {
  private MaskStability() {}

  /**
   * What one group remembers between windows.
   *
   * @param dropped per dimension: currently dropped (before the budget)
   * @param streak per dimension: consecutive windows the rule disagreed with {@code dropped}
   * @param evidence per dimension: the latest drop the rule decided for it, null if never flagged
   * @param published the last published mask, null before the first
   * @param version version of {@code published}, 0 before the first
   */
  public record State(boolean[] dropped, int[] streak, Mask.Drop[] evidence, Mask published, long version) {
    public static State initial(int dimensions) {
      return new State(new boolean[dimensions], new int[dimensions], new Mask.Drop[dimensions], null, 0);
    }

    /**
     * Per dimension, whether it is out or on its way out: dropped by the published mask, or flagged by the rule in the
     * last window it judged (a running streak on a kept dimension). {@link MaskRule} visits these after the others
     * and re-admits them only below its lower threshold, so among near-equals the mask serving applies stays as it
     * is, and a copy that appeared keeps being flagged until the mask follows.
     */
    public boolean[] previouslyFlagged() {
      boolean[] flagged = new boolean[dropped.length];
      for (int i = 0; i < flagged.length; i++) {
        flagged[i] = dropped[i] || streak[i] > 0;
      }
      return flagged;
    }
  }

  /** The mask to publish for this window (null when unchanged) and the state to remember. */
  public record Step(Mask mask, long version, boolean changed, State state) {}

  public static Step next(State state, Mask rule, MaskOptions options) {
    int d = state.dropped().length;
    boolean[] dropped = state.dropped().clone();
    int[] streak = state.streak().clone();
    Mask.Drop[] evidence = state.evidence().clone();
    Mask.Drop[] flagged = new Mask.Drop[d];
    rule.dropped().forEach(drop -> flagged[drop.dimension()] = drop);
    // The first window has no mask serving could be applying, so its verdicts are the first mask as they stand.
    boolean first = state.published() == null;
    for (int i = 0; i < d; i++) {
      boolean flag = flagged[i] != null;
      if (flag) {
        evidence[i] = flagged[i];
      }
      streak[i] = flag != dropped[i] ? streak[i] + 1 : 0;
      if (first || streak[i] >= options.stableWindows()) {
        dropped[i] = flag;
        streak[i] = 0;
      }
    }
    List<Mask.Drop> drops = new ArrayList<>();
    for (int i = 0; i < d; i++) {
      if (dropped[i]) {
        drops.add(evidence[i]);
      }
    }
    Mask mask = MaskRule.withinBudget(Mask.of(d, drops), d, options);
    boolean changed = !mask.sameVerdicts(state.published());
    long version = changed ? state.version() + 1 : state.version();
    State next = new State(dropped, streak, evidence, changed ? mask : state.published(), version);
    return new Step(mask, version, changed, next);
  }
}
