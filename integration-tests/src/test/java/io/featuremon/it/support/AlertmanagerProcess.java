package io.featuremon.it.support;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus Alertmanager (Debian's {@code prometheus-alertmanager}) as a child process on 127.0.0.1, and
 * {@code amtool} from the same package to look at it. Without the binary a test is skipped, or fails under CI=true
 * ({@code .ci/run} installs it).
 */
public final class AlertmanagerProcess implements AutoCloseable {

    public static final String BINARY = "prometheus-alertmanager";
    private static final Duration READY = Duration.ofSeconds(30);

    private final Path config;
    private final int port;
    private final Path log;
    private Process process;

    private AlertmanagerProcess(Path config, int port, Path log) {
        this.config = config;
        this.port = port;
        this.log = log;
    }

    /** Skips the calling test (fails it under CI=true) unless Alertmanager and amtool are installed. */
    public static void requireInstalled() {
        for (String binary : List.of(BINARY, "amtool")) {
            if (which(binary) == null) {
                String message = binary + " is not installed: `apt-get install -y prometheus-alertmanager` (.ci/run does)";
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    fail(message);
                }
                Assumptions.abort(message);
            }
        }
    }

    /** Alertmanager with {@code configYaml} on a free port of 127.0.0.1, storage in {@code storage}; ready on return. */
    public static AlertmanagerProcess start(Path workDir, String configYaml, Path storage) throws IOException {
        Files.createDirectories(workDir);
        Path config = workDir.resolve("alertmanager.yml");
        Files.writeString(config, configYaml);
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        AlertmanagerProcess am = new AlertmanagerProcess(config, port, workDir.resolve("alertmanager.log"));
        am.startAgain(storage);
        return am;
    }

    /** Starts the process again on the same port (after {@link #kill}), with {@code storage} as its data path. */
    public void startAgain(Path storage) throws IOException {
        Files.createDirectories(storage);
        // --cluster.listen-address= (empty) turns the gossip port off: it would otherwise bind every interface.
        process = new ProcessBuilder(BINARY, "--config.file=" + config, "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=", "--storage.path=" + storage, "--log.level=info")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Poll.until("Alertmanager ready on " + url(), READY, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("Alertmanager exited with " + process.exitValue() + "; its log: " + readLog());
            }
            return ready() ? Poll.Outcome.done("ready") : Poll.Outcome.notYet("not ready; log: " + readLog());
        });
    }

    /** Kills the process (SIGKILL) and waits for it to go. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code amtool --alertmanager.url=... alert query [args]}: its whole output. */
    public String amtool(String... args) {
        List<String> command = new ArrayList<>(List.of("amtool", "--alertmanager.url=" + url(), "alert", "query"));
        command.addAll(List.of(args));
        try {
            Process amtool = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(amtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!amtool.waitFor(30, TimeUnit.SECONDS)) {
                amtool.destroyForcibly();
                throw new AssertionError("amtool did not finish in 30 s");
            }
            return "$ " + String.join(" ", command) + "\n" + output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** GET /api/v2/alerts: the alerts Alertmanager holds as active, as JSON. */
    public String alertsJson() {
        return get("/api/v2/alerts");
    }

    public String readLog() {
        try {
            String text = Files.readString(log);
            return text.length() > 3000 ? text.substring(text.length() - 3000) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private boolean ready() {
        try {
            return get("/-/ready") != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private String get(String path) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url() + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + response.statusCode() + " for " + path);
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path which(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, binary);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public void close() {
        kill();
    }
}
