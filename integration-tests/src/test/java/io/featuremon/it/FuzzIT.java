package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import io.featuremon.fuzz.FuzzReport;
import io.featuremon.fuzz.FuzzRun;
import io.featuremon.fuzz.FuzzSettings;
import io.featuremon.it.support.KafkaStack;
import io.featuremon.it.support.LiveFuzzTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzzer against the real application: mutated records of every {@link io.featuremon.fuzz.MutationKind} mixed
 * with valid traffic, on both input topics of a real broker, Avro in the Confluent wire format against a real
 * registry, processed exactly-once by {@code FeaturemonApp}.
 *
 * <p>Checks, with one summary line ({@code FUZZ live seed=... inputs=... contributed=... dead-lettered=...
 * unaccounted=0 crashes=0 ...}): every input record is either in one dead letter (reason, source topic, partition and
 * offset) or counted in its window's statistics; no stream thread dies and the client stays RUNNING; the valid
 * models' window stats, masks and alerts are byte-identical to a clean replay of their valid records (bar the
 * counts of refused records in {@code quality}). See {@link FuzzRun}.
 *
 * <pre>
 * mvn -o -B verify -pl integration-tests -am -Dit.test=FuzzIT -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * ... -Dfeaturemon.fuzz.records=100000                 full size
 * ... -Dfeaturemon.fuzz.seed=42                        repeat a run (the seed is printed)
 * ... -Dfeaturemon.fuzz.skip=HUGE_STRING_LENGTH,...    leave out kinds that stop the application
 * </pre>
 */
@ExtendWith(KafkaStack.Resolver.class)
class FuzzIT {
    /** CI size; {@code -Dfeaturemon.fuzz.records} for more. */
    static final int RECORDS = 3_000;

    @TempDir
    Path work;

    @Test
    void shouldAccountForEveryMutatedRecordWithoutCrashingAndKeepValidResultsAsInACleanRun(KafkaStack stack) {
        FuzzSettings settings = FuzzSettings.fromSystemProperties(RECORDS);
        FuzzReport report;
        try (LiveFuzzTarget target = LiveFuzzTarget.start(stack, work.resolve("state"))) {
            report = FuzzRun.run("live", settings, target, work);
        }
        assertThat(report.ok()).as(report.describe()).isTrue();
        assertThat(report.unaccounted()).isZero();
        assertThat(report.crashes()).isZero();
    }
}
