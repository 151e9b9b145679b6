package io.featuremon.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus (Debian's {@code prometheus} 2.42) on 127.0.0.1, scraping the given targets every second with
 * the given rule files loaded; its data in a directory of the test's. {@link #close()} stops it (SIGTERM, then
 * SIGKILL after 10 s).
 */
public final class PrometheusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final String baseUrl;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, String baseUrl, Path log) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.log = log;
    }

    /**
     * The Debian binary {@code name} ({@code prometheus}, {@code promtool}): under CI=true a missing one fails the
     * test (.ci/run installs the package); elsewhere the test is skipped, saying how to install it.
     */
    public static Path binary(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String message = name + " is not installed: apt-get install -y prometheus (Debian's 2.42 has prometheus and promtool)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
        return null;
    }

    /**
     * Starts Prometheus scraping {@code targets} (host:port, path /metrics) as job {@code featuremon} every second,
     * evaluating {@code ruleFiles} every second, and waits until it is ready.
     */
    public static PrometheusServer start(Path dir, List<String> targets, List<Path> ruleFiles) {
        Path binary = binary("prometheus");
        try {
            Files.createDirectories(dir);
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            StringBuilder config = new StringBuilder()
                    .append("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n")
                    .append("rule_files:\n");
            for (Path rules : ruleFiles) {
                config.append("  - ").append(JSON.writeValueAsString(rules.toAbsolutePath().toString())).append('\n');
            }
            config.append("scrape_configs:\n  - job_name: featuremon\n    static_configs:\n      - targets: [");
            for (int i = 0; i < targets.size(); i++) {
                config.append(i == 0 ? "" : ", ").append(JSON.writeValueAsString(targets.get(i)));
            }
            config.append("]\n");
            Path configFile = dir.resolve("prometheus.yml");
            Files.writeString(configFile, config);
            Path log = dir.resolve("prometheus.log");
            List<String> command = new ArrayList<>(List.of(binary.toString(),
                    "--config.file=" + configFile,
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            // A test JVM that is killed still takes its Prometheus with it (close() is the normal way).
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "prometheus-stop"));
            PrometheusServer server = new PrometheusServer(process, "http://127.0.0.1:" + port, log);
            try {
                server.awaitReady();
            } catch (RuntimeException | Error e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() {
        Poll.until("Prometheus at " + baseUrl + " to be ready", READY_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("Prometheus exited with " + process.exitValue() + ": " + logTail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                return new Poll.Outcome(r.statusCode() == 200, "HTTP " + r.statusCode());
            } catch (IOException e) {
                return Poll.Outcome.notYet(e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        });
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** {@code GET /api/v1/query?query=expr}: the {@code data.result} array (an instant vector's series). */
    public JsonNode query(String expr) {
        return get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)).path("data").path("result");
    }

    /** {@code GET path} of the HTTP API, parsed; a status other than success fails the test with the error. */
    public JsonNode get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(r.body());
            if (!"success".equals(body.path("status").asText())) {
                throw new AssertionError("Prometheus " + path + ": HTTP " + r.statusCode() + " " + r.body());
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The last lines of Prometheus' log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
