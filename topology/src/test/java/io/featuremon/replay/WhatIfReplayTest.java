package io.featuremon.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featuremon.config.FeaturemonConfig;
import io.featuremon.topology.WhatIfRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * What-if rule sets in one pass give what a separate run under each set gives: for every set, its
 * {@code what-if/NAME.alerts.jsonl} equals the {@code alerts.jsonl} of a replay with {@code alert.rules} set to its
 * file, byte for byte (relative rules, which read the reference's statistics, and {@code for}/trend lifecycles
 * included); and adding sets changes none of the live outputs.
 */
class WhatIfReplayTest {
  @TempDir
  Path tmp;

  /** Relative to the reference (the window before), a level with a pending period, and a drift verdict. */
  private static final String A = "version: 1\nrules:\n"
      + "  - name: MoreRedundantThanBefore\n    metric: redundancy.meanAbsCorr\n    relative: {atLeast: 1.02}\n"
      + "  - name: MeanAbsCorrHigh\n    metric: redundancy.meanAbsCorr\n    level: {above: 0.3}\n    for: 2\n"
      + "  - name: AnyFeatureDrift\n    metric: drift.features.*.drifted\n    level: {above: 1.0}\n";
  /** A trend, a level that never fires on this data, and a keepFiringFor lifecycle. */
  private static final String B = "version: 1\nrules:\n"
      + "  - name: Climbing\n    metric: redundancy.meanAbsCorr\n"
      + "    trend: {rising: true, windows: 4, alpha: 0.2, minSlope: 0.0}\n"
      + "  - name: Never\n    metric: redundancy.meanAbsCorr\n    level: {above: 0.999}\n"
      + "  - name: RankLow\n    metric: redundancy.effectiveRank\n    level: {below: 6}\n    keepFiringFor: 3\n";

  @ParameterizedTest(name = "input.spread.partitions={0}")
  @ValueSource(strings = {"0", "1"})
  void eachSetAlertsAsItsOwnRunWould(String spread) throws Exception {
    Path a = write("a.yaml", A);
    Path b = write("b.yaml", B);
    Map<String, String> settings = new HashMap<>(Map.of(FeaturemonConfig.WINDOW_SIZE, "10d",
        FeaturemonConfig.REFERENCE_MODE, "previous", FeaturemonConfig.INPUT_SPREAD_PARTITIONS, spread));
    Path input = ReplayTest.DATA.resolve("macrodata.jsonl");

    Path onePass = tmp.resolve("one-pass-" + spread);
    new Replay(FeaturemonConfig.load(settings, null, Map.of()), WhatIfRules.load(List.of(a, b)))
        .run(input, onePass, n -> {});
    Path plain = tmp.resolve("plain-" + spread);
    new Replay(FeaturemonConfig.load(settings, null, Map.of())).run(input, plain, n -> {});

    for (String file : List.of(Replay.WINDOW_STATS_FILE, Replay.MASKS_FILE, Replay.ALERTS_FILE,
        Replay.DEAD_LETTERS_FILE, Replay.RULES_FILE)) {
      assertThat(onePass.resolve(file)).as(file).hasSameBinaryContentAs(plain.resolve(file));
    }
    for (Path rules : List.of(a, b)) {
      String name = WhatIfRules.nameOf(rules);
      Map<String, String> alone = new HashMap<>(settings);
      alone.put(FeaturemonConfig.ALERT_RULES, rules.toString());
      Path separate = tmp.resolve(name + "-alone-" + spread);
      new Replay(FeaturemonConfig.load(alone, null, Map.of())).run(input, separate, n -> {});
      Path whatIf = Replay.whatIfAlerts(onePass, name);
      assertThat(Files.readAllLines(whatIf)).as(name).hasSizeGreaterThan(2);
      assertThat(whatIf).as(name).hasSameBinaryContentAs(separate.resolve(Replay.ALERTS_FILE));
      assertThat(Files.readString(onePass.resolve(Replay.WHAT_IF_DIR).resolve(name + Replay.WHAT_IF_RULES_SUFFIX)))
          .isEqualTo(Files.readString(rules));
    }
    // the sets really differ: otherwise equal files would prove nothing about which rules produced them
    assertThat(Replay.whatIfAlerts(onePass, "a")).content()
        .contains("MoreRedundantThanBefore", "MeanAbsCorrHigh", "AnyFeatureDrift").doesNotContain("Climbing");
    assertThat(Replay.whatIfAlerts(onePass, "b")).content().contains("Climbing", "RankLow").doesNotContain("Never");
  }

  @Test
  void aRerunWithoutSetsLeavesNoStaleAlerts() throws Exception {
    Map<String, String> settings = Map.of(FeaturemonConfig.WINDOW_SIZE, "30d");
    Path out = tmp.resolve("out");
    Path input = ReplayTest.DATA.resolve("macrodata.jsonl");
    new Replay(FeaturemonConfig.load(settings, null, Map.of()), WhatIfRules.load(List.of(write("a.yaml", A))))
        .run(input, out, n -> {});
    assertThat(Replay.whatIfAlerts(out, "a")).exists();
    new Replay(FeaturemonConfig.load(settings, null, Map.of())).run(input, out, n -> {});
    assertThat(out.resolve(Replay.WHAT_IF_DIR)).doesNotExist();
  }

  @Test
  void setsAreNamedByTheirFilesAndChecked() throws Exception {
    Path a = write("a.yaml", A);
    Path sub = Files.createDirectories(tmp.resolve("sub"));
    Path sameName = Files.writeString(sub.resolve("a.yml"), B);
    assertThatThrownBy(() -> WhatIfRules.load(List.of(a, sameName))).hasMessageContaining("two rules files are named 'a'");
    assertThatThrownBy(() -> WhatIfRules.load(List.of(write("live.yaml", A)))).hasMessageContaining("not 'live'");
    assertThatThrownBy(() -> WhatIfRules.load(List.of(tmp.resolve("missing.yaml")))).hasMessageContaining("no such file");
    assertThatThrownBy(() -> WhatIfRules.load(List.of(write("bad.yaml", "rules:\n  - name: X\n    metric: nope\n"))))
        .hasMessageContaining("bad.yaml");
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(tmp.resolve(name), text);
  }
}
