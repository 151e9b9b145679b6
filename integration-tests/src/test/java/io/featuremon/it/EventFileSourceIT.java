package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.it.support.ConnectWorker;
import io.featuremon.it.support.KafkaStack;
import io.featuremon.it.support.Poll;
import io.featuremon.replay.JsonlEvent;
import io.featuremon.serdes.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event file source's exactly-once promise, end to end: a real distributed Connect worker (its own JVM,
 * {@code ConnectDistributed}, {@code exactly.once.source.support=enabled}) loads the connector from the built
 * plugin folder and reads a generated JSON Lines file of 60,000 lines into a topic of the embedded broker, with
 * schemas in the real registry. Mid-file, after some transactions are committed, the worker is killed with SIGKILL;
 * a new worker process with the same group and internal topics takes the connector over and finishes the file.
 * Read with read_committed, the topic must then hold each event line exactly once, keyed by its model, each value
 * decoding (with featuremon's serde, through the registry) to the event that line is. The numbers are printed.
 *
 * <p>Run (from the repository root; about a minute):
 * <pre>
 * mvn -o -B verify -pl integration-tests -am -Dit.test=EventFileSourceIT -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * The workers' logs stay in {@code integration-tests/target/suite-logs/EventFileSourceIT/}.
 */
@ExtendWith(KafkaStack.Resolver.class)
class EventFileSourceIT {

    private static final int LINES = 60_000;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration DONE_TIMEOUT = Duration.ofSeconds(240);
    private static final String CONNECTOR = "event-file-source";
    private static final String CONNECTOR_CLASS = "io.featuremon.connect.file.EventFileSourceConnector";

    @TempDir
    Path work;

    @Test
    void shouldHoldEveryLineExactlyOnceAfterTheWorkerIsKilledMidFileAndReplaced(KafkaStack stack) throws Exception {
        // Lines that are not events (skipped, logged) sit among the events, so "every event line" is not "every line".
        Path file = work.resolve("events.jsonl");
        Map<Long, String> eventLines = writeInput(file);
        String topic = stack.createTopics("file-embeddings").get(0);
        Path logs = Path.of(System.getProperty("featuremon.suite.logs", work.toString()), "EventFileSourceIT");

        Map<String, String> config = new HashMap<>();
        config.put("connector.class", CONNECTOR_CLASS);
        config.put("tasks.max", "1");
        config.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("exactly.once.support", "required");
        config.put("files", file.toString());
        config.put("topic.embeddings", topic);
        config.put("schema.registry.url", stack.registryUrl());
        // Small transactions, so the kill lands mid-file with some of them committed.
        config.put("batch.size", "50");

        String group = "it-connect-" + UUID.randomUUID();
        try (ConnectWorker first = ConnectWorker.distributed("worker", logs, stack.bootstrapServers(), group, Map.of());
             KafkaConsumer<byte[], byte[]> consumer = stack.consumer(new ByteArrayDeserializer(),
                     new ByteArrayDeserializer())) {
            first.start(START_TIMEOUT);

            // The worker answers for the plugin it loaded: an unknown key is refused by name.
            Map<String, String> misspelt = new HashMap<>(config);
            misspelt.put("batch.sise", "10");
            JsonNode verdict = first.validate(CONNECTOR_CLASS, misspelt);
            assertThat(verdict.path("error_count").asInt()).as(verdict.toString()).isGreaterThanOrEqualTo(1);
            assertThat(verdict.toString()).contains("unknown setting batch.sise");

            first.putConnector(CONNECTOR, config);
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

            Poll.until("the first committed records of the file", START_TIMEOUT, () -> {
                requireRunning(first);
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return records.size() >= 2_000 ? Poll.Outcome.done(records.size() + " records")
                        : Poll.Outcome.notYet(records.size() + " records");
            });
            first.kill9();
            // What the killed worker committed: everything up to the last stable offset (its open transaction, if
            // any, holds the LSO until the next worker fences it; read_committed never shows it).
            readToEnd(consumer, partitions, records);
            int beforeKill = records.size();
            int writtenBeforeKill = readUncommitted(stack, partitions);
            assertThat(beforeKill).as("the kill landed mid-file").isLessThan(eventLines.size());

            ConnectWorker second = ConnectWorker.distributed("worker-b", logs, stack.bootstrapServers(), group, Map.of());
            try (second) {
                second.start(START_TIMEOUT);
                Poll.until("every event line on the topic", DONE_TIMEOUT, () -> {
                    requireRunning(second);
                    consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                    long distinct = records.stream().map(EventFileSourceIT::line).distinct().count();
                    return distinct >= eventLines.size() ? Poll.Outcome.done(distinct + " lines")
                            : Poll.Outcome.notYet(distinct + " distinct lines of " + eventLines.size());
                });
                // The file's last event is in: the task produces in line order, so nothing of the file is still to
                // come. Read what is committed up to now, to see any duplicate.
                readToEnd(consumer, partitions, records);
                String resumeLog = Files.readAllLines(second.log(), StandardCharsets.UTF_8).stream()
                        .filter(l -> l.contains("producing the records after line")).findFirst().orElse("(none)");
                System.out.println("EventFileSourceIT second worker: " + resumeLog.substring(
                        Math.max(0, resumeLog.indexOf(file.getFileName().toString()) - 1)));
            }

            Map<Long, Integer> seen = new TreeMap<>();
            AvroSerde<EmbeddingEvent> serde = new AvroSerde<>(EmbeddingEvent.class);
            serde.configure(Map.of("schema.registry.url", stack.registryUrl()), false);
            Deserializer<EmbeddingEvent> values = serde.deserializer();
            int mismatches = 0;
            for (ConsumerRecord<byte[], byte[]> r : records) {
                long line = line(r);
                seen.merge(line, 1, Integer::sum);
                String text = eventLines.get(line);
                JsonlEvent expected = text == null ? null : JsonlEvent.parse(text);
                if (expected == null || !expected.avro().equals(values.deserialize(topic, r.value()))
                        || !expected.model().equals(new String(r.key(), StandardCharsets.UTF_8))) {
                    mismatches++;
                }
            }
            long duplicates = seen.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
            long missing = eventLines.keySet().stream().filter(l -> !seen.containsKey(l)).count();
            System.out.printf(Locale.ROOT, "EventFileSourceIT: lines in file %d, event lines %d, records on topic %d,"
                    + " records committed before kill -9 %d (written before it, committed or not: %d), duplicates %d,"
                    + " missing %d, values differing from their line %d%n", LINES, eventLines.size(), records.size(),
                    beforeKill, writtenBeforeKill, duplicates, missing, mismatches);
            assertThat(beforeKill).as("records committed before the kill").isPositive();
            assertThat(duplicates).as("duplicated lines").isZero();
            assertThat(missing).as("missing lines").isZero();
            assertThat(records).hasSize(eventLines.size());
            assertThat(mismatches).as("records whose key or value is not their line's event").isZero();
        }
    }

    /** Fails at once, with the worker's trace, when the worker died or the connector's task failed. */
    private static void requireRunning(ConnectWorker worker) {
        worker.requireAlive();
        try {
            JsonNode status = worker.status(CONNECTOR);
            if (status != null && status.toString().contains("\"FAILED\"")) {
                throw new AssertionError("the connector failed: " + status.toPrettyString());
            }
        } catch (java.io.IOException e) {
            // the REST API is busy (a rebalance): look again at the next poll
        }
    }

    /** Writes the input and returns its event lines by line number. */
    private static Map<Long, String> writeInput(Path file) throws Exception {
        Map<Long, String> events = new TreeMap<>();
        List<String> lines = new ArrayList<>(LINES);
        for (int n = 1; n <= LINES; n++) {
            String line;
            if (n % 9_973 == 0) {
                line = "{\"type\":\"audio\",\"model\":\"m\"}"; // not an event: skipped with its reason
            } else if (n % 12_007 == 0) {
                line = "";
            } else {
                StringBuilder v = new StringBuilder();
                for (int d = 0; d < 16; d++) {
                    v.append(d == 0 ? "" : ",").append(Math.sin(n * 0.37 + d * 1.3) * 0.1f);
                }
                line = "{\"type\":\"embedding\",\"model\":\"model-" + (n % 7) + "\",\"timestamp\":"
                        + (1_767_225_600_000L + n * 10L) + ",\"id\":\"line-" + n + "\",\"vector\":[" + v + "]}";
                events.put((long) n, line);
            }
            lines.add(line);
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        return events;
    }

    /** Polls until the consumer's position reached the end (for read_committed: the last stable offset). */
    private static void readToEnd(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
            List<ConsumerRecord<byte[], byte[]>> records) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Poll.until("the committed end of the topic", Duration.ofSeconds(60), () -> {
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            boolean done = partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            return done ? Poll.Outcome.done(records.size() + " records") : Poll.Outcome.notYet(records.size() + " records");
        });
    }

    /** Records on the topic counting those of open or aborted transactions (read_uncommitted, to the high watermark). */
    private static int readUncommitted(KafkaStack stack, List<TopicPartition> partitions) {
        Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", stack.bootstrapServers(),
                "isolation.level", "read_uncommitted", "auto.offset.reset", "earliest"));
        try (KafkaConsumer<byte[], byte[]> all = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            all.assign(partitions);
            all.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
            readToEnd(all, partitions, seen);
            return seen.size();
        }
    }

    private static long line(ConsumerRecord<byte[], byte[]> r) {
        Header h = r.headers().lastHeader("featuremon.line");
        return h == null ? -1 : Long.parseLong(new String(h.value(), StandardCharsets.UTF_8));
    }
}
