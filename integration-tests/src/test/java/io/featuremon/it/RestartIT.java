package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
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
import io.featuremon.replay.Replay;
import io.featuremon.topology.FeaturemonTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once across a restart that loses the local state: one instance processes half of the input and is
 * closed; a new instance with the same application id and an empty state directory must rebuild the window
 * state, alert state and mask versions from the changelogs and finish the job. What it emits, together with what
 * the first instance emitted, must be byte-identical to an uninterrupted replay of the same input: no window
 * lost, none twice, no fold point moved.
 *
 * <p>The first instance gets the first half of the input and is closed once its consumer group has committed all
 * of it; the second half, with the trailing event that closes the last real window, comes after the restart. So
 * the restart happens at a known point, in the middle of a window whose rows, tiles and counters exist only in
 * the stores (and their changelogs).
 *
 * <p>Run with {@code mvn -B -o -pl integration-tests verify -Dit.test=RestartIT} after
 * {@code mvn -B -o install -DskipTests}.
 */
@ExtendWith(KafkaStack.Resolver.class)
class RestartIT {

    private static final Logger LOG = LoggerFactory.getLogger(RestartIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    @TempDir
    Path work;

    /** Alerting at 0.095: window 1 of this data has meanAbsCorr 0.0998 and window 2 0.0914, so it fires, then resolves. */
    @Test
    void shouldRestoreStateFromTheChangelogsAndEmitForRealEmbeddingsWhatAnUninterruptedReplayWrites(KafkaStack stack)
            throws Exception {
        assertRestartGivesTheUninterruptedOutputs(stack,
                Scenario.minilm(Map.of(FeaturemonConfig.ALERT_MEAN_ABS_CORR_ABOVE, "0.095")));
    }

    @Test
    void shouldRestoreStateFromTheChangelogsAndEmitForRealTabularRowsWhatAnUninterruptedReplayWrites(KafkaStack stack)
            throws Exception {
        assertRestartGivesTheUninterruptedOutputs(stack, Scenario.macrodata(Map.of()));
    }

    private void assertRestartGivesTheUninterruptedOutputs(KafkaStack stack, Scenario scenario) throws Exception {
        try (LiveFeaturemon live = LiveFeaturemon.create(stack, "restart-" + scenario.name(), scenario.settings())) {
            List<String> lines = scenario.lines();
            int half = lines.size() / 2;
            live.produce(lines.subList(0, half));
            String input = scenario.inputTopic(live.config());

            live.start(work.resolve("state-first"));
            // Committed offsets, not time: the group has committed every input record produced so far, and the
            // window stage every record of the repartition topic.
            live.awaitCaughtUp(TIMEOUT);
            assertThat(live.committed(input)).isEqualTo(half);
            live.stop();
            int windowsBefore = live.readToEnd(live.config().windowStatsTopic()).size();
            LOG.info("{}: first instance stopped after {} of {} input records, at offset {} of the repartition topic,"
                    + " with {} windows emitted", scenario.name(), live.committed(input), lines.size(),
                    live.committed(live.repartitionTopic()), windowsBefore);

            live.produce(lines.subList(half, lines.size()));
            Path freshState = work.resolve("state-second");
            assertThat(freshState).doesNotExist();
            live.start(freshState);

            FeaturemonConfig config = live.config();
            Path replayDir = work.resolve("replay");
            new Replay(config).run(scenario.writeTo(work.resolve("input.jsonl")), replayDir, p -> {});
            List<String> expectedStats = scenario.beforeTrailingWindow(Scenario.readLines(replayDir.resolve(Replay.WINDOW_STATS_FILE)));
            List<String> expectedMasks = scenario.beforeTrailingWindow(Scenario.readLines(replayDir.resolve(Replay.MASKS_FILE)));
            List<String> expectedAlerts = scenario.beforeTrailingWindow(Scenario.readLines(replayDir.resolve(Replay.ALERTS_FILE)));
            List<DeadLetterView> expectedDeadLetters = DeadLetterView.inInputOrder(Scenario.readLines(
                    replayDir.resolve(Replay.DEAD_LETTERS_FILE)).stream().map(DeadLetterView::ofJsonLine).toList());
            assertThat(expectedAlerts).as("alerts of the uninterrupted replay").extracting(l -> Scenario.parse(l).get("status").asText())
                    .contains("firing", "resolved");
            assertThat(windowsBefore).as("windows emitted before the restart").isLessThan(expectedStats.size());

            live.awaitRecords(config.windowStatsTopic(), expectedStats.size(), TIMEOUT);
            live.awaitCaughtUp(TIMEOUT);

            assertThat(live.readJsonLines(config.windowStatsTopic(), WindowStats.class))
                    .containsExactlyElementsOf(expectedStats);
            assertThat(live.readJsonLines(config.masksTopic(), FeatureMask.class))
                    .containsExactlyElementsOf(expectedMasks);
            assertThat(live.readJsonLines(config.alertsTopic(), Alert.class))
                    .containsExactlyElementsOf(expectedAlerts);
            assertThat(DeadLetterView.inInputOrder(live.decode(live.readToEnd(config.deadLettersTopic()), DeadLetter.class)
                    .stream().map(DeadLetterView::of).toList()))
                    .containsExactlyElementsOf(expectedDeadLetters);

            Map<String, Long> restored = live.restoredRecords();
            LOG.info("{}: second instance restored {} records per store; compared {} windows, {} masks, {} alerts, {} dead letters",
                    scenario.name(), restored, expectedStats.size(), expectedMasks.size(), expectedAlerts.size(),
                    expectedDeadLetters.size());
            assertThat(restored).as("records restored from the changelogs into the empty state directory")
                    .hasEntrySatisfying(FeaturemonTopology.GROUPS_STORE, n -> assertThat(n).isPositive())
                    .hasEntrySatisfying(FeaturemonTopology.MOMENTS_STORE, n -> assertThat(n).isPositive());
            assertThat(freshState).as("the second instance kept its state where it was told").isNotEmptyDirectory();
        }
    }
}
