package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.featuremon.config.FeaturemonConfig;
import io.featuremon.it.support.FeaturemonProcess;
import io.featuremon.it.support.KafkaStack;
import io.featuremon.it.support.OutputComparison;
import io.featuremon.it.support.SuiteInput;
import io.featuremon.it.support.SuiteSize;
import io.featuremon.it.support.TwinRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once under crashes, in the shape of Kafka's {@code streams_eos_test}: two featuremon instances run as
 * separate OS processes ({@code featuremon run}) on the real broker and registry while the input arrives; one or
 * the other is killed with SIGKILL at random points and restarted, at least once with its state directory wiped
 * (so it restores every store from the changelogs under a new transactional id). When the input is in and
 * processed, everything the two instances committed to the window-stats, masks, alerts and dead-letter topics
 * (read_committed) must be, byte for byte, what one clean uninterrupted instance commits for the same input
 * records: nothing lost, nothing twice, nothing different, every group's records in the same order.
 *
 * <p>The input is several models of real data (see {@link SuiteInput}), keyed by model over three partitions, so
 * that both instances hold tasks of both stages. Kill timing comes from a seeded {@link Random}: the seed is
 * printed, and {@code -Dfeaturemon.suite.seed=N} repeats a run's schedule (not its exact interleaving with Kafka).
 *
 * <p>Run (from the repository root; about 1.5 min at the default size):
 * <pre>
 * mvn -o -B verify -pl integration-tests -am -Dit.test=KillNineIT -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * Add {@code -Dfeaturemon.suite.size=large} for more models, a longer input and more kills. The child processes'
 * logs stay in {@code integration-tests/target/suite-logs/KillNineIT-<seed>/}.
 */
@ExtendWith(KafkaStack.Resolver.class)
class KillNineIT {

    private static final Logger LOG = LoggerFactory.getLogger(KillNineIT.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration DONE_TIMEOUT = Duration.ofSeconds(180);

    @TempDir
    Path work;

    @Test
    void shouldCommitExactlyTheOutputsOfACleanRunWhileInstancesAreKilledNineAndRestarted(KafkaStack stack)
            throws Exception {
        killNine(stack, "kill9", false);
    }

    /**
     * The same with spread input: every model's events round-robin over the partitions, statistics per partition
     * and partials merged, so a kill can fall between a partial and its frontier, or in the merge stage.
     */
    @Test
    void shouldCommitExactlyTheOutputsOfACleanRunWithSpreadInputWhileInstancesAreKilledNine(KafkaStack stack)
            throws Exception {
        killNine(stack, "kill9-spread", true);
    }

    private void killNine(KafkaStack stack, String name, boolean spread) throws Exception {
        long startNanos = System.nanoTime();
        SuiteSize size = SuiteSize.current();
        long seed = SuiteSize.seed();
        Random random = new Random(seed);
        Path logs = SuiteSize.logDir("KillNineIT", seed);
        SuiteInput input = SuiteInput.of(size, TwinRuns.PARTITIONS);
        LOG.info("KillNineIT: seed {} size {}: {} input lines of {}; logs in {}", seed, size.name(), input.lines(),
                input.describe(), logs);
        System.out.println("KillNineIT: seed=" + seed + " size=" + size.name() + " (repeat with -D"
                + SuiteSize.SEED_PROPERTY + "=" + seed + ")"
                + (SuiteSize.faultySettings().isEmpty() ? "" : "; faulty run only: " + SuiteSize.faultySettings()));

        int kills = 0;
        int restarts = 0;
        int wipes = 0;
        List<String> schedule = new ArrayList<>();
        Map<String, String> settings = spread
                ? Map.of(FeaturemonConfig.INPUT_SPREAD_PARTITIONS, String.valueOf(TwinRuns.PARTITIONS)) : Map.of();
        try (TwinRuns runs = TwinRuns.create(stack.bootstrapServers(), stack.registryUrl(), name, input, work, settings,
                SuiteSize.faultySettings());
                FeaturemonProcess a = runs.process(runs.faulty(), "a", logs);
                FeaturemonProcess b = runs.process(runs.faulty(), "b", logs);
                FeaturemonProcess clean = runs.process(runs.clean(), "only", logs)) {
            List<FeaturemonProcess> instances = List.of(a, b);
            Runnable bothAlive = TwinRuns.startAll(START_TIMEOUT, a, b);

            if (spread) {
                runs.spreadOverPartitions();
            }
            CompletableFuture<Integer> producing = runs.produceOver(size.produceFor());
            // At least one restart from an empty state directory, at a kill chosen up front.
            int wipeAt = 1 + random.nextInt(size.minKills());
            while (!producing.isDone() || kills < size.minKills()) {
                TwinRuns.holdFault(500 + random.nextInt(3500)); // when to kill: somewhere in the middle of processing
                FeaturemonProcess victim = instances.get(random.nextInt(instances.size()));
                bothAlive.run();
                long committedBefore = runs.committedInput(runs.faulty());
                victim.kill9();
                kills++;
                boolean wipe = kills == wipeAt || random.nextInt(4) == 0;
                if (wipe) {
                    victim.wipeState();
                    wipes++;
                }
                int down = random.nextInt(2000);
                schedule.add(victim.name() + (wipe ? " (wiped)" : "") + " at " + committedBefore + " input records, down "
                        + down + " ms");
                TwinRuns.holdFault(down);
                victim.start();
                restarts++;
                victim.awaitRunning(START_TIMEOUT);
            }
            int produced = producing.get(60, TimeUnit.SECONDS);
            LOG.info("KillNineIT: {} records produced; kills: {}", produced, schedule);

            List<OutputComparison> comparisons = runs.finishAndCompare(DONE_TIMEOUT, bothAlive, clean, a, b);
            OutputComparison.Total total = OutputComparison.Total.of(comparisons);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
            String summary = String.format("KillNineIT summary (" + name + "): seed=%d size=%s kills=%d restarts=%d wiped=%d"
                    + " compared=%d lost=%d duplicated=%d differing=%d reordered=%d (%s) in %d s", seed, size.name(),
                    kills, restarts, wipes, total.clean(), total.lost(), total.duplicated(), total.differing(),
                    total.reordered(), total.perTopic(), seconds);
            LOG.info(summary);
            System.out.println(summary);

            assertThat(total.clean()).as("outputs of the clean run to compare").isPositive();
            runs.assertSameOutputs(comparisons);
            assertThat(kills).isGreaterThanOrEqualTo(size.minKills());
            assertThat(restarts).isEqualTo(kills);
            assertThat(wipes).isPositive();
        }
    }
}
