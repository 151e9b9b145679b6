package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.featuremon.avro.Alert;
import io.featuremon.avro.DroppedFeature;
import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.it.support.KafkaStack;
import io.featuremon.it.support.LiveFeaturemon;
import io.featuremon.serdes.WireFormat;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Avro events in, Avro masks and alerts out, through a real broker and registry: a synthetic embedding model
 * becomes redundant over four windows of 10 s event time, and featuremon must say so.
 *
 * <p>The events (as in the demo's generator) mix a common factor with a growing share s into dimensions 0-5, so
 * their pairwise correlation is about s (0.05, 0.25, 0.6, 0.9 in windows 1-4); dimension 6 is -2 × dimension 0
 * plus a little noise (redundant in every window) and dimension 7 is always 0 (constant). All events are produced
 * at once with explicit event times; three trailing events in the fifth window close the fourth. Window 3 is the first
 * whose meanAbsCorr reaches the alert threshold of 0.5.
 *
 * <p>Run with {@code mvn -B -o -pl integration-tests verify -Dit.test=AvroInMasksAndAlertsOutIT} after
 * {@code mvn -B -o install -DskipTests}.
 */
@ExtendWith(KafkaStack.Resolver.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AvroInMasksAndAlertsOutIT {

    private static final Logger LOG = LoggerFactory.getLogger(AvroInMasksAndAlertsOutIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String MODEL = "drifting-encoder";
    private static final String OUTPUT_KEY = MODEL + "||embedding";
    /** A multiple of the window size, so that window i is [T0 + 10 s × i, T0 + 10 s × (i + 1)). */
    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final long WINDOW_MS = 10_000;
    private static final double[] SHARE_PER_WINDOW = {0.05, 0.25, 0.6, 0.9};
    private static final int EVENTS_PER_WINDOW = 200;
    private static final int DIMENSIONS = 8;
    private static final String CONSTANT = "7";
    private static final Set<String> REDUNDANT_PAIR = Set.of("0", "6");

    private LiveFeaturemon live;
    private List<WindowStats> stats;
    private List<ConsumerRecord<byte[], byte[]>> maskRecords;
    private List<ConsumerRecord<byte[], byte[]>> alertRecords;

    /** One run of the application serves every test of this class: they check different outputs of it. */
    @BeforeAll
    void runTheApplicationOverFourWindows(KafkaStack stack, @TempDir Path stateDir) {
        live = LiveFeaturemon.create(stack, "avro-in", Map.of(
                FeaturemonConfig.WINDOW_SIZE, "10s",
                FeaturemonConfig.WINDOW_GRACE, "0s",
                FeaturemonConfig.ALERT_MEAN_ABS_CORR_ABOVE, "0.5",
                // Only the redundancy level rule: the drift and trend rules have their own tests.
                FeaturemonConfig.ALERT_DRIFT, "false",
                FeaturemonConfig.ALERT_REDUNDANCY_TREND, "false"));
        live.produceEmbeddings(events());
        live.start(stateDir);
        FeaturemonConfig config = live.config();

        live.awaitRecords(config.windowStatsTopic(), SHARE_PER_WINDOW.length, TIMEOUT);
        live.awaitCaughtUp(TIMEOUT);
        stats = live.decode(live.readToEnd(config.windowStatsTopic()), WindowStats.class);
        maskRecords = live.readToEnd(config.masksTopic());
        alertRecords = live.readToEnd(config.alertsTopic());
        LOG.info("meanAbsCorr per window {}; {} masks, {} alerts", stats.stream()
                .map(s -> String.format("%.3f", s.getRedundancy().getMeanAbsCorr())).toList(), maskRecords.size(),
                alertRecords.size());
    }

    @AfterAll
    void stopTheApplication() {
        if (live != null) {
            live.close();
        }
    }

    @Test
    void shouldCloseFourWindowsOfTenSecondsWithRisingRedundancy() {
        assertThat(stats).extracting(WindowStats::getWindowStart)
                .containsExactly(T0, T0 + WINDOW_MS, T0 + 2 * WINDOW_MS, T0 + 3 * WINDOW_MS);
        assertThat(stats).allSatisfy(s -> {
            assertThat(s.getModel()).isEqualTo(MODEL);
            assertThat(s.getType()).isEqualTo("embedding");
            assertThat(s.getCount()).isEqualTo(EVENTS_PER_WINDOW);
            assertThat(s.getDimensions()).isEqualTo(DIMENSIONS);
            assertThat(s.getConstant()).containsExactly(CONSTANT);
        });
        assertThat(stats).extracting(s -> s.getRedundancy().getMeanAbsCorr()).isSorted();
        assertThat(stats.get(1).getRedundancy().getMeanAbsCorr()).isLessThan(0.5);
        assertThat(stats.get(2).getRedundancy().getMeanAbsCorr()).isGreaterThanOrEqualTo(0.5);
    }

    @Test
    void shouldFireOneAlertInTheFirstWindowAboveTheThresholdWithFingerprintAndLabels() {
        WindowStats crossing = stats.get(2);
        List<Alert> alerts = live.decode(alertRecords, Alert.class);

        assertThat(alerts).singleElement().satisfies(alert -> {
            assertThat(alert.getStatus()).isEqualTo("firing");
            assertThat(alert.getRule()).isEqualTo("RedundancyMeanAbsCorrHigh");
            assertThat(alert.getModel()).isEqualTo(MODEL);
            assertThat(alert.getSegment()).isNull();
            assertThat(alert.getType()).isEqualTo("embedding");
            assertThat(alert.getSeverity()).isEqualTo("warning");
            assertThat(alert.getMetric()).isEqualTo("redundancy.meanAbsCorr");
            assertThat(alert.getThreshold()).isEqualTo(0.5);
            assertThat(alert.getValue()).isEqualTo(crossing.getRedundancy().getMeanAbsCorr());
            assertThat(alert.getWindowStart()).isEqualTo(crossing.getWindowStart());
            assertThat(alert.getWindowEnd()).isEqualTo(crossing.getWindowEnd());
            assertThat(alert.getStartsAt()).isEqualTo(crossing.getWindowEnd());
            assertThat(alert.getEndsAt()).as("still firing").isNull();
            assertThat(alert.getFingerprint()).matches("[0-9a-f]{16}");
            assertThat(alert.getLabels()).containsEntry("alertname", "RedundancyMeanAbsCorrHigh")
                    .containsEntry("model", MODEL)
                    .containsEntry("type", "embedding")
                    .containsEntry("severity", "warning")
                    .doesNotContainKey("segment");
            assertThat(alert.getAnnotations()).containsKeys("summary", "description");
        });
        assertThat(LiveFeaturemon.keys(alertRecords)).containsOnly(OUTPUT_KEY);
    }

    @Test
    void shouldDropTheConstantDimensionAndOneOfTheRedundantPairNamingTheOneItKeeps() {
        List<FeatureMask> masks = live.decode(maskRecords, FeatureMask.class);

        assertThat(masks).as("a mask is published when it changes, so at least for the first window").isNotEmpty();
        assertThat(masks.get(0).getWindowStart()).isEqualTo(T0);
        assertThat(masks).allSatisfy(mask -> {
            assertThat(mask.getModel()).isEqualTo(MODEL);
            assertThat(mask.getType()).isEqualTo("embedding");
            assertThat(mask.getDropped()).hasSize(2);
            DroppedFeature constant = dropped(mask, CONSTANT);
            assertThat(constant.getReason()).isEqualTo("constant");
            assertThat(constant.getRedundantWith()).isNull();

            DroppedFeature redundant = mask.getDropped().stream().filter(d -> !d.getFeature().equals(CONSTANT))
                    .findFirst().orElseThrow();
            assertThat(redundant.getFeature()).isIn(REDUNDANT_PAIR);
            assertThat(redundant.getReason()).isEqualTo("redundant");
            String partner = REDUNDANT_PAIR.stream().filter(f -> !f.equals(redundant.getFeature())).findFirst().orElseThrow();
            assertThat(redundant.getRedundantWith()).isEqualTo(partner);
            assertThat(redundant.getCorr()).isCloseTo(-1.0, within(1e-3));
            assertThat(mask.getKept()).contains(partner, "1", "2", "3", "4", "5")
                    .doesNotContain(CONSTANT, redundant.getFeature()).hasSize(DIMENSIONS - 2);
        });
        assertThat(masks.get(0).getVersion()).isEqualTo(1);
        for (int i = 1; i < masks.size(); i++) {
            FeatureMask before = masks.get(i - 1);
            FeatureMask now = masks.get(i);
            boolean changed = !now.getKept().equals(before.getKept()) || !now.getDropped().equals(before.getDropped());
            assertThat(now.getVersion()).as("version of the mask of window %d", i)
                    .isEqualTo(before.getVersion() + (changed ? 1 : 0));
        }
    }

    @Test
    void shouldKeyMasksAlertsAndWindowStatsByModelSegmentAndType() {
        assertThat(LiveFeaturemon.keys(maskRecords)).isNotEmpty().containsOnly(OUTPUT_KEY);
        assertThat(LiveFeaturemon.keys(alertRecords)).isNotEmpty().containsOnly(OUTPUT_KEY);
        assertThat(LiveFeaturemon.keys(live.readToEnd(live.config().windowStatsTopic()))).containsOnly(OUTPUT_KEY);
    }

    @Test
    void shouldWriteOutputsAsAvroUnderSchemasRegisteredForTheirTopics() {
        assertWireFormat(maskRecords, live.config().masksTopic(), FeatureMask.getClassSchema());
        assertWireFormat(alertRecords, live.config().alertsTopic(), Alert.getClassSchema());
    }

    private void assertWireFormat(List<ConsumerRecord<byte[], byte[]>> records, String topic, Schema schema) {
        int id = live.registry().lookup(topic + "-value", schema);
        assertThat(records).isNotEmpty().allSatisfy(r -> {
            assertThat(r.value()[0]).isEqualTo(WireFormat.MAGIC_BYTE);
            assertThat(WireFormat.schemaId(r.value())).isEqualTo(id);
        });
    }

    private static DroppedFeature dropped(FeatureMask mask, String feature) {
        return mask.getDropped().stream().filter(d -> d.getFeature().equals(feature)).findFirst()
                .orElseThrow(() -> new AssertionError("mask of window " + mask.getWindowStart() + " does not drop "
                        + feature + ": " + mask));
    }

    /** Four windows of events, then one event of the fifth window that closes the fourth (grace 0). */
    private static List<EmbeddingEvent> events() {
        Random random = new Random(20260101);
        List<EmbeddingEvent> events = new ArrayList<>();
        for (int w = 0; w < SHARE_PER_WINDOW.length; w++) {
            for (int i = 0; i < EVENTS_PER_WINDOW; i++) {
                long timestamp = T0 + w * WINDOW_MS + i * (WINDOW_MS / EVENTS_PER_WINDOW);
                events.add(embedding(random, SHARE_PER_WINDOW[w], timestamp, "w" + w + "-" + i));
            }
        }
        // window.close.quorum (3) events past the end close the fourth window.
        for (int i = 0; i < 3; i++) {
            events.add(embedding(random, 0, T0 + SHARE_PER_WINDOW.length * WINDOW_MS, "trailing-" + i));
        }
        return events;
    }

    private static EmbeddingEvent embedding(Random random, double share, long timestamp, String id) {
        double common = random.nextGaussian();
        List<Float> vector = new ArrayList<>(DIMENSIONS);
        for (int j = 0; j < 6; j++) {
            vector.add((float) (Math.sqrt(share) * common + Math.sqrt(1 - share) * random.nextGaussian()));
        }
        vector.add((float) (-2 * vector.get(0) + 0.001 * random.nextGaussian()));
        vector.add(0f);
        return EmbeddingEvent.newBuilder().setModel(MODEL).setSegment(null).setTimestamp(timestamp)
                .setRequestId(id).setVector(vector).build();
    }
}
