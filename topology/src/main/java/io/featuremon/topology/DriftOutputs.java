package io.featuremon.topology;

import io.featuremon.avro.DimensionDrift;
import io.featuremon.avro.Drift;
import io.featuremon.avro.EmbeddingDriftStats;
import io.featuremon.avro.FeatureDrift;
import io.featuremon.avro.RedundancyRatio;
import io.featuremon.config.ReferenceMode;
import io.featuremon.stats.CategoryCounts;
import io.featuremon.stats.RedundancyReport;
import io.featuremon.stats.drift.CategoricalDrift;
import io.featuremon.stats.drift.EmbeddingDrift;
import io.featuremon.stats.drift.NumericDrift;
import io.featuremon.stats.drift.NumericSketch;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Compares a window with its group's reference and renders the result as the WindowStats drift section. */
final class DriftOutputs {
  private DriftOutputs() {}

  static Drift compare(ReferenceMode mode, double alpha, StateCodec.Schema schema, Reference reference,
      DriftState current, double[] mean, CategoryCounts[] counts, RedundancyReport report) {
    NumericDrift.Settings numericSettings = new NumericDrift.Settings(alpha, NumericDrift.Settings.DEFAULTS.minWasserstein(),
        NumericDrift.Settings.DEFAULTS.minPsi());
    CategoricalDrift.Settings categoricalSettings = new CategoricalDrift.Settings(alpha,
        CategoricalDrift.Settings.DEFAULTS.minPsi(), CategoricalDrift.Settings.DEFAULTS.minUnseenShare());
    EmbeddingDrift.Settings embeddingSettings = new EmbeddingDrift.Settings(
        EmbeddingDrift.Settings.DEFAULTS.dimensionThreshold(), EmbeddingDrift.Settings.DEFAULTS.shareThreshold(),
        EmbeddingDrift.Settings.DEFAULTS.requireSignificance(), alpha);
    Map<String, FeatureDrift> features = new LinkedHashMap<>();
    EmbeddingDriftStats embedding = null;
    int d = schema.dimensions();
    if (schema.featureNames() == null) {
      EmbeddingDrift.Result r = EmbeddingDrift.compare(Arrays.asList(reference.sketches()),
          Arrays.asList(current.sketches), embeddingSettings);
      embedding = new EmbeddingDriftStats(EmbeddingDrift.centroidCosineDistance(reference.mean(), mean),
          r.driftedShare(), r.drifted(), r.top().stream().map(t -> new DimensionDrift(t.index(), t.wasserstein(),
              t.ks(), t.psi(), t.drifted())).toList());
    } else {
      for (int k = 0; k < d; k++) {
        NumericSketch ref = reference.sketches()[k];
        NumericSketch cur = current.sketches[k];
        if (ref.isEmpty() || cur.isEmpty()) {
          continue;
        }
        NumericDrift.Result r = NumericDrift.compare(ref, cur, numericSettings);
        features.put(schema.featureNames().get(k), FeatureDrift.newBuilder().setPsi(r.psi()).setKs(r.ks())
            .setJs(r.js()).setWasserstein(r.wasserstein()).setDrifted(r.drifted())
            .setExact(ref.isExact() && cur.isExact()).setKsError(r.rankError())
            .setWassersteinError(r.wassersteinError()).build());
      }
      List<String> categorical = schema.categoricalNames();
      for (int j = 0; j < categorical.size() && j < reference.counts().length; j++) {
        CategoryCounts ref = reference.counts()[j];
        CategoryCounts cur = counts[j];
        if (ref.total() == 0 || cur.total() == 0) {
          continue;
        }
        // Works across caps too (a reference built under another stats.categorical.maxCategories): the partition is
        // cut at the smaller of the two thresholds.
        CategoricalDrift.Result r = CategoricalDrift.compare(ref, cur, categoricalSettings);
        features.put(categorical.get(j), FeatureDrift.newBuilder().setPsi(r.psi()).setJs(r.js())
            .setUnseenShare(r.unseenShare()).setDrifted(r.drifted()).setExact(r.exact()).setPValue(r.pValue())
            .setReferenceMissingMass(r.referenceMissingMass()).build());
      }
    }
    Map<String, FeatureDrift> sorted = new java.util.TreeMap<>(features);
    return Drift.newBuilder()
        .setReferenceMode(mode.label())
        .setReferenceStart(reference.start())
        .setReferenceEnd(reference.end())
        .setReferenceCount(reference.count())
        .setFeatures(new LinkedHashMap<>(sorted))
        .setEmbedding(embedding)
        .setRedundancyRatio(new RedundancyRatio(ratio(report.meanAbsCorr(), reference.meanAbsCorr()),
            ratio(report.effectiveRank(), reference.effectiveRank())))
        .build();
  }

  private static double ratio(double current, double reference) {
    return reference == 0 ? (current == 0 ? 1 : Double.POSITIVE_INFINITY) : current / reference;
  }
}
