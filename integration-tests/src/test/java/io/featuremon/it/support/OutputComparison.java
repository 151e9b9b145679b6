package io.featuremon.it.support;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Compares what a run under faults committed to one output topic with what a clean run committed to its twin, as
 * multisets of (key bytes, value bytes): byte for byte, whatever the interleaving of partitions.
 *
 * <ul>
 *   <li><b>lost</b>: records of the clean run missing from the faulty one (counted with multiplicity);</li>
 *   <li><b>duplicated</b>: records of the clean run the faulty one has more often than the clean run;</li>
 *   <li><b>differing</b>: records of the faulty run that the clean run does not have at all (a wrong value, or a
 *       value under a wrong key);</li>
 *   <li><b>reordered</b>: keys whose records are the same multiset in both runs but come in another order (one
 *       key is one group, processed by one task in input order, so its order is deterministic). Records without a
 *       key (decode-stage dead letters) have no order to keep.</li>
 * </ul>
 *
 * @param topic     short name of the output ("window-stats")
 * @param clean     records of the clean run
 * @param faulty    records of the run under faults
 * @param lost      see above
 * @param duplicated see above
 * @param differing see above
 * @param reordered see above
 * @param examples  a few lost and differing records, rendered for the failure message
 */
public record OutputComparison(String topic, int clean, int faulty, int lost, int duplicated, int differing,
        int reordered, List<String> examples) {

    private static final int MAX_EXAMPLES = 6;

    /** Bytes of a key and a value, with value equality. */
    private record Entry(byte[] key, byte[] value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && Arrays.equals(key, e.key) && Arrays.equals(value, e.value);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "key=" + (key == null ? "null" : Base64.getEncoder().encodeToString(key));
        }
    }

    /**
     * @param render turns a record into readable text for the examples (e.g. its value decoded as JSON)
     */
    public static OutputComparison of(String topic, List<ConsumerRecord<byte[], byte[]>> clean,
            List<ConsumerRecord<byte[], byte[]>> faulty, Function<ConsumerRecord<byte[], byte[]>, String> render) {
        Map<Entry, List<ConsumerRecord<byte[], byte[]>>> cleanCounts = group(clean);
        Map<Entry, List<ConsumerRecord<byte[], byte[]>>> faultyCounts = group(faulty);
        int lost = 0;
        int duplicated = 0;
        int differing = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<Entry, List<ConsumerRecord<byte[], byte[]>>> e : cleanCounts.entrySet()) {
            int c = e.getValue().size();
            int f = faultyCounts.getOrDefault(e.getKey(), List.of()).size();
            if (f < c) {
                lost += c - f;
                example(examples, "lost", e.getValue().get(0), render);
            } else if (f > c) {
                duplicated += f - c;
                example(examples, "duplicated (" + f + " times, clean run " + c + ")", faultyCounts.get(e.getKey()).get(1), render);
            }
        }
        for (Map.Entry<Entry, List<ConsumerRecord<byte[], byte[]>>> e : faultyCounts.entrySet()) {
            if (!cleanCounts.containsKey(e.getKey())) {
                differing += e.getValue().size();
                example(examples, "differing (not in the clean run)", e.getValue().get(0), render);
            }
        }
        int reordered = 0;
        Map<String, List<Entry>> cleanByKey = byKey(clean);
        Map<String, List<Entry>> faultyByKey = byKey(faulty);
        for (Map.Entry<String, List<Entry>> e : cleanByKey.entrySet()) {
            List<Entry> other = faultyByKey.getOrDefault(e.getKey(), List.of());
            if (!other.equals(e.getValue()) && multiset(other).equals(multiset(e.getValue()))) {
                reordered++;
                if (examples.size() < MAX_EXAMPLES) {
                    examples.add("reordered: key " + e.getKey() + " has the clean run's " + other.size()
                            + " records in another order");
                }
            }
        }
        return new OutputComparison(topic, clean.size(), faulty.size(), lost, duplicated, differing, reordered,
                List.copyOf(examples));
    }

    /** Whether the faulty run committed exactly the clean run's records. */
    public boolean identical() {
        return lost == 0 && duplicated == 0 && differing == 0 && reordered == 0 && clean == faulty;
    }

    /** {@code window-stats 30/30}: records of the faulty run / of the clean run. */
    public String counts() {
        return topic + " " + faulty + "/" + clean;
    }

    /** Sums over several topics, and the text of the first examples of each. */
    public record Total(int clean, int faulty, int lost, int duplicated, int differing, int reordered,
            String perTopic, String examples) {

        public static Total of(List<OutputComparison> comparisons) {
            StringBuilder examples = new StringBuilder();
            for (OutputComparison c : comparisons) {
                for (String example : c.examples()) {
                    examples.append("\n  ").append(c.topic()).append(": ").append(example);
                }
            }
            return new Total(
                    comparisons.stream().mapToInt(OutputComparison::clean).sum(),
                    comparisons.stream().mapToInt(OutputComparison::faulty).sum(),
                    comparisons.stream().mapToInt(OutputComparison::lost).sum(),
                    comparisons.stream().mapToInt(OutputComparison::duplicated).sum(),
                    comparisons.stream().mapToInt(OutputComparison::differing).sum(),
                    comparisons.stream().mapToInt(OutputComparison::reordered).sum(),
                    String.join(", ", comparisons.stream().map(OutputComparison::counts).toList()),
                    examples.toString());
        }
    }

    private static Map<Entry, List<ConsumerRecord<byte[], byte[]>>> group(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<Entry, List<ConsumerRecord<byte[], byte[]>>> groups = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            groups.computeIfAbsent(new Entry(r.key(), r.value()), k -> new ArrayList<>()).add(r);
        }
        return groups;
    }

    private static Map<Entry, Integer> multiset(List<Entry> entries) {
        Map<Entry, Integer> counts = new HashMap<>();
        entries.forEach(e -> counts.merge(e, 1, Integer::sum));
        return counts;
    }

    /** The records of each non-null key, in the order of their partition. */
    private static Map<String, List<Entry>> byKey(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, List<Entry>> byKey = new LinkedHashMap<>();
        records.stream().filter(r -> r.key() != null)
                .sorted(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                        .thenComparingLong(ConsumerRecord::offset))
                .forEach(r -> byKey.computeIfAbsent(Base64.getEncoder().encodeToString(r.key()), k -> new ArrayList<>())
                        .add(new Entry(r.key(), r.value())));
        return byKey;
    }

    private static void example(List<String> examples, String what, ConsumerRecord<byte[], byte[]> record,
            Function<ConsumerRecord<byte[], byte[]>, String> render) {
        if (examples.size() < MAX_EXAMPLES) {
            String text;
            try {
                text = render.apply(record);
            } catch (RuntimeException e) {
                text = "(cannot render: " + e + ")";
            }
            examples.add(what + ": p" + record.partition() + "@" + record.offset() + " " + Objects.toString(text));
        }
    }
}
