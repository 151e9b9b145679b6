package io.featuremon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code benchmarks/run-all --smoke}: the one command that prints every row of issue 9 must keep running, every
 * harness in it, at toy sizes. It asserts that each row's target line is printed, never what it says: at these
 * sizes no number means anything, and speed is not for tests to judge.
 */
class RunAllSmokeIT {
  @Test
  void everyHarnessRunsAndPrintsItsTargetLines() throws Exception {
    Path root = Path.of(System.getProperty("featuremon.root", ".."));
    Path out = root.resolve("benchmarks/target/run-all-smoke");
    Path log = root.resolve("benchmarks/target/run-all-smoke.log");
    Process p = new ProcessBuilder("bash", root.resolve("benchmarks/run-all").toString(), "--smoke", "--out",
        out.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(15, TimeUnit.MINUTES)).as("run-all --smoke finishes; its output: %s", log).isTrue();
    String printed = Files.readString(log);
    assertThat(p.exitValue()).as("exit status; output:%n%s", printed).isZero();
    assertThat(printed).contains("every target line",
        "live ÷ raw consumer, d=16, exactly_once_v2", "live ÷ raw consumer, tabular 50+5, exactly_once_v2",
        "live ÷ raw consumer, d=24, exactly_once_v2", "(changelog + repartition) ÷ input bytes",
        "exactly_once_v2 ÷ at_least_once", "one model over 4 partitions, 2 stream threads ÷ 1",
        "fold ÷ vector FMA peak", "fold ÷ numpy/OpenBLAS", "hopping (advance = size/6) ÷ tumbling",
        "wide replay", "closing a d = 64 window", "Kafka Streams floor (read, repartition, read; nothing else)",
        "Kafka Streams floor (read; nothing else)");
  }
}
