package io.featuremon.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.featuremon.avro.Alert;
import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.WindowStats;
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
import org.apache.avro.specific.SpecificData;
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
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two featuremon applications reading the same input topics on one broker and registry: a <b>clean</b> one, run
 * once without interruption, and a <b>faulty</b> one, run while a test injects faults (kill -9, broker bounce,
 * registry outage). Each has its own application id, internal topics and output topics; whatever the faults, the
 * faulty one must commit to its outputs byte for byte what the clean one commits to its own.
 *
 * <p>Why this oracle: both read the very same input records (same topics, partitions, offsets and bytes), and
 * schema ids are per schema content in the registry, so even the dead letters, which carry their source
 * coordinates and raw bytes, must be identical. (The replay oracle of {@code LiveRunMatchesReplayIT} writes JSON
 * lines, and cannot know partitions and offsets of several models spread over partitions.)
 *
 * <p>Every topic is made up front (KAFKA-15591) and keeps its records forever: the data carries event times from
 * early 2026 as record timestamps, which the broker's default seven-day retention would delete.
 */
public final class TwinRuns implements AutoCloseable {

    public static final int PARTITIONS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(TwinRuns.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    /** One of the two applications: its config and the properties file that {@code featuremon run} reads. */
    public record App(String name, FeaturemonConfig config, Path configFile) {

        public String repartitionTopic() {
            return FeaturemonTopology.repartitionTopic(config);
        }

        /** The four outputs, in the order of {@link #OUTPUTS}. */
        public List<String> outputTopics() {
            return List.of(config.windowStatsTopic(), config.masksTopic(), config.alertsTopic(),
                    config.deadLettersTopic());
        }
    }

    /** Short names of the outputs and the Avro type of their values. */
    private static final Map<String, Class<? extends SpecificRecord>> OUTPUTS = outputs();

    private static Map<String, Class<? extends SpecificRecord>> outputs() {
        Map<String, Class<? extends SpecificRecord>> outputs = new LinkedHashMap<>();
        outputs.put("window-stats", WindowStats.class);
        outputs.put("masks", FeatureMask.class);
        outputs.put("alerts", Alert.class);
        outputs.put("dead-letters", DeadLetter.class);
        return outputs;
    }

    private final String bootstrapServers;
    private final SuiteInput input;
    private final Path workDir;
    private final Admin admin;
    private final SchemaRegistryClient registry;
    private final String embeddingsTopic;
    private final String featuresTopic;
    private final App clean;
    private final App faulty;
    private volatile Thread producerThread;

    private TwinRuns(String bootstrapServers, String registryUrl, String name, SuiteInput input, Path workDir,
            Map<String, String> extraSettings, Map<String, String> faultySettings) {
        this.bootstrapServers = bootstrapServers;
        this.input = input;
        this.workDir = workDir;
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers));
        this.registry = new HttpSchemaRegistryClient(Map.of(SchemaRegistryConfig.URL, registryUrl));
        String prefix = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.embeddingsTopic = prefix + "-embeddings";
        this.featuresTopic = prefix + "-features";
        Map<String, String> shared = new LinkedHashMap<>(input.settings());
        shared.putAll(extraSettings);
        shared.put(FeaturemonConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        shared.put(FeaturemonConfig.SCHEMA_REGISTRY_URL, registryUrl);
        shared.put(FeaturemonConfig.TOPIC_EMBEDDINGS, embeddingsTopic);
        shared.put(FeaturemonConfig.TOPIC_FEATURES, featuresTopic);
        shared.put(FeaturemonConfig.TOPIC_FEATURE_IMPORTANCE, prefix + "-feature-importance");
        shared.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // A killed instance stops heartbeating; the group gives its tasks to the other one after this long
        // (the broker's minimum) instead of the default 45 s.
        shared.put("session.timeout.ms", "6000");
        shared.put("heartbeat.interval.ms", "1500");
        this.clean = app(prefix, "clean", shared, Map.of());
        this.faulty = app(prefix, "faulty", shared, faultySettings);
    }

