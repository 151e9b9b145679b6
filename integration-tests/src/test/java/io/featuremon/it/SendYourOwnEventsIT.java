package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.it.snippets.SendFeatureEvents;
import io.featuremon.it.support.KafkaStack;
import io.featuremon.it.support.LiveFeaturemon;
import io.featuremon.serdes.AvroJson;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Send your own events" snippets, run against a real broker and registry: the Java producer
 * ({@link SendFeatureEvents}) and the Python one ({@code docs/examples/send_features.py}, run with
 * {@code /usr/bin/python3} and Debian's python3-confluent-kafka), each into a featuremon application of its own,
 * which must count all 20 events in its window statistics and dead-letter none. Also checks that the README still
 * shows both snippets exactly as they are in those files.
 *
 * <p>The snippets stamp events with the current time; a window of 10 s (grace 0) closes when three more events of
 * the model come 30 s later (window.close.quorum), which the test sends itself.
 */
@ExtendWith(KafkaStack.Resolver.class)
class SendYourOwnEventsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path PYTHON_SNIPPET = REPO.resolve("docs/examples/send_features.py");
    private static final Path JAVA_SNIPPET = REPO.resolve(
            "integration-tests/src/test/java/io/featuremon/it/snippets/SendFeatureEvents.java");
    private static final String PYTHON = "/usr/bin/python3";

    @Test
    void shouldCountEveryEventTheJavaSnippetSends(KafkaStack stack, @TempDir Path stateDir) {
        try (LiveFeaturemon live = application(stack, "snippet-java")) {
            SendFeatureEvents.send(stack.bootstrapServers(), stack.registryUrl(), live.config().featuresTopic());
            assertCounted(live, stateDir);
        }
    }

    @Test
    void shouldCountEveryEventThePythonSnippetSends(KafkaStack stack, @TempDir Path stateDir) throws Exception {
        requirePythonConfluentKafka();
        try (LiveFeaturemon live = application(stack, "snippet-python")) {
            Process python = new ProcessBuilder(PYTHON, PYTHON_SNIPPET.toString(), stack.bootstrapServers(),
                    stack.registryUrl(), live.config().featuresTopic()).redirectErrorStream(true).start();
            boolean exited = python.waitFor(60, TimeUnit.SECONDS);
            String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!exited) {
                python.destroyForcibly();
                fail("send_features.py did not finish within 60 s: " + output);
            }
            assertThat(python.exitValue()).as("exit code of send_features.py; output:%n%s", output).isZero();
            assertCounted(live, stateDir);
        }
    }

    @Test
    void shouldShowBothSnippetsInTheReadmeExactlyAsTheyRun() throws IOException {
        String readme = Files.readString(REPO.resolve("README.md"));
        assertThat(readme).as("README shows the body of SendFeatureEvents.send")
                .contains(snippet(JAVA_SNIPPET, "        // --8<--"));
        assertThat(readme).as("README shows main() of docs/examples/send_features.py")
                .contains(snippet(PYTHON_SNIPPET, "    # --8<--"));
    }

    private static LiveFeaturemon application(KafkaStack stack, String name) {
        return LiveFeaturemon.create(stack, name, Map.of(
                FeaturemonConfig.WINDOW_SIZE, "10s",
                FeaturemonConfig.WINDOW_GRACE, "0s"));
    }

    /**
     * Closes the snippet's window(s) with three events 30 s later, runs the application and checks that the closed
     * windows of the model count every event the snippet sent and that nothing became a dead letter.
     */
    private static void assertCounted(LiveFeaturemon live, Path stateDir) {
        long later = System.currentTimeMillis() + 30_000;
        List<String> closers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            closers.add("{\"type\":\"features\",\"model\":\"" + SendFeatureEvents.MODEL + "\",\"timestamp\":" + later
                    + ",\"features\":{\"age\":" + (40 + i) + ",\"income_eur\":" + (41_000 + i)
                    + ",\"country\":\"DE\"}}");
        }
        live.produce(closers);
        live.start(stateDir);
        FeaturemonConfig config = live.config();
        live.awaitRecords(config.windowStatsTopic(), 1, TIMEOUT);
        live.awaitCaughtUp(TIMEOUT);

        assertThat(live.decode(live.readToEnd(config.deadLettersTopic()), DeadLetter.class))
                .extracting(DeadLetter::getReason).as("reasons of dead letters").isEmpty();
        List<ConsumerRecord<byte[], byte[]>> input = live.readToEnd(config.featuresTopic());
        assertThat(input).hasSize(SendFeatureEvents.EVENTS + 3);
        assertThat(input.stream().map(ConsumerRecord::partition).distinct()).as("partitions of the snippet's events"
                + " and of the closers, which a Java producer keyed by the model: one model, one partition, in order")
                .hasSize(1);
        List<WindowStats> stats = live.decode(live.readToEnd(config.windowStatsTopic()), WindowStats.class);
        assertThat(stats).as("the 20 events fall in one window, or two when they straddle a boundary: %s",
                        stats.stream().map(AvroJson::toJsonLine).toList())
                .isNotEmpty().hasSizeLessThanOrEqualTo(2).allSatisfy(s -> {
                    assertThat(s.getModel()).isEqualTo(SendFeatureEvents.MODEL);
                    assertThat(s.getSegment()).isNull();
                    assertThat(s.getType()).isEqualTo("features");
                    assertThat(s.getWindowEnd()).isLessThanOrEqualTo(later);
                });
        assertThat(stats.stream().mapToLong(WindowStats::getCount).sum()).as("events counted: %s",
                stats.stream().map(AvroJson::toJsonLine).toList()).isEqualTo(SendFeatureEvents.EVENTS);
    }

    private static void requirePythonConfluentKafka() throws Exception {
        Process check = new ProcessBuilder(PYTHON, "-c", "import confluent_kafka").redirectErrorStream(true).start();
        boolean ok = check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0;
        if (!ok) {
            check.destroyForcibly();
            String message = PYTHON + " cannot import confluent_kafka: install it with"
                    + " `apt-get install -y python3-confluent-kafka` (.ci/run does) to run the Python snippet";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message);
        }
    }

    /** The lines between the snippet markers of a file, without the indentation of the markers. */
    private static String snippet(Path file, String markerPrefix) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int start = indexOf(lines, markerPrefix + " [start:snippet]", file);
        int end = indexOf(lines, markerPrefix + " [end:snippet]", file);
        int indent = markerPrefix.indexOf(markerPrefix.strip());
        StringBuilder text = new StringBuilder();
        for (String line : lines.subList(start + 1, end)) {
            text.append(line.length() >= indent ? line.substring(indent) : line.strip()).append('\n');
        }
        return text.toString();
    }

    private static int indexOf(List<String> lines, String line, Path file) {
        int i = lines.indexOf(line);
        assertThat(i).as("line '%s' in %s", line, file).isNotNegative();
        return i;
    }
}
