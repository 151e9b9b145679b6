package io.featuremon.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java LTS a user has: the same replays and profiles, run on each LTS JDK found (17, 21, 25), must write
 * byte-identical files, so that a backtest on a laptop with another JDK matches production.
 *
 * <p>Each JDK runs the same script of commands in a child JVM ({@link io.featuremon.cli.CommandScript}, one JVM
 * per JDK, in parallel), with the launcher's flags: the real macrodata; a reference profile of the wine data and a
 * replay against it; generated tabular events whose sketches compact (drift.sketch.k = 64), profiled and replayed
 * against the profile; and MiniLM embeddings, 300
 * profiled and the next 400 replayed against them, with compacting sketches (drift.embedding.sketch.k = 32). The
 * running JDK's child is the reference.
 *
 * <p>What it cannot see: Java 17's {@code Double.toString} writes other digits than later JDKs for most doubles from
 * 1e16 up (and for a few such as 1.0E23), and no field of these outputs reaches that; {@code AvroJsonTest} checks the
 * number writer that makes outputs independent of it.
 *
 * <p>Which JDKs: {@code -Dfeaturemon.test.jdks} or the environment variable {@code FEATUREMON_TEST_JDKS} (JDK homes,
 * separated by {@code ,} or the path separator), else every JDK 17, 21 or 25 under /usr/lib/jvm (one per version).
 * On CI ({@code CI=true}) Java 17 and 25 must both be there (this machine has both): a missing one fails the test,
 * saying how to point it at one; elsewhere the test is skipped when only one JDK is found.
 */
class CrossJdkReplayTest {
  static final String JDKS_PROPERTY = "featuremon.test.jdks";
  static final String JDKS_ENV = "FEATUREMON_TEST_JDKS";
  static final List<Integer> LTS = List.of(17, 21, 25);
  static final List<Integer> REQUIRED_ON_CI = List.of(17, 25);
  static final Path SEARCHED = Path.of("/usr/lib/jvm");
  static final Path DATA = Path.of("src/test/resources/data");

  @TempDir
  Path tmp;

  @Test
  void replaysAndProfilesShouldWriteTheSameBytesOnEveryJavaLts() throws Exception {
    Map<Integer, Path> jdks = jdks();
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    for (int required : REQUIRED_ON_CI) {
      if (!jdks.containsKey(required)) {
        String message = "no Java " + required + " found (found " + jdks.keySet() + "): the outputs must be the same on"
            + " Java 17, 21 and 25. Install one, or point the test at one: FEATUREMON_TEST_JDKS=/path/to/jdk-"
            + required + " mvn verify (or -D" + JDKS_PROPERTY + "=...; several separated by commas); by default"
            + " it looks under " + SEARCHED;
        if (ci) {
          fail(message);
        }
        Assumptions.assumeTrue(jdks.size() > 1, message);
      }
    }
    Path script = script();
    Map<Integer, Process> running = new LinkedHashMap<>();
    Map<Integer, Path> logs = new LinkedHashMap<>();
    for (Map.Entry<Integer, Path> jdk : jdks.entrySet()) {
      Files.createDirectories(tmp.resolve("java-" + jdk.getKey()));
      Path log = tmp.resolve("java-" + jdk.getKey() + ".log");
      logs.put(jdk.getKey(), log);
      List<String> command = List.of(jdk.getValue().resolve("bin/java").toString(), "--add-modules",
          "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-cp",
          System.getProperty("java.class.path"), "io.featuremon.cli.CommandScript", script.toString());
      running.put(jdk.getKey(), new ProcessBuilder(command).directory(tmp.resolve("java-" + jdk.getKey())
          .toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start());
    }
    for (Map.Entry<Integer, Process> p : running.entrySet()) {
      boolean done = p.getValue().waitFor(5, TimeUnit.MINUTES);
      String log = Files.readString(logs.get(p.getKey()));
      assertThat(done).as("the script on Java %d finished: %s", p.getKey(), log).isTrue();
      assertThat(p.getValue().exitValue()).as("the script on Java %d: %s", p.getKey(), log).isZero();
      assertThat(log).as("the child of Java %d ran it", p.getKey()).contains("java.version=" + p.getKey());
    }
    int reference = Runtime.version().feature();
    Map<String, byte[]> expected = files(tmp.resolve("java-" + reference));
    assertThat(expected).containsKeys("macro/window-stats.jsonl", "wine.profile", "wine-drift/window-stats.jsonl",
        "tab.profile", "tab-drift/alerts.jsonl", "minilm/window-stats.jsonl");
    assertThat(new String(expected.get("tab-drift/window-stats.jsonl"), StandardCharsets.UTF_8))
        .as("the tabular sketches compacted").contains("\"exact\":false");
    assertThat(new String(expected.get("minilm/window-stats.jsonl"), StandardCharsets.UTF_8))
        .as("embedding drift, from sketches of more than k = 32 values").contains("\"driftedShare\":");
    for (int major : jdks.keySet()) {
      Map<String, byte[]> actual = files(tmp.resolve("java-" + major));
      assertThat(actual.keySet()).as("files written on Java %d", major).isEqualTo(expected.keySet());
      for (Map.Entry<String, byte[]> file : expected.entrySet()) {
        assertThat(actual.get(file.getKey())).as("%s on Java %d against Java %d", file.getKey(), major, reference)
            .isEqualTo(file.getValue());
      }
    }
  }

  /** The JDKs to run on, by feature version, the running one included. */
  static Map<Integer, Path> jdks() throws IOException {
    Map<Integer, Path> jdks = new TreeMap<>();
    jdks.put(Runtime.version().feature(), Path.of(System.getProperty("java.home")).toRealPath());
    String configured = System.getProperty(JDKS_PROPERTY, System.getenv(JDKS_ENV));
    if (configured != null && !configured.isBlank()) {
      for (String entry : configured.split("[," + File.pathSeparator + "]")) {
        if (entry.isBlank()) {
          continue;
        }
        Path home = Path.of(entry.trim());
        if (home.endsWith(Path.of("bin", "java"))) {
          home = home.getParent().getParent();
        }
        Integer major = major(home);
        if (major == null) {
          fail("%s names %s, which is not a JDK home (no bin/java with a release file)",
              System.getProperty(JDKS_PROPERTY) != null ? JDKS_PROPERTY : JDKS_ENV, entry);
        }
        jdks.putIfAbsent(major, home.toRealPath());
      }
      return jdks;
    }
    if (Files.isDirectory(SEARCHED)) {
      try (Stream<Path> homes = Files.list(SEARCHED)) {
        for (Path home : homes.sorted().toList()) {
          Integer major = major(home);
          if (major != null && LTS.contains(major)) {
            jdks.putIfAbsent(major, home.toRealPath());
          }
        }
      }
    }
    return jdks;
  }

  /** The feature version in a JDK home's release file (JAVA_VERSION="25.0.3"), or null when it is no JDK. */
  static Integer major(Path home) throws IOException {
    Path release = home.resolve("release");
    if (!Files.isRegularFile(home.resolve("bin/java")) || !Files.isRegularFile(release)) {
      return null;
    }
    for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
      if (line.startsWith("JAVA_VERSION=")) {
        String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
        String first = version.split("[.+-]")[0];
        return first.equals("1") ? Integer.valueOf(version.split("\\.")[1]) : Integer.valueOf(first);
      }
    }
    return null;
  }

