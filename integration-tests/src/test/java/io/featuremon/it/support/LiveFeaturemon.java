package io.featuremon.it.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.replay.JsonlEvent;
import io.featuremon.serdes.AvroJson;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.HttpSchemaRegistryClient;
import io.featuremon.serdes.SchemaRegistryClient;
import io.featuremon.serdes.SchemaRegistryConfig;
import io.featuremon.topology.EventType;
import io.featuremon.topology.FeaturemonApp;
import io.featuremon.topology.FeaturemonTopology;
import io.featuremon.topology.PipelineObserver;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * One featuremon application on the shared {@link KafkaStack}: input, output and internal topics and an
 * application id that no other test uses, the real application ({@link FeaturemonApp#create}, exactly-once)
 * on them, and the means to feed it and to watch its progress through its consumer group.
 *
 * <pre>{@code
 * try (LiveFeaturemon live = LiveFeaturemon.create(stack, "replay", Map.of("window.size", "1h"))) {
 *     live.produce(jsonLines);               // Avro, Confluent wire format, key = model, timestamp = event time
 *     live.start(stateDir);
 *     live.awaitCaughtUp(Duration.ofSeconds(90));
 *     List<String> stats = live.readJsonLines(live.config().windowStatsTopic(), WindowStats.class);
 * }
 * }</pre>
 *
 * <p>{@link #stop()} then {@link #start(Path)} again runs a new instance with the same application id. Closing
 * stops the running instance and the clients; the topics stay until the shared broker goes.
 *
 * <p>Every topic made here keeps its records forever ({@code retention.ms=-1}): the test data carries real
 * event times from early 2026, and with the broker's default seven-day retention its retention check would
 * delete them part-way through a test (Kafka Streams makes its own repartition topics the same way).
 */
public final class LiveFeaturemon implements AutoCloseable {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final Map<String, String> settings;
    private final Admin admin;
    private final SchemaRegistryClient registry;
    private final Map<EventType, Serializer<SpecificRecord>> serializers = new HashMap<>();
    private final List<String> inputTopics;
    private final String repartitionTopic;
    private FeaturemonConfig config;
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaStreams streams;
    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.CREATED);
    private final Map<String, AtomicLong> restored = new ConcurrentHashMap<>();
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    private boolean recordUncaught;
    private KafkaProducer<byte[], byte[]> largeProducer;
    private PipelineObserver observer = PipelineObserver.NONE;

    private LiveFeaturemon(String bootstrapServers, String registryUrl, Map<String, String> settings) {
        this.bootstrapServers = bootstrapServers;
        this.settings = settings;
        this.config = FeaturemonConfig.load(settings, null, Map.of());
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers));
        this.registry = new HttpSchemaRegistryClient(Map.of(SchemaRegistryConfig.URL, registryUrl));
        serializers.put(EventType.EMBEDDING, serializer(new AvroSerde<>(EmbeddingEvent.class, registry)));
        serializers.put(EventType.FEATURES, serializer(new AvroSerde<>(FeatureEvent.class, registry)));
        this.inputTopics = List.of(config.embeddingsTopic(), config.featuresTopic());
        this.repartitionTopic = FeaturemonTopology.repartitionTopic(config);
    }

    @SuppressWarnings("unchecked")
    private static Serializer<SpecificRecord> serializer(AvroSerde<? extends SpecificRecord> serde) {
        return (Serializer<SpecificRecord>) serde.serializer();
    }

    /**
     * Creates the topics (inputs, outputs, and the internal topics from {@link FeaturemonApp#internalTopics},
     * up front because of KAFKA-15591) and waits until every partition has a leader.
     *
     * @param name     short name of the test, the prefix of every topic and of the application id
     * @param settings featuremon settings and Kafka Streams pass-through keys; topics, application id, broker,
     *                 registry and {@code processing.guarantee=exactly_once_v2} are set here (an {@code application.id}
     *                 given here becomes a suffix of the unique one, so that the topics are not under its prefix)
     */
    public static LiveFeaturemon create(KafkaStack stack, String name, Map<String, String> settings) {
        return create(stack.bootstrapServers(), stack.registryUrl(), name, settings);
    }

    /**
     * As {@link #create(KafkaStack, String, Map)}, on any broker and registry: the harness (topics, producer,
     * readers, schemas) uses these, and so does the application unless {@link #start(Path, Map)} says otherwise.
     */
    public static LiveFeaturemon create(String bootstrapServers, String registryUrl, String name, Map<String, String> settings) {
        String prefix = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> all = new LinkedHashMap<>(settings);
        // An application.id in the settings becomes a suffix: "<prefix>-app" leaves the topics "<prefix>-embeddings"
        // etc. outside the application id's prefix, as they are in production (what a test of ACLs needs).
        String suffix = settings.get(FeaturemonConfig.APPLICATION_ID);
        all.put(FeaturemonConfig.APPLICATION_ID, suffix == null ? prefix : prefix + "-" + suffix);
        all.put(FeaturemonConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        all.putIfAbsent(FeaturemonConfig.SCHEMA_REGISTRY_URL, registryUrl); // a test may put a proxy between
        all.put(FeaturemonConfig.TOPIC_EMBEDDINGS, prefix + "-embeddings");
        all.put(FeaturemonConfig.TOPIC_FEATURES, prefix + "-features");
        all.put(FeaturemonConfig.TOPIC_WINDOW_STATS, prefix + "-window-stats");
        all.put(FeaturemonConfig.TOPIC_MASKS, prefix + "-masks");
        all.put(FeaturemonConfig.TOPIC_ALERTS, prefix + "-alerts");
        all.put(FeaturemonConfig.TOPIC_DEAD_LETTERS, prefix + "-dead-letters");
        all.put(FeaturemonConfig.TOPIC_FEATURE_IMPORTANCE, prefix + "-feature-importance");
        all.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        LiveFeaturemon live = new LiveFeaturemon(bootstrapServers, registryUrl, Map.copyOf(all));
        try {
            live.createTopics();
        } catch (RuntimeException | Error e) {
            live.close();
            throw e;
        }
        return live;
    }

    private void createTopics() {
        List<NewTopic> topics = new ArrayList<>();
        List<String> names = new ArrayList<>(inputTopics);
        // The masks topic is compacted in production; not here, where a test reads every mask ever written.
        names.addAll(config.outputTopics());
        names.add(config.featureImportanceTopic()); // read by a global store; stays empty here
        for (String topic : names) {
            topics.add(keptForever(new NewTopic(topic, KafkaStack.PARTITIONS, (short) 1)));
        }
        for (NewTopic internal : FeaturemonApp.internalTopics(config, KafkaStack.PARTITIONS)) {
            boolean repartition = internal.name().equals(repartitionTopic);
            topics.add(repartition ? keptForever(internal) : internal);
        }
        try {
            admin.createTopics(topics).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            for (NewTopic topic : topics) {
                for (int p = 0; p < topic.numPartitions(); p++) {
                    partitions.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
                }
            }
            awaitLeaders(partitions);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create the topics of " + config.applicationId(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Records are deleted by no clock: see the class comment. */
    private static NewTopic keptForever(NewTopic topic) {
        Map<String, String> all = new HashMap<>();
        if (topic.configs() != null) {
            all.putAll(topic.configs());
        }
        all.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
        all.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        return topic.configs(all);
    }

    /** A leader answers a list-offsets request only once it is elected and known: the KAFKA-15591 guard. */
    private void awaitLeaders(Map<TopicPartition, OffsetSpec> partitions) {
        Poll.until("leaders of " + partitions.size() + " partitions", ADMIN_TIMEOUT, () -> {
            try {
                admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs(5_000)).all().get();
                return Poll.Outcome.done("all leaders");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RetriableException) {
                    return Poll.Outcome.notYet(e.getCause().toString());
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    /** The application's config as of the last {@link #start(Path)} (before it: without a state directory). */
    public FeaturemonConfig config() {
        return config;
    }

    /** The client this harness registers and fetches schemas with (the shared real registry). */
    public SchemaRegistryClient registry() {
        return registry;
    }

    public String repartitionTopic() {
        return repartitionTopic;
    }

    /**
     * Produces each line of the replay format as the Avro record {@link JsonlEvent} makes of it, encoded by
     * featuremon's {@link AvroSerde} against the real registry, keyed by the model (so one model stays in one
     * partition, in order) and stamped with the record timestamp the replay uses; returns when all are acknowledged.
     */
    public void produce(List<String> jsonLines) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String line : jsonLines) {
            JsonlEvent event;
            try {
                event = JsonlEvent.parse(line);
            } catch (JsonlEvent.MalformedLineException e) {
                throw new IllegalArgumentException("not an event, cannot be produced: " + line, e);
            }
            String topic = event.type() == EventType.EMBEDDING ? config.embeddingsTopic() : config.featuresTopic();
            byte[] value = serializers.get(event.type()).serialize(topic, event.avro());
            records.add(new ProducerRecord<>(topic, null, event.recordTimestamp(),
                    event.model().getBytes(StandardCharsets.UTF_8), value));
        }
        send(records);
    }

    /** Produces embedding events as Avro, keyed by model and stamped with their event time, as {@link #produce} does. */
    public void produceEmbeddings(List<EmbeddingEvent> events) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (EmbeddingEvent event : events) {
            records.add(new ProducerRecord<>(config.embeddingsTopic(), null, event.getTimestamp(),
                    event.getModel().getBytes(StandardCharsets.UTF_8), serialize(EventType.EMBEDDING, event)));
        }
        send(records);
    }

    /** Produces raw bytes, e.g. a value that is not Avro at all. */
    public void produceRaw(String topic, String key, byte[] value, long timestamp) {
        send(List.of(new ProducerRecord<>(topic, null, timestamp, key.getBytes(StandardCharsets.UTF_8), value)));
    }

    /** Serializes one event as {@link #produce} does, without sending it. */
    public byte[] serialize(EventType type, SpecificRecord event) {
        String topic = type == EventType.EMBEDDING ? config.embeddingsTopic() : config.featuresTopic();
        return serializers.get(type).serialize(topic, event);
    }

    private void send(List<ProducerRecord<byte[], byte[]>> records) {
        if (producer == null) {
            // acks=all, idempotent: the client defaults
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                    new ByteArraySerializer(), new ByteArraySerializer());
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            sent.add(producer.send(record));
        }
        producer.flush();
        try {
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot produce to " + config.embeddingsTopic(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts a new instance of the application ({@link FeaturemonApp#create}) with {@code stateDir} as its state
     * directory; counts the records it restores into each store.
     */
    public void start(Path stateDir) {
        start(stateDir, Map.of());
    }

    /**
     * As {@link #start(Path)}, with settings that only the application gets, not the harness: e.g. a secured
     * listener and registry and the credentials for them.
     */
    public void start(Path stateDir, Map<String, String> applicationSettings) {
        if (streams != null) {
            throw new IllegalStateException("already running; stop() first");
        }
        Map<String, String> withState = new HashMap<>(settings);
        withState.putAll(applicationSettings);
        withState.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config = FeaturemonConfig.load(withState, null, Map.of());
        restored.clear();
        state.set(KafkaStreams.State.CREATED);
        KafkaStreams instance = FeaturemonApp.create(config, FeaturemonApp.registry(config), observer);
        uncaught.clear();
        if (recordUncaught) {
            // FeaturemonApp.create installed the production handler and KafkaStreams has no getter for it: this one
            // records the exception, then answers as that handler does (a new thread after a retriable failure,
            // which the record is retried on; otherwise the client shuts down).
            instance.setUncaughtExceptionHandler(e -> {
                uncaught.add(e);
                for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                    if (cause instanceof RetriableException) {
                        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
                    }
                }
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
        }
        instance.setStateListener((now, before) -> state.set(now));
        instance.setGlobalStateRestoreListener(new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
            }

            @Override
            public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
                restored.computeIfAbsent(store, s -> new AtomicLong()).addAndGet(numRestored);
            }

            @Override
            public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
            }
        });
        streams = instance;
        instance.start();
    }

    /** From the next {@link #start} on, the application's processors tell {@code observer} (the metrics endpoint). */
    public LiveFeaturemon observedBy(PipelineObserver observer) {
        this.observer = observer;
        return this;
    }

    /** The running instance (started by {@link #start}; null when stopped), e.g. for its metrics or queries. */
    public KafkaStreams streams() {
        return streams;
    }

    /**
     * From the next {@link #start} on, records what kills a stream thread ({@link #uncaughtExceptions}), with a handler
     * that answers as {@link FeaturemonApp#create}'s does.
     */
    public LiveFeaturemon recordingUncaughtExceptions() {
        recordUncaught = true;
        return this;
    }

    /**
     * What killed stream threads of the current instance (each was replaced, or the client shut down), in order;
     * only with {@link #recordingUncaughtExceptions}.
     */
    public List<Throwable> uncaughtExceptions() {
        return List.copyOf(uncaught);
    }

    /**
     * Starts another instance of the same application (same id and settings, its own state directory), for tests
     * of several instances; the caller closes it.
     */
    public KafkaStreams startAnotherInstance(Path stateDir) {
        return startAnotherInstance(stateDir, Map.of(), PipelineObserver.NONE);
    }

    /** As {@link #startAnotherInstance(Path)}, with settings only this instance gets (e.g. its REST address). */
    public KafkaStreams startAnotherInstance(Path stateDir, Map<String, String> applicationSettings) {
        return startAnotherInstance(stateDir, applicationSettings, PipelineObserver.NONE);
    }

    /** As {@link #startAnotherInstance(Path)}, its processors telling {@code observer}. */
    public KafkaStreams startAnotherInstance(Path stateDir, PipelineObserver observer) {
        return startAnotherInstance(stateDir, Map.of(), observer);
    }

    /** As {@link #startAnotherInstance(Path, Map)}, its processors telling {@code observer}. */
    public KafkaStreams startAnotherInstance(Path stateDir, Map<String, String> applicationSettings,
            PipelineObserver observer) {
        Map<String, String> withState = new HashMap<>(settings);
        withState.putAll(applicationSettings);
        withState.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        FeaturemonConfig other = FeaturemonConfig.load(withState, null, Map.of());
        KafkaStreams instance = FeaturemonApp.create(other, FeaturemonApp.registry(other), Map.of(), observer);
        instance.start();
        return instance;
    }

    /**
     * Sends raw records as they are (each to its own partition, with its own timestamp, key and value), with a
     * producer that takes records up to 16 MiB (the broker's limit here is 8 MiB), and returns where each landed, in
     * order, once all are acknowledged.
     */
    public List<RecordMetadata> sendRecords(List<ProducerRecord<byte[], byte[]>> records) {
        if (largeProducer == null) {
            Map<String, Object> producerConfig = new HashMap<>();
            producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            producerConfig.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
            producerConfig.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
            producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            largeProducer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            sent.add(largeProducer.send(record));
        }
        largeProducer.flush();
        List<RecordMetadata> metadata = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            try {
                metadata.add(sent.get(i).get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("Cannot produce record " + i + " to " + records.get(i).topic() + "/"
                        + records.get(i).partition(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return metadata;
    }

    /** Records restored from the changelogs into each store by the current instance. */
    public Map<String, Long> restoredRecords() {
        Map<String, Long> counts = new TreeMap<>();
        restored.forEach((store, count) -> counts.put(store, count.get()));
        return counts;
    }

    /**
     * Closes the running instance; it commits what it processed and leaves the consumer group, so that a next
     * instance is assigned the tasks at once instead of after the session timeout.
     */
    public void stop() {
        if (streams == null) {
            return;
        }
        KafkaStreams instance = streams;
        streams = null;
        boolean closed = instance.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
        if (!closed) {
            throw new AssertionError("Kafka Streams of " + config.applicationId() + " did not close within " + CLOSE_TIMEOUT);
        }
    }

    /** Committed offsets of the application's consumer group; a partition it never committed counts as 0. */
    public Map<TopicPartition, Long> committedOffsets() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(config.applicationId())
                    .partitionsToOffsetAndMetadata().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> offsets = new HashMap<>();
            committed.forEach((tp, om) -> offsets.put(tp, om == null ? 0 : om.offset()));
            return offsets;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot read the offsets of group " + config.applicationId(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The group's committed offsets of {@code topic}, summed over its partitions. */
    public long committed(String topic) {
        return committedOffsets().entrySet().stream().filter(e -> e.getKey().topic().equals(topic))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** Waits until the group has committed at least {@code offset} (summed over partitions) of {@code topic}. */
    public void awaitCommitted(String topic, long offset, Duration timeout) {
        Poll.until("group " + config.applicationId() + " to commit offset " + offset + " of " + topic, timeout, () -> {
            assertAlive();
            long committed = committed(topic);
            return new Poll.Outcome(committed >= offset, "committed " + committed);
        });
    }

    /**
     * Waits until the application has processed everything: the group committed every input record, then every
     * record of the repartition topic. Records of the application's own transactions (repartition topic) are
     * counted by reading, committed ones only, from the committed offset on, so transaction markers do not
     * count as lag. Once this holds, every output of every processed record is committed too (exactly-once
     * commits offsets and outputs in one transaction).
     */
    public void awaitCaughtUp(Duration timeout) {
        Poll.until(config.applicationId() + " to process every input record", timeout, () -> {
            assertAlive();
            Map<TopicPartition, Long> committed = committedOffsets();
            Map<String, Long> inputLag = new TreeMap<>();
            endOffsets(inputTopics).forEach((tp, end) -> {
                long lag = end - committed.getOrDefault(tp, 0L);
                if (lag > 0) {
                    inputLag.put(tp.toString(), lag);
                }
            });
            if (!inputLag.isEmpty()) {
                return Poll.Outcome.notYet("input lag per partition " + inputLag);
            }
            long unprocessed = recordsAfter(repartitionTopic, committed);
            return new Poll.Outcome(unprocessed == 0, "input lag 0, " + unprocessed + " repartition records not processed");
        });
    }

    private Map<TopicPartition, Long> endOffsets(List<String> topics) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (String topic : topics) {
            for (int p = 0; p < KafkaStack.PARTITIONS; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        }
        try {
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(request).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot list offsets of " + topics, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Committed records of {@code topic} at or after the given offsets (from the log start where none). */
    private long recordsAfter(String topic, Map<TopicPartition, Long> offsets) {
        try (KafkaConsumer<byte[], byte[]> consumer = rawConsumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            for (TopicPartition tp : partitions) {
                Long offset = offsets.get(tp);
                // Streams deletes repartition records it committed, so the log may start after the committed offset.
                if (offset != null && offset > consumer.position(tp)) {
                    consumer.seek(tp, offset);
                }
            }
            return readToEndOffsets(consumer, partitions).size();
        }
    }

    /**
     * Reads {@code topic} from the beginning (committed records only) until {@code count} records arrived; fails at
     * once, rather than at the deadline, if the application dies meanwhile.
     */
    public void awaitRecords(String topic, int count, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = rawConsumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            int seen = 0;
            while (seen < count) {
                assertAlive();
                if (System.nanoTime() >= deadline) {
                    throw new AssertionError("Read " + seen + " records from " + topic + " in " + timeout
                            + " but never " + count + " (Kafka Streams is " + state.get() + ")");
                }
                seen += consumer.poll(Duration.ofMillis(100)).count();
            }
        }
    }

    /**
     * Every committed record of {@code topic} up to its current end (all partitions, per partition in offset order).
     * Call after {@link #awaitCaughtUp} to see everything the application wrote, and nothing it may write later.
     */
    public List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = rawConsumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return readToEndOffsets(consumer, partitions);
        }
    }

    /** {@link #readToEnd} decoded with featuremon's serde and rendered by {@link AvroJson#toJsonLine}. */
    public <T extends SpecificRecord> List<String> readJsonLines(String topic, Class<T> type) {
        return decode(readToEnd(topic), type).stream().map(AvroJson::toJsonLine).toList();
    }

    /** The values decoded with featuremon's {@link AvroSerde} against the real registry. */
    public <T extends SpecificRecord> List<T> decode(List<ConsumerRecord<byte[], byte[]>> records, Class<T> type) {
        AvroSerde<T> serde = new AvroSerde<>(type, registry);
        return records.stream().map(r -> serde.deserializer().deserialize(r.topic(), r.value())).toList();
    }

    /** Keys of the records, as the application wrote them (UTF-8 strings). */
    public static List<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        StringDeserializer strings = new StringDeserializer();
        return records.stream().map(r -> strings.deserialize(r.topic(), r.key())).toList();
    }

    private List<ConsumerRecord<byte[], byte[]>> readToEndOffsets(KafkaConsumer<byte[], byte[]> consumer,
            Collection<TopicPartition> partitions) {
        // read_committed: the end offsets are the last stable offsets, so an open transaction is not waited for.
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, ADMIN_TIMEOUT);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("Cannot read " + partitions + " up to " + ends + " within " + ADMIN_TIMEOUT);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
                    records.add(r);
                }
            }
        }
        return records;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        return consumer.partitionsFor(topic, ADMIN_TIMEOUT).stream()
                .map(info -> new TopicPartition(topic, info.partition())).sorted(
                        java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
    }

    private KafkaConsumer<byte[], byte[]> rawConsumer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Fails at once when the running instance died instead of waiting out a deadline. */
    private void assertAlive() {
        KafkaStreams.State now = state.get();
        if (streams != null && (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR
                || now == KafkaStreams.State.PENDING_SHUTDOWN || now == KafkaStreams.State.NOT_RUNNING)) {
            throw new AssertionError("Kafka Streams of " + config.applicationId() + " is " + now
                    + " (it shuts down on a non-retriable error; see the log above)");
        }
    }

    /** The state of the running instance. */
    public KafkaStreams.State state() {
        return state.get();
    }

    /** Stops the running instance and closes the clients. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            if (producer != null) {
                producer.close(Duration.ofSeconds(10));
            }
            if (largeProducer != null) {
                largeProducer.close(Duration.ofSeconds(10));
            }
            admin.close(Duration.ofSeconds(10));
        }
    }
}
