package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.avro.Alert;
import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.WindowStats;
import io.featuremon.cli.Main;
import io.featuremon.topology.AlertRulesConfig;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.it.support.KafkaStack;
import io.featuremon.it.support.LiveFeaturemon;
import io.featuremon.it.support.Scenario;
import io.featuremon.replay.JsonlEvent;
import io.featuremon.replay.Replay;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code featuremon backtest} against the real broker and registry: a live run processes real data, then the
 * backtest reads the same input topic back over the events' time range. Its window stats, masks and alerts must be
 * byte-identical, in order, to the live run's committed output records (the windows the live run closed: all but
 * the trailing event's, which only the backtest closes, at its end); its dead letters equal the live ones, real
 * partition and offset included. And the backtest must leave the cluster as it
 * found it: the same topics, the same consumer groups, the live group's committed offsets unchanged, and the live
 * state directory unchanged.
 */
@ExtendWith(KafkaStack.Resolver.class)
class BacktestIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    @TempDir
    Path work;

    @Test
    void shouldWriteForRealEmbeddingsExactlyWhatTheLiveRunCommittedAndLeaveTheClusterUntouched(KafkaStack stack)
            throws Exception {
        Scenario scenario = Scenario.minilm(Map.of());
        assertBacktestMatchesLiveRun(stack, scenario, scenario.lines(), List.of(scenario.model()), false);
    }

    @Test
    void shouldWriteForRealTabularRowsExactlyTheAlertsTheLiveRunCommittedAndLeaveTheClusterUntouched(KafkaStack stack)
            throws Exception {
        Scenario scenario = Scenario.macrodata(Map.of());
        assertBacktestMatchesLiveRun(stack, scenario, scenario.lines(), List.of(scenario.model()), true);
    }

    /**
     * Two models in two partitions, their events interleaved: the backtest reads one partition after the other, and
     * each model's windows, masks and dead letters must still be the live run's.
     */
    @Test
    void shouldWriteForEachModelExactlyWhatTheLiveRunCommittedWhenTheModelsAreInDifferentPartitions(KafkaStack stack)
            throws Exception {
        Scenario scenario = Scenario.minilm(Map.of());
        String model = scenario.model();
        String other = null;
        for (int i = 0; other == null; i++) {
            if (partition(model + "-" + i) != partition(model)) {
                other = model + "-" + i;
            }
        }
        List<String> lines = new ArrayList<>();
        for (String line : scenario.lines()) {
            lines.add(line);
            String copy = line.replace("\"model\":\"" + model + "\"", "\"model\":\"" + other + "\"");
            assertThat(copy).as("renamed").isNotEqualTo(line);
            lines.add(copy);
        }
        assertBacktestMatchesLiveRun(stack, scenario, lines, List.of(model, other), false);
    }

    /** The partition the producer's default partitioner gives a model's key. */
    private static int partition(String model) {
        return Utils.toPositive(Utils.murmur2(model.getBytes(StandardCharsets.UTF_8))) % KafkaStack.PARTITIONS;
    }

    private void assertBacktestMatchesLiveRun(KafkaStack stack, Scenario scenario, List<String> lines, List<String> models,
            boolean alerts) throws Exception {
        try (LiveFeaturemon live = LiveFeaturemon.create(stack, "backtest-" + scenario.name(), scenario.settings());
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            live.produce(lines);
            Path liveState = work.resolve("state");
            live.start(liveState);
            FeaturemonConfig config = live.config();

            // How many windows the live run closes: the replay of the same lines, without the trailing window.
            Path replayDir = work.resolve("replay");
            Path input = work.resolve("input.jsonl");
            Files.write(input, lines);
            new Replay(config).run(input, replayDir, p -> {});
            int windows = scenario.beforeTrailingWindow(Scenario.readLines(replayDir.resolve(Replay.WINDOW_STATS_FILE))).size();
            assertThat(windows).as("real windows").isGreaterThanOrEqualTo(2 * models.size());
            live.awaitRecords(config.windowStatsTopic(), windows, TIMEOUT);
            live.awaitCaughtUp(TIMEOUT);
            List<String> liveStats = live.readJsonLines(config.windowStatsTopic(), WindowStats.class);
            List<String> liveMasks = live.readJsonLines(config.masksTopic(), FeatureMask.class);
            List<String> liveAlerts = live.readJsonLines(config.alertsTopic(), Alert.class);
            List<String> liveDeadLetters = live.readJsonLines(config.deadLettersTopic(), DeadLetter.class);
            if (alerts) {
                assertThat(liveAlerts).as("live alerts to compare").isNotEmpty();
            }
            live.stop();

            Set<String> topicsBefore = topics(admin);
            Set<String> groupsBefore = groups(admin);
            Map<TopicPartition, Long> offsetsBefore = live.committedOffsets();
            Map<String, String> stateBefore = files(liveState);
            assertThat(offsetsBefore).as("the live group committed").isNotEmpty();

            long from = Long.MAX_VALUE;
            long to = Long.MIN_VALUE;
            for (String line : lines) {
                long time = eventTime(JsonlEvent.parse(line));
                from = Math.min(from, time);
                to = Math.max(to, time + 1);
            }
            Path properties = work.resolve("backtest.properties");
            Properties props = new Properties();
            config.originals().forEach((k, v) -> props.setProperty(k, String.valueOf(v)));
            try (Writer w = Files.newBufferedWriter(properties)) {
                props.store(w, null);
            }
            Path out = work.resolve("backtest");
            StringWriter stdout = new StringWriter();
            StringWriter stderr = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(stdout));
            cli.setErr(new PrintWriter(stderr));
            List<String> args = new ArrayList<>(List.of("backtest", "--config", properties.toString(), "--from",
                    Instant.ofEpochMilli(from).toString(), "--to", Long.toString(to), "--models", String.join(",", models),
                    "--out", out.toString()));
            if (alerts) {
                // What-if in the same pass: a copy of the live rules must alert exactly as live did, beside another set.
                Path same = Files.writeString(work.resolve("same.yaml"), Files.readString(Path.of(liveRulesFile(config))));
                Path other = Files.writeString(work.resolve("other.yaml"), "version: 1\nrules:\n"
                        + "  - name: AnyFeatureDrift\n    metric: drift.features.*.drifted\n    level: {above: 1.0}\n");
                Path incidents = Files.writeString(work.resolve("incidents.csv"), "model,start,end,label\n" + models.get(0)
                        + "," + Instant.ofEpochMilli(from + (to - from) / 3) + "," + Instant.ofEpochMilli(from + (to - from) / 2)
                        + ",planted\n");
                args.addAll(List.of("--rules", same.toString(), "--rules", other.toString(), "--incidents", incidents.toString()));
            }
            int status = cli.execute(args.toArray(String[]::new));
            assertThat(status).as("exit status; stderr:%n%s", stderr).isZero();
            assertThat(stdout.toString()).contains("backtested", Replay.WINDOW_STATS_FILE);
            assertThat(stderr.toString()).contains("events/s", "100.0% of the offsets", "ETA");

            List<String> stats = Scenario.readLines(out.resolve(Replay.WINDOW_STATS_FILE));
            assertThat(stats).as("the trailing windows too").hasSize(liveStats.size() + models.size());
            for (String m : models) {
                assertThat(scenario.beforeTrailingWindow(ofModel(stats, m))).as("window stats of %s", m)
                        .containsExactlyElementsOf(ofModel(liveStats, m));
                assertThat(scenario.beforeTrailingWindow(ofModel(Scenario.readLines(out.resolve(Replay.MASKS_FILE)), m)))
                        .as("masks of %s", m).containsExactlyElementsOf(ofModel(liveMasks, m));
                assertThat(scenario.beforeTrailingWindow(ofModel(Scenario.readLines(out.resolve(Replay.ALERTS_FILE)), m)))
                        .as("alerts of %s", m).containsExactlyElementsOf(ofModel(liveAlerts, m));
            }
            if (alerts) {
                for (String m : models) {
                    assertThat(scenario.beforeTrailingWindow(ofModel(Scenario.readLines(Replay.whatIfAlerts(out, "same")), m)))
                            .as("what-if alerts of the live rules, %s", m).containsExactlyElementsOf(ofModel(liveAlerts, m));
                }
                assertThat(Replay.whatIfAlerts(out, "other")).exists();
                assertThat(stdout.toString()).contains("scored against", "live      *", "same      *", "other     *",
                        "always-fire", "never-fire");
                assertThat(out.resolve("scoring.txt")).content().contains("other     AnyFeatureDrift");
                System.out.printf("BacktestIT %s, what-if sets scored in the backtest's pass:%n%s", scenario.name(),
                        Files.readString(out.resolve("scoring.txt")));
            }
            assertThat(Scenario.readLines(out.resolve(Replay.DEAD_LETTERS_FILE)))
                    .as("the bad lines' dead letters, naming the real partition and offset")
                    .hasSize(scenario.expectedDeadLetters() * models.size())
                    .containsExactlyInAnyOrderElementsOf(liveDeadLetters);

            assertThat(topics(admin)).as("topics").isEqualTo(topicsBefore);
            assertThat(groups(admin)).as("consumer groups").isEqualTo(groupsBefore);
            assertThat(live.committedOffsets()).as("the live group's offsets").isEqualTo(offsetsBefore);
            assertThat(files(liveState)).as("the live state directory").isEqualTo(stateBefore);
            System.out.printf("BacktestIT %s: equal to the live output records byte for byte: %d window stats, %d masks,"
                    + " %d alerts, %d dead letters; topics, groups, the live group's offsets and state unchanged%n",
                    scenario.name(), liveStats.size(), liveMasks.size(), liveAlerts.size(), liveDeadLetters.size());
        }
    }

    /** The live rules as a file: alert.rules, or the built-in rules written out. */
    private String liveRulesFile(FeaturemonConfig config) throws IOException {
        if (!config.alertRulesFile().isBlank()) {
            return config.alertRulesFile();
        }
        return Files.writeString(work.resolve("built-in.yaml"), AlertRulesConfig.builtIn(config)).toString();
    }

    /** The JSON lines of one model's records, in order. */
    private static List<String> ofModel(List<String> jsonLines, String model) {
        return jsonLines.stream().filter(l -> Scenario.parse(l).get("model").asText().equals(model)).toList();
    }

    private static long eventTime(JsonlEvent event) {
        return event.avro() instanceof EmbeddingEvent e ? e.getTimestamp() : ((FeatureEvent) event.avro()).getTimestamp();
    }

    private static Set<String> topics(Admin admin) throws Exception {
        return admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS);
    }

    private static Set<String> groups(Admin admin) throws Exception {
        return Set.copyOf(admin.listGroups().all().get(30, TimeUnit.SECONDS).stream().map(GroupListing::groupId).toList());
    }

    /** Every regular file under {@code dir} and the SHA-256 of its bytes. */
    private static Map<String, String> files(Path dir) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
                files.put(dir.relativize(p).toString(), java.util.HexFormat.of().formatHex(digest));
            }
        }
        return files;
    }
}
