package io.featuremon.it.support;

import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.featuremon.avro.DeadLetter;
import io.featuremon.serdes.AvroJson;

/**
 * What a live run and a replay must agree on about a dead letter: where the record was in its input topic, why
 * and at which stage it was refused. Left out: the partition (a replay has one, the live topics three) and the
 * raw bytes (their schema id comes from a different registry).
 */
public record DeadLetterView(String sourceTopic, long sourceOffset, long recordTimestamp, String stage, String reason,
        String model, String requestId) {

    /** Ordered as they were in the input. */
    public static final Comparator<DeadLetterView> INPUT_ORDER = Comparator.comparing(DeadLetterView::sourceTopic)
            .thenComparingLong(DeadLetterView::sourceOffset);

    public static DeadLetterView of(DeadLetter letter) {
        return of(AvroJson.toJson(letter));
    }

    /** From a line of the replay's dead-letters.jsonl (the dead letter as {@link AvroJson} writes it, plus "line"). */
    public static DeadLetterView ofJsonLine(String line) {
        return of(Scenario.parse(line));
    }

    private static DeadLetterView of(JsonNode json) {
        return new DeadLetterView(json.get("sourceTopic").asText(), json.get("sourceOffset").asLong(),
                json.get("recordTimestamp").asLong(), json.get("stage").asText(), json.get("reason").asText(),
                text(json.get("model")), text(json.get("requestId")));
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    public static List<DeadLetterView> inInputOrder(List<DeadLetterView> letters) {
        return letters.stream().sorted(INPUT_ORDER).toList();
    }
}
