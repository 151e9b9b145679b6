package io.featuremon.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.featuremon.alerts.AlertEngine;
import io.featuremon.alerts.AlertState;
import io.featuremon.alerts.AlertTransition;
import io.featuremon.alerts.RuleSet;
import io.featuremon.alerts.WindowContext;
import io.featuremon.avro.Alert;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.config.ReferenceRange;
import io.featuremon.serdes.AvroJson;
import io.featuremon.stats.CoMoments;
import io.featuremon.stats.Mask;
import io.featuremon.stats.MaskInput;
import io.featuremon.stats.MaskOptions;
import io.featuremon.stats.MaskRule;
import io.featuremon.stats.MaskStability;
import io.featuremon.stats.MixedAssociations;
import io.featuremon.stats.Redundancy;
import io.featuremon.stats.RedundancyReport;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What a closed window becomes: from its {@link WindowPartial}, the statistics, drift against the reference, the
 * mask step and the alert transitions, emitted to their sinks; and the reference and mask and alert state it moves.
 * The window stage calls it for each window it closes; with {@code input.spread.partitions}, the merge stage calls
 * it with the partials of every input partition merged.
 */
final class WindowReporter {
  private final FeaturemonConfig config;
  private final int topPairs;
  private final long minEvents;
  private final ReferencePolicy referencePolicy;
  private final boolean driftEnabled;
  private final Map<String, Map<String, Double>> importance;
  private final RuleSet alertRules;
  /** Backtests only: rule sets evaluated beside the live one over the same statistics, each to its own sink. */
  private final WhatIfRules whatIf;
  /** Told what is forwarded (the metrics endpoint); never consulted. */
  private final PipelineObserver observer;

  private ProcessorContext<String, SpecificRecord> context;
  private java.util.function.Function<Bytes, byte[]> profile;
  private KeyValueStore<Bytes, byte[]> references;
  private KeyValueStore<Bytes, byte[]> alertState;
  /** Per group, what the REST queries answer with: {@link LatestState}. */
  private KeyValueStore<Bytes, byte[]> latest;
  /** Per group, the mask's stability state (the window stage's groups store, or the merge stage's). */
  private KeyValueStore<Bytes, byte[]> maskStates;
  private org.apache.kafka.streams.state.ReadOnlyKeyValueStore<String, byte[]> importanceStore;

  WindowReporter(FeaturemonConfig config, ReferencePolicy referencePolicy, RuleSet alertRules, WhatIfRules whatIf) {
    this(config, referencePolicy, alertRules, whatIf, PipelineObserver.NONE);
  }

  WindowReporter(FeaturemonConfig config, ReferencePolicy referencePolicy, RuleSet alertRules, WhatIfRules whatIf,
      PipelineObserver observer) {
    this.observer = observer;
    this.config = config;
    this.topPairs = config.topPairs();
    this.minEvents = config.minEvents();
    this.referencePolicy = referencePolicy;
    this.driftEnabled = referencePolicy.drift();
    this.importance = config.importance();
    this.alertRules = alertRules;
    this.whatIf = whatIf;
  }

  void init(ProcessorContext<String, SpecificRecord> context, KeyValueStore<Bytes, byte[]> maskStates) {
    this.context = context;
    this.maskStates = maskStates;
    this.alertState = context.getStateStore(FeaturemonTopology.ALERTS_STORE);
    this.importanceStore = context.getStateStore(FeaturemonTopology.IMPORTANCE_STORE);
    this.references = context.getStateStore(FeaturemonTopology.REFERENCE_STORE);
    this.latest = context.getStateStore(FeaturemonTopology.LATEST_STORE);
    if (referencePolicy.fromProfile()) {
      java.util.Map<Bytes, byte[]> entries = Profiles.read(java.nio.file.Path.of(config.referenceProfile()));
      this.profile = entries::get;
    }
  }

