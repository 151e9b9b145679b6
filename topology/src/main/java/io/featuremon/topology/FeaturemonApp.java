package io.featuremon.topology;

import io.featuremon.config.FeaturemonConfig;
import io.featuremon.serdes.HttpSchemaRegistryClient;
import io.featuremon.serdes.SchemaRegistryClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/** Wires the topology to a real cluster and registry: Kafka Streams settings, topic checks, error policy. */
public final class FeaturemonApp {
  private FeaturemonApp() {}

  /** Kafka Streams properties: featuremon's safe defaults, overridden by any Kafka key the user set. */
  public static Properties streamsProperties(FeaturemonConfig config) {
    if (config.bootstrapServers().isBlank()) {
      throw new ConfigException(FeaturemonConfig.BOOTSTRAP_SERVERS, "", "required: the Kafka cluster to run against");
    }
    Properties props = new Properties();
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // Kafka Streams' 100 ms under exactly-once makes every open window's tiles reach the changelog ten times a second
    // (1.34 × the input bytes at d = 384, benchmarks/README.md); at 1 s it is 0.25 ×. Results are per event-time
    // window, so the extra <1 s before a closed window's output is visible to read_committed consumers costs nothing.
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000L);
    props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    // Windows hold d² state; the record cache is what turns per-fold tile writes into one write per commit.
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 256L * 1024 * 1024);
    props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
    props.put(BoundedRocksDb.MEMORY_BYTES, Long.toString(config.rocksDbMemoryBytes()));
    config.passThrough().forEach((k, v) -> props.put(k, v));
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    return props;
  }

  /**
   * Checks every setting without contacting the cluster or the registry: featuremon's own (parsed already), the
   * Kafka Streams and client keys (through StreamsConfig, which names a bad key and its allowed values), the
   * registry client's, and the topology itself (alert rules, reference profile).
   *
   * @throws ConfigException naming the key
   */
  public static void validate(FeaturemonConfig config) {
    Properties props = streamsProperties(config);
    StreamsConfig streams = new StreamsConfig(props);
    streams.getMainConsumerConfigs("validate", "validate-client", 0);
    streams.getProducerConfigs("validate-client");
    registry(config);
    FeaturemonTopology.build(config, new io.featuremon.serdes.InMemorySchemaRegistryClient(), false);
  }

  /** How long {@link #ensureTopics} waits for the cluster before saying it cannot reach it. */
  static final java.time.Duration REACH_TIMEOUT = java.time.Duration.ofSeconds(10);

  public static SchemaRegistryClient registry(FeaturemonConfig config) {
    if (config.schemaRegistryUrl().isBlank()) {
      throw new ConfigException(FeaturemonConfig.SCHEMA_REGISTRY_URL, "", "required: the schema registry to use");
    }
    Map<String, Object> registryConfig = new HashMap<>(config.passThrough());
    registryConfig.put(FeaturemonConfig.SCHEMA_REGISTRY_URL, config.schemaRegistryUrl());
    return new HttpSchemaRegistryClient(registryConfig);
  }

  /**
   * Settings for a plain consumer that only reads (the status line, a backtest): the cluster's client settings
   * (security and the like) from the config, with "consumer."-prefixed overrides applied and keys the consumer does
   * not know left out, no group and no commits, committed records only.
   */
  public static Map<String, Object> readerSettings(FeaturemonConfig config, String clientSuffix) {
    Map<String, Object> settings = new HashMap<>();
    Set<String> known = ConsumerConfig.configNames();
    config.passThrough().forEach((k, v) -> {
      if (known.contains(k)) {
        settings.putIfAbsent(k, v);
      } else if (k.startsWith(CONSUMER_PREFIX) && known.contains(k.substring(CONSUMER_PREFIX.length()))) {
        settings.put(k.substring(CONSUMER_PREFIX.length()), v);
      }
    });
    settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
    settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    settings.put(ConsumerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-" + clientSuffix);
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return settings;
  }

  private static final String CONSUMER_PREFIX = "consumer.";

  /**
   * Checks that the input and output topics exist; with {@code create}, creates the missing ones (the masks topic
   * compacted, since only the latest mask of a key matters).
   */
  public static void ensureTopics(FeaturemonConfig config, boolean create, int partitions, short replication)
      throws InterruptedException {
    Map<String, Object> adminConfig = new HashMap<>(config.passThrough());
    adminConfig.put("bootstrap.servers", config.bootstrapServers());
    Admin admin = Admin.create(adminConfig);
    try {
      Set<String> existing;
      try {
        existing = admin.listTopics().names().get(REACH_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new ConfigException(FeaturemonConfig.BOOTSTRAP_SERVERS, config.bootstrapServers(), "no answer from the"
            + " cluster within " + REACH_TIMEOUT.toSeconds() + " s: is it running and reachable from here, and do"
            + " security.protocol and the SASL/TLS settings match its listener?");
      }
      List<String> wanted = new ArrayList<>(List.of(config.embeddingsTopic(), config.featuresTopic(),
          config.featureImportanceTopic()));
      wanted.addAll(config.outputTopics());
      List<NewTopic> missing = new ArrayList<>();
      for (String topic : wanted) {
        if (!existing.contains(topic)) {
          NewTopic t = new NewTopic(topic, partitions, replication);
          if (topic.equals(config.masksTopic()) || topic.equals(config.featureImportanceTopic())) {
            t.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
          }
          missing.add(t);
        }
      }
      if (missing.isEmpty()) {
        checkSpreadPartitions(admin, config);
        return;
      }
      if (!create) {
        throw new ConfigException("topics " + missing.stream().map(NewTopic::name).toList() + " do not exist on "
            + config.bootstrapServers() + "; create them or pass --create-topics");
      }
      admin.createTopics(missing).all().get();
      checkSpreadPartitions(admin, config);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot check topics on " + config.bootstrapServers() + ": " + e.getCause().getMessage(), e);
    } finally {
      // Not the default close, which waits out every pending call: an unreachable cluster would hold us a minute.
      admin.close(java.time.Duration.ofSeconds(1));
    }
  }

  /**
   * With spread input, the merge stage waits for the frontier of each of N partitions: an input topic with fewer
   * would hold every window back for ever, one with more would have partials nobody merges. So both must have N.
   */
  private static void checkSpreadPartitions(Admin admin, FeaturemonConfig config)
      throws InterruptedException, ExecutionException {
    int n = config.spreadPartitions();
    if (n == 0) {
      return;
    }
    var topics = admin.describeTopics(List.of(config.embeddingsTopic(), config.featuresTopic())).allTopicNames().get();
    for (var topic : topics.values()) {
      if (topic.partitions().size() != n) {
        throw new ConfigException(FeaturemonConfig.INPUT_SPREAD_PARTITIONS, n, "input topic " + topic.name() + " has "
            + topic.partitions().size() + " partitions; with spread input both input topics must have exactly this"
            + " many (set it to their partition count, or 0 to repartition events by model)");
      }
    }
  }

  /**
   * The internal topics Kafka Streams would create (repartition and changelogs), for creating them up front on a
   * fresh cluster: producing right after a topic is created can fail with sequence errors (KAFKA-15591), so the
   * demo and the integration tests create these and wait for their leaders before the application starts.
   */
  public static List<NewTopic> internalTopics(FeaturemonConfig config, int partitions) {
    String prefix = config.applicationId() + "-";
    List<NewTopic> topics = new ArrayList<>();
    // As Kafka Streams would create it: no time-based retention, or back-dated events (event time is the record
    // time here) would be deleted before the window stage reads them; Streams purges what it has consumed.
    topics.add(new NewTopic(FeaturemonTopology.repartitionTopic(config), partitions, (short) 1)
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.SEGMENT_BYTES_CONFIG, "52428800")));
    for (String store : FeaturemonTopology.stores(config)) {
      topics.add(new NewTopic(prefix + store + "-changelog", partitions, (short) 1)
          .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    }
    return topics;
  }

  /**
   * A KafkaStreams client whose stream threads are replaced after a retriable failure (broker or registry outage:
   * the record is retried from the last commit) and which shuts down on anything else (a bug must not loop).
   */
  public static KafkaStreams create(FeaturemonConfig config, SchemaRegistryClient registry) {
    return create(config, registry, Map.of(), PipelineObserver.NONE);
  }

  /** As {@link #create(FeaturemonConfig, SchemaRegistryClient)}, with processors that tell {@code observer}. */
  public static KafkaStreams create(FeaturemonConfig config, SchemaRegistryClient registry, PipelineObserver observer) {
    return create(config, registry, Map.of(), observer);
  }

  /**
   * As {@link #create(FeaturemonConfig, SchemaRegistryClient)}, with Kafka Streams settings that only this client
   * gets ({@code run} passes application.server, the address of its REST server, io.featuremon.rest) and processors
   * that tell {@code observer} (run's Prometheus metrics).
   */
  public static KafkaStreams create(FeaturemonConfig config, SchemaRegistryClient registry,
      Map<String, ?> streamsOverrides, PipelineObserver observer) {
    Properties props = streamsProperties(config);
    props.putAll(streamsOverrides);
    KafkaStreams streams = new KafkaStreams(
        FeaturemonTopology.build(config, registry, false, WhatIfRules.NONE, observer), props);
    streams.setUncaughtExceptionHandler(e -> {
      Throwable cause = e;
      while (cause.getCause() != null && !(cause instanceof RetriableException)) {
        cause = cause.getCause();
      }
      if (cause instanceof RetriableException) {
        observer.streamThreadReplaced();
        return StreamThreadExceptionResponse.REPLACE_THREAD;
      }
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    return streams;
  }
}
