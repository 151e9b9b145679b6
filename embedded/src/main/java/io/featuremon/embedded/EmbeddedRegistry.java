package io.featuremon.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry 2.6 (in-memory storage) running as a child process on 127.0.0.1, for its
 * Confluent-compatible schema registry API.
 *
 * <p>Used by {@code featuremon demo} and by the integration tests:
 * <pre>{@code
 * try (EmbeddedRegistry registry = EmbeddedRegistry.start(workDir)) {
 *     serdeConfig.put("schema.registry.url", registry.confluentUrl());
 *     ...
 * }
 * }</pre>
 *
 * <p>The registry distribution is unpacked by the build ({@code mvn -pl embedded -am package}) into
 * {@code embedded/target/apicurio}. It is found through the system property {@value #HOME_PROPERTY},
 * then the environment variable {@value #HOME_ENV}, then by looking for {@code embedded/target/apicurio}
 * from the working directory upwards. The child's output goes to {@code <workDir>/apicurio.log}.
 * Schemas live in the child's memory and are gone after {@link #close()}, unless it was started with a
 * storage directory ({@link #start(Path, int, Path)}): then they are kept in an H2 database file there, and
 * a registry started again on the same port and storage serves the same schemas under the same ids, as a
 * production registry does after a restart (the registry-outage test relies on it).
 */
public final class EmbeddedRegistry implements AutoCloseable {

    /** System property naming the directory that holds the Apicurio runner jar. */
    public static final String HOME_PROPERTY = "featuremon.apicurio.home";
    /** Environment variable naming the directory that holds the Apicurio runner jar. */
    public static final String HOME_ENV = "FEATUREMON_APICURIO_HOME";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRegistry.class);
    private static final String RUNNER_JAR = "apicurio-registry-app-2.6.13.Final-runner.jar";
    private static final Path BUILD_DIR = Path.of("embedded", "target", "apicurio");
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://127\\.0\\.0\\.1:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** How long to wait for the child to exit between two looks at its log or health endpoint. */
    private static final long POLL_MILLIS = 100;
    private static final int LOG_TAIL_LINES = 40;

    private final Process process;
    private final Path log;
    private final int port;
    private final String baseUrl;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedRegistry(Process process, Thread shutdownHook, Path log, int port) {
        this.process = process;
        this.shutdownHook = shutdownHook;
        this.log = log;
        this.port = port;
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    /**
     * Starts the registry with its temporary files and log under {@code workDir} and returns once it
     * reports ready.
     *
     * @throws IllegalStateException if the distribution is not found, or the registry dies or is not
     *                               ready within 120 s (the message holds the end of its log)
     */
    public static EmbeddedRegistry start(Path workDir) {
        return start(workDir, 0, null);
    }

    /**
     * As {@link #start(Path)}, on a given loopback port (0: any free one) and, unless {@code storage} is
     * null, with the schemas kept in an H2 database file under {@code storage} instead of in memory. A
     * registry started again on the same port and storage (after {@link #close()}, with another
     * {@code workDir} to keep both logs) answers at the same URL with the same schemas and ids.
     */
    public static EmbeddedRegistry start(Path workDir, int port, Path storage) {
        long startNanos = System.nanoTime();
        long deadline = startNanos + START_TIMEOUT.toNanos();
        Path log = workDir.resolve("apicurio.log");
        Process process = launch(locateHome().resolve(RUNNER_JAR), workDir, log, port, storage);
        // Registered at once, so that Ctrl-C even during start-up does not leave the child running.
        Thread shutdownHook = new Thread(() -> destroy(process), "featuremon-registry-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        EmbeddedRegistry registry;
        try {
            registry = new EmbeddedRegistry(process, shutdownHook, log, awaitPort(process, log, deadline));
            registry.awaitReady(deadline);
        } catch (RuntimeException e) {
            destroy(process);
            removeShutdownHook(shutdownHook);
            throw e;
        }
        LOG.debug("Apicurio Registry ready in {} ms at {}",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), registry.baseUrl);
        return registry;
    }

    private static Process launch(Path runner, Path workDir, Path log, int port, Path storage) {
        try {
            Path tmp = Files.createDirectories(workDir.resolve("tmp"));
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    // A registry serving a handful of schemas never needs C2 or a parallel collector;
                    // without them it is ready about a third sooner.
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC",
                    "-Djava.io.tmpdir=" + tmp,
                    // Loopback only; port 0 lets the OS choose, the log line tells us which.
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + port,
                    // Narayana, the transaction manager inside, otherwise derives its process id from
                    // a second server socket that it opens on the first write and never uses.
                    "-DCoreEnvironmentBean.processImplementationClassName=com.arjuna.ats.internal.arjuna.utils.UuidProcessId",
                    // Quiet, except io.quarkus at INFO: its start-up line carries the port.
                    "-Dquarkus.banner.enabled=false",
                    "-Dquarkus.log.level=WARN",
                    "-Dquarkus.log.category.\"io.apicurio\".level=WARN",
                    "-Dquarkus.log.category.\"io.quarkus\".level=INFO"));
            if (storage != null) {
                // The in-memory default is H2 too (jdbc:h2:mem:registry_db): the same database, in a file.
                command.add("-Dquarkus.datasource.jdbc.url=jdbc:h2:file:"
                        + Files.createDirectories(storage).toAbsolutePath().resolve("registry"));
            }
            command.addAll(List.of("-jar", runner.toString()));
            return new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start Apicurio Registry from " + runner, e);
        }
    }

    private static Path locateHome() {
        String configured = System.getProperty(HOME_PROPERTY);
        if (configured == null) {
            configured = System.getenv(HOME_ENV);
        }
        if (configured != null) {
            Path home = Path.of(configured);
            if (!Files.isRegularFile(home.resolve(RUNNER_JAR))) {
                throw new IllegalStateException(home + " (from " + HOME_PROPERTY + " or " + HOME_ENV
                        + ") does not contain " + RUNNER_JAR + ". Run `mvn -pl embedded -am package` and point it at"
                        + " embedded/target/apicurio.");
            }
            return home;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(BUILD_DIR);
            if (Files.isRegularFile(candidate.resolve(RUNNER_JAR))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Apicurio Registry not found: no " + BUILD_DIR.resolve(RUNNER_JAR)
                + " in " + Path.of("").toAbsolutePath() + " or above. Run `mvn -pl embedded -am package` in the"
                + " featuremon checkout, or set -D" + HOME_PROPERTY + "=<dir> (or " + HOME_ENV
                + ") to a directory holding " + RUNNER_JAR + " and its lib/.");
    }

    private static int awaitPort(Process process, Path log, long deadline) {
        while (true) {
            Matcher matcher = LISTENING.matcher(readLog(log));
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
            awaitNotExited(process, log, deadline, "did not report its port");
        }
    }

    private void awaitReady(long deadline) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        while (true) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not accepting connections yet: keep polling until the deadline.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
            }
            awaitNotExited(process, log, deadline, "was not ready at " + baseUrl + "/health/ready");
        }
    }

    /**
     * Waits up to one poll interval for the child to exit; fails if it did or if the deadline has
     * passed. Waiting on the exit doubles as the pause between polls.
     */
    private static void awaitNotExited(Process process, Path log, long deadline, String failure) {
        if (System.nanoTime() >= deadline) {
            throw new IllegalStateException("Apicurio Registry " + failure + " within " + START_TIMEOUT
                    + ". End of " + log + ":\n" + tail(log));
        }
        try {
            process.onExit().get(POLL_MILLIS, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("Apicurio Registry exited with " + process.exitValue()
                    + " during start-up. End of " + log + ":\n" + tail(log));
        } catch (TimeoutException stillRunning) {
            // the normal case: keep polling
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot watch the Apicurio Registry process", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting Apicurio Registry", e);
        }
    }

    private static String readLog(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + log, e);
        }
    }

    private static String tail(Path log) {
        List<String> lines = readLog(log).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    /** The HTTP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Base URL of the Confluent-compatible API, for Confluent-style serdes ({@code schema.registry.url}). */
    public String confluentUrl() {
        return baseUrl + "/apis/ccompat/v7";
    }

    /** Base URL of Apicurio's own v2 API, for Apicurio's serdes ({@code apicurio.registry.url}). */
    public String apicurioUrl() {
        return baseUrl + "/apis/registry/v2";
    }

    /** Stops the registry (SIGTERM, then SIGKILL after 10 s) and waits for it; calling again does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            destroy(process);
            removeShutdownHook(shutdownHook);
        }
    }

    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownInProgress) {
            // the JVM is exiting and runs the hook anyway; stopping an exited process again is harmless
        }
    }

    private static void destroy(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Apicurio Registry (pid {}) ignored SIGTERM for {}; killing it", process.pid(), STOP_TIMEOUT);
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
