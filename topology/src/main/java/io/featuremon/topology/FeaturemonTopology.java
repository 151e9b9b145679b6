package io.featuremon.topology;

import io.featuremon.avro.Alert;
import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.SchemaRegistryClient;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.common.utils.Bytes;

/**
 * The one featuremon topology, a pure function of its config; {@code run}, {@code demo}, {@code replay} and the
 * tests all build it here.
 *
 * <pre>
 * embeddings-source ─ decode-embeddings ─┐                ┌─ decode-dead-letters ─▶ dead letters
 * features-source ─── decode-features ───┴─ merge ─ split ┤
 *                                                         └─ featuremon-events-by-group (repartition by model|segment|type)
 *                                                              └─ window-statistics [groups, moments, pending, alerts, reference, latest stores]
 *                                                                   ├─▶ window stats
 *                                                                   ├─▶ masks
 *                                                                   ├─▶ alerts
 *                                                                   └─▶ dead letters (late, wrong dimension)
 * </pre>
 *
 * <p>With spread input ({@code input.spread.partitions} = N), no event is repartitioned: the window stage runs in the
 * decoding task of each input partition, and sends each window it closes as a partial (and its stream time as a
 * frontier) to {@code featuremon-partials}, keyed by group; {@code merge-statistics} [partials, merge, alerts,
 * reference, latest stores] merges a window's N partials in partition order once every partition is past it, and emits the
 * window stats, masks and alerts. {@code docs/design-per-partition-statistics.md} says why.
 *
 * <p>Every processor, store and internal topic has an explicit name: renaming one is a visible decision (it drops
 * state on upgrade), which {@code TopologyDescriptionTest} guards.
 */
public final class FeaturemonTopology {
  public static final String GROUPS_STORE = "featuremon-groups-store";
  public static final String MOMENTS_STORE = "featuremon-moments-store";
  public static final String PENDING_STORE = "featuremon-pending-store";
  public static final String ALERTS_STORE = "featuremon-alerts-store";
  /** Global (every instance holds all of it): model → feature importance, from the feature-importance topic. */
  public static final String IMPORTANCE_STORE = "featuremon-importance-store";
  /** Per group: the reference drift is measured against (a window's sketches, counts, mean and redundancy). */
  public static final String REFERENCE_STORE = "featuremon-reference-store";
  /**
   * Per group, one entry: the latest window's statistics, the current mask and the firing alerts, as the output
   * topics carried them ({@link LatestState}); what the REST queries read (io.featuremon.rest). Logged, so it
   * survives restarts and moves with its task.
   */
  public static final String LATEST_STORE = "featuremon-latest-store";
  public static final List<String> STORES = List.of(GROUPS_STORE, MOMENTS_STORE, PENDING_STORE, ALERTS_STORE,
      REFERENCE_STORE, LATEST_STORE);
  public static final String REPARTITION = "featuremon-events-by-group";
  /** Spread input (input.spread.partitions): per group, the partials and frontiers of every input partition. */
  public static final String PARTIALS_STORE = "featuremon-partials-store";
  /** Spread input: per group, the partials' index, each partition's frontier, the mask state. */
  public static final String MERGE_STORE = "featuremon-merge-store";
  /** Spread input: the window stage's stores (one per input partition) and the merge stage's. */
  public static final List<String> SPREAD_WINDOW_STORES = List.of(GROUPS_STORE, MOMENTS_STORE, PENDING_STORE);
  public static final List<String> MERGE_STORES = List.of(PARTIALS_STORE, MERGE_STORE, ALERTS_STORE, REFERENCE_STORE,
      LATEST_STORE);
  /** Spread input: the topic of partials, keyed by group; it replaces the repartition of events. */
  public static final String PARTIALS = "featuremon-partials";
  /** The node the window stage forwards partials to (the DSL names it after the repartition). */
  static final String PARTIALS_CHILD = PARTIALS + "-repartition-filter";
  static final String MERGE_STAGE = "merge-statistics";
  static final String MERGE_DEAD_LETTERS_SINK = "merge-dead-letters-sink";
  /** The window stage's processor, and the sinks it forwards each output type to by name. */
  static final String WINDOW_STAGE = "window-statistics";
  static final String WINDOW_STATS_SINK = "window-stats-sink";
  static final String MASKS_SINK = "masks-sink";
  static final String ALERTS_SINK = "alerts-sink";
  static final String WINDOW_DEAD_LETTERS_SINK = "window-dead-letters-sink";
  /** Header of the end-of-input marker records that offline replays send; its value is "model" or "model\nsegment". */
  public static final String END_OF_INPUT_HEADER = "featuremon.end-of-input";

