package io.featuremon.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.alerts.AlertRules;
import io.featuremon.alerts.RuleSet;
import io.featuremon.avro.Alert;
import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The window stage on its own, on a MockProcessorContext with in-memory stores: what a restart does (a new processor
 * on the stores a restarted task restores from its changelogs; TopologyTestDriver wipes its state directory on
 * close), and where each output goes.
 */
class WindowProcessorTest {
  static final long HOUR = 3_600_000L;
  static final long T0 = 1_767_225_600_000L;
  static final double RATIO = 1.1;
  static final String RELATIVE_RULE = "version: 1\nrules:\n  - name: MoreRedundantThanReference\n"
      + "    metric: redundancy.meanAbsCorr\n    relative: {atLeast: " + RATIO + "}\n";

  private final MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
  private final List<StateStore> stores = new ArrayList<>();

  WindowProcessorTest() {
    for (String name : FeaturemonTopology.STORES) {
      add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray())
          .withLoggingDisabled().build());
    }
    add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(FeaturemonTopology.IMPORTANCE_STORE), Serdes.String(),
        Serdes.ByteArray()).withLoggingDisabled().build());
  }

  private void add(StateStore store) {
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    stores.add(store);
  }

  private static FeaturemonConfig config() {
    Map<String, String> settings = new HashMap<>(Map.of(FeaturemonConfig.WINDOW_SIZE, "1h",
        FeaturemonConfig.WINDOW_GRACE, "10m", FeaturemonConfig.WINDOW_CLOSE_QUORUM, "1",
        FeaturemonConfig.FOLD_BATCH_SIZE, "16", FeaturemonConfig.ALERT_DRIFT, "false",
        FeaturemonConfig.ALERT_REDUNDANCY_TREND, "false"));
    return FeaturemonConfig.load(settings, null, Map.of());
  }

  /** 200 embeddings in window w whose dimensions share a common factor with weight share. */
  private static void window(WindowProcessor processor, Random random, int w, double share) {
    for (int i = 0; i < 200; i++) {
      double common = random.nextGaussian();
      float[] v = new float[5];
      for (int j = 0; j < v.length; j++) {
        v[j] = (float) (Math.sqrt(share) * common + Math.sqrt(1 - share) * random.nextGaussian());
      }
      long t = T0 + w * HOUR + i * 10_000L;
      processor.process(new Record<>(new GroupKey("m", null, EventType.EMBEDDING), new MonitoredEvent(
          EventType.EMBEDDING, t, null, "featuremon-embeddings", 0, w * 1000L + i, t, v, null, false, null), t));
    }
  }

  /**
   * Drift and the relative alert rules compare a window with the same reference window, whatever happened in
   * between: here, a deployment that ran without alert rules (an empty rules file), restarted with a relative rule.
   */
  @Test
  void alertRulesAddedOnARestartCompareWithTheWindowDriftComparesWith() {
    FeaturemonConfig config = config();
    Random random = new Random(11);
    // alert.rules naming a file without rules: the way to run with no alerting (the built-in rules always hold one).
    RuleSet none = AlertRules.parse("version: 1\nrules: []\n", "empty rules file");
    assertThat(none.isEmpty()).isTrue();
    WindowProcessor withoutRules = new WindowProcessor(config, none);
    withoutRules.init(context);
    window(withoutRules, random, 0, 0.2);
    window(withoutRules, random, 1, 0.5); // its first events close window 0, which becomes the reference

    RuleSet relative = AlertRules.parse(RELATIVE_RULE, "test rules");
    WindowProcessor restarted = new WindowProcessor(config, relative);
    restarted.init(context);
    window(restarted, random, 2, 0.8);
    restarted.process(new Record<>(new GroupKey("m", null, EventType.EMBEDDING), MonitoredEvent.endOfInput(
        EventType.EMBEDDING, "featuremon-embeddings", 0, 9999, T0), T0));

    Map<Long, WindowStats> stats = new TreeMap<>();
    List<Alert> alerts = new ArrayList<>();
    for (var forward : context.forwarded()) {
      if (forward.record().value() instanceof WindowStats s) {
        stats.put(s.getWindowStart(), s);
      } else if (forward.record().value() instanceof Alert a) {
        alerts.add(a);
      }
    }
    assertThat(stats).containsOnlyKeys(T0, T0 + HOUR, T0 + 2 * HOUR);
    for (long start : List.of(T0 + HOUR, T0 + 2 * HOUR)) {
      assertThat(stats.get(start).getDrift().getReferenceStart()).as("drift's reference of window %d", start)
          .isEqualTo(T0);
    }
    // Window 1 is evaluated by the restarted run: its relative rule must have the reference drift has, window 0.
    double reference = stats.get(T0).getRedundancy().getMeanAbsCorr();
    assertThat(stats.get(T0 + HOUR).getRedundancy().getMeanAbsCorr()).as("window 1 breaches ratio x window 0")
        .isGreaterThan(RATIO * reference);
    assertThat(alerts).as("the relative rule fired in window 1, against window 0").isNotEmpty();
    assertThat(alerts.get(0).getWindowStart()).isEqualTo(T0 + HOUR);
    for (Alert alert : alerts) {
      assertThat(alert.getThreshold()).as("ratio x the reference's meanAbsCorr, window %d", alert.getWindowStart())
          .isCloseTo(RATIO * reference, org.assertj.core.data.Offset.offset(1e-12));
    }
  }

  /** Each output type leaves by its own named sink; nothing is forwarded untargeted, to be split by runtime type. */
  @Test
  void everyOutputShouldGoToTheSinkOfItsType() {
    FeaturemonConfig config = config();
    WindowProcessor processor = new WindowProcessor(config, AlertRules.parse(RELATIVE_RULE, "test rules"));
    processor.init(context);
    Random random = new Random(12);
    window(processor, random, 0, 0.2);
    window(processor, random, 1, 0.6);
    long late = T0 + 5;
    processor.process(new Record<>(new GroupKey("m", null, EventType.EMBEDDING), new MonitoredEvent(
        EventType.EMBEDDING, late, null, "featuremon-embeddings", 0, 5000, late, new float[5], null, false, null), late));
    processor.process(new Record<>(new GroupKey("m", null, EventType.EMBEDDING), MonitoredEvent.endOfInput(
        EventType.EMBEDDING, "featuremon-embeddings", 0, 9999, T0), T0));

    Map<Class<?>, String> sinks = Map.of(WindowStats.class, "window-stats-sink", FeatureMask.class, "masks-sink",
        Alert.class, "alerts-sink", DeadLetter.class, "window-dead-letters-sink");
    Map<String, Integer> seen = new TreeMap<>();
    for (var forward : context.forwarded()) {
      Object value = forward.record().value();
      assertThat(forward.childName()).as("sink of a %s", value.getClass().getSimpleName())
          .contains(sinks.get(value.getClass()));
      seen.merge(forward.childName().orElseThrow(), 1, Integer::sum);
    }
    assertThat(seen).as("every output type occurs").containsOnlyKeys(sinks.values());
  }

  /**
   * The latest store (what REST queries answer with) holds, per group, the last window's statistics, the last mask
   * published and the alerts fired and not resolved since, each exactly as the record its sink got renders.
   */
  @Test
  void theLatestStoreHoldsTheLastWindowTheCurrentMaskAndTheFiringAlertsAsTheirRecordsRender() {
    FeaturemonConfig config = config();
    WindowProcessor processor = new WindowProcessor(config, AlertRules.parse(RELATIVE_RULE, "test rules"));
    processor.init(context);
    Random random = new Random(13);
    window(processor, random, 0, 0.2);
    window(processor, random, 1, 0.9); // fires: far more redundant than the reference, window 0
    window(processor, random, 2, 0.9);
    window(processor, random, 3, 0.2); // resolves: back to the reference's level
    GroupKey group = new GroupKey("m", null, EventType.EMBEDDING);
    processor.process(new Record<>(group, MonitoredEvent.endOfInput(EventType.EMBEDDING, "featuremon-embeddings", 0,
        9999, T0), T0));

    String lastStats = null;
    String lastMask = null;
    Map<String, String> firing = new TreeMap<>();
    List<String> statuses = new ArrayList<>();
    org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> latest =
        context.getStateStore(FeaturemonTopology.LATEST_STORE);
    LatestState afterWindow2 = null;
    for (var forward : context.forwarded()) {
      Object value = forward.record().value();
      if (value instanceof WindowStats s) {
        lastStats = io.featuremon.serdes.AvroJson.toJsonLine(s);
      } else if (value instanceof FeatureMask m) {
        lastMask = io.featuremon.serdes.AvroJson.toJsonLine(m);
      } else if (value instanceof Alert a) {
        statuses.add(a.getStatus() + "@" + a.getWindowStart());
        if (a.getStatus().equals("firing")) {
          firing.put(a.getFingerprint(), io.featuremon.serdes.AvroJson.toJsonLine(a));
        } else {
          firing.remove(a.getFingerprint());
        }
      }
    }
    assertThat(statuses).as("the rule fired and resolved").contains("firing@" + (T0 + HOUR))
        .anyMatch(s -> s.startsWith("resolved@"));
    assertThat(lastMask).as("a mask was published").isNotNull();
    LatestState state = LatestState.fromBytes(latest.get(LatestState.key(group)));
    assertThat(state.windowJson()).isEqualTo(lastStats);
    assertThat(state.windowStart()).isEqualTo(T0 + 3 * HOUR);
    assertThat(state.maskJson()).isEqualTo(lastMask);
    assertThat(state.firingAlerts()).isEqualTo(firing).isEmpty();
    assertThat(LatestState.group(LatestState.key(group))).isEqualTo(group);
  }
}
