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

  /** Where {@code generated} put its raw values (big-endian float64 files named in its cases). */
  static final Path GENERATED = Path.of("target/drift-oracle-generated");

  /** The values of one generated window, as the oracle drew them. */
  static double[] generatedValues(String file) throws IOException {
    java.nio.DoubleBuffer buffer = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(GENERATED.resolve(file)))
        .asDoubleBuffer();
    double[] values = new double[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  /** The oracle's answer for a command that reads its cases as JSON on stdin (not cached: the input varies). */
  static JsonNode run(String command, Object input) throws IOException, InterruptedException {
    return compute(command, new ObjectMapper().writeValueAsBytes(input));
  }

  private static JsonNode compute(String command) throws IOException, InterruptedException {
    return compute(command, null);
  }

  private static JsonNode compute(String command, byte[] input) throws IOException, InterruptedException {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("python3", SCRIPT.toString(), command,
        "--data", RealData.DATA.toString()));
    if (command.equals("generated")) {
      args.addAll(java.util.List.of("--out", GENERATED.toString()));
    }
    Process p = new ProcessBuilder(args).redirectError(ProcessBuilder.Redirect.PIPE).start();
    try (java.io.OutputStream stdin = p.getOutputStream()) {
      if (input != null) {
        stdin.write(input);
      }
    }
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
