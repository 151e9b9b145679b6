package io.featuremon.it.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.topology.EventType;
import org.apache.kafka.common.utils.Utils;

/**
 * The input of the fault-injection suites: several models of real data under one config (windows of 1 h, 5 min
 * grace), so that the work spreads over every input partition and both application instances have some.
 *
 * <ul>
 *   <li>Embedding models: copies of {@link Scenario#minilm} (1,000 real MiniLM vectors, two windows, a NaN vector,
 *       a short vector and a late event), alerting at mean |corr| 0.095 so that an alert fires and resolves.</li>
 *   <li>Feature models: copies of {@link Scenario#macrodata} (203 quarters of US macro data, a NaN, an unknown
 *       feature, a string where a number belongs, a late row) with one day of the original made 72 s, so that
 *       an hour holds 50 rows and the 203 rows make four full windows.</li>
 * </ul>
 *
 * <p>Each model keeps its trailing event (at end + grace of its last real window), so that every real window
 * closes in a live run. Model names are chosen so that the models of each type land on different partitions.
 *
 * @param settings featuremon settings of every run of this input
 * @param models   the models, in the order they were made
 */
public record SuiteInput(Map<String, String> settings, List<Model> models) {

    /** One model: its name, event type, lines in order (trailing event last) and how many are dead letters. */
    public record Model(String name, EventType type, List<String> lines, int deadLetters, int partition) {
    }

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();
    private static final long HOUR = 3_600_000L;
    private static final long GRACE = 5 * 60_000L;
    /** A day of macrodata becomes 72 s: 50 rows per 1 h window. */
    private static final long MACRO_TIME_DIVISOR = 1_200;

    public static SuiteInput of(SuiteSize size, int partitions) {
        Scenario minilm = Scenario.minilm(Map.of(FeaturemonConfig.ALERT_MEAN_ABS_CORR_ABOVE, "0.095"));
        Map<String, String> settings = new LinkedHashMap<>(minilm.settings());
        if (!settings.get(FeaturemonConfig.WINDOW_SIZE).equals("1h") || !settings.get(FeaturemonConfig.WINDOW_GRACE).equals("5m")) {
            throw new IllegalStateException("the suite input assumes windows of 1h with 5m grace: " + settings);
        }
        List<Model> models = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (int i = 0; i < size.embeddingModels(); i++) {
            String name = modelName("minilm", i % partitions, partitions, used);
            models.add(new Model(name, EventType.EMBEDDING, renamed(minilm.lines(), name), 3, i % partitions));
        }
        List<String> macro = hourly(Scenario.macrodata(Map.of()).lines());
        for (int i = 0; i < size.featureModels(); i++) {
            // Shifted by one partition, so that with few models the feature work lands beside the embedding work.
            int partition = (i + 1) % partitions;
            String name = modelName("macro", partition, partitions, used);
            models.add(new Model(name, EventType.FEATURES, renamed(macro, name), 4, partition));
        }
        return new SuiteInput(Map.copyOf(settings), List.copyOf(models));
    }

    /**
     * Every line of every model, mixed so that all models advance through their data together (a model's lines stay
     * in their order): line i of a model of n lines comes at (i + 0.5) / n of the way.
     */
    public List<String> interleaved() {
        record Placed(double position, int model, String line) {
        }
        List<Placed> placed = new ArrayList<>();
        for (int m = 0; m < models.size(); m++) {
            List<String> lines = models.get(m).lines();
            for (int i = 0; i < lines.size(); i++) {
                placed.add(new Placed((i + 0.5) / lines.size(), m, lines.get(i)));
            }
        }
        placed.sort(Comparator.comparingDouble(Placed::position).thenComparingInt(Placed::model));
        return placed.stream().map(Placed::line).toList();
    }

    public int lines() {
        return models.stream().mapToInt(m -> m.lines().size()).sum();
    }

    /** Dead letters a run must write for the bad lines (the clean run is checked against it). */
    public int deadLetters() {
        return models.stream().mapToInt(Model::deadLetters).sum();
    }

    /** Models and the partition of their key, for the log. */
    public String describe() {
        return models.stream().map(m -> m.name() + "(" + m.type().label() + ", " + m.lines().size() + " lines, p"
                + m.partition() + ")").toList().toString();
    }

    /** The partition Kafka's default partitioner gives a record keyed by {@code model}. */
    static int partitionOf(String model, int partitions) {
        return Utils.toPositive(Utils.murmur2(model.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static String modelName(String base, int partition, int partitions, Set<String> used) {
        for (int i = 0; ; i++) {
            String name = base + "-" + i;
            if (!used.contains(name) && partitionOf(name, partitions) == partition) {
                used.add(name);
                return name;
            }
        }
    }

    private static List<String> renamed(List<String> lines, String model) {
        return lines.stream().map(line -> edit(line, e -> e.put("model", model))).toList();
    }

    /** The macrodata lines with a day made 72 s, and a new trailing event for windows of 1 h with 5 min grace. */
    private static List<String> hourly(List<String> lines) {
        List<String> real = lines.subList(0, lines.size() - 1); // the old trailing event closed 40-day windows
        long origin = Scenario.parse(real.get(0)).get("timestamp").asLong();
        if (origin % HOUR != 0) {
            throw new IllegalStateException("macrodata should start on the hour: " + origin);
        }
        List<String> out = new ArrayList<>();
        long last = Long.MIN_VALUE;
        for (String line : real) {
            long timestamp = origin + (Scenario.parse(line).get("timestamp").asLong() - origin) / MACRO_TIME_DIVISOR;
            last = Math.max(last, timestamp);
            out.add(edit(line, e -> e.put("timestamp", timestamp)));
        }
        long trailing = Math.floorDiv(last, HOUR) * HOUR + HOUR + GRACE;
        out.add(edit(out.get(out.size() - 1), e -> {
            e.put("id", "trailing");
            e.put("timestamp", trailing);
        }));
        return List.copyOf(out);
    }

    private static String edit(String line, Consumer<ObjectNode> edit) {
        ObjectNode event = Scenario.parse(line);
        edit.accept(event);
        try {
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
