package io.featuremon.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One featuremon application instance as its own OS process, as an operator runs it:
 * {@code java -cp <the CLI's classpath> io.featuremon.cli.Main run --config <file> --set state.dir=<dir>}.
 *
 * <p>{@link #kill9()} ends it with SIGKILL (no shutdown hook, no commit, no leaving the group: a crash); {@link #stop}
 * with SIGTERM, on which {@code run} closes Kafka Streams cleanly. {@link #start()} again starts a new incarnation
 * on the same state directory, unless {@link #wipeState()} emptied it. Each incarnation logs to its own file
 * ({@code <name>-<n>.log}), kept for reading after a failure.
 *
 * <p>The classpath is the production one (what the Docker image holds; the {@code featuremon} launcher adds the
 * demo's module to it): the topology jar and {@code topology/target/classpath.txt}, which {@code mvn -pl integration-tests -am verify} builds first; Maven
 * passes their paths as {@value #JAR_PROPERTY} and {@value #CLASSPATH_FILE_PROPERTY}.
 */
public final class FeaturemonProcess implements AutoCloseable {

    public static final String JAR_PROPERTY = "featuremon.cli.jar";
    public static final String CLASSPATH_FILE_PROPERTY = "featuremon.cli.classpath.file";

    private static final Logger LOG = LoggerFactory.getLogger(FeaturemonProcess.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final int LOG_TAIL_LINES = 60;

    private final String name;
    private final Path configFile;
    private final Path stateDir;
    private final Path logDir;
    private final String classpath;
    private final Thread shutdownHook;
    private Process process;
    private Path log;
    private int incarnations;

    /**
     * @param name       short name, for logs ("chaos-a")
     * @param configFile the application's settings ({@code run --config})
     * @param stateDir   its own Kafka Streams state directory
     * @param logDir     where each incarnation's output goes
     */
    public FeaturemonProcess(String name, Path configFile, Path stateDir, Path logDir) {
        this.name = name;
        this.configFile = configFile;
        this.stateDir = stateDir;
        this.logDir = logDir;
        this.classpath = cliClasspath();
        // A test JVM that dies must not leave a featuremon running against the next test's broker.
        this.shutdownHook = new Thread(this::destroyNow, "featuremon-process-" + name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private static String cliClasspath() {
        String jar = System.getProperty(JAR_PROPERTY);
        String file = System.getProperty(CLASSPATH_FILE_PROPERTY);
        if (jar == null || file == null || !Files.isRegularFile(Path.of(jar)) || !Files.isRegularFile(Path.of(file))) {
            throw new IllegalStateException("The featuremon CLI is not built: " + JAR_PROPERTY + "=" + jar + ", "
                    + CLASSPATH_FILE_PROPERTY + "=" + file + ". Run from the repository root with"
                    + " `mvn -o -B verify -pl integration-tests -am ...`, which packages the topology module first.");
        }
        try {
            return jar + java.io.File.pathSeparator + Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a new incarnation on the state directory as it is. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running (pid " + process.pid() + ")");
        }
        incarnations++;
        log = logDir.resolve(name + "-" + incarnations + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError",
                "--add-modules", "jdk.incubator.vector", // the vector fold kernel, as the launcher runs it
                "-cp", classpath,
                "io.featuremon.cli.Main", "run",
                "--config", configFile.toString(),
                "--status-every", "2s", // the operator's status line, checked by OutageIT
                "--set", "state.dir=" + stateDir,
                // Several instances run at once (TwinRuns), and this machine is shared: no fixed ports. Metrics on a
                // free loopback port (still served, so start-up binds it as in production); no REST server.
                "--set", "metrics.listen=127.0.0.1:0",
                "--set", "rest.listen=off"));
        try {
            Files.createDirectories(stateDir);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
        LOG.info("{}: started incarnation {} (pid {}), log {}", name, incarnations, process.pid(), log);
    }

    /** SIGKILL, and waits until the process is gone. */
    public synchronized void kill9() {
        requireRunning();
        long pid = process.pid();
        process.destroyForcibly(); // SIGKILL on Linux
        awaitExit(Duration.ofSeconds(30));
        LOG.info("{}: killed -9 (pid {}, exit {})", name, pid, process.exitValue());
    }

    /** SIGTERM ({@code run} closes Kafka Streams and leaves the group), then SIGKILL if it is not gone in 60 s. */
    public synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!awaitExit(STOP_TIMEOUT)) {
            LOG.warn("{}: did not stop within {} of SIGTERM; killing it", name, STOP_TIMEOUT);
            process.destroyForcibly();
            awaitExit(Duration.ofSeconds(30));
        }
        LOG.info("{}: stopped (exit {})", name, process.exitValue());
    }

    /** Deletes everything in the state directory; only while the process is down. */
    public synchronized void wipeState() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running; kill it before wiping its state");
        }
        try (Stream<Path> paths = Files.walk(stateDir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (!path.equals(stateDir)) {
                    Files.delete(path);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot wipe " + stateDir, e);
        }
        LOG.info("{}: state directory {} wiped", name, stateDir);
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * Fails with the end of the log if the current incarnation exited by itself (featuremon shuts down on an
     * error it cannot retry; a crash loop or a silent exit must not pass for an outage it rode out).
     */
    public synchronized void assertAlive() {
        if (process != null && !process.isAlive()) {
            throw new AssertionError(name + " (pid " + process.pid() + ") exited with " + process.exitValue()
                    + " on its own. End of " + log + ":\n" + tail());
        }
    }

    /** Whether the current incarnation has reported Kafka Streams RUNNING (it prints each state change). */
    public synchronized boolean reportedRunning() {
        return readLog().contains("-> RUNNING");
    }

    /** Lines of the current incarnation's log that contain {@code text}. */
    public synchronized long logLinesContaining(String text) {
        return readLog().lines().filter(line -> line.contains(text)).count();
    }

    /** Lines of the current incarnation's log that match {@code regex} as a whole. */
    public synchronized long logLinesMatching(String regex) {
        return readLog().lines().filter(line -> line.matches(regex)).count();
    }

    /** Waits until the current incarnation reports RUNNING; fails at once if it exits. */
    public void awaitRunning(Duration timeout) {
        Poll.until(name + " to report RUNNING", timeout, () -> {
            assertAlive();
            return new Poll.Outcome(reportedRunning(), "not yet; end of log: " + lastLine());
        });
    }

    public String name() {
        return name;
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public synchronized Path log() {
        return log;
    }

    /** The last lines of the current incarnation's log. */
    public synchronized String tail() {
        List<String> lines = readLog().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    private String lastLine() {
        List<String> lines = readLog().lines().toList();
        return lines.isEmpty() ? "(empty)" : lines.get(lines.size() - 1);
    }

    private String readLog() {
        try {
            return log == null || !Files.exists(log) ? "" : Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void requireRunning() {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name + " is not running");
        }
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("Interrupted while waiting for " + name + " to exit", e);
        }
    }

    private synchronized void destroyNow() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    /**
     * Kills the process if it still runs (the tests {@link #stop} what they mean to stop; this is the cleanup after
     * a failure, which must not wait for a clean close against a broker that may be down). Logs and state stay.
     */
    @Override
    public void close() {
        try {
            synchronized (this) {
                if (process != null && process.isAlive()) {
                    process.destroyForcibly();
                    awaitExit(Duration.ofSeconds(30));
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shutdownInProgress) {
                // the JVM is exiting and runs the hook anyway
            }
        }
    }
}
