package io.featuremon.stats.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs scripts/drift_oracle.py (scipy and numpy on the raw real data) and returns its JSON. Without scipy on the
 * machine the calling test is reported as skipped, with the reason, instead of failing.
 */
final class DriftOracle {
  static final Path SCRIPT = Path.of("../scripts/drift_oracle.py");

  private DriftOracle() {}

  private static final Map<String, JsonNode> CACHE = new ConcurrentHashMap<>();

  /** The oracle's answer for one command, computed once per test JVM (a python start with scipy takes seconds). */
  static JsonNode run(String command) throws IOException, InterruptedException {
    JsonNode cached = CACHE.get(command);
    if (cached == null) {
      cached = compute(command);
      CACHE.put(command, cached);
    }
    return cached;
  }

  private static JsonNode compute(String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("python3", SCRIPT.toString(), command, "--data", RealData.DATA.toString())
        .redirectError(ProcessBuilder.Redirect.PIPE).start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("drift oracle finished").isTrue();
    Assumptions.assumeFalse(p.exitValue() == 3, () -> "scipy oracle unavailable: " + err.strip());
    assertThat(p.exitValue()).as("drift oracle exit status; stderr: %s", err).isZero();
    return new ObjectMapper().readTree(out);
  }

  static double[] doubles(JsonNode array) {
    double[] values = new double[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asDouble();
    }
    return values;
  }
}