  /** The commands, paths relative to each JDK's own directory (the child's working directory). */
  private Path script() throws IOException {
    Path wine = DATA.resolve("wine.jsonl").toAbsolutePath();
    Path macro = DATA.resolve("macrodata.jsonl").toAbsolutePath();
    List<String> embeddings = Files.readAllLines(DATA.resolve("minilm-utils-then-net.jsonl"));
    Path minilmTrain = Files.write(tmp.resolve("minilm-train.jsonl"), embeddings.subList(0, 300));
    Path minilm = Files.write(tmp.resolve("minilm.jsonl"), embeddings.subList(300, 700));
    Path train = tabular(tmp.resolve("tab-train.jsonl"), 3, 1767225600000L);
    Path live = tabular(tmp.resolve("tab.jsonl"), 4, 1767225600000L + 7_200_000L);
    List<List<String>> commands = new ArrayList<>();
    commands.add(List.of("replay", "--input", macro.toString(), "--out", "macro", "--set", "window.size=40d"));
    commands.add(List.of("profile", "--input", wine.toString(), "--out", "wine.profile"));
    commands.add(List.of("replay", "--input", wine.toString(), "--out", "wine-drift", "--set", "window.size=1h",
        "--set", "reference.mode=profile", "--set", "reference.profile=wine.profile"));
    commands.add(List.of("profile", "--input", train.toString(), "--out", "tab.profile", "--set",
        "drift.sketch.k=64"));
    commands.add(List.of("replay", "--input", live.toString(), "--out", "tab-drift", "--set", "window.size=1h",
        "--set", "drift.sketch.k=64", "--set", "reference.mode=profile", "--set", "reference.profile=tab.profile"));
    commands.add(List.of("profile", "--input", minilmTrain.toString(), "--out", "minilm.profile", "--set",
        "drift.embedding.sketch.k=32"));
    commands.add(List.of("replay", "--input", minilm.toString(), "--out", "minilm", "--set", "window.size=1h",
        "--set", "drift.embedding.sketch.k=32", "--set", "reference.mode=profile", "--set",
        "reference.profile=minilm.profile"));
    Path script = tmp.resolve("script.tsv");
    List<String> lines = new ArrayList<>();
    for (List<String> command : commands) {
      lines.add(String.join("\t", command));
    }
    Files.write(script, lines);
    return script;
  }

  /**
   * Two hours of 900 events: a Gaussian pair, a 1e6 + 1e-3·N offset, values near 1e17 and 1e23, categorical features
   * of 5 and 40 values. Numbers are written as their exact decimal expansion, so every JDK reads the same doubles.
   */
  private static Path tabular(Path file, long seed, long start) throws IOException {
    Random random = new Random(seed);
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      for (int i = 0; i < 1800; i++) {
        double z = random.nextGaussian();
        int c5 = random.nextInt(5);
        double big = i % 97 == 0 ? 1.0E23 : 2.82879384806159E17 * (1 + random.nextDouble());
        w.write(String.format(Locale.ROOT, "{\"type\":\"features\",\"model\":\"tab\",\"timestamp\":%d,\"features\":"
            + "{\"x\":%s,\"y\":%s,\"offset\":%s,\"big\":%s,\"c5\":\"v%d\",\"c40\":\"w%d\"}}%n", start + i * 4000L,
            new java.math.BigDecimal(z), new java.math.BigDecimal(0.6 * z + 0.8 * random.nextGaussian() + c5),
            new java.math.BigDecimal(1e6 + 1e-3 * random.nextGaussian()), new java.math.BigDecimal(big), c5,
            (c5 * 8 + random.nextInt(8)) % 40));
      }
    }
    return file;
  }

  private static Map<String, byte[]> files(Path root) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p).toString().replace(File.separatorChar, '/'), Files.readAllBytes(p));
      }
    }
    return files;
  }
}
