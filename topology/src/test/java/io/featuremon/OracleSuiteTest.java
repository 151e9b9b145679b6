package io.featuremon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the oracle suite (scripts/oracle_suite.py) against this build: it generates every regime's events, runs
 * {@code featuremon replay} on them and on the real data through {@link io.featuremon.cli.Main} with the test
 * classpath, recomputes every field with numpy, scipy, scikit-learn, statsmodels and rational arithmetic, and prints
 * the table (statistic, regime, windows, worst difference, bound) into the test log. The test fails when any row is
 * outside its bound, and is skipped, with the reason, when Debian's python3 lacks one of those libraries.
 */
class OracleSuiteTest {
  static final Path SCRIPT = Path.of("../scripts/oracle_suite.py");
  /** Debian's interpreter, with python3-sklearn and python3-statsmodels; .ci/run installs them. */
  static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

  @TempDir
  Path tmp;

  @Test
  void everyFieldOfEveryRegimeIsWithinItsBoundAgainstTheReferenceImplementations() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The replay runs in a child JVM, exactly as a user's `featuremon replay`, on the classes this build compiled.
    String featuremon = String.join(" ", List.of(quote(java), "-Xmx2g", "--add-modules",
        "jdk.incubator.vector", "-cp",
        quote(System.getProperty("java.class.path")), "io.featuremon.cli.Main"));
    Process p = new ProcessBuilder(PYTHON, SCRIPT.toString(), "--featuremon", featuremon, "--work", tmp.toString(),
        "--detail").redirectErrorStream(true).start();
    String report = readAll(p);
    assertThat(p.waitFor(15, TimeUnit.MINUTES)).as("oracle suite finished").isTrue();
    System.out.println(report);
    Assumptions.assumeFalse(p.exitValue() == 3, () -> "reference libraries unavailable: " + report.strip());
    assertThat(p.exitValue()).as("oracle suite exit status (1: rows outside their bound, 2: featuremon failed):%n%s",
        report).isZero();
  }

  private static String readAll(Process p) throws IOException {
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  /** Quotes a path for the suite's shlex.split of the command prefix. */
  private static String quote(String s) {
    return "'" + s.replace("'", "'\"'\"'") + "'";
  }
}
