package io.featuremon.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.topology.EventType;

/**
 * Real data in the replay format ({@code src/test/resources/data}, copies of {@code /work/shared/data}), with a
 * few bad lines mixed in and one trailing event that closes the last real window.
 *
 * <p>Why the trailing event: a live run closes a window only when its model's stream time passes end + grace,
 * while a replay closes every open window at the end of its file. With the trailing event in both inputs, the
 * live run closes every real window, and the replay writes the same windows plus one more, the trailing
 * event's own ({@link #beforeTrailingWindow} leaves it out).
 *
 * @param name                short name, the prefix of the test's topics
 * @param settings            featuremon settings of both the live run and the replay
 * @param lines               the input, trailing event last; every line is an event (expressible in both runs)
 * @param trailingWindowStart start of the window that holds the trailing event
 * @param expectedDeadLetters how many of {@code lines} must become dead letters (so that comparing them means something)
 */
public record Scenario(String name, Map<String, String> settings, List<String> lines, long trailingWindowStart,
        int expectedDeadLetters) {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // The replay format writes NaN as a bare token, as Python's json module does.
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    /**
     * {@code minilm-utils-then-net.jsonl}: 1,000 real 384-dimensional embeddings, 500 per hour, windows of 1 h with
     * 5 min grace; plus a NaN vector, a 383-dimensional vector and an event late for the first window.
     */
    public static Scenario minilm(Map<String, String> extraSettings) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(FeaturemonConfig.WINDOW_SIZE, "1h");
        settings.put(FeaturemonConfig.WINDOW_GRACE, "5m");
        settings.putAll(extraSettings);
        List<String> lines = new ArrayList<>(resource("data/minilm-utils-then-net.jsonl"));
        String early = lines.get(10);
        // Inserted from the back, so that each index means a position in the original file.
        lines.add(950, edit(early, e -> e.put("id", "late-" + e.get("id").asText())));
        lines.add(200, edit(lines.get(200), e -> {
            e.put("id", "short-" + e.get("id").asText());
            ((ArrayNode) e.get("vector")).remove(383);
        }));
        lines.add(100, edit(lines.get(100), e -> {
            e.put("id", "nan-" + e.get("id").asText());
            ((ArrayNode) e.get("vector")).set(3, JSON.getNodeFactory().numberNode(Double.NaN));
        }));
        return withTrailingEvent("minilm", settings, lines, 3);
    }

    /**
     * {@code macrodata.jsonl}: 203 real quarters of US macro data, one a day, windows of 40 days with 2 days grace;
     * plus a NaN feature, an unknown numeric feature, a string where a number belongs and a late row.
     */
    public static Scenario macrodata(Map<String, String> extraSettings) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(FeaturemonConfig.WINDOW_SIZE, "40d");
        settings.put(FeaturemonConfig.WINDOW_GRACE, "2d");
        settings.putAll(extraSettings);
        List<String> lines = new ArrayList<>(resource("data/macrodata.jsonl"));
        String early = lines.get(5);
        lines.add(180, edit(early, e -> e.put("id", "late-" + e.get("id").asText())));
        lines.add(120, edit(lines.get(120), e -> {
            e.put("id", "text-" + e.get("id").asText());
            ((ObjectNode) e.get("features")).put("unemp", "high");
        }));
        lines.add(80, edit(lines.get(80), e -> {
            e.put("id", "gold-" + e.get("id").asText());
            ((ObjectNode) e.get("features")).put("gold", 35.0);
        }));
        lines.add(50, edit(lines.get(50), e -> {
            e.put("id", "nan-" + e.get("id").asText());
            ((ObjectNode) e.get("features")).put("infl", Double.NaN);
        }));
        return withTrailingEvent("macro", settings, lines, 4);
    }

    /** Appends a copy of the last event, stamped at the end + grace of the last real window. */
    private static Scenario withTrailingEvent(String name, Map<String, String> settings, List<String> lines,
            int deadLetters) {
        FeaturemonConfig config = FeaturemonConfig.load(settings, null, Map.of());
        long size = config.windowSize().toMillis();
        long grace = config.windowGrace().toMillis();
        if (!config.windowAdvance().equals(config.windowSize())) {
            throw new IllegalArgumentException("scenarios use tumbling windows");
        }
        long last = lines.stream().mapToLong(Scenario::timestamp).max().orElseThrow();
        long lastWindowEnd = Math.floorDiv(last, size) * size + size;
        long trailing = lastWindowEnd + grace;
        List<String> all = new ArrayList<>(lines);
        // A window closes once the median of its model's latest 2q - 1 event times passes end + grace
        // (window.close.quorum = q), so q trailing events close the last real window.
        for (int i = 0; i < config.windowCloseQuorum(); i++) {
            String id = "trailing-" + i;
            all.add(edit(lines.get(lines.size() - 1), e -> {
                e.put("id", id);
                e.put("timestamp", trailing);
            }));
        }
        return new Scenario(name, Map.copyOf(settings), List.copyOf(all), Math.floorDiv(trailing, size) * size, deadLetters);
    }

    /** The model of the events (one per scenario). */
    public String model() {
        return parse(lines.get(0)).get("model").asText();
    }

    /** The type of the events (one per scenario). */
    public EventType type() {
        return EventType.ofLabel(parse(lines.get(0)).get("type").asText());
    }

    /** The topic the events go to under {@code config}. */
    public String inputTopic(FeaturemonConfig config) {
        return type() == EventType.EMBEDDING ? config.embeddingsTopic() : config.featuresTopic();
    }

    /** Every line but the trailing events. */
    public List<String> withoutTrailingEvent() {
        int n = lines.size();
        while (n > 0 && parse(lines.get(n - 1)).get("id").asText().startsWith("trailing-")) {
            n--;
        }
        return lines.subList(0, n);
    }

    /** The trailing events, which close the last real window. */
    public List<String> trailingEvents() {
        return lines.subList(withoutTrailingEvent().size(), lines.size());
    }

    /** The last trailing event. */
    public String trailingEvent() {
        return lines.get(lines.size() - 1);
    }

    /** Writes the input as a replay file. */
    public Path writeTo(Path file) {
        try {
            Files.write(file, lines, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON lines (window stats, masks, alerts) of windows that start before the trailing event's window. */
    public List<String> beforeTrailingWindow(List<String> outputLines) {
        return outputLines.stream().filter(l -> parse(l).get("windowStart").asLong() < trailingWindowStart).toList();
    }

    /** The lines of a file, in order. */
    public static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode parse(String line) {
        try {
            return (ObjectNode) JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + line, e);
        }
    }

    private static long timestamp(String line) {
        JsonNode ts = parse(line).get("timestamp");
        if (!ts.isIntegralNumber()) {
            throw new IllegalArgumentException("scenarios use epoch-millisecond timestamps: " + line);
        }
        return ts.asLong();
    }

    private static String edit(String line, Consumer<ObjectNode> edit) {
        ObjectNode event = parse(line);
        edit.accept(event);
        try {
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<String> resource(String name) {
        InputStream in = Scenario.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("test resource " + name + " is missing");
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }
}