    private App app(String prefix, String name, Map<String, String> shared, Map<String, String> own) {
        Map<String, String> settings = new LinkedHashMap<>(shared);
        settings.putAll(own);
        String id = prefix + "-" + name;
        settings.put(FeaturemonConfig.APPLICATION_ID, id);
        settings.put(FeaturemonConfig.TOPIC_WINDOW_STATS, id + "-window-stats");
        settings.put(FeaturemonConfig.TOPIC_MASKS, id + "-masks");
        settings.put(FeaturemonConfig.TOPIC_ALERTS, id + "-alerts");
        settings.put(FeaturemonConfig.TOPIC_DEAD_LETTERS, id + "-dead-letters");
        Path file = workDir.resolve(name + ".properties");
        Properties properties = new Properties();
        properties.putAll(settings);
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(out, "featuremon " + name + " run of the fault-injection suite");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new App(name, FeaturemonConfig.load(Map.of(), file, Map.of()), file);
    }

    /**
     * Creates the input topics and both applications' topics and waits until every partition has a leader.
     *
     * @param name          prefix of every topic and application id (a random suffix keeps tests apart)
     * @param extraSettings featuremon or Kafka settings of both applications, beyond the input's own
     * @param faultySettings settings of the faulty application only (a negative control: {@link SuiteSize#faultySettings})
     */
    public static TwinRuns create(String bootstrapServers, String registryUrl, String name, SuiteInput input,
            Path workDir, Map<String, String> extraSettings, Map<String, String> faultySettings) {
        TwinRuns runs = new TwinRuns(bootstrapServers, registryUrl, name, input, workDir, extraSettings, faultySettings);
        try {
            runs.createTopics();
            runs.registerOutputSchemas();
        } catch (RuntimeException | Error e) {
            runs.close();
            throw e;
        }
        return runs;
    }

    public App clean() {
        return clean;
    }

    public App faulty() {
        return faulty;
    }

    /** An instance of {@code app} as its own process, with its own state directory. */
    public FeaturemonProcess process(App app, String instance, Path logDir) {
        String name = app.name() + "-" + instance;
        return new FeaturemonProcess(name, app.configFile(), workDir.resolve("state").resolve(name), logDir);
    }

    private void createTopics() {
        List<NewTopic> topics = new ArrayList<>();
        for (String topic : List.of(embeddingsTopic, featuresTopic, clean.config().featureImportanceTopic())) {
            topics.add(keptForever(new NewTopic(topic, PARTITIONS, (short) 1)));
        }
        for (App app : List.of(clean, faulty)) {
            for (String topic : app.outputTopics()) {
                topics.add(keptForever(new NewTopic(topic, PARTITIONS, (short) 1)));
            }
            for (NewTopic internal : FeaturemonApp.internalTopics(app.config(), PARTITIONS)) {
                topics.add(internal.name().equals(app.repartitionTopic()) ? keptForever(internal) : internal);
            }
        }
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        for (NewTopic topic : topics) {
            for (int p = 0; p < topic.numPartitions(); p++) {
                partitions.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
            }
        }
        try {
            admin.createTopics(topics).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create the topics of the suite", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        // A leader answers a list-offsets request only once it is elected and known: the KAFKA-15591 guard.
        Poll.until("leaders of " + partitions.size() + " partitions", ADMIN_TIMEOUT, () -> {
            try {
                listOffsets(partitions, IsolationLevel.READ_UNCOMMITTED);
                return Poll.Outcome.done("all leaders");
            } catch (RetriableException e) {
                return Poll.Outcome.notYet(e.toString());
            }
        });
    }

    /**
     * Registers the output schemas of both applications before they run, as a deployment that registers its schemas
     * up front does. Without it, two instances that write the first record of a subject at the same moment (likely
     * right after a registry outage, when both retry in step) race to create the subject; Apicurio answers the loser
     * HTTP 409 and featuremon takes that as final and shuts the instance down. {@code ConcurrentSchemaRegistrationIT}
     * reproduces that bug; it is kept out of the fault-injection suites so that they test what they are about.
     */
    private void registerOutputSchemas() {
        for (App app : List.of(clean, faulty)) {
            List<String> topics = app.outputTopics();
            int i = 0;
            for (Class<? extends SpecificRecord> type : OUTPUTS.values()) {
                registry.register(topics.get(i++) + "-value", SpecificData.getForClass(type).getSchema(type));
            }
        }
    }

    private static NewTopic keptForever(NewTopic topic) {
        Map<String, String> configs = new HashMap<>();
        if (topic.configs() != null) {
            configs.putAll(topic.configs());
        }
        configs.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        return topic.configs(configs);
    }

    /**
     * Produces the whole input ({@link SuiteInput#interleaved}) as Avro against the registry, keyed by model and
     * stamped with event time, spread evenly over {@code duration}, on a thread of its own. The values are encoded
     * before the first send, so production does not depend on the registry while faults are injected; the producer
     * (idempotent, acks=all) rides out a broker bounce by retrying.
     *
     * @return completes with the number of records once every one is acknowledged
     */
    public CompletableFuture<Integer> produceOver(Duration duration) {
        List<ProducerRecord<byte[], byte[]>> records = encode(input.interleaved());
        CompletableFuture<Integer> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                done.complete(send(records, duration));
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "suite-producer");
        thread.setDaemon(true);
        producerThread = thread;
        thread.start();
        return done;
    }

