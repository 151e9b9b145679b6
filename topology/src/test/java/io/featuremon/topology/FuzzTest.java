package io.featuremon.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.config.FeaturemonConfig;
import io.featuremon.fuzz.DriverTarget;
import io.featuremon.fuzz.FuzzReport;
import io.featuremon.fuzz.FuzzRun;
import io.featuremon.fuzz.FuzzSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzzer offline: every kind of mutated record ({@link io.featuremon.fuzz.MutationKind}) mixed with valid
 * traffic, through the production topology in a {@code TopologyTestDriver}; no broker. {@code FuzzIT} runs the same
 * input against a real broker and registry.
 *
 * <p>Checks: every input record is dead-lettered (with a reason and its coordinates) or counted in its window; no
 * exception leaves the topology and no output is one a broker or producer would refuse; the valid models' window
 * stats, masks and alerts equal a clean replay of their valid records.
 *
 * <pre>
 * mvn -o -B verify -pl topology -am -Dtest=FuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * mvn ... -Dfeaturemon.fuzz.records=100000 -Dfeaturemon.fuzz.seed=42 -Dfeaturemon.fuzz.skip=WIDE_NUMERIC
 * </pre>
 */
class FuzzTest {
  /** CI size; {@code -Dfeaturemon.fuzz.records} for more. */
  static final int RECORDS = 3_000;

  @TempDir
  Path work;

  @Test
  void shouldAccountForEveryMutatedRecordWithoutCrashingAndKeepValidResultsAsInACleanRun() {
    FuzzSettings settings = FuzzSettings.fromSystemProperties(RECORDS);
    FeaturemonConfig config = FeaturemonConfig.load(FuzzSettings.featuremonSettings(), null, Map.of());
    Duration recordTimeout = Duration.ofSeconds(Long.getLong("featuremon.fuzz.recordTimeoutSeconds", 120));
    FuzzReport report;
    try (DriverTarget target = new DriverTarget(config, work.resolve("state"), settings.nowMs(), recordTimeout)) {
      report = FuzzRun.run("offline", settings, target, work);
    }
    assertThat(report.ok()).as(report.describe()).isTrue();
    assertThat(report.unaccounted()).isZero();
    assertThat(report.crashes()).isZero();
  }
}
