package io.featuremon.it.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.featuremon.avro.Alert;
import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.fuzz.DriverTarget;
import io.featuremon.fuzz.FuzzRecord;
import io.featuremon.fuzz.FuzzSettings;
import io.featuremon.fuzz.FuzzTarget;
import io.featuremon.serdes.SchemaRegistryClient;
import io.featuremon.topology.EventType;
import io.featuremon.topology.MonitoredEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The fuzz target on a real broker and registry: the real application ({@link LiveFeaturemon}: exactly-once, three
 * partitions per topic) started before the first record is sent.
 *
 * <p>A crash is any exception that reached the stream threads' uncaught-exception handler, or the client leaving
 * RUNNING. Its culprit is the record named in the exception ({@code topic=..., partition=..., offset=...}); when that
 * is a repartition record, the input record it came from. When the exception names none (an OutOfMemoryError, a
 * producer error at commit), the report lists the first record not committed in each input partition instead.
 */
public final class LiveFuzzTarget implements FuzzTarget {
    private static final Pattern COORDINATES = Pattern.compile("topic=([^,\\s]+), partition=(\\d+), offset=(\\d+)");

    private final LiveFeaturemon live;

    private LiveFuzzTarget(LiveFeaturemon live) {
        this.live = live;
    }

    /** Creates the topics of a new application and starts it, with the fuzz settings. */
    public static LiveFuzzTarget start(KafkaStack stack, Path stateDir) {
        LiveFeaturemon live = LiveFeaturemon.create(stack, "fuzz", FuzzSettings.featuremonSettings());
        try {
            live.recordingUncaughtExceptions().start(stateDir);
        } catch (RuntimeException e) {
            live.close();
            throw e;
        }
        return new LiveFuzzTarget(live);
    }

    @Override
    public FeaturemonConfig config() {
        return live.config();
    }

    @Override
    public SchemaRegistryClient registry() {
        return live.registry();
    }

    @Override
    public int partitions() {
        return KafkaStack.PARTITIONS;
    }

    private String topic(EventType type) {
        return type == EventType.EMBEDDING ? config().embeddingsTopic() : config().featuresTopic();
    }

    @Override
    public List<Coordinates> send(List<FuzzRecord> records) {
        List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
        for (FuzzRecord r : records) {
            batch.add(new ProducerRecord<>(topic(r.topic()), r.partition(), r.recordTimestamp(), r.key(), r.value()));
        }
        List<Coordinates> coordinates = new ArrayList<>();
        for (RecordMetadata m : live.sendRecords(batch)) {
            coordinates.add(new Coordinates(m.topic(), m.partition(), m.offset()));
        }
        return coordinates;
    }

    @Override
    public Progress awaitProcessed(Duration timeout) {
        try {
            live.awaitCaughtUp(timeout);
            if (crashed()) {
                return notCaughtUp("the application caught up, but a stream thread died on the way");
            }
            return new Progress(true, "", c -> true);
        } catch (AssertionError e) {
            return notCaughtUp(e.getMessage());
        }
    }

    private Progress notCaughtUp(String why) {
        Map<TopicPartition, Long> committed = live.committedOffsets();
        return new Progress(false, why, c -> c.offset() < committed.getOrDefault(
                new TopicPartition(c.topic(), c.partition()), 0L));
    }

    private boolean crashed() {
        KafkaStreams.State state = live.state();
        return !live.uncaughtExceptions().isEmpty() || state == KafkaStreams.State.ERROR
                || state == KafkaStreams.State.PENDING_ERROR || state == KafkaStreams.State.NOT_RUNNING;
    }

    @Override
    public List<Crash> crashes() {
        List<Crash> crashes = new ArrayList<>();
        List<Throwable> uncaught = live.uncaughtExceptions();
        for (Throwable e : uncaught) {
            Coordinates culprit = culprit(e);
            String chain = DriverTarget.chain(e);
            // A producer error surfaces on a later send: the record then named is not necessarily the one whose
            // output failed, so the first unprocessed records are listed too.
            boolean asynchronous = chain.contains("Error encountered sending record");
            String note = asynchronous && culprit != null
                    ? " (a send failed: the record named was being processed when the failure surfaced)" : "";
            crashes.add(new Crash(chain + " [Kafka Streams is " + live.state() + "]" + note, culprit,
                    culprit == null || asynchronous ? firstUncommitted() : List.of(), DriverTarget.stackTrace(e)));
        }
        if (uncaught.isEmpty() && crashed()) {
            crashes.add(new Crash("Kafka Streams is " + live.state() + " without an uncaught exception", null,
                    firstUncommitted(), ""));
        }
        return crashes;
    }

    /** The input record named in the exception chain, following a repartition record back to its source. */
    private Coordinates culprit(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher m = COORDINATES.matcher(String.valueOf(t.getMessage()));
            if (!m.find()) {
                continue;
            }
            String topic = m.group(1);
            int partition = Integer.parseInt(m.group(2));
            long offset = Long.parseLong(m.group(3));
            if (!topic.equals(live.repartitionTopic())) {
                return new Coordinates(topic, partition, offset);
            }
            for (ConsumerRecord<byte[], byte[]> r : live.readToEnd(topic)) {
                if (r.partition() == partition && r.offset() == offset) {
                    MonitoredEvent event = MonitoredEvent.serde().deserializer().deserialize(topic, r.value());
                    return new Coordinates(event.sourceTopic(), event.sourcePartition(), event.sourceOffset());
                }
            }
        }
        return null;
    }

    /** Per input partition, the first record the group has not committed: where the culprit is, or after. */
    private List<Coordinates> firstUncommitted() {
        Map<TopicPartition, Long> committed = live.committedOffsets();
        List<Coordinates> suspects = new ArrayList<>();
        for (String topic : List.of(config().embeddingsTopic(), config().featuresTopic())) {
            for (int p = 0; p < KafkaStack.PARTITIONS; p++) {
                suspects.add(new Coordinates(topic, p, committed.getOrDefault(new TopicPartition(topic, p), 0L)));
            }
        }
        return suspects;
    }

    @Override
    public List<DeadLetter> deadLetters() {
        return live.decode(live.readToEnd(config().deadLettersTopic()), DeadLetter.class);
    }

    @Override
    public List<WindowStats> windowStats() {
        return live.decode(live.readToEnd(config().windowStatsTopic()), WindowStats.class);
    }

    @Override
    public List<FeatureMask> masks() {
        return live.decode(live.readToEnd(config().masksTopic()), FeatureMask.class);
    }

    @Override
    public List<Alert> alerts() {
        return live.decode(live.readToEnd(config().alertsTopic()), Alert.class);
    }

    @Override
    public void close() {
        live.close();
    }
}
