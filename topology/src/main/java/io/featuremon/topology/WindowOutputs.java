package io.featuremon.topology;

import io.featuremon.avro.CorrelationPair;
import io.featuremon.avro.DroppedFeature;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.Redundancy;
import io.featuremon.avro.WindowStats;
import io.featuremon.stats.Mask;
import io.featuremon.stats.RedundancyReport;
import java.util.ArrayList;
import java.util.List;

/** Turns a window's pure statistics into its output records, naming dimensions by the group's schema. */
final class WindowOutputs {
  private WindowOutputs() {}

  static WindowStats stats(GroupKey key, StateCodec.Schema schema, long start, long end, long events, long incomplete,
      RedundancyReport report) {
    List<String> constant = new ArrayList<>();
    for (int c : report.constant()) {
      constant.add(schema.name(c));
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

  static FeatureMask mask(GroupKey key, StateCodec.Schema schema, long start, long end, double threshold, Mask mask,
      long version) {
    List<String> kept = new ArrayList<>();
    mask.kept().forEach(i -> kept.add(schema.name(i)));
    List<DroppedFeature> dropped = new ArrayList<>();
    for (Mask.Drop d : mask.dropped()) {
      boolean redundant = d.reason() == Mask.Reason.REDUNDANT;
      dropped.add(new DroppedFeature(schema.name(d.dimension()), d.reason().label(),
          redundant ? schema.name(d.redundantWith()) : null, redundant ? d.corr() : null));
    }
    return FeatureMask.newBuilder()
        .setModel(key.model())
        .setSegment(key.segment())
        .setType(key.type().label())
        .setWindowStart(start)
        .setWindowEnd(end)
        .setVersion(version)
        .setThreshold(threshold)
        .setKept(kept)
        .setDropped(dropped)
        .build();
  }
}
