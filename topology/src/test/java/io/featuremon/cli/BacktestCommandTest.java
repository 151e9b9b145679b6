package io.featuremon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backtest command's mistakes, each refused with one line before any connection (BacktestIT runs it for real). */
class BacktestCommandTest {

  @Test
  void aTimeWithoutAZoneShouldBeRefusedWithWhatToWriteInstead(@TempDir Path dir) throws Exception {
    CliRun run = CliRun.of("backtest", "--from", "2026-01-01T00:00", "--to", "1767225600000", "--out",
        dir.resolve("out").toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("neither epoch milliseconds nor ISO-8601", "2026-01-01T00:00Z is UTC")
        .doesNotContain("\tat ");
  }

  @Test
  void anEmptyRangeShouldBeRefused(@TempDir Path dir) throws Exception {
    CliRun run = CliRun.of("backtest", "--from", "2026-01-02T00:00:00Z", "--to", "2026-01-01T00:00:00Z", "--out",
        dir.resolve("out").toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--to must be after --from").doesNotContain("\tat ");
  }

  @Test
  void withoutARegistryItShouldSaySoBeforeReading(@TempDir Path dir) throws Exception {
    CliRun run = CliRun.of("backtest", "--from", "0", "--to", "1767225600000", "--out", dir.resolve("out").toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("schema.registry.url").doesNotContain("\tat ");
  }
}
