package io.featuremon.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.config.FeaturemonConfig;
import io.featuremon.replay.Replay;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deferring sketch updates ({@code drift.sketch.batch.size}) changes when a pane's sketches are rewritten, never what
 * they hold: every output is byte-identical whether the sketches are updated at every fold (1), at an odd size that
 * is no multiple of the fold batch (300), or at the default (4096, which real MiniLM windows of 500 events never
 * reach, so their sketches are only ever completed when the window reads them).
 */
class DriftBacklogTest {
  static final Path DATA = Path.of("src/test/resources/data");

  @TempDir
  Path tmp;

  @Test
  void outputsShouldNotDependOnWhenSketchesAreUpdated() throws Exception {
    Path tabular = tabular(tmp.resolve("tabular.jsonl"));
    record Case(Path input, Map<String, String> settings) {}
    List<Case> cases = List.of(
        new Case(DATA.resolve("minilm-utils-then-net.jsonl"), Map.of(FeaturemonConfig.WINDOW_SIZE, "1h")),
        new Case(tabular, Map.of(FeaturemonConfig.WINDOW_SIZE, "1h", FeaturemonConfig.WINDOW_ADVANCE, "20m")),
        new Case(tabular, Map.of(FeaturemonConfig.WINDOW_SIZE, "1h", FeaturemonConfig.REFERENCE_MODE, "previous")));
    for (int c = 0; c < cases.size(); c++) {
      Path reference = null;
      for (String batch : List.of("1", "300", "4096")) {
        Map<String, String> settings = new java.util.HashMap<>(cases.get(c).settings());
        settings.put(FeaturemonConfig.DRIFT_SKETCH_BATCH_SIZE, batch);
        Path out = tmp.resolve(c + "-" + batch);
        new Replay(FeaturemonConfig.load(settings, null, Map.of())).run(cases.get(c).input(), out, n -> {});
        assertThat(Files.readString(out.resolve(Replay.WINDOW_STATS_FILE))).contains("\"drift\":{");
        if (reference == null) {
          reference = out;
          continue;
        }
        for (String f : List.of(Replay.WINDOW_STATS_FILE, Replay.MASKS_FILE, Replay.ALERTS_FILE,
            Replay.DEAD_LETTERS_FILE)) {
          assertThat(Files.readAllBytes(out.resolve(f))).as("%s of case %d at batch %s", f, c, batch)
              .isEqualTo(Files.readAllBytes(reference.resolve(f)));
        }
      }
    }
  }

  /** 4 hours of 3,000 events each: more than a k = 2048 sketch holds exactly, some values missing. */
  private static Path tabular(Path file) throws Exception {
    Random random = new Random(23);
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      for (int i = 0; i < 12_000; i++) {
        double z = random.nextGaussian();
        String y = random.nextInt(50) == 0 ? "null" : String.format(Locale.ROOT, "%.17g", z + random.nextGaussian());
        w.write(String.format(Locale.ROOT, "{\"type\":\"features\",\"model\":\"t\",\"timestamp\":%d,\"features\":"
            + "{\"x\":%.17g,\"y\":%s,\"w\":%.17g,\"c\":\"v%d\"}}%n", 1767225600000L + i * 1200L, z, y,
            Math.exp(random.nextGaussian()) + i / 6000.0, random.nextInt(12)));
      }
    }
    return file;
  }
}
