package io.featuremon.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.nio.file.Files;
import java.nio.file.Path;

/** One line about where a number was taken, printed above every result: numbers without it mean little. */
final class MachineInfo {
  private MachineInfo() {}

  /** Classes whose code the numbers depend on; their digest ties a result to the code that produced it. */
  private static final String[] MEASURED_CLASSES = {
      "io/featuremon/topology/WindowProcessor.class", "io/featuremon/topology/FeaturemonTopology.class",
      "io/featuremon/topology/StateCodec.class", "io/featuremon/stats/BatchFold.class",
      "io/featuremon/stats/CoMoments.class", "io/featuremon/stats/Redundancy.class"};

  /** SHA-256 (first 12 hex digits) over the bytes of the measured topology classes, as loaded. */
  static String codeFingerprint() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String name : MEASURED_CLASSES) {
        try (InputStream in = MachineInfo.class.getClassLoader().getResourceAsStream(name)) {
          sha.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
          if (in != null) {
            sha.update(in.readAllBytes());
          }
        }
      }
      return "topology classes sha256:" + HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    } catch (IOException | NoSuchAlgorithmException e) {
      return "topology classes: unknown (" + e.getMessage() + ")";
    }
  }

  static String describe() {
    String cpu = "unknown cpu";
    try {
      Path info = Path.of("/proc/cpuinfo");
      if (Files.isReadable(info)) {
        cpu = Files.readAllLines(info).stream().filter(l -> l.startsWith("model name")).findFirst()
            .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
      }
    } catch (IOException | RuntimeException e) {
      // keep "unknown cpu": the description is informative only
    }
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return String.format("%s, %d cores visible to the JVM, load average %.1f at start, %s %s, Java %s (%s), max heap %d MiB",
        cpu, Runtime.getRuntime().availableProcessors(), load, System.getProperty("os.name"),
        System.getProperty("os.arch"), System.getProperty("java.version"), System.getProperty("java.vm.name"),
        Runtime.getRuntime().maxMemory() >> 20) + "; " + codeFingerprint();
  }
}