  /**
   * With reference.from/to: the events of the range, collected like a window's, become the reference, with the
   * same statistics a window over them would have.
   */
  void saveRangeReference(GroupKey key, byte[] group, StateCodec.Schema schema, WindowPartial c) {
    ReferenceRange range = referencePolicy.range();
    if (c.events() > 0) {
      RedundancyReport report = Redundancy.analyze(c.moments(), topPairs);
      new Reference(range.from(), range.to(), c.moments().count(), report.meanAbsCorr(), report.effectiveRank(),
          c.moments().header().mean(), c.sketches().sketches, c.categorical().counts, Reference.namesOf(schema))
          .save(references, group);
      List<String> names = schema.allNames();
      WindowStats stats = WindowOutputs.stats(key, schema, names, range.from(), range.to(),
          c.events(), c.incomplete(), report, report, Mask.of(names.size(), List.of()), config.maskThreshold(), topPairs);
      references.put(Reference.statsKey(group), Reference.encodeStats(AvroJson.toJsonLine(stats)));
    }
  }

  /** Reports the window [start, end) from its merged partial; its outputs carry record time {@code time}. */
  void report(GroupKey key, byte[] group, StateCodec.Schema schema, long start, long end, WindowPartial partial,
      long time) {
    try {
      emitWindow(key, group, schema, start, end, partial, time);
    } catch (ArithmeticException e) {
      // A numerical failure (an eigen decomposition that does not converge) is this window's problem, not the
      // application's: the window is reported with its counts and the reason, and decides nothing.
      StateCodec.Schema none = new StateCodec.Schema(0, schema.featureNames() == null ? null : List.of(), List.of());
      RedundancyReport empty = Redundancy.analyze(CoMoments.empty(0), topPairs);
      WindowStats stats = WindowOutputs.stats(key, none, List.of(), start, end, partial.events(),
          partial.incomplete(), empty, empty, Mask.of(0, List.of()), config.maskThreshold(), topPairs);
      stats.setDimensions(schema.dimensions());
      stats.setError("statistics not computed: " + e.getMessage());
      emit(key.outputKey(), stats, time);
      LatestState.update(latest, group, start, end, AvroJson.toJsonLine(stats), null, List.of());
    }
  }

  private void emitWindow(GroupKey key, byte[] group, StateCodec.Schema schema, long start, long end,
      WindowPartial collected, long time) {
    int d = schema.dimensions();
    CoMoments merged = collected.moments();
    long incomplete = collected.incomplete();
    long[] missing = collected.missing();
    RedundancyReport report = Redundancy.analyze(merged, topPairs);

    // The mask works over every feature, addressed by position in the sorted names (numeric and categorical).
    List<String> names = schema.allNames();
    int[] numericIndex = new int[d];
    for (int k = 0; k < d; k++) {
      numericIndex[k] = schema.featureNames() == null ? k : names.indexOf(schema.featureNames().get(k));
    }
    double[] activeShare = new double[names.size()];
    java.util.Arrays.fill(activeShare, Double.NaN);
    for (int k = 0; k < d; k++) {
      activeShare[numericIndex[k]] = merged.header().activeShare(k);
    }
    MaskInput maskInput = report;
    CategoricalState window = collected.categorical();
    if (schema.hasCategorical()) {
      int[] categoricalIndex = schema.categoricalNames().stream().mapToInt(names::indexOf).toArray();
      maskInput = MixedAssociations.of(names.size(), numericIndex, report, categoricalIndex, window.counts,
          window.pairs, window.grouped);
    }
    MaskOptions options = maskOptions(key, names);
    Bytes maskKey = StateCodec.groupKey(group, StateCodec.KIND_MASK);
    byte[] maskBytes = maskStates.get(maskKey);
    MaskStability.State maskState = maskBytes == null || StateCodec.maskDimensions(maskBytes) != names.size()
        ? MaskStability.State.initial(names.size()) : StateCodec.decodeMaskState(maskBytes);
    Mask verdicts = MaskRule.apply(maskInput, activeShare, options, maskState.previouslyFlagged());
    // A window with too few events still reports its statistics, but decides nothing: no mask change, no
    // reference, no alert evaluation (three events make any two features look redundant).
    boolean enough = merged.count() + incomplete >= minEvents;
    MaskStability.Step step = enough ? MaskStability.next(maskState, verdicts, options) : null;
    if (enough) {
      maskStates.put(maskKey, StateCodec.encodeMaskState(step.state()));
    }

    io.featuremon.avro.Drift drift = null;
    Reference replacement = null;
    String referenceJson = null;
    if (driftEnabled) {
      DriftState sketches = collected.sketches();
      Reference reference = Reference.load(profile != null ? profile : references::get, group);
      if (ReferencePolicy.comparable(reference, schema)) {
        drift = DriftOutputs.compare(referencePolicy.mode(), config.driftAlpha(), schema, reference, sketches,
            merged.header().mean(), window.counts, report);
        // The relative rules compare with the statistics of the very window drift compared with: read before this
        // window may replace them (mode=previous compares with the window before).
        referenceJson = referenceStats(group);
      }
      if (referencePolicy.windowBecomesReference(enough, reference, schema)) {
        replacement = new Reference(start, end, merged.count(), report.meanAbsCorr(), report.effectiveRank(),
            merged.header().mean(), sketches.sketches, window.counts, Reference.namesOf(schema));
      }
    }

    String outputKey = key.outputKey();
    WindowStats stats = WindowOutputs.stats(key, schema, names, start, end, merged.count() + incomplete, incomplete,
        report, maskInput, verdicts, config.maskThreshold(), topPairs);
    stats.setDrift(drift);
    stats.setQuality(quality(schema, merged.count() + incomplete, missing, window, collected.rejected()));
    // The statistics as JSON, once: the alert rules read the tree; the reference and the latest store keep the line.
    JsonNode statsJson = AvroJson.toJson(stats);
    String statsLine = AvroJson.toJsonLine(statsJson);
    if (replacement != null) {
      // Sketches and statistics are replaced together, whether or not alert rules are configured now: rules added
      // on a restart must compare with the same window drift does.
      replacement.save(references, group);
      references.put(Reference.statsKey(group), Reference.encodeStats(statsLine));
    }
    emit(outputKey, stats, time);
    String maskJson = null;
    if (enough && step.changed()) {
      FeatureMask featureMask = WindowOutputs.mask(key, schema, names, start, end, options,
          MaskRule.attributeToKept(step.mask(), maskInput), step.version(), config.softMasks());
      emit(outputKey, featureMask, time);
      maskJson = AvroJson.toJsonLine(featureMask);
    }
    if (enough && step.version() > 0) {
      // The mask serving has now, from the stored mask state, at every window: an instance that took the task over
      // knows it from its first window, not only from the next change.
      Mask published = step.state().published();
      observer.mask(context.taskId(), stats, published.kept().size(), published.dropped().size(), step.version());
    }
    List<Alert> transitions = enough ? evaluateAlerts(group, outputKey, stats, statsJson, time, referenceJson)
        : List.of();
    LatestState.update(latest, group, start, end, statsLine, maskJson, transitions);
  }

