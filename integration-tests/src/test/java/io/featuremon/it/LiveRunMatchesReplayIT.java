package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.featuremon.avro.Alert;
import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.it.support.DeadLetterView;
import io.featuremon.it.support.KafkaStack;
import io.featuremon.it.support.LiveFeaturemon;
import io.featuremon.it.support.Scenario;
import io.featuremon.replay.JsonlEvent;
import io.featuremon.replay.Replay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * featuremon's central promise: a replay of a file gives exactly what the live run gave for the same events.
 *
 * <p>Real data goes into a real broker as Avro (featuremon's serde, real registry), the real application
 * (exactly-once) processes it, and its committed WindowStats, FeatureMask and Alert records, rendered by
 * {@code AvroJson}, must be byte-identical and in the same order to the lines that {@link Replay} writes for the
 * same file with the same config. Bad records go in too, and must become the same dead letters.
 *
 * <p>Run with {@code mvn -B -o -pl integration-tests verify -Dit.test=LiveRunMatchesReplayIT} after
 * {@code mvn -B -o install -DskipTests}.
 */
@ExtendWith(KafkaStack.Resolver.class)
class LiveRunMatchesReplayIT {

    private static final Logger LOG = LoggerFactory.getLogger(LiveRunMatchesReplayIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    @TempDir
    Path work;

    @Test
    void shouldEmitForRealEmbeddingsExactlyTheWindowsMasksAndDeadLettersThatTheReplayWrites(KafkaStack stack)
            throws Exception {
        assertLiveRunMatchesReplay(stack, Scenario.minilm(Map.of()));
    }

    @Test
    void shouldEmitForRealTabularRowsExactlyTheWindowsMasksAlertsAndDeadLettersThatTheReplayWrites(KafkaStack stack)
            throws Exception {
        assertLiveRunMatchesReplay(stack, Scenario.macrodata(Map.of()));
    }

    private void assertLiveRunMatchesReplay(KafkaStack stack, Scenario scenario) throws Exception {
        try (LiveFeaturemon live = LiveFeaturemon.create(stack, scenario.name(), scenario.settings())) {
            live.produce(scenario.lines());
            List<byte[]> notAvro = produceRecordsThatAreNotAvro(live, scenario);
            live.start(work.resolve("state"));

            // The replay runs while the live application works: same config, same lines, no broker.
            FeaturemonConfig config = live.config();
            Path replayDir = work.resolve("replay");
            Replay.Summary replay = new Replay(config).run(scenario.writeTo(work.resolve("input.jsonl")), replayDir, p -> {});
            List<String> expectedStats = scenario.beforeTrailingWindow(Scenario.readLines(replayDir.resolve(Replay.WINDOW_STATS_FILE)));
            List<String> expectedMasks = scenario.beforeTrailingWindow(Scenario.readLines(replayDir.resolve(Replay.MASKS_FILE)));
            List<String> expectedAlerts = scenario.beforeTrailingWindow(Scenario.readLines(replayDir.resolve(Replay.ALERTS_FILE)));
            List<DeadLetterView> expectedDeadLetters = DeadLetterView.inInputOrder(Scenario.readLines(
                    replayDir.resolve(Replay.DEAD_LETTERS_FILE)).stream().map(DeadLetterView::ofJsonLine).toList());
            assertThat(replay.windows()).as("the replay closes the trailing event's window too").isEqualTo(expectedStats.size() + 1);
            assertThat(expectedStats).as("real windows").hasSizeGreaterThanOrEqualTo(2);
            assertThat(expectedDeadLetters).as("dead letters of the bad lines in the replay")
                    .hasSize(scenario.expectedDeadLetters());

            live.awaitRecords(config.windowStatsTopic(), expectedStats.size(), TIMEOUT);
            live.awaitCaughtUp(TIMEOUT);
            LOG.info("{}: comparing {} windows, {} masks, {} alerts and {} + {} dead letters of {} lines",
                    scenario.name(), expectedStats.size(), expectedMasks.size(), expectedAlerts.size(),
                    expectedDeadLetters.size(), notAvro.size(), scenario.lines().size());

            assertThat(live.readJsonLines(config.windowStatsTopic(), WindowStats.class))
                    .containsExactlyElementsOf(expectedStats);
            assertThat(live.readJsonLines(config.masksTopic(), FeatureMask.class))
                    .containsExactlyElementsOf(expectedMasks);
            assertThat(live.readJsonLines(config.alertsTopic(), Alert.class))
                    .containsExactlyElementsOf(expectedAlerts);

            List<DeadLetterView> deadLetters = DeadLetterView.inInputOrder(live.decode(
                    live.readToEnd(config.deadLettersTopic()), DeadLetter.class).stream().map(DeadLetterView::of).toList());
            assertThat(deadLetters).hasSize(expectedDeadLetters.size() + notAvro.size());
            assertThat(deadLetters.subList(0, expectedDeadLetters.size())).containsExactlyElementsOf(expectedDeadLetters);
            assertThat(deadLetters.subList(expectedDeadLetters.size(), deadLetters.size())).allSatisfy(letter -> {
                assertThat(letter.stage()).isEqualTo("decode");
                assertThat(letter.reason()).startsWith("cannot decode: ");
                assertThat(letter.sourceOffset()).as("after every line of the file").isGreaterThanOrEqualTo(scenario.lines().size());
            });
        }
    }

    /**
     * Bytes no replay file can express, produced after the last line so that every line keeps the offset it has
     * in the replay: a value that is not the Confluent wire format, and a real event cut off in its Avro body.
     */
    private static List<byte[]> produceRecordsThatAreNotAvro(LiveFeaturemon live, Scenario scenario) throws Exception {
        JsonlEvent last = JsonlEvent.parse(scenario.trailingEvent());
        String topic = scenario.inputTopic(live.config());
        byte[] event = live.serialize(last.type(), last.avro());
        List<byte[]> values = new ArrayList<>();
        values.add("{\"model\": \"not Avro at all\"}".getBytes(StandardCharsets.UTF_8));
        values.add(Arrays.copyOf(event, event.length / 2));
        for (byte[] value : values) {
            live.produceRaw(topic, scenario.model(), value, last.recordTimestamp());
        }
        return values;
    }
}
