package io.featuremon.it.docker;

import static io.featuremon.it.docker.DockerFiles.DOCKER;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.featuremon.avro.FeatureEvent;
import io.featuremon.avro.WindowStats;
import io.featuremon.embedded.EmbeddedKafka;
import io.featuremon.embedded.EmbeddedRegistry;
import io.featuremon.it.support.FeaturemonProcess;
import io.featuremon.it.support.Poll;
import io.featuremon.serdes.AvroSerde;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Docker image's entrypoint (docker/entrypoint.sh), run as a plain process, since no Docker engine is available
 * here: on the image's layout (a FEATUREMON_HOME whose lib/ holds featuremon-topology's jar and its run-time
 * dependencies, the jars the Dockerfile copies), with the image's settings file (docker/featuremon/featuremon.properties)
 * and the environment overrides compose would use, moved to a real broker and registry on 127.0.0.1. The topics are
 * docker/kafka/create-topics.sh's (featuremon refuses to start when one is missing).
 *
 * <p>Run: {@code mvn -o -B -pl integration-tests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=DockerEntrypointIT}
 */
class DockerEntrypointIT {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final String MODEL = "docker-it";

    private EmbeddedKafka kafka;
    private EmbeddedRegistry registry;
    private Process process;

    @AfterEach
    void stopEverything() {
        try {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
        } finally {
            try {
                if (registry != null) {
                    registry.close();
                }
            } finally {
                if (kafka != null) {
                    kafka.close();
                }
            }
        }
    }

    @Test
    void theImagesEntrypointShouldRunFeaturemonOnTheImagesSettingsAndStopCleanlyOnSigterm(@TempDir Path dir)
            throws Exception {
        Path home = imageLayout(dir.resolve("opt-featuremon"));
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        registry = EmbeddedRegistry.start(dir.resolve("registry"));
        List<DockerFiles.Topic> topics = DockerFiles.topicsOfCreateScript();
        kafka.createTopics(topics.stream().map(t -> new NewTopic(t.name(), t.partitions(), (short) 1)
                .configs(t.configs())).toList());

        Path log = dir.resolve("entrypoint.log");
        ProcessBuilder builder = new ProcessBuilder("bash", DOCKER.resolve("entrypoint.sh").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("FEATUREMON_HOME", home.toString());
        env.put("FEATUREMON_CONFIG", DOCKER.resolve("featuremon/featuremon.properties").toString());
        env.put("FEATUREMON_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("FEATUREMON_SCHEMA_REGISTRY_URL", registry.confluentUrl());
        env.put("FEATUREMON_STATE_DIR", dir.resolve("state").toString());
        env.put("FEATUREMON_RUN_ARGS", "--status-every 2s");
        // The machine is shared: free loopback ports rather than the defaults 9464 and 8765 (the image's are set in
        // compose.yaml, checked by DockerFilesTest).
        env.put("FEATUREMON_METRICS_LISTEN", "127.0.0.1:0");
        env.put("FEATUREMON_REST_LISTEN", "off");
        env.put("FEATUREMON_JAVA_OPTS", "-Xmx512m -XX:+UseSerialGC");
        process = builder.start();

        Poll.until("the entrypoint's featuremon to report RUNNING", START_TIMEOUT, () -> {
            String text = read(log);
            if (!process.isAlive()) {
                throw new AssertionError("the entrypoint exited with " + process.exitValue() + ":\n" + text);
            }
            return new Poll.Outcome(text.contains("-> RUNNING"), tail(text));
        });

        // Events of one tabular model, 5 s apart over 4 minutes of event time (windows of 1 minute, grace 1 minute,
        // from the image's settings): the first windows close while these are read.
        Instant start = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES);
        Map<String, Object> clients = Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "schema.registry.url", registry.confluentUrl());
        AvroSerde<FeatureEvent> values = new AvroSerde<>(FeatureEvent.class);
        values.configure(clients, false);
        try (KafkaProducer<String, FeatureEvent> producer =
                new KafkaProducer<>(clients, new StringSerializer(), values.serializer())) {
            for (int i = 0; i < 48; i++) {
                Map<String, Object> features = new HashMap<>();
                features.put("age", 20.0 + (i * 7) % 40);
                features.put("income", 1_000.0 + (i * 379) % 5_000);
                features.put("country", i % 3 == 0 ? "FR" : "DE");
                FeatureEvent event = FeatureEvent.newBuilder().setModel(MODEL).setSegment(null)
                        .setTimestamp(start.plusSeconds(5L * i).toEpochMilli()).setRequestId("r" + i)
                        .setFeatures(features).build();
                producer.send(new ProducerRecord<>("featuremon-features", MODEL, event));
            }
        }

        WindowStats first = firstWindow(Duration.ofMinutes(2));
        assertThat(first.getModel().toString()).isEqualTo(MODEL);
        assertThat(first.getWindowStart()).isEqualTo(start.toEpochMilli());
        assertThat(first.getWindowEnd()).isEqualTo(start.plus(1, ChronoUnit.MINUTES).toEpochMilli());

        // docker stop: SIGTERM to the container's PID 1. The entrypoint exec's the JVM, so the signal reaches
        // featuremon's shutdown hook, which closes Kafka Streams (a bash in between would swallow it).
        process.destroy();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("exited within 90 s of SIGTERM").isTrue();
        String text = read(log);
        assertThat(text).as(text).contains("-> PENDING_SHUTDOWN").contains("-> NOT_RUNNING")
                .contains("featuremon: checking topics on " + kafka.bootstrapServers());
        assertThat(process.exitValue()).as(text).isEqualTo(143); // 128 + SIGTERM, after the hooks ran
        // For the reader of the build log: what the entrypoint printed (featuremon's own lines) and the first window.
        System.out.println("DockerEntrypointIT: lib/ of " + home + ", exit " + process.exitValue() + "; featuremon said:");
        text.lines().filter(line -> line.startsWith("featuremon:")).forEach(line -> System.out.println("  " + line));
        System.out.println("DockerEntrypointIT: first window " + first.getModel() + " " + first.getType() + " ["
                + Instant.ofEpochMilli(first.getWindowStart()) + ", " + Instant.ofEpochMilli(first.getWindowEnd()) + ")");
    }