  /**
   * Runs the alert rules over the window's statistics (and, for relative rules, {@code referenceJson}: the
   * statistics of the reference drift compared with, or null): the engine's state per group lives in the alerts
   * store, so the lifecycle survives restarts and a replay fires exactly as live. Returns the live set's
   * transitions (the what-if sets' are not what fires).
   */
  private List<Alert> evaluateAlerts(byte[] group, String outputKey, WindowStats stats, JsonNode json, long time,
      String referenceJson) {
    if (alertRules.isEmpty() && whatIf.isEmpty()) {
      return List.of();
    }
    JsonNode reference = null;
    if (referenceJson != null) {
      try {
        reference = JSON.readTree(referenceJson);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("unreadable reference statistics", e);
      }
    }
    WindowContext window = WindowContext.of(json, reference);
    List<Alert> live = new java.util.ArrayList<>();
    for (AlertTransition transition : evaluate(StateCodec.alertKey(group, "engine"), alertRules, window)) {
      Alert alert = transition.toAvro();
      emit(outputKey, alert, time);
      live.add(alert);
    }
    if (!alertRules.isEmpty()) {
      observer.alertsFiring(context.taskId(), stats, firingByRule(StateCodec.alertKey(group, "engine")));
    }
    // Each what-if set has its own lifecycle state beside the live one's, and sees the very statistics and
    // reference the live rules saw: that is what makes its alerts comparable with them.
    for (int i = 0; i < whatIf.size(); i++) {
      Bytes key = StateCodec.alertKey(group, WhatIfRules.STATE_PREFIX + whatIf.name(i));
      for (AlertTransition transition : evaluate(key, whatIf.rules(i), window)) {
        context.forward(new Record<>(outputKey, transition.toAvro(), time), WhatIfRules.sink(i));
      }
    }
    return live;
  }

