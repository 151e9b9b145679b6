package io.featuremon.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.featuremon.embedded.EmbeddedKafka;
import io.featuremon.embedded.EmbeddedRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real Kafka broker and one real schema registry (Apicurio, Confluent API) on 127.0.0.1, shared by
 * every integration test in the JVM.
 *
 * <p>Ask for it as a parameter (constructor, {@code @BeforeAll}, {@code @Test}):
 * <pre>{@code
 * @ExtendWith(KafkaStack.Resolver.class)
 * class MyIT {
 *     @Test
 *     void shouldDoSomething(KafkaStack stack) {
 *         String topic = stack.createTopics("input").get(0);
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>The stack starts on first use (broker and registry in parallel) and stops when the test run ends:
 * it is kept in JUnit's root store, which closes stored {@link AutoCloseable}s after the last test.
 * Tests share it, so each test creates its own topics ({@link #createTopics}, unique names) and uses
 * its own consumer groups and schema subjects.
 */
public final class KafkaStack implements AutoCloseable {

    /** Resolves {@link KafkaStack} parameters, starting the stack the first time one is asked for. */
    public static final class Resolver implements ParameterResolver {

        private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaStack.class);

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == KafkaStack.class;
        }

        @Override
        public KafkaStack resolveParameter(ParameterContext parameter, ExtensionContext context) {
            // The root store computes the value once, even when test classes run in parallel.
            return context.getRoot().getStore(NAMESPACE)
                    .getOrComputeIfAbsent(KafkaStack.class, key -> start(), KafkaStack.class);
        }
    }

    /** Partitions of each topic made by {@link #createTopics}: more than one, so tests see keys spread as in production. */
    public static final int PARTITIONS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(KafkaStack.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Path workDir;
    private final EmbeddedKafka kafka;
    private final EmbeddedRegistry registry;
    private final AtomicInteger names = new AtomicInteger();

    private KafkaStack(Path workDir, EmbeddedKafka kafka, EmbeddedRegistry registry) {
        this.workDir = workDir;
        this.kafka = kafka;
        this.registry = registry;
    }

    private static KafkaStack start() {
        long startNanos = System.nanoTime();
        Path workDir;
        try {
            workDir = Files.createTempDirectory("featuremon-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // One thread each: the common pool has a single worker on a two-core machine.
        Executor ownThread = task -> new Thread(task, "kafka-stack-start").start();
        CompletableFuture<EmbeddedKafka> kafka = CompletableFuture.supplyAsync(
                timed("broker", () -> EmbeddedKafka.start(workDir.resolve("kafka"))), ownThread);
        CompletableFuture<EmbeddedRegistry> registry = CompletableFuture.supplyAsync(
                timed("registry", () -> EmbeddedRegistry.start(workDir.resolve("registry"))), ownThread);
        try {
            CompletableFuture.allOf(kafka, registry).join();
        } catch (CompletionException e) {
            // Stop whichever half did start, so that a failed start leaks nothing.
            kafka.thenAccept(EmbeddedKafka::close);
            registry.thenAccept(EmbeddedRegistry::close);
            deleteRecursively(workDir);
            throw new IllegalStateException("Cannot start the Kafka stack in " + workDir, e.getCause());
        }
        LOG.info("Kafka stack ready in {} ms: broker {}, registry {}",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), kafka.join().bootstrapServers(),
                registry.join().confluentUrl());
        return new KafkaStack(workDir, kafka.join(), registry.join());
    }

    private static <T> Supplier<T> timed(String what, Supplier<T> start) {
        return () -> {
            long startNanos = System.nanoTime();
            T started = start.get();
            LOG.info("{} started in {} ms", what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            return started;
        };
    }

    /** {@code host:port} of the broker. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The registry's Confluent-compatible API, as {@code schema.registry.url}. */
    public String registryUrl() {
        return registry.confluentUrl();
    }

    /** The registry's own v2 API, for Apicurio's serdes. */
    public String apicurioUrl() {
        return registry.apicurioUrl();
    }

    /**
     * Creates one topic per base name, each with {@value #PARTITIONS} partitions and a name no other
     * test gets, and returns once every partition has a leader.
     *
     * @return the created names, in the order of {@code baseNames}
     */
    public List<String> createTopics(String... baseNames) {
        List<String> created = Arrays.stream(baseNames).map(base -> base + "-" + names.incrementAndGet()).toList();
        kafka.createTopics(created.stream().map(name -> new NewTopic(name, PARTITIONS, (short) 1)).toList());
        return created;
    }

    /** A producer (acks=all, idempotent: the client defaults) to the broker; the caller closes it. */
    public <K, V> KafkaProducer<K, V> producer(Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        return new KafkaProducer<>(kafka.clientConfig(), keySerializer, valueSerializer);
    }

    /**
     * A consumer in a new consumer group that starts from the earliest offset and sees only committed
     * records (what a downstream reader of an exactly-once topology sees); the caller closes it.
     */
    public <K, V> KafkaConsumer<K, V> consumer(Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        Map<String, Object> config = consumerConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        return new KafkaConsumer<>(config, keyDeserializer, valueDeserializer);
    }

    /** Reads {@code topic} from the beginning until at least {@code count} records have arrived. */
    public <K, V> List<ConsumerRecord<K, V>> consumeUntil(String topic, Deserializer<K> keyDeserializer,
            Deserializer<V> valueDeserializer, int count, Duration timeout) {
        return consumeUntil(topic, keyDeserializer, valueDeserializer,
                records -> records.size() >= count, "at least " + count + " records", timeout);
    }

    /**
     * Reads {@code topic} from the beginning (committed records only, all partitions, no consumer group)
     * until {@code done} holds for everything read so far.
     *
     * @param condition says what {@code done} waits for, for the failure message
     * @return every record read, per partition in offset order
     * @throws AssertionError if {@code done} does not hold within {@code timeout}
     */
    public <K, V> List<ConsumerRecord<K, V>> consumeUntil(String topic, Deserializer<K> keyDeserializer,
            Deserializer<V> valueDeserializer, Predicate<List<ConsumerRecord<K, V>>> done, String condition,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(consumerConfig(), keyDeserializer, valueDeserializer)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!done.test(records)) {
                if (System.nanoTime() >= deadline) {
                    throw new AssertionError("Read " + records.size() + " records from " + topic + " in " + timeout
                            + " but never " + condition + ". Last records: "
                            + records.subList(Math.max(0, records.size() - 5), records.size()));
                }
                consumer.poll(POLL).forEach(records::add);
            }
        }
        return records;
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return config;
    }

    /** Stops the registry and the broker and deletes their files; JUnit calls it after the last test. */
    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            kafka.close();
            deleteRecursively(workDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            LOG.warn("Cannot delete {}", dir, e);
        }
    }
}
