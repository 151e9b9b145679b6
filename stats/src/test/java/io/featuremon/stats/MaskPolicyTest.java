package io.featuremon.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MaskPolicyTest {

  /** d columns; column 1 copies column 0 when {@code copy}, column 2 is constant, column 3 is almost always 0. */
  static RedundancyReport window(long seed, boolean copy) {
    Random random = new Random(seed);
    double[][] rows = new double[400][6];
    for (int r = 0; r < rows.length; r++) {
      for (int j = 0; j < 6; j++) {
        rows[r][j] = random.nextGaussian();
      }
      if (copy) {
        rows[r][1] = 3 * rows[r][0] - 1;
      }
      rows[r][2] = 4;
      rows[r][3] = r == 7 ? 1 : 0;
    }
    return Redundancy.analyze(CoMoments.ofRows(rows, 64), 5);
  }

  static double[] activeShare(long seed, boolean copy) {
    double[] share = {1, 1, 1, 1.0 / 400, 1, 1};
    return share;
  }

  static MaskOptions options(int stable) {
    return new MaskOptions(0.95, 0, 0.01, Set.of(), null, 1.0, 1, stable, false);
  }

  @Test
  void ruleShouldDropConstantDeadAndRedundantWithEvidence() {
    Mask mask = MaskRule.apply(window(1, true), activeShare(1, true), options(1));
    assertThat(mask.dropped()).extracting(Mask.Drop::reason)
        .containsExactly(Mask.Reason.REDUNDANT, Mask.Reason.CONSTANT, Mask.Reason.DEAD);
    Mask.Drop redundant = mask.dropped().get(0);
    assertThat(redundant.redundantWith()).isIn(0, 1).isNotEqualTo(redundant.dimension());
    assertThat(redundant.corr()).isGreaterThan(0.999);
    assertThat(mask.dropped().get(2).activeShare()).isEqualTo(1.0 / 400);
    assertThat(mask.kept()).hasSize(3);
  }

  @Test
  void importanceShouldDecideWhichCopyIsKept() {
    double[] importance = {0.1, 0.9, 0, 0, 0, 0};
    Mask mask = MaskRule.apply(window(2, true), activeShare(2, true),
        new MaskOptions(0.95, 0, 0.01, Set.of(), importance, 1.0, 1, 1, false));
    assertThat(mask.dropped().get(0).dimension()).isZero();
    assertThat(mask.dropped().get(0).redundantWith()).isEqualTo(1);
  }

  @Test
  void featureRedundantInAlternatingWindowsShouldKeepItsFirstVerdictWithThreeStableWindows() {
    MaskStability.State state = MaskStability.State.initial(6);
    List<Long> versions = new ArrayList<>();
    Set<Integer> everDropped = new HashSet<>();
    for (int w = 0; w < 12; w++) {
      Mask rule = MaskRule.apply(window(10 + w, w % 2 == 0), activeShare(0, false), options(3),
          state.previouslyFlagged());
      MaskStability.Step step = MaskStability.next(state, rule, options(3));
      state = step.state();
      step.mask().dropped().forEach(d -> everDropped.add(d.dimension()));
      if (step.changed()) {
        versions.add(step.version());
      }
    }
    // The first window has no mask before it: its verdicts (one copy, the constant and the dead column) stand, and
    // the alternation never holds for 3 windows.
    assertThat(everDropped).contains(2, 3).hasSize(3).containsAnyOf(0, 1);
    assertThat(versions).containsExactly(1L);
  }

  /** Column 1 is column 0 plus noise of scale {@code noise} (ρ = 1/√(1 + noise²)); the others independent. */
  static RedundancyReport noisyCopy(long seed, double noise, int rows) {
    Random random = new Random(seed);
    double[][] x = new double[rows][5];
    for (double[] row : x) {
      for (int j = 0; j < row.length; j++) {
        row[j] = random.nextGaussian();
      }
      row[1] = row[0] + noise * row[1];
    }
    return Redundancy.analyze(CoMoments.ofRows(x, 64), 5);
  }

  /** The dimension dropped in each of 20 windows, the rule remembering its verdicts or not. */
  static List<Integer> droppedCopy(boolean remember, double hysteresis, IntToDouble noise) {
    MaskOptions options = new MaskOptions(0.95, hysteresis, 0, Set.of(), null, 1.0, 1, 1, false);
    MaskStability.State state = MaskStability.State.initial(5);
    List<Integer> dropped = new ArrayList<>();
    for (int w = 0; w < 20; w++) {
      Mask rule = MaskRule.apply(noisyCopy(40 + w, noise.at(w), 300), null, options,
          remember ? state.previouslyFlagged() : null);
      state = MaskStability.next(state, rule, options).state();
      dropped.add(rule.dropped().isEmpty() ? -1 : rule.dropped().get(0).dimension());
    }
    return dropped;
  }

  interface IntToDouble {
    double at(int w);
  }

  @Test
  void theCopyKeptLastWindowShouldStayKeptAmongNearEquals() {
    // ρ ≈ 0.995: which of the two has the lower mean |ρ| with the rest is noise, window by window.
    List<Integer> forgetful = droppedCopy(false, 0, w -> 0.1);
    assertThat(forgetful).containsOnly(0, 1).contains(0, 1); // without memory the kept copy is re-drawn
    List<Integer> remembering = droppedCopy(true, 0, w -> 0.1);
    assertThat(remembering).containsOnly(remembering.get(0));
  }

  @Test
  void aPairWanderingAroundTheThresholdShouldChangeItsVerdictOnceWithHysteresis() {
    // ρ ≈ 0.96 in even windows, ≈ 0.94 in odd ones (noise scale 0.29 and 0.36).
    IntToDouble wandering = w -> w % 2 == 0 ? 0.29 : 0.36;
    List<Integer> plain = droppedCopy(true, 0, wandering);
    assertThat(plain).contains(-1); // without a band the verdict follows the noise
    List<Integer> banded = droppedCopy(true, 0.05, wandering);
    assertThat(banded).doesNotContain(-1).containsOnly(banded.get(0));
  }

  @Test
  void aSumShouldBeFoundByDefaultButNotChanceCombinationsOfAShortWideWindow() {
    MaskOptions linear = new MaskOptions(0.95, 0.05, 0, Set.of(), null, 1.0, 1, 1, true);
    Random random = new Random(9);
    double[][] sum = new double[1000][6];
    for (double[] row : sum) {
      for (int j = 0; j < row.length; j++) {
        row[j] = random.nextGaussian();
      }
      row[5] = row[2] + row[3] + 0.05 * row[5];
    }
    Mask found = MaskRule.apply(Redundancy.analyze(CoMoments.ofRows(sum, 64), 5), null, linear);
    assertThat(found.dropped()).hasSize(1);
    assertThat(found.dropped().get(0).multiple()).isTrue();
    assertThat(found.dropped().get(0).dimension()).isIn(2, 3, 5);
    // 40 independent columns, 60 events: the sample R² of the 40th on the other 39 is about 39/59 on average and
    // often above 0.9, but the window has too few events per kept dimension to tell a combination from chance.
    double[][] wide = new double[60][40];
    for (double[] row : wide) {
      for (int j = 0; j < row.length; j++) {
        row[j] = random.nextGaussian();
      }
    }
    assertThat(MaskRule.apply(Redundancy.analyze(CoMoments.ofRows(wide, 64), 5), null, linear).dropped()).isEmpty();
  }

  @Test
  void aDropWhosePartnerIsDroppedTooShouldNameAKeptFeature() {
    RedundancyReport window = noisyCopy(77, 0.1, 300); // column 1 ≈ column 0; 2, 3, 4 independent
    // As a mask lagging the rule can publish it: 0 was flagged against 3, which is dropped now too.
    Mask stale = Mask.of(5, List.of(new Mask.Drop(0, Mask.Reason.REDUNDANT, 3, 0.96, 1.0),
        new Mask.Drop(3, Mask.Reason.REDUNDANT, 1, 0.97, 1.0)));
    Mask fixed = MaskRule.attributeToKept(stale, window);
    assertThat(fixed.dropped()).extracting(Mask.Drop::dimension).containsExactly(0, 3);
    Mask.Drop zero = fixed.dropped().get(0);
    assertThat(zero.redundantWith()).isEqualTo(1); // the kept feature of largest |ρ| with 0
    assertThat(zero.corr()).isEqualTo(window.corrAt(0, 1));
    assertThat(fixed.dropped().get(1)).isEqualTo(stale.dropped().get(1)); // its partner is kept: left alone
    Mask consistent = MaskRule.attributeToKept(fixed, window);
    assertThat(consistent).isSameAs(fixed);
  }

  @Test
  void adjustedR2ShouldRemoveWhatKUnrelatedRegressorsExplainOnAverage() {
    // E[R²] = k/(n - 1) for k regressors unrelated to the target; adjusted, it is 0.
    assertThat(MaskRule.adjustedR2(10.0 / 99, 100, 10)).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(MaskRule.adjustedR2(1, 100, 10)).isEqualTo(1);
  }

  @Test
  void withOneStableWindowTheMaskIsExactlyThePerWindowRule() {
    MaskStability.State state = MaskStability.State.initial(6);
    for (int w = 0; w < 8; w++) {
      Mask rule = MaskRule.apply(window(20 + w, w % 3 == 0), activeShare(0, false), options(1));
      MaskStability.Step step = MaskStability.next(state, rule, options(1));
      state = step.state();
      assertThat(step.mask()).isEqualTo(rule);
    }
  }

  @Test
  void versionsShouldCountChangesOnly() {
    // Importance settles which of two exact copies is kept; without it either may be, window by window.
    MaskOptions options = new MaskOptions(0.95, 0, 0.01, Set.of(), new double[] {0.5, 0.4, 0, 0, 0, 0}, 1.0, 1, 1, false);
    MaskStability.State state = MaskStability.State.initial(6);
    boolean[] copies = {true, true, false, false, true, true, true};
    List<Long> published = new ArrayList<>();
    for (int w = 0; w < copies.length; w++) {
      MaskStability.Step step = MaskStability.next(state,
          MaskRule.apply(window(30 + w, copies[w]), activeShare(0, false), options), options);
      state = step.state();
      if (step.changed()) {
        published.add(step.version());
      }
    }
    assertThat(published).containsExactly(1L, 2L, 3L);
  }

  @Property(tries = 60)
  void masksNeverDropProtectedFeaturesAndNeverExceedTheBudget(@ForAll @IntRange(min = 0, max = 10_000) int seed,
      @ForAll @DoubleRange(min = 0, max = 1) double maxDropFraction, @ForAll @IntRange(min = 0, max = 8) int minKept,
      @ForAll @IntRange(min = 1, max = 3) int stable) {
    Random random = new Random(seed);
    int d = 8;
    double[][] rows = new double[120][d];
    for (double[] row : rows) {
      double common = random.nextGaussian();
      for (int j = 0; j < d; j++) {
        row[j] = j % 3 == 0 ? common + 0.01 * random.nextGaussian() : random.nextGaussian();
      }
      row[5] = 2; // constant
    }
    Set<Integer> protectedDims = new HashSet<>();
    for (int j = 0; j < d; j++) {
      if (random.nextInt(4) == 0) {
        protectedDims.add(j);
      }
    }
    MaskOptions options = new MaskOptions(0.9, 0.05, 0.01, protectedDims, null, maxDropFraction, minKept, stable, random.nextBoolean());
    MaskStability.State state = MaskStability.State.initial(d);
    for (int w = 0; w < 4; w++) {
      Mask rule = MaskRule.apply(Redundancy.analyze(CoMoments.ofRows(rows, 32), 3), null, options);
      MaskStability.Step step = MaskStability.next(state, rule, options);
      state = step.state();
      for (Mask.Drop drop : step.mask().dropped()) {
        assertThat(protectedDims).doesNotContain(drop.dimension());
      }
      assertThat(step.mask().dropped().size()).isLessThanOrEqualTo(options.maxDrops(d));
      assertThat(step.mask().kept().size() + step.mask().dropped().size()).isEqualTo(d);
    }
  }
}
