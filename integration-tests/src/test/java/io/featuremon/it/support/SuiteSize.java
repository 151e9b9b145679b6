package io.featuremon.it.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How much the fault-injection suites ({@code KillNineIT}, {@code OutageIT}) do, chosen with
 * {@code -Dfeaturemon.suite.size=small|large} (default small: a few minutes in CI for both), and the seed of their
 * random fault timing, {@code -Dfeaturemon.suite.seed=N} (default: a new one, printed, to repeat a run).
 *
 * @param embeddingModels copies of the MiniLM scenario, each under its own model name
 * @param featureModels   copies of the macrodata scenario, each under its own model name
 * @param produceFor      how long the input is spread over while faults are injected
 * @param minKills        kill -9s at least (the kill suite goes on killing until the input is in and this many)
 * @param outageCycles    rounds of registry outage then broker bounce in the outage suite (while input arrives)
 */
public record SuiteSize(String name, int embeddingModels, int featureModels, Duration produceFor, int minKills,
        int outageCycles) {

    public static final String SIZE_PROPERTY = "featuremon.suite.size";
    public static final String SEED_PROPERTY = "featuremon.suite.seed";
    public static final String LOGS_PROPERTY = "featuremon.suite.logs";
    /** Prefix of system properties that set a featuremon or Kafka setting of the faulty application only. */
    public static final String FAULTY_PREFIX = "featuremon.suite.faulty.";

    public static final SuiteSize SMALL = new SuiteSize("small", 3, 2, Duration.ofSeconds(25), 4, 1);
    public static final SuiteSize LARGE = new SuiteSize("large", 6, 4, Duration.ofSeconds(150), 16, 3);

    /** The size named by {@value #SIZE_PROPERTY}. */
    public static SuiteSize current() {
        String name = System.getProperty(SIZE_PROPERTY, SMALL.name()).trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "small" -> SMALL;
            case "large" -> LARGE;
            default -> throw new IllegalArgumentException(SIZE_PROPERTY + "=" + name + ": expected small or large");
        };
    }

    /** The seed given by {@value #SEED_PROPERTY}, or a new one. */
    public static long seed() {
        String given = System.getProperty(SEED_PROPERTY);
        return given == null || given.isBlank() ? System.nanoTime() : Long.parseLong(given.trim());
    }

    /**
     * Settings for the faulty application only, from system properties {@value #FAULTY_PREFIX}{@code <key>}. Meant
     * for a negative control: {@code -Dfeaturemon.suite.faulty.processing.guarantee=at_least_once} must make the
     * suites fail with duplicated (and usually differing) records, which shows that they can see a broken guarantee.
     */
    public static Map<String, String> faultySettings() {
        Map<String, String> settings = new TreeMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(FAULTY_PREFIX)) {
                settings.put(name.substring(FAULTY_PREFIX.length()), System.getProperty(name));
            }
        }
        return settings;
    }

    /**
     * A directory for the logs of the processes a suite starts, kept after the test (under the module's
     * {@code target/} when run by Maven, {@value #LOGS_PROPERTY}) so that a failure can be read afterwards.
     */
    public static Path logDir(String test, long seed) {
        String base = System.getProperty(LOGS_PROPERTY);
        try {
            Path root = base == null ? Files.createTempDirectory("featuremon-suite-logs-") : Path.of(base);
            return Files.createDirectories(root.resolve(test + "-" + seed));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
