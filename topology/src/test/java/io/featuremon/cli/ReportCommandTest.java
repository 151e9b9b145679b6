package io.featuremon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.config.FeaturemonConfig;
import io.featuremon.replay.Replay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;

class ReportCommandTest {

  @Test
  void helpLinesShouldFitEightyColumnsAsWritten() {
    Command c = ReportCommand.class.getAnnotation(Command.class);
    for (String[] lines : new String[][] {c.description(), c.footer()}) {
      for (String line : lines) {
        assertThat(line.length()).as(line).isLessThanOrEqualTo(80);
      }
    }
    CliRun help = CliRun.of("report", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("--in=DIR", "--out=FILE", "--title=TEXT");
    assertThat(CliRun.of("--help").out()).contains("report");
  }

  @Test
  void reportShouldWriteDirReportHtmlByDefaultAndTakeOutAndTitle(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("macro");
    new Replay(FeaturemonConfig.load(Map.of(FeaturemonConfig.WINDOW_SIZE, "40d"), null, Map.of()))
        .run(Path.of("src/test/resources/data/macrodata.jsonl"), out, n -> {});

    CliRun byDefault = CliRun.of("report", "--in", out.toString());
    assertThat(byDefault.exit()).as(byDefault.err()).isZero();
    assertThat(byDefault.out()).contains("wrote " + out.resolve("report.html"), "needs no network");
    assertThat(Files.readString(out.resolve("report.html"))).contains("<title>featuremon report: " + out + "</title>");

    Path named = dir.resolve("named.html");
    CliRun titled = CliRun.of("report", "--in", out.toString(), "--out", named.toString(), "--title", "Q & A");
    assertThat(titled.exit()).as(titled.err()).isZero();
    assertThat(Files.readString(named)).contains("<title>Q &amp; A</title>");
  }

  @Test
  void aDirectoryThatIsNoReplayOutputShouldBeRefusedInOneLine(@TempDir Path dir) {
    CliRun empty = CliRun.of("report", "--in", dir.toString());
    assertThat(empty.exit()).isEqualTo(2);
    assertThat(empty.err()).contains("no window-stats.jsonl in " + dir, "--out directory of a replay");

    CliRun missing = CliRun.of("report", "--in", dir.resolve("nope").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("is not a directory");
  }
}