  private List<AlertTransition> evaluate(Bytes stateKey, RuleSet rules, WindowContext window) {
    if (rules.isEmpty()) {
      return List.of();
    }
    byte[] stateBytes = alertState.get(stateKey);
    AlertState state = stateBytes == null ? AlertState.empty() : AlertState.fromBytes(stateBytes);
    AlertEngine.Evaluation evaluation = AlertEngine.evaluate(state, rules, window);
    alertState.put(stateKey, evaluation.state().toBytes());
    return evaluation.transitions();
  }

  /** Every live rule with how many of its alerts fire now, from the state the evaluation just stored. */
  private Map<String, Integer> firingByRule(Bytes stateKey) {
    Map<String, Integer> firing = new java.util.TreeMap<>();
    for (io.featuremon.alerts.AlertRule rule : alertRules.rules()) {
      firing.put(rule.name(), 0);
    }
    byte[] stateBytes = alertState.get(stateKey);
    if (stateBytes != null) {
      for (AlertState.ActiveAlert active : AlertState.fromBytes(stateBytes).firing()) {
        firing.merge(active.rule(), 1, Integer::sum);
      }
    }
    return firing;
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();


  /** The reference window's WindowStats JSON, from the profile or the reference store. */
  private String referenceStats(byte[] group) {
    byte[] bytes = profile != null ? profile.apply(Reference.statsKey(group)) : references.get(Reference.statsKey(group));
    return bytes == null ? null : Reference.decodeStats(bytes);
  }

  private static io.featuremon.avro.Quality quality(StateCodec.Schema schema, long events, long[] missing,
      CategoricalState categorical, java.util.SortedMap<String, Long> rejected) {
    java.util.SortedMap<String, Double> missingRate = new java.util.TreeMap<>();
    if (schema.featureNames() != null && events > 0) {
      for (int k = 0; k < missing.length; k++) {
        missingRate.put(schema.featureNames().get(k), (double) missing[k] / events);
      }
      for (int j = 0; j < schema.categoricalNames().size(); j++) {
        missingRate.put(schema.categoricalNames().get(j), (double) categorical.counts[j].missing() / events);
      }
    }
    return new io.featuremon.avro.Quality(new java.util.LinkedHashMap<>(missingRate),
        rejected.getOrDefault(Validation.NON_FINITE, 0L), new java.util.LinkedHashMap<>(rejected));
  }

  /** Protected features and importances are configured by name; the mask works on feature positions. */
  private MaskOptions maskOptions(GroupKey key, List<String> names) {
    java.util.Set<Integer> protectedDims = new java.util.TreeSet<>();
    for (String name : config.protectedFeatures()) {
      int index = names.indexOf(name);
      if (index >= 0) {
        protectedDims.add(index);
      }
    }
    double[] weights = null;
    // The topic's latest record for the model wins over the config.
    byte[] fromTopic = importanceStore.get(key.model());
    Map<String, Double> byName = fromTopic != null ? ImportanceUpdater.decode(fromTopic) : importance.get(key.model());
    if (byName != null) {
      weights = new double[names.size()];
      for (Map.Entry<String, Double> e : byName.entrySet()) {
        int index = names.indexOf(e.getKey());
        if (index >= 0) {
          weights[index] = e.getValue();
        }
      }
    }
    return new MaskOptions(config.maskThreshold(), config.maskHysteresis(), config.deadMaxActiveShare(), protectedDims,
        weights, config.maxDropFraction(), config.minKept(), config.stableWindows(), config.linearCombinations());
  }

  // ---- outputs: each type goes to its own sink, chosen by the overload at compile time; there is no other way out
  // of the window stage, so no output is ever told apart by its runtime type.

  private void emit(String outputKey, WindowStats stats, long time) {
    observer.window(context.taskId(), stats);
    context.forward(new Record<>(outputKey, stats, time), FeaturemonTopology.WINDOW_STATS_SINK);
  }

  private void emit(String outputKey, FeatureMask mask, long time) {
    context.forward(new Record<>(outputKey, mask, time), FeaturemonTopology.MASKS_SINK);
  }

  private void emit(String outputKey, Alert alert, long time) {
    context.forward(new Record<>(outputKey, alert, time), FeaturemonTopology.ALERTS_SINK);
  }
}