    /**
     * FEATUREMON_HOME as the image has it: lib/ with featuremon-topology's jar and its run-time classpath (the
     * Dockerfile's copy-dependencies with includeScope=runtime; topology/target/classpath.txt is the same set).
     */
    private static Path imageLayout(Path home) throws IOException {
        Path lib = Files.createDirectories(home.resolve("lib"));
        String jar = System.getProperty(FeaturemonProcess.JAR_PROPERTY);
        String classpath = Files.readString(Path.of(System.getProperty(FeaturemonProcess.CLASSPATH_FILE_PROPERTY)),
                StandardCharsets.UTF_8).trim();
        for (String entry : (jar + java.io.File.pathSeparator + classpath).split(java.io.File.pathSeparator)) {
            Path target = Path.of(entry);
            Files.createSymbolicLink(lib.resolve(target.getFileName()), target);
        }
        try (var jars = Files.list(lib)) {
            List<String> names = jars.map(p -> p.getFileName().toString()).sorted().toList();
            assertThat(names).anyMatch(n -> n.startsWith("featuremon-topology-"))
                    .anyMatch(n -> n.startsWith("kafka-streams-"))
                    .noneMatch(n -> n.matches("(kafka_2\\.13|kafka-server|kafka-raft|kafka-storage|kafka-metadata)-.*"))
                    .noneMatch(n -> n.startsWith("featuremon-embedded-") || n.startsWith("apicurio-registry-app"));
        }
        return home;
    }

    private WindowStats firstWindow(Duration timeout) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put("schema.registry.url", registry.confluentUrl());
        AvroSerde<WindowStats> serde = new AvroSerde<>(WindowStats.class);
        serde.configure(config, false);
        try (KafkaConsumer<String, WindowStats> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), serde.deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("featuremon-window-stats").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            WindowStats[] found = new WindowStats[1];
            Poll.until("a window on featuremon-window-stats", timeout, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("featuremon exited with " + process.exitValue());
                }
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (found[0] == null || r.value().getWindowStart() < found[0].getWindowStart()) {
                        found[0] = r.value();
                    }
                });
                return new Poll.Outcome(found[0] != null, "none yet");
            });
            return found[0];
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    }
}
