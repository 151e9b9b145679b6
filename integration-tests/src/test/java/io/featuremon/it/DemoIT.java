package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.featuremon.demo.Demo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code featuremon demo} end to end: its own broker and registry, the application, the generator whose
 * embeddings grow redundant and the console, for 40 s of wall-clock time (the demo's generator is real-time).
 *
 * <p>Run with {@code mvn -B -o -pl integration-tests verify -Dit.test=DemoIT} after
 * {@code mvn -B -o install -DskipTests}.
 */
class DemoIT {

    private static final Logger LOG = LoggerFactory.getLogger(DemoIT.class);

    @TempDir
    Path tempDir;

    @Test
    void shouldShowWindowsMasksAFiringAlertAndADeadLetterThenDeleteEverythingItMade() throws Exception {
        Path workDir = tempDir.resolve("demo");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Demo.Summary summary;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
                Demo demo = new Demo(out, workDir)) {
            summary = demo.run(Duration.ofSeconds(40), Map.of());
            assertThat(workDir).as("the demo's broker, registry and state live here while it runs").isNotEmptyDirectory();
        }
        String console = printed.toString(StandardCharsets.UTF_8);
        LOG.info("demo summary {}", summary);

        assertThat(summary.windows()).as("windows; console:%n%s", console).isGreaterThanOrEqualTo(2);
        assertThat(summary.masks()).as("masks; console:%n%s", console).isGreaterThanOrEqualTo(1);
        assertThat(summary.alertsFiring()).as("firing alerts; console:%n%s", console).isGreaterThanOrEqualTo(1);
        assertThat(summary.deadLetters()).as("dead letters; console:%n%s", console).isGreaterThanOrEqualTo(1);
        assertThat(console).contains("ALERT", "FIRING", "dead letter", "vector[3] is NaN");
        assertThat(workDir).as("deleted by close()").doesNotExist();
    }
}
