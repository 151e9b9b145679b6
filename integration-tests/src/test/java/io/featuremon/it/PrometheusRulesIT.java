package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.it.support.PrometheusServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The pipeline alert rules shipped for Prometheus ({@code docker/prometheus/featuremon-rules.yml}) are valid
 * ({@code promtool check rules}) and fire, and stay quiet, where their unit tests say
 * ({@code promtool test rules docker/prometheus/featuremon-rules.test.yml}: a model that stopped sending, consumer lag
 * growing, dead-letter share up, stream threads replaced or gone, the endpoint down).
 *
 * <p>Run with {@code mvn -o -B -pl integration-tests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=PrometheusRulesIT}. Skipped without Debian's {@code prometheus} package (promtool), failed under CI=true.
 */
class PrometheusRulesIT {
  private static final Path RULES_DIR = Path.of("..").toAbsolutePath().normalize().resolve("docker/prometheus");

  @Test
  void pipelineRulesAreValidAndPassTheirUnitTests() throws Exception {
    Path promtool = PrometheusServer.binary("promtool");
    String check = run(promtool.toString(), "check", "rules", "featuremon-rules.yml");
    assertThat(check).contains("SUCCESS: 6 rules found");
    String test = run(promtool.toString(), "test", "rules", "featuremon-rules.test.yml");
    assertThat(test).contains("SUCCESS").doesNotContain("FAILED");
  }

  /** Runs the command in the rules folder; fails with its output unless it exits 0. */
  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(command)).directory(RULES_DIR.toFile()).redirectErrorStream(true).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish within 120 s");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    System.out.println("PrometheusRulesIT: $ " + String.join(" ", command).replaceAll("^\\S*/", "") + "\n" + out);
    assertThat(p.exitValue()).as(String.join(" ", command) + " exit code; output:\n" + out).isZero();
    return out;
  }
}