    /** Whether each model's events go round-robin over every partition (spread input), not by the model's key. */
    private boolean spread;

    /** Produces each model's events round-robin over every partition, as producers keyed by request do. */
    public TwinRuns spreadOverPartitions() {
        spread = true;
        return this;
    }

    private List<ProducerRecord<byte[], byte[]>> encode(List<String> lines) {
        Map<String, Integer> perModel = new HashMap<>();
        Map<EventType, Serializer<SpecificRecord>> serializers = Map.of(
                EventType.EMBEDDING, serializer(new AvroSerde<>(EmbeddingEvent.class, registry)),
                EventType.FEATURES, serializer(new AvroSerde<>(FeatureEvent.class, registry)));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String line : lines) {
            JsonlEvent event;
            try {
                event = JsonlEvent.parse(line);
            } catch (JsonlEvent.MalformedLineException e) {
                throw new IllegalArgumentException("not an event: " + line, e);
            }
            String topic = event.type() == EventType.EMBEDDING ? embeddingsTopic : featuresTopic;
            Integer partition = spread ? perModel.merge(event.model(), 1, Integer::sum) % PARTITIONS : null;
            records.add(new ProducerRecord<>(topic, partition, event.recordTimestamp(),
                    event.model().getBytes(StandardCharsets.UTF_8), serializers.get(event.type()).serialize(topic, event.avro())));
        }
        return records;
    }

    @SuppressWarnings("unchecked")
    private static Serializer<SpecificRecord> serializer(AvroSerde<? extends SpecificRecord> serde) {
        return (Serializer<SpecificRecord>) serde.serializer();
    }

    private int send(List<ProducerRecord<byte[], byte[]>> records, Duration duration) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer());
        try {
            long start = System.nanoTime();
            int next = 0;
            while (next < records.size()) {
                double share = (double) (System.nanoTime() - start) / duration.toNanos();
                int due = (int) Math.min(records.size(), Math.ceil(records.size() * share));
                while (next < due) {
                    sent.add(producer.send(records.get(next++)));
                }
                if (next < records.size()) {
                    Thread.sleep(50); // the pace of production, not a wait for Kafka
                }
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        } finally {
            // Bounded: after a failed test the broker may be gone, and close() would wait for it forever.
            producer.close(Duration.ofSeconds(5));
        }
        LOG.info("produced {} records in {}", records.size(), duration);
        return records.size();
    }

    /**
     * Waits until {@code app} has processed every input record and every record of its repartition topic, and no
     * transaction is open on its repartition and output topics (an instance killed with a fresh state directory
     * comes back under a new transactional id, so its last transaction stays open until the broker aborts it on
     * timeout, hiding what was committed after it from read_committed readers).
     *
     * @param alive called on each look; throws if an instance died on its own
     */
    public void awaitDone(App app, Duration timeout, Runnable alive) {
        List<String> appTopics = new ArrayList<>(app.outputTopics());
        appTopics.add(app.repartitionTopic());
        Poll.until(app.config().applicationId() + " to process everything and settle", timeout, () -> {
            alive.run();
            try {
                String open = openTransactions(appTopics);
                if (!open.isEmpty()) {
                    return Poll.Outcome.notYet("open transactions (last stable offset < high watermark) on " + open);
                }
                Map<TopicPartition, Long> committed = committedOffsets(app);
                Map<String, Long> inputLag = new TreeMap<>();
                listOffsets(partitions(List.of(embeddingsTopic, featuresTopic)), IsolationLevel.READ_UNCOMMITTED)
                        .forEach((tp, end) -> {
                            long lag = end - committed.getOrDefault(tp, 0L);
                            if (lag > 0) {
                                inputLag.put(tp.toString(), lag);
                            }
                        });
                if (!inputLag.isEmpty()) {
                    return Poll.Outcome.notYet("input lag per partition " + inputLag);
                }
                int unprocessed = readCommitted(app.repartitionTopic(), committed).size();
                if (unprocessed > 0) {
                    return Poll.Outcome.notYet(unprocessed + " repartition records not processed");
                }
                open = openTransactions(appTopics);
                return new Poll.Outcome(open.isEmpty(), "input processed; open transactions on " + open);
            } catch (KafkaException e) {
                // The broker may be coming back from a bounce: look again.
                return Poll.Outcome.notYet(e.toString());
            }
        });
    }

    private String openTransactions(List<String> topics) {
        Map<TopicPartition, OffsetSpec> partitions = partitions(topics);
        Map<TopicPartition, Long> stable = listOffsets(partitions, IsolationLevel.READ_COMMITTED);
        Map<TopicPartition, Long> high = listOffsets(partitions, IsolationLevel.READ_UNCOMMITTED);
        Map<String, String> open = new TreeMap<>();
        high.forEach((tp, hw) -> {
            if (stable.get(tp) < hw) {
                open.put(tp.toString(), stable.get(tp) + " < " + hw);
            }
        });
        return open.isEmpty() ? "" : open.toString();
    }

    private static Map<TopicPartition, OffsetSpec> partitions(List<String> topics) {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        for (String topic : topics) {
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        }
        return partitions;
    }

    private Map<TopicPartition, Long> listOffsets(Map<TopicPartition, OffsetSpec> partitions, IsolationLevel isolation) {
        try {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            admin.listOffsets(partitions, new ListOffsetsOptions(isolation).timeoutMs((int) ADMIN_TIMEOUT.toMillis()))
                    .all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((tp, info) -> offsets.put(tp, info.offset()));
            return offsets;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KafkaException k ? k : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException("list offsets: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Committed offsets of the application's consumer group; a partition never committed is absent. */
    public Map<TopicPartition, Long> committedOffsets(App app) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(app.config().applicationId())
                    .partitionsToOffsetAndMetadata().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> offsets = new HashMap<>();
            committed.forEach((tp, om) -> {
                if (om != null) {
                    offsets.put(tp, om.offset());
                }
            });
            return offsets;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KafkaException k ? k : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException("committed offsets: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Input records the application's group has committed, summed over the input partitions. */
    public long committedInput(App app) {
        return committedOffsets(app).entrySet().stream()
                .filter(e -> e.getKey().topic().equals(embeddingsTopic) || e.getKey().topic().equals(featuresTopic))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** Every committed record of {@code topic} (all partitions, each in offset order). */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        return readCommitted(topic, Map.of());
    }

    /** Committed records of {@code topic} from the given offsets (from the log start where none) to the end. */
    private List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, Map<TopicPartition, Long> from) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            for (TopicPartition tp : partitions) {
                Long offset = from.get(tp);
                // Streams deletes repartition records it committed, so the log may start after the committed offset.
                if (offset != null && offset > consumer.position(tp)) {
                    consumer.seek(tp, offset);
                }
            }
            // read_committed: the end offsets are the last stable offsets.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, ADMIN_TIMEOUT);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() >= deadline) {
                    throw new AssertionError("Cannot read " + topic + " up to " + ends + " within " + READ_TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
                        records.add(r);
                    }
                }
            }
        }
        return records;
    }

    /** Compares each output of the faulty application with the clean one's. */
    /**
     * Waits {@code millis} between two faults of a schedule (when to kill, how long a broker stays down). This is the
     * fault's timing, drawn from the suite's seed, not a wait for Kafka: every check after it polls for a condition,
     * and the outputs must be the same whenever the faults fall.
     */
    public static void holdFault(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    /** Starts the instances, waits until each runs, and returns a check that they are all still alive. */
    public static Runnable startAll(Duration timeout, FeaturemonProcess... instances) {
        for (FeaturemonProcess instance : instances) {
            instance.start();
        }
        for (FeaturemonProcess instance : instances) {
            instance.awaitRunning(timeout);
        }
        List<FeaturemonProcess> all = List.of(instances);
        return () -> all.forEach(FeaturemonProcess::assertAlive);
    }

    /**
     * Lets the faulty run process everything produced, stops its instances, runs the clean instance over the same
     * input and compares every output topic.
     */
    public List<OutputComparison> finishAndCompare(Duration timeout, Runnable faultyAlive, FeaturemonProcess clean,
            FeaturemonProcess... faulty) {
        awaitDone(faulty(), timeout, faultyAlive);
        for (FeaturemonProcess instance : faulty) {
            instance.stop();
        }
        clean.start();
        awaitDone(clean(), timeout, clean::assertAlive);
        clean.stop();
        return compare();
    }

    /**
     * The suites' verdict: the clean run wrote every kind of output and one dead letter per bad input line, and the
     * faulty run's outputs equal it byte for byte (nothing lost, duplicated, different or reordered).
     */
    public void assertSameOutputs(List<OutputComparison> comparisons) {
        OutputComparison.Total total = OutputComparison.Total.of(comparisons);
        assertThat(cleanCounts(comparisons)).as("the clean run wrote every kind of output")
                .allSatisfy((topic, count) -> assertThat(count).as(topic).isPositive());
        assertThat(comparisons.get(3).clean())
                .as("dead letters of the clean run: one per bad line").isEqualTo(input.deadLetters());
        assertThat(total.lost()).as("lost" + total.examples()).isZero();
        assertThat(total.duplicated()).as("duplicated" + total.examples()).isZero();
        assertThat(total.differing()).as("differing" + total.examples()).isZero();
        assertThat(total.reordered()).as("reordered" + total.examples()).isZero();
        assertThat(comparisons)
                .allSatisfy(c -> assertThat(c.identical()).as(c.counts()).isTrue());
    }

    public List<OutputComparison> compare() {
        List<OutputComparison> comparisons = new ArrayList<>();
        List<String> cleanTopics = clean.outputTopics();
        List<String> faultyTopics = faulty.outputTopics();
        int i = 0;
        for (Map.Entry<String, Class<? extends SpecificRecord>> output : OUTPUTS.entrySet()) {
            AvroSerde<? extends SpecificRecord> serde = new AvroSerde<>(output.getValue(), registry);
            comparisons.add(OutputComparison.of(output.getKey(), readCommitted(cleanTopics.get(i)),
                    readCommitted(faultyTopics.get(i)), r -> abbreviate(
                            (r.key() == null ? "key=null " : "key=" + new String(r.key(), StandardCharsets.UTF_8) + " ")
                                    + AvroJson.toJsonLine(serde.deserializer().deserialize(r.topic(), r.value())))));
            i++;
        }
        return comparisons;
    }

    private static String abbreviate(String text) {
        return text.length() <= 600 ? text : text.substring(0, 600) + "...";
    }

    /** The clean run's records per output, for checking that the comparison compares something. */
    public Map<String, Integer> cleanCounts(List<OutputComparison> comparisons) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        comparisons.forEach(c -> counts.put(c.topic(), c.clean()));
        return counts;
    }

    public SuiteInput input() {
        return input;
    }

    /** Stops a production still under way (a test that failed part-way) and closes the admin client. */
    @Override
    public void close() {
        try {
            Thread thread = producerThread;
            if (thread != null && thread.isAlive()) {
                thread.interrupt(); // sleep, flush and get answer with InterruptedException / InterruptException
                thread.join(TimeUnit.SECONDS.toMillis(15));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            admin.close(Duration.ofSeconds(10));
        }
    }
}
