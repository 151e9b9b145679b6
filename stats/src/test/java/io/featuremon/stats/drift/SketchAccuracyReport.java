package io.featuremon.stats.drift;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Prints, for several k, how far each drift number of two sketches is from scipy's and numpy's exact value on the
 * raw values (scripts/drift_oracle.py generated), the W1 bound, the serialized size and the update cost. A measuring
 * tool, not a test: it asserts nothing. Run from stats/ after the test classes are compiled:
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt) io.featuremon.stats.drift.SketchAccuracyReport
 * 200 1024 2048 4096}.
 */
public final class SketchAccuracyReport {
  private SketchAccuracyReport() {}

  public static void main(String[] args) throws Exception {
    JsonNode oracle = DriftOracle.run("generated");
    for (String arg : args) {
      int k = Integer.parseInt(arg);
      System.out.printf(Locale.ROOT, "%n== k = %d (rank error %.5f) ==%n", k, NumericSketch.normalizedRankError(k));
      System.out.printf(Locale.ROOT, "%-10s %7s %6s | %-19s | %-29s | %-21s | %-19s | %s%n", "dist", "n", "shift",
          "KS sketch/exact", "W1/sd sketch/exact (bound)", "PSI sketch/exact", "JS sketch/exact", "drifted");
      for (JsonNode c : oracle.get("cases")) {
        double[] ref = DriftOracle.generatedValues(c.get("reference").asText());
        double[] cur = DriftOracle.generatedValues(c.get("current").asText());
        NumericSketch r = NumericSketch.create(k);
        r.update(ref);
        NumericSketch s = NumericSketch.create(k);
        s.update(cur);
        NumericDrift.Result d = NumericDrift.compare(r, s);
        System.out.printf(Locale.ROOT, "%-10s %7d %6s | %.5f / %.5f | %.5f / %.5f (%.5f) | %.6f / %.6f | %.5f / %.5f | %s%n",
            c.get("name").asText(), c.get("n").asInt(), c.get("shift").asText(), d.ks(), c.get("ks").asDouble(),
            d.wasserstein(), c.get("wasserstein").asDouble(), d.wassersteinError(), d.psi(), c.get("psi").asDouble(),
            d.js(), c.get("js").asDouble(), d.drifted());
      }
      // Size and update cost: 200,000 normal values, best of 3 (a rough figure: no JMH, a warm JVM).
      double[] values = DriftOracle.generatedValues("normal-200000-none.ref");
      long best = Long.MAX_VALUE;
      NumericSketch sketch = null;
      for (int run = 0; run < 3; run++) {
        long start = System.nanoTime();
        sketch = NumericSketch.create(k);
        for (double v : values) {
          sketch.update(v);
        }
        best = Math.min(best, System.nanoTime() - start);
      }
      NumericSketch at50k = NumericSketch.create(k);
      at50k.update(java.util.Arrays.copyOf(values, 50_000));
      long mergeStart = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        at50k.merge(at50k);
      }
      long merge = (System.nanoTime() - mergeStart) / 100;
      System.out.printf(Locale.ROOT, "bytes: %d at 50,000 items, %d at 200,000 (retained %d); update %.0f ns/item;"
          + " merge of two 50,000-item sketches %.0f us%n", at50k.toBytes().length, sketch.toBytes().length,
          sketch.retained(), (double) best / values.length, merge / 1e3);
    }
  }
}
