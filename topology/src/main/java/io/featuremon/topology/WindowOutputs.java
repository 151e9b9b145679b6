package io.featuremon.topology;

import io.featuremon.avro.Association;
import io.featuremon.avro.CorrelationPair;
import io.featuremon.avro.DroppedFeature;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.Redundancy;
import io.featuremon.avro.RedundancyCluster;
import io.featuremon.avro.WindowStats;
import io.featuremon.stats.AssociationGraph;
import io.featuremon.stats.AssociationPair;
import io.featuremon.stats.Mask;
import io.featuremon.stats.MaskInput;
import io.featuremon.stats.MixedAssociations;
import io.featuremon.stats.MaskOptions;
import io.featuremon.stats.RedundancyReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a window's pure statistics into its output records, naming dimensions by the group's schema. */
final class WindowOutputs {
  private WindowOutputs() {}

  static WindowStats stats(GroupKey key, StateCodec.Schema schema, List<String> names, long start, long end,
      long events, long incomplete, RedundancyReport report, MaskInput features, Mask verdicts, double threshold,
      int topK) {
    List<String> constant = new ArrayList<>();
    for (int c : report.constant()) {
      constant.add(schema.name(c));
    }
    List<String> dead = new ArrayList<>();
    for (Mask.Drop drop : verdicts.dropped()) {
      if (drop.reason() == Mask.Reason.DEAD) {
        dead.add(names.get(drop.dimension()));
      }
    }
    List<CorrelationPair> pairs = new ArrayList<>();
    for (io.featuremon.stats.CorrelationPair p : report.topPairs()) {
      pairs.add(new CorrelationPair(schema.name(p.a()), schema.name(p.b()), p.corr()));
    }
    int[] nonConstant = features.nonConstant();
    AssociationGraph graph = graphOf(features);
    List<Association> associations = new ArrayList<>();
    for (AssociationPair p : graph.topPairs(topK)) {
      associations.add(new Association(names.get(nonConstant[p.a()]), names.get(nonConstant[p.b()]), p.association(),
          measure(features, p.a(), p.b())));
    }
    List<RedundancyCluster> clusters = new ArrayList<>();
    for (List<Integer> cluster : graph.clusters(threshold)) {
      List<String> members = new ArrayList<>();
      for (int position : cluster) {
        members.add(names.get(nonConstant[position]));
      }
      clusters.add(new RedundancyCluster(members, members.size()));
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
            .setAssociations(associations)
            .setClusters(clusters)
            .build())
        .build();
  }

  private static AssociationGraph graphOf(MaskInput features) {
    if (features instanceof MixedAssociations mixed) {
      return mixed.graph();
    }
    int n = features.nonConstant().length;
    AssociationGraph.Builder builder = AssociationGraph.builder(n);
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        builder.set(a, b, Math.min(1.0, Math.abs(features.corrAt(a, b))));
      }
    }
    return builder.build();
  }

  private static String measure(MaskInput features, int a, int b) {
    return features instanceof MixedAssociations mixed ? mixed.measureAt(a, b) : MixedAssociations.PEARSON;
  }

  static FeatureMask mask(GroupKey key, StateCodec.Schema schema, List<String> names, long start, long end,
      MaskOptions options, Mask mask, long version, boolean soft) {
    List<String> kept = new ArrayList<>();
    mask.kept().forEach(i -> kept.add(names.get(i)));
    List<DroppedFeature> dropped = new ArrayList<>();
    for (Mask.Drop d : mask.dropped()) {
      boolean redundant = d.reason() == Mask.Reason.REDUNDANT;
      dropped.add(DroppedFeature.newBuilder()
          .setFeature(names.get(d.dimension()))
          .setReason(d.reason().label())
          .setRedundantWith(redundant ? names.get(d.redundantWith()) : null)
          .setCorr(redundant ? d.corr() : null)
          .setMeasure(!redundant ? null : d.multiple() ? "multiple"
              : measureOf(schema, names.get(d.dimension()), names.get(d.redundantWith())))
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
      for (int i = 0; i < names.size(); i++) {
        double w = mask.drops(i) || max == 0 ? 0 : (importance == null ? 1 : importance[i]) / max;
        weights.put(names.get(i), w);
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

  private static String measureOf(StateCodec.Schema schema, String a, String b) {
    boolean ca = schema.categoricalNames().contains(a);
    boolean cb = schema.categoricalNames().contains(b);
    return ca && cb ? MixedAssociations.AMI : ca || cb ? MixedAssociations.ETA : MixedAssociations.PEARSON;
  }
}
