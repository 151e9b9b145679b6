package io.featuremon.connect.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against a local HTTP stub whose answers the test scripts; the backoff is recorded, not slept. */
class AlertmanagerClientTest {

    private final ConcurrentLinkedQueue<Integer> answers = new ConcurrentLinkedQueue<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<Duration> pauses = new ArrayList<>();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI startStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/am/api/v2/alerts", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            Integer status = answers.poll();
            byte[] body = (status == null || status == 200 ? "" : "{\"message\":\"no\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status == null ? 200 : status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/am/");
    }

    private AlertmanagerClient client(URI url, Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(Map.of(AlertmanagerSinkConfig.ALERTMANAGER_URL, url.toString(),
                "schema.registry.url", "http://127.0.0.1:8081", AlertmanagerSinkConfig.MAX_RETRIES, "3",
                AlertmanagerSinkConfig.RETRY_BACKOFF_MS, "200", AlertmanagerSinkConfig.RETRY_BACKOFF_MAX_MS, "500",
                AlertmanagerSinkConfig.REQUEST_TIMEOUT_MS, "2000"));
        config.putAll(extra);
        return new AlertmanagerClient(url, new AlertmanagerSinkConfig(config), pauses::add);
    }

    private static List<PostableAlert> oneAlert() {
        return List.of(new PostableAlert("f", Map.of("alertname", "A"), Map.of("summary", "s"),
                Instant.parse("2026-03-08T00:00:00Z"), Instant.parse("2026-03-08T00:04:00Z")));
    }

    @Test
    void shouldRetryA503WithADoublingBoundedBackoffUntilAccepted() throws Exception {
        answers.addAll(List.of(503, 503, 503, 200));
        AlertmanagerClient.Result result = client(startStub(), Map.of()).post(oneAlert());

        assertThat(result.outcome()).isEqualTo(AlertmanagerClient.Outcome.ACCEPTED);
        assertThat(pauses).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(500));
        assertThat(bodies.get(0)).contains("\"startsAt\":\"2026-03-08T00:00:00Z\"").contains("\"endsAt\":\"2026-03-08T00:04:00Z\"")
                .contains("\"labels\":{\"alertname\":\"A\"}").contains("\"annotations\":{\"summary\":\"s\"}");
    }

    @Test
    void shouldGiveUpAfterTheLastRetry() throws Exception {
        answers.addAll(List.of(500, 500, 500, 500, 200));
        AlertmanagerClient.Result result = client(startStub(), Map.of()).post(oneAlert());

        assertThat(result.outcome()).isEqualTo(AlertmanagerClient.Outcome.UNREACHABLE);
        assertThat(result.detail()).contains("HTTP 500").contains("after 4 attempts");
        assertThat(bodies).hasSize(4);
    }

    @Test
    void shouldNotRetryARefusal() throws Exception {
        answers.add(400);
        AlertmanagerClient.Result result = client(startStub(), Map.of()).post(oneAlert());

        assertThat(result.outcome()).isEqualTo(AlertmanagerClient.Outcome.REFUSED);
        assertThat(result.detail()).contains("HTTP 400").contains("no");
        assertThat(bodies).hasSize(1);
    }

    @Test
    void shouldFailOnWrongCredentialsNamingTheSettingsButNotTheSecret() throws Exception {
        answers.add(401);
        AlertmanagerClient client = client(startStub(), Map.of(AlertmanagerSinkConfig.BASIC_AUTH_USER, "featuremon",
                AlertmanagerSinkConfig.BASIC_AUTH_PASSWORD, "s3cret"));

        assertThatThrownBy(() -> client.post(oneAlert())).isInstanceOf(AlertmanagerClient.AuthenticationException.class)
                .hasMessageContaining(AlertmanagerSinkConfig.BASIC_AUTH_USER).hasMessageNotContaining("s3cret");
        assertThat(authorizations).containsExactly("Basic ZmVhdHVyZW1vbjpzM2NyZXQ=");
    }

    @Test
    void shouldCountAnUnreachableAddressAsUnreachable() throws Exception {
        URI url = startStub();
        server.stop(0);
        server = null;
        AlertmanagerClient.Result result = client(url, Map.of()).post(oneAlert());

        assertThat(result.outcome()).isEqualTo(AlertmanagerClient.Outcome.UNREACHABLE);
        assertThat(pauses).hasSize(3);
    }
}
