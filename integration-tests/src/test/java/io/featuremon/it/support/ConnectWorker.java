package io.featuremon.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real distributed Kafka Connect worker as its own OS process, as an operator runs one:
 * {@code java -cp <Connect runtime> org.apache.kafka.connect.cli.ConnectDistributed worker.properties}, REST on
 * 127.0.0.1 only, featuremon's connectors loaded from the built plugin folder ({@code plugin.path}, as on a real
 * worker; the classpath holds no featuremon jar). Shared by the connector integration tests.
 *
 * <p>{@link #kill9()} ends it with SIGKILL (no shutdown, no commit, no leaving the group); {@link #start()} again
 * starts a new incarnation with the same worker properties, hence the same group and config/offset/status topics,
 * on a new REST port. Each incarnation logs to its own file ({@code <name>-<n>.log}), kept for reading after a
 * failure. The classpath is {@code integration-tests/target/connect-worker-classpath.txt} and the plugin folder
 * {@code connectors/target/featuremon-connectors-<version>-plugin}, which {@code mvn -pl integration-tests -am verify} builds first; Maven passes
 * their paths as {@value #CLASSPATH_FILE_PROPERTY} and {@value #PLUGIN_PATH_PROPERTY}.
 */
public final class ConnectWorker implements AutoCloseable {

    public static final String CLASSPATH_FILE_PROPERTY = "featuremon.connect.classpath.file";
    public static final String PLUGIN_PATH_PROPERTY = "featuremon.connect.plugin.path";

    private static final Logger LOG = LoggerFactory.getLogger(ConnectWorker.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LOG_TAIL_LINES = 80;

    private final String name;
    private final Path workDir;
    private final Map<String, String> properties;
    private final String classpath;
    private final Thread shutdownHook;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;
    private Path log;
    private int port;
    private int incarnations;

    /**
     * A worker of group {@code groupId} (its internal topics are named after it) on {@code bootstrapServers}, with
     * exactly-once source support enabled. {@code extra} adds or overrides worker properties.
     */
    public static ConnectWorker distributed(String name, Path workDir, String bootstrapServers, String groupId,
            Map<String, String> extra) {
        Map<String, String> p = new TreeMap<>();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("group.id", groupId);
        p.put("config.storage.topic", groupId + "-configs");
        p.put("offset.storage.topic", groupId + "-offsets");
        p.put("status.storage.topic", groupId + "-status");
        p.put("config.storage.replication.factor", "1");
        p.put("offset.storage.replication.factor", "1");
        p.put("status.storage.replication.factor", "1");
        p.put("offset.storage.partitions", "1");
        p.put("status.storage.partitions", "1");
        p.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        p.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        p.put("plugin.path", pluginPath());
        // The plugin declares its connectors in META-INF/services, so the worker needs no scan of the jars.
        p.put("plugin.discovery", "service_load");
        p.put("exactly.once.source.support", "enabled");
        // A worker that died is replaced by a new one (another member id): reassign its tasks at once instead of
        // after the default 5 minutes that incremental rebalancing waits for the old member to come back.
        p.put("scheduled.rebalance.max.delay.ms", "0");
        p.put("session.timeout.ms", "6000");
        p.put("heartbeat.interval.ms", "2000");
        p.put("offset.flush.interval.ms", "1000");
        p.putAll(extra);
        return new ConnectWorker(name, workDir, p);
    }

    private ConnectWorker(String name, Path workDir, Map<String, String> properties) {
        this.name = name;
        this.workDir = workDir;
        this.properties = properties;
        this.classpath = workerClasspath();
        // A test JVM that dies must not leave a worker running against the next test's broker.
        this.shutdownHook = new Thread(this::destroyNow, "connect-worker-" + name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private static String workerClasspath() {
        String file = System.getProperty(CLASSPATH_FILE_PROPERTY);
        if (file == null || !Files.isRegularFile(Path.of(file))) {
            throw new IllegalStateException("The Connect worker classpath is not built: " + CLASSPATH_FILE_PROPERTY
                    + "=" + file + ". Run from the repository root with `mvn -o -B verify -pl integration-tests -am`.");
        }
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pluginPath() {
        String dir = System.getProperty(PLUGIN_PATH_PROPERTY);
        if (dir == null || !Files.isDirectory(Path.of(dir, "featuremon-connectors"))) {
            throw new IllegalStateException("The connectors' plugin is not built: " + PLUGIN_PATH_PROPERTY + "=" + dir
                    + " has no featuremon-connectors folder. Run `mvn -o -B verify -pl integration-tests -am`,"
                    + " which packages the connectors module first.");
        }
        return Path.of(dir).toAbsolutePath().normalize().toString();
    }

    /** Starts a new incarnation on a free port of 127.0.0.1 and returns once its REST API answers. */
    public synchronized void start(Duration timeout) {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running (pid " + process.pid() + ")");
        }
        incarnations++;
        port = freePort();
        Properties props = new Properties();
        props.putAll(properties);
        props.put("listeners", "http://127.0.0.1:" + port);
        props.put("rest.advertised.host.name", "127.0.0.1");
        props.put("rest.advertised.port", Integer.toString(port));
        log = workDir.resolve(name + "-" + incarnations + ".log");
        Path file = workDir.resolve(name + "-" + incarnations + ".properties");
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "-cp", classpath,
                "org.apache.kafka.connect.cli.ConnectDistributed", file.toString());
        try {
            Files.createDirectories(workDir);
            try (var out = Files.newBufferedWriter(file)) {
                props.store(out, "ConnectWorker " + name);
            }
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
        LOG.info("{}: started incarnation {} (pid {}), REST http://127.0.0.1:{}, log {}", name, incarnations,
                process.pid(), port, log);
        Poll.until(name + "'s REST API on port " + port, timeout, () -> {
            requireAlive();
            try {
                return get("/") != null ? Poll.Outcome.done("up") : Poll.Outcome.notYet("no answer");
            } catch (IOException e) {
                return Poll.Outcome.notYet(e.toString());
            }
        });
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates or updates a connector (PUT /connectors/{name}/config); fails with the worker's answer if refused. */
    public void putConnector(String connector, Map<String, String> config) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/connectors/" + connector + "/config"))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(config))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new AssertionError("PUT connector " + connector + " answered " + r.statusCode() + ": " + r.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** PUT /connector-plugins/{class}/config/validate: the worker's verdict on a config (error_count and messages). */
    public JsonNode validate(String connectorClass, Map<String, String> config) throws IOException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    uri("/connector-plugins/" + connectorClass + "/config/validate"))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(config))).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** GET /connectors/{name}/status, or null while the worker does not know the connector. */
    public JsonNode status(String connector) throws IOException {
        return get("/connectors/" + connector + "/status");
    }

    private JsonNode get(String path) throws IOException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Fails, with the log's tail, if the process is gone. */
    public void requireAlive() {
        if (process == null || !process.isAlive()) {
            throw new AssertionError(name + " is not running (exit " + (process == null ? "-" : process.exitValue())
                    + "); its log ends with:\n" + logTail());
        }
    }

    /** SIGKILL, and waits until the process is gone. */
    public synchronized void kill9() {
        requireAlive();
        long pid = process.pid();
        process.destroyForcibly(); // SIGKILL on Linux
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("{}: killed -9 (pid {}, exit {})", name, pid, process.exitValue());
    }

    /** The last lines of the current incarnation's log. */
    public String logTail() {
        if (log == null || !Files.isRegularFile(log)) {
            return "(no log)";
        }
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", new ArrayList<>(lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES),
                    lines.size())));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    public Path log() {
        return log;
    }

    private synchronized void destroyNow() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    /** SIGTERM (the worker stops its tasks and leaves the group), then SIGKILL after 30 s. */
    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