  private FeaturemonTopology() {}

  /**
   * @param registry schema registry for decoding inputs and encoding outputs
   * @param acceptEndOfInput honour end-of-input marker records (offline replays only)
   */
  public static Topology build(FeaturemonConfig config, SchemaRegistryClient registry, boolean acceptEndOfInput) {
    return build(config, registry, acceptEndOfInput, WhatIfRules.NONE);
  }

  /**
   * @param whatIf rule sets evaluated beside the live one (backtests and replays only): each one's alerts go to its
   *     own sink, {@link WhatIfRules#sink}, writing to the topic {@link WhatIfRules#topic}
   */
  public static Topology build(FeaturemonConfig config, SchemaRegistryClient registry, boolean acceptEndOfInput,
      WhatIfRules whatIf) {
    return build(config, registry, acceptEndOfInput, whatIf, PipelineObserver.NONE);
  }

  /**
   * @param observer told by the processors what they see and forward (the metrics endpoint of {@code run}); it
   *     changes neither the topology nor any output
   */
  public static Topology build(FeaturemonConfig config, SchemaRegistryClient registry, boolean acceptEndOfInput,
      WhatIfRules whatIf, PipelineObserver observer) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));

    boolean spread = config.spreadPartitions() > 0;
    for (String store : spread ? stores(config) : STORES) {
      builder.addStateStore(store(store));
    }

    // The global store's source topic is its changelog, so the store itself is not logged.
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IMPORTANCE_STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled(),
        config.featureImportanceTopic(),
        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("feature-importance-source"),
        () -> new ImportanceUpdater(registry));

    Validation validation = new Validation(config);
    // Offline replays write every schema they read into their own registry: an unknown id there is the record's.
    UnknownSchemaRetry unknownSchemas = acceptEndOfInput ? UnknownSchemaRetry.never()
        : new UnknownSchemaRetry(config.unknownSchemaRetry());
    KStream<GroupKey, DecodeResult> embeddings = builder
        .stream(config.embeddingsTopic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("embeddings-source"))
        .process(() -> new DecodeProcessor(EventType.EMBEDDING, registry, validation, config.maxRecordBytes(),
            acceptEndOfInput, unknownSchemas, observer), Named.as("decode-embeddings"));
    KStream<GroupKey, DecodeResult> features = builder
        .stream(config.featuresTopic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("features-source"))
        .process(() -> new DecodeProcessor(EventType.FEATURES, registry, validation, config.maxRecordBytes(),
            acceptEndOfInput, unknownSchemas, observer), Named.as("decode-features"));

    Map<String, KStream<GroupKey, DecodeResult>> decoded = embeddings.merge(features, Named.as("merge-decoded"))
        .split(Named.as("decoded-"))
        .branch((k, v) -> v.isValid(), Branched.as("valid"))
        .defaultBranch(Branched.as("dead"));

    AvroSerde<DeadLetter> deadLetterSerde = new AvroSerde<>(DeadLetter.class, registry);
    decoded.get("decoded-dead")
        .map((k, v) -> KeyValue.pair((String) null, v.deadLetter()), Named.as("decode-dead-letters"))
        .to(config.deadLettersTopic(), Produced.with(Serdes.String(), deadLetterSerde).withName("decode-dead-letters-sink"));

    io.featuremon.alerts.RuleSet alerts = AlertRulesConfig.load(config);
    KStream<GroupKey, MonitoredEvent> events = decoded.get("decoded-valid")
        .mapValues(DecodeResult::event, Named.as("decoded-events"));
    String reportStage;
    if (spread) {
      // Statistics per input partition, in the decoding task; only each window's partials cross the network.
      events
          .process(spreadWindowStage(config, observer), Named.as(WINDOW_STAGE), SPREAD_WINDOW_STORES.toArray(new String[0]))
          .repartition(Repartitioned.with(Serdes.Bytes(), Serdes.ByteArray()).withName(PARTIALS)
              .withStreamPartitioner(FeaturemonTopology::partialsPartition))
          .process(() -> new MergeProcessor(config, alerts, whatIf, observer), Named.as(MERGE_STAGE), MERGE_STORES.toArray(new String[0]));
      reportStage = MERGE_STAGE;
    } else {
      events
          .repartition(Repartitioned.with(GroupKey.serde(), MonitoredEvent.serde()).withName(REPARTITION))
          .process(() -> new WindowProcessor(config, alerts, whatIf, observer), Named.as(WINDOW_STAGE), STORES.toArray(new String[0]));
      reportStage = WINDOW_STAGE;
    }

    // The window stage forwards each output type straight to its own sink by name (WindowReporter.emit), so no
    // stream of mixed types is split by runtime type and no unexpected type can be cast into a wrong topic.
    Topology topology = builder.build();
    StringSerializer keys = new StringSerializer();
    topology.addSink(WINDOW_STATS_SINK, config.windowStatsTopic(), keys,
        new AvroSerde<>(WindowStats.class, registry).serializer(), reportStage);
    topology.addSink(MASKS_SINK, config.masksTopic(), keys, new AvroSerde<>(FeatureMask.class, registry).serializer(),
        reportStage);
    topology.addSink(ALERTS_SINK, config.alertsTopic(), keys, new AvroSerde<>(Alert.class, registry).serializer(),
        reportStage);
    for (int i = 0; i < whatIf.size(); i++) {
      topology.addSink(WhatIfRules.sink(i), WhatIfRules.topic(config, i), keys,
          new AvroSerde<>(Alert.class, registry).serializer(), reportStage);
    }
    topology.addSink(WINDOW_DEAD_LETTERS_SINK, config.deadLettersTopic(), keys, deadLetterSerde.serializer(),
        WINDOW_STAGE);
    if (spread) {
      topology.addSink(MERGE_DEAD_LETTERS_SINK, config.deadLettersTopic(), keys, deadLetterSerde.serializer(),
          MERGE_STAGE);
    }
    return topology;
  }

  /**
   * The window stage of spread input. It forwards two kinds of record, each to a named child: partials (Bytes,
   * byte[]) to the partials topic, and dead letters (String, DeadLetter) to their sink; the DSL types its output
   * stream by the partials.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ProcessorSupplier<GroupKey, MonitoredEvent, Bytes, byte[]> spreadWindowStage(FeaturemonConfig config,
      PipelineObserver observer) {
    return () -> (Processor) new WindowProcessor(config, context -> new PartialSender(config, context), observer);
  }

  /** The stores of the topology {@code config} builds. */
  public static List<String> stores(FeaturemonConfig config) {
    if (config.spreadPartitions() == 0) {
      return STORES;
    }
    List<String> all = new java.util.ArrayList<>(SPREAD_WINDOW_STORES);
    all.addAll(MERGE_STORES);
    return all;
  }

  /**
   * The repartition topic Kafka Streams creates for the topology {@code config} builds (events by group, or
   * partials by group), named as on the cluster: under the application id.
   */
  public static String repartitionTopic(FeaturemonConfig config) {
    return config.applicationId() + "-" + (config.spreadPartitions() == 0 ? REPARTITION : PARTIALS) + "-repartition";
  }

  /**
   * A partial's partition: by its group (the key's length-prefixed group key), so all partials of a group meet in
   * one merge task. murmur2, as Kafka's own partitioner, over the group bytes alone.
   */
  static java.util.Optional<java.util.Set<Integer>> partialsPartition(String topic, Bytes key, byte[] value,
      int numPartitions) {
    byte[] k = key.get();
    byte[] group = java.util.Arrays.copyOf(k, StateCodec.groupPrefixLength(k));
    return java.util.Optional.of(java.util.Set.of(
        org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(group)) % numPartitions));
  }

  /** Logged (exactly-once needs the changelog) and cached (repeated tile writes reach RocksDB once per commit). */
  private static StoreBuilder<KeyValueStore<Bytes, byte[]>> store(String name) {
    if (name.equals(LATEST_STORE)) {
      // Written once per closed window, so a cache saves nothing; without one, queries read RocksDB directly.
      return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray())
          .withCachingDisabled();
    }
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray())
        .withCachingEnabled();
  }
}
