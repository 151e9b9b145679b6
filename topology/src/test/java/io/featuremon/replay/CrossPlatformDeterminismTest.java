package io.featuremon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backtest on a laptop must give the bytes the production cluster gave: the same replay, run in child JVMs whose
 * code generation differs as it does between machines, must write byte-identical outputs.
 *
 * <p>The reference run uses the launcher's {@code --add-modules jdk.incubator.vector}, so the co-moment fold runs the
 * vector kernel (256-bit FMA; the JIT may emit AVX-512 encodings on this machine). Against it:
 * <ul>
 *   <li>{@code --add-modules jdk.incubator.vector -XX:UseAVX=2}: the vector kernel with AVX2 code;</li>
 *   <li>no {@code --add-modules}: the scalar kernel (4 × 4 blocks), as on a JVM started without the
 *       flag, or a CPU without 256-bit vectors;</li>
 *   <li>{@code -XX:UseAVX=0}: no AVX, as on an older or a virtualised CPU (SSE only);</li>
 *   <li>{@code -XX:-UseSuperWord}: no auto-vectorised loops, whatever the vector width;</li>
 *   <li>{@code -Xint -XX:-UseLibmIntrinsic}: no JIT at all, and Math's transcendental functions without the x86
 *       intrinsics. This is the one that found a real defect: Math.log and Math.exp may differ in the last bit between
 *       an intrinsic and fdlibm (and between CPU architectures, e.g. an aarch64 laptop), and effectiveRank, PSI, JS
 *       and p-values moved by one ulp. The statistics now use StrictMath for every transcendental function.</li>
 * </ul>
 * The inputs: the real wine, macrodata and MiniLM data, and generated tabular events with categorical features of 5,
 * 40 and 1,000 values (AMI, chi-square p-values, hash-sampled buckets), a large-offset column and more values than a
 * sketch holds exactly.
 */
class CrossPlatformDeterminismTest {
  static final Path DATA = Path.of("src/test/resources/data");
  static final List<String> OUTPUTS = List.of("window-stats.jsonl", "masks.jsonl", "alerts.jsonl",
      "dead-letters.jsonl");

  @TempDir
  Path tmp;

  record Input(Path file, String windowSize) {}

  @Test
  void replaysShouldWriteTheSameBytesWhateverTheCodeGeneration() throws Exception {
    List<Input> inputs = List.of(new Input(DATA.resolve("wine.jsonl"), "1h"),
        new Input(DATA.resolve("macrodata.jsonl"), "40d"),
        new Input(DATA.resolve("minilm-utils-then-net.jsonl"), "1h"),
        new Input(tabular(tmp.resolve("tabular.jsonl")), "1h"));
    List<String> vector = List.of("--add-modules", "jdk.incubator.vector");
    List<List<String>> variants = List.of(List.of("--add-modules", "jdk.incubator.vector", "-XX:UseAVX=2"), List.of(),
        List.of("-XX:UseAVX=0"), List.of("-XX:-UseSuperWord"),
        List.of("-Xint", "-XX:+UnlockDiagnosticVMOptions", "-XX:-UseLibmIntrinsic"));
    for (int i = 0; i < inputs.size(); i++) {
      Input input = inputs.get(i);
      Path reference = replay(input, vector, tmp.resolve(i + "-default"));
      assertThat(Files.readString(reference.resolve("window-stats.jsonl"))).as("windows of %s", input.file())
          .isNotBlank();
      for (int v = 0; v < variants.size(); v++) {
        Path out = replay(input, variants.get(v), tmp.resolve(i + "-" + v));
        for (String name : OUTPUTS) {
          assertThat(Files.readAllBytes(out.resolve(name)))
              .as("%s of %s under %s", name, input.file().getFileName(), variants.get(v))
              .isEqualTo(Files.readAllBytes(reference.resolve(name)));
        }
      }
    }
  }

  private static Path replay(Input input, List<String> flags, Path out) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(flags);
    command.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), "io.featuremon.cli.Main", "replay",
        "--input", input.file().toString(), "--out", out.toString(), "--set", "window.size=" + input.windowSize()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("replay under %s finished", flags).isTrue();
    assertThat(p.exitValue()).as("replay under %s: %s", flags, log).isZero();
    return out;
  }

  /** 3 hours of 1,500 events: numeric (one at 1e6 + 1e-3·N), categorical with 5, 40 and 1,000 values. */
  private static Path tabular(Path file) throws IOException {
    Random random = new Random(17);
    long start = 1767225600000L;
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      for (int i = 0; i < 4500; i++) {
        double z = random.nextGaussian();
        int c5 = random.nextInt(5);
        w.write(String.format(Locale.ROOT, "{\"type\":\"features\",\"model\":\"tab\",\"timestamp\":%d,\"features\":"
            + "{\"x\":%.17g,\"y\":%.17g,\"offset\":%.17g,\"c5\":\"v%d\",\"c40\":\"w%d\",\"c1000\":\"u%d\"}}%n",
            start + i * 2400L, z, 0.6 * z + 0.8 * random.nextGaussian() + c5, 1e6 + 1e-3 * random.nextGaussian(),
            c5, (c5 * 8 + random.nextInt(8)) % 40, random.nextInt(1000)));
      }
    }
    return file;
  }
}
