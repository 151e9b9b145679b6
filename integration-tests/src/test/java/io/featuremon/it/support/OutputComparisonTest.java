package io.featuremon.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class OutputComparisonTest {

    private static final List<ConsumerRecord<byte[], byte[]>> CLEAN = List.of(
            record(0, 0, "m1", "w1"), record(0, 1, "m1", "w2"), record(1, 0, "m2", "w1"), record(2, 0, null, "dead"));

    @Test
    void shouldFindNothingWhenTheSameRecordsComeInAnotherPartitionInterleaving() {
        List<ConsumerRecord<byte[], byte[]>> faulty = List.of(
                record(2, 0, null, "dead"), record(1, 0, "m2", "w1"), record(0, 0, "m1", "w1"), record(0, 1, "m1", "w2"));

        OutputComparison comparison = OutputComparison.of("t", CLEAN, faulty, r -> "");

        assertThat(comparison.identical()).isTrue();
        assertThat(comparison.examples()).isEmpty();
    }

    @Test
    void shouldCountALostRecord() {
        OutputComparison comparison = OutputComparison.of("t", CLEAN, CLEAN.subList(1, CLEAN.size()), r -> "");

        assertThat(comparison.lost()).isEqualTo(1);
        assertThat(comparison.identical()).isFalse();
    }

    @Test
    void shouldCountARecordWrittenTwice() {
        List<ConsumerRecord<byte[], byte[]>> faulty = new ArrayList<>(CLEAN);
        faulty.add(record(1, 1, "m2", "w1"));

        OutputComparison comparison = OutputComparison.of("t", CLEAN, faulty, r -> "");

        assertThat(comparison.duplicated()).isEqualTo(1);
        assertThat(comparison.lost()).isZero();
        assertThat(comparison.differing()).isZero();
    }

    @Test
    void shouldCountAValueThatDiffersByOneByteAsLostAndDiffering() {
        List<ConsumerRecord<byte[], byte[]>> faulty = new ArrayList<>(CLEAN);
        faulty.set(1, record(0, 1, "m1", "w3"));

        OutputComparison comparison = OutputComparison.of("t", CLEAN, faulty, r -> "");

        assertThat(comparison.lost()).isEqualTo(1);
        assertThat(comparison.differing()).isEqualTo(1);
        assertThat(comparison.duplicated()).isZero();
    }

    @Test
    void shouldCountAKeyWhoseRecordsComeInAnotherOrder() {
        List<ConsumerRecord<byte[], byte[]>> faulty = List.of(
                record(0, 0, "m1", "w2"), record(0, 1, "m1", "w1"), record(1, 0, "m2", "w1"), record(2, 0, null, "dead"));

        OutputComparison comparison = OutputComparison.of("t", CLEAN, faulty, r -> "");

        assertThat(comparison.reordered()).isEqualTo(1);
        assertThat(comparison.lost() + comparison.duplicated() + comparison.differing()).isZero();
        assertThat(comparison.identical()).isFalse();
    }

    private static ConsumerRecord<byte[], byte[]> record(int partition, long offset, String key, String value) {
        return new ConsumerRecord<>("t", partition, offset, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }
}
