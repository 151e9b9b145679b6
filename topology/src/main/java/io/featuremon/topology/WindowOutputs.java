package io.featuremon.topology;

import io.featuremon.avro.CorrelationPair;
import io.featuremon.avro.DroppedFeature;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.Redundancy;
import io.featuremon.avro.WindowStats;
import io.featuremon.stats.Mask;
import io.featuremon.stats.MaskOptions;
import io.featuremon.stats.RedundancyReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a window's pure statistics into its output records, naming dimensions by the group's schema. */
final class WindowOutputs {
  private WindowOutputs() {}

  static WindowStats stats(GroupKey key, StateCodec.Schema schema, long start, long end, long events, long incomplete,
      RedundancyReport report, Mask rule) {
    List<String> constant = new ArrayList<>();
    for (int c : report.constant()) {
      constant.add(schema.name(c));
    }
    List<String> dead = new ArrayList<>();
    for (Mask.Drop drop : rule.dropped()) {
      if (drop.reason() == Mask.Reason.DEAD) {
        dead.add(schema.name(drop.dimension()));
      }
    }
    List<CorrelationPair> pairs = new ArrayList<>();
    for (io.featuremon.stats.CorrelationPair p : report.topPairs()) {
      pairs.add(new CorrelationPair(schema.name(p.a()), schema.name(p.b()), p.corr()));
    }
    return WindowStats.newBuilder()
        .setModel(key.model())
        .setSegment(key.segment())
        .setType(key.type().label())
        .setWindowStart(start)
        .setWindowEnd(end)
        .setCount(events)
        .setIncomplete(incomplete)
        .setDimensions(schema.dimensions())
        .setConstant(constant)
        .setDead(dead)
        .setRedundancy(Redundancy.newBuilder()
            .setNonConstant(report.nonConstantCount())
            .setFretL1(report.fretL1())
            .setMeanAbsCorr(report.meanAbsCorr())
            .setMeanSqCorr(report.meanSqCorr())
            .setEffectiveRank(report.effectiveRank())
            .setPairs(pairs)
            .build())
        .build();
  }

  static FeatureMask mask(GroupKey key, StateCodec.Schema schema, long start, long end, MaskOptions options, Mask mask,
      long version, boolean soft) {
    List<String> kept = new ArrayList<>();
    mask.kept().forEach(i -> kept.add(schema.name(i)));
    List<DroppedFeature> dropped = new ArrayList<>();
    for (Mask.Drop d : mask.dropped()) {
      boolean redundant = d.reason() == Mask.Reason.REDUNDANT;
      dropped.add(DroppedFeature.newBuilder()
          .setFeature(schema.name(d.dimension()))
          .setReason(d.reason().label())
          .setRedundantWith(redundant ? schema.name(d.redundantWith()) : null)
          .setCorr(redundant ? d.corr() : null)
          .setActiveShare(Double.isNaN(d.activeShare()) ? null : d.activeShare())
          .build());
    }
    Map<String, Double> weights = new LinkedHashMap<>();
    if (soft) {
      double[] importance = options.importance();
      double max = 0;
      for (int i : mask.kept()) {
        max = Math.max(max, importance == null ? 1 : importance[i]);
      }
      for (int i = 0; i < schema.dimensions(); i++) {
        double w = mask.drops(i) || max == 0 ? 0 : (importance == null ? 1 : importance[i]) / max;
        weights.put(schema.name(i), w);
      }
    }
    return FeatureMask.newBuilder()
        .setModel(key.model())
        .setSegment(key.segment())
        .setType(key.type().label())
        .setWindowStart(start)
        .setWindowEnd(end)
        .setVersion(version)
        .setThreshold(options.threshold())
        .setMode(soft ? "soft" : "hard")
        .setKept(kept)
        .setWeights(weights)
        .setDropped(dropped)
        .build();
  }
}
