package io.featuremon.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.serdes.FakeRegistry.Request;
import io.featuremon.serdes.FakeRegistry.Response;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpSchemaRegistryClientTest {

    private static final Schema SCHEMA = EmbeddingEvent.getClassSchema();
    private static final String SCHEMA_ANSWER = new ObjectMapper().createObjectNode()
            .put("schema", SCHEMA.toString()).toString();

    /** Found by OutageIT: two instances registering a new subject at once; the registry answered one of them 409. */
    @Test
    void shouldLookUpTheSchemaWhenRegistrationLosesARaceWithAnotherClient() {
        try (FakeRegistry server = FakeRegistry.start(request -> request.rawPath().endsWith("/versions")
                ? new Response(409, "{\"error_code\": 409, \"message\": \"An artifact with ID already exists\"}")
                : new Response(200, "{\"subject\": \"s\", \"version\": 1, \"id\": 5, \"schema\": \"x\"}"))) {
            assertThat(client(server.url()).register("s", SCHEMA)).isEqualTo(5);
            assertThat(server.requests()).extracting(Request::rawPath)
                    .containsExactly("/subjects/s/versions", "/subjects/s");
        }
    }

    @Test
    void shouldReportAConflictThatIsNotARaceAsItWas() {
        try (FakeRegistry server = FakeRegistry.start(request -> request.rawPath().endsWith("/versions")
                ? new Response(409, "{\"error_code\": 409, \"message\": \"incompatible schema\"}")
                : new Response(404, "{\"error_code\": 40403, \"message\": \"Schema not found\"}"))) {
            assertThatThrownBy(() -> client(server.url()).register("s", SCHEMA))
                    .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("incompatible schema");
        }
    }

    @Test
    void shouldRegisterWithConfluentContentTypeAndSchemaBody() throws IOException {
        try (FakeRegistry server = FakeRegistry.start(request -> new Response(200, "{\"id\": 7}"))) {
            int id = client(server.url()).register("embeddings-value", SCHEMA);

            assertThat(id).isEqualTo(7);
            Request request = server.requests().get(0);
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.rawPath()).isEqualTo("/subjects/embeddings-value/versions");
            assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
            assertThat(new ObjectMapper().readTree(request.body()).get("schema").asText()).isEqualTo(SCHEMA.toString());
            assertThat(request.authorization()).isNull();
        }
    }

    @Test
    void shouldLookUpUnderPercentEncodedSubject() {
        try (FakeRegistry server = FakeRegistry.start(request -> new Response(200,
                "{\"subject\": \"a b/c\", \"id\": 3, \"version\": 1}"))) {
            assertThat(client(server.url()).lookup("a b/c", SCHEMA)).isEqualTo(3);

            assertThat(server.requests()).extracting(Request::rawPath).containsExactly("/subjects/a%20b%2Fc");
        }
    }

    @Test
    void shouldFetchAndParseSchemaById() {
        try (FakeRegistry server = FakeRegistry.start(request -> new Response(200, SCHEMA_ANSWER))) {
            assertThat(client(server.url()).getById(12)).isEqualTo(SCHEMA);

            assertThat(server.requests()).extracting(Request::method, Request::rawPath)
                    .containsExactly(tuple("GET", "/schemas/ids/12"));
        }
    }

    @Test
    void shouldAnswerRepeatedCallsFromCacheWithoutHttp() {
        try (FakeRegistry server = FakeRegistry.start(request -> new Response(200,
                request.method().equals("GET") ? SCHEMA_ANSWER : "{\"id\": 5}"))) {
            HttpSchemaRegistryClient client = client(server.url());

            for (int i = 0; i < 3; i++) {
                assertThat(client.register("embeddings-value", SCHEMA)).isEqualTo(5);
                assertThat(client.lookup("embeddings-value", SCHEMA)).isEqualTo(5);
                assertThat(client.getById(5)).isEqualTo(SCHEMA);
                assertThat(client.getById(6)).isEqualTo(SCHEMA);
            }

            assertThat(server.requests()).extracting(Request::rawPath)
                    .containsExactly("/subjects/embeddings-value/versions", "/schemas/ids/6");
        }
    }

    @Test
    void shouldRetryWhenRegistryAnswers503ThenSucceed() {
        AtomicInteger calls = new AtomicInteger();
        try (FakeRegistry server = FakeRegistry.start(request -> calls.incrementAndGet() <= 2
                ? new Response(503, "{\"error_code\": 50003, \"message\": \"busy\"}")
                : new Response(200, "{\"id\": 9}"))) {
            assertThat(client(server.url()).register("embeddings-value", SCHEMA)).isEqualTo(9);

            assertThat(server.requests()).hasSize(3);
        }
    }

    @Test
    void shouldGiveUpAfterBoundedRetriesWhenRegistryKeepsAnswering5xx() {
        try (FakeRegistry server = FakeRegistry.start(request -> new Response(500, "{\"error_code\": 50001}"))) {
            HttpSchemaRegistryClient client = HttpSchemaRegistryClient.of(List.of(server.url()), Duration.ofSeconds(5), 2,
                    Duration.ofMillis(1));

            assertThatThrownBy(() -> client.getById(1))
                    .isInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessageContaining("HTTP 500");
            assertThat(server.requests()).hasSize(3);
        }
    }

    @Test
    void shouldThrowUnavailableNotSerializationErrorWhenRegistryIsUnreachable() throws IOException {
        URI closedPort = closedPort();
        HttpSchemaRegistryClient client = HttpSchemaRegistryClient.of(List.of(closedPort), Duration.ofSeconds(2), 2,
                Duration.ofMillis(1));

        assertThatThrownBy(() -> client.register("embeddings-value", SCHEMA))
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .isInstanceOf(RetriableException.class)
                .isNotInstanceOf(SerializationException.class)
                .hasMessageContaining("after 3 round(s)")
                .hasCauseInstanceOf(ConnectException.class);
    }

    @Test
    void shouldFailOverToTheNextUrlAndStayThere() {
        try (FakeRegistry down = FakeRegistry.start(request -> new Response(503, "down"));
             FakeRegistry up = FakeRegistry.start(request -> new Response(200, SCHEMA_ANSWER))) {
            HttpSchemaRegistryClient client = HttpSchemaRegistryClient.of(List.of(down.url(), up.url()),
                    Duration.ofSeconds(5), 0, Duration.ofMillis(1));

            assertThat(client.getById(1)).isEqualTo(SCHEMA);
            assertThat(client.getById(2)).isEqualTo(SCHEMA);

            assertThat(down.requests()).hasSize(1);
            assertThat(up.requests()).hasSize(2);
        }
    }

    @Test
    void shouldThrowSchemaNotFoundWithoutRetryingForUnknownId() {
        try (FakeRegistry server = FakeRegistry.start(request -> new Response(404,
                "{\"error_code\": 40403, \"message\": \"Schema not found\"}"))) {
            assertThatThrownBy(() -> client(server.url()).getById(99))
                    .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(404);
                        assertThat(e.errorCode()).isEqualTo(40403);
                    })
                    .hasMessageContaining("Schema not found");
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void shouldNotMistakeA404FromSomethingElseForAnUnknownSchema() {
        try (FakeRegistry server = FakeRegistry.start(request -> new Response(404, "<html>Not Found</html>"))) {
            assertThatThrownBy(() -> client(server.url()).getById(1))
                    .isInstanceOf(SchemaRegistryException.class)
                    .isNotInstanceOf(SchemaNotFoundException.class)
                    .hasMessageContaining("<html>Not Found</html>");
        }
    }

    @Test
    void shouldNotRetryRefusedSchema() {
        try (FakeRegistry server = FakeRegistry.start(request -> new Response(422,
                "{\"error_code\": 42201, \"message\": \"Invalid schema\"}"))) {
            assertThatThrownBy(() -> client(server.url()).register("embeddings-value", SCHEMA))
                    .isInstanceOfSatisfying(SchemaRegistryException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(42201));
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void shouldRefuseNonAvroSchemaAsNotFound() {
        try (FakeRegistry server = FakeRegistry.start(request -> new Response(200,
                "{\"schema\": \"syntax = \\\"proto3\\\";\", \"schemaType\": \"PROTOBUF\"}"))) {
            assertThatThrownBy(() -> client(server.url()).getById(4))
                    .isInstanceOf(SchemaNotFoundException.class).hasMessageContaining("PROTOBUF");
        }
    }

    @Test
    void shouldSendBasicCredentialsFromUserInfo() {
        try (FakeRegistry server = FakeRegistry.start(request -> new Response(200, "{\"id\": 1}"))) {
            new HttpSchemaRegistryClient(Map.of(
                    SchemaRegistryConfig.URL, server.url().toString(),
                    SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                    SchemaRegistryConfig.BASIC_AUTH_USER_INFO, "alice:pass:word")).register("s", SCHEMA);

            assertThat(server.requests().get(0).authorization()).isEqualTo("Basic " + base64("alice:pass:word"));
        }
    }

    @Test
    void shouldSendBasicCredentialsFromTheUrl() {
        try (FakeRegistry server = FakeRegistry.start(request -> new Response(200, "{\"id\": 1}"))) {
            String url = "http://alice:s%40cret@127.0.0.1:" + server.url().getPort() + "/";
            new HttpSchemaRegistryClient(Map.of(SchemaRegistryConfig.URL, url)).register("s", SCHEMA);

            assertThat(server.requests().get(0).authorization()).isEqualTo("Basic " + base64("alice:s@cret"));
            assertThat(server.requests().get(0).rawPath()).isEqualTo("/subjects/s/versions");
        }
    }

    @Test
    void shouldSendBearerToken() {
        try (FakeRegistry server = FakeRegistry.start(request -> new Response(200, "{\"id\": 1}"))) {
            new HttpSchemaRegistryClient(Map.of(SchemaRegistryConfig.URL, server.url().toString(),
                    SchemaRegistryConfig.BEARER_AUTH_TOKEN, "t0ken")).register("s", SCHEMA);

            assertThat(server.requests().get(0).authorization()).isEqualTo("Bearer t0ken");
        }
    }

    @Test
    void shouldRejectMissingUrlNamingTheKey() {
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
    }

    @Test
    void shouldRejectMalformedUrlNamingTheKey() {
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(Map.of(SchemaRegistryConfig.URL, "localhost:8081")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
    }

    @Test
    void shouldRejectMalformedUserInfoWithoutPrintingIt() {
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(Map.of(
                SchemaRegistryConfig.URL, "http://127.0.0.1:8081",
                SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                SchemaRegistryConfig.BASIC_AUTH_USER_INFO, "secretwithoutcolon")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("basic.auth.user.info")
                .hasMessageNotContaining("secretwithoutcolon");
    }

    @Test
    void shouldRejectBasicAndBearerAuthenticationTogether() {
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(Map.of(
                SchemaRegistryConfig.URL, "http://127.0.0.1:8081",
                SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                SchemaRegistryConfig.BASIC_AUTH_USER_INFO, "alice:secret",
                SchemaRegistryConfig.BEARER_AUTH_TOKEN, "t0ken")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bearer.auth.token");
    }

    @Test
    void shouldRejectUnknownCredentialsSourceNamingTheKey() {
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(Map.of(
                SchemaRegistryConfig.URL, "http://127.0.0.1:8081",
                SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "SASL_INHERIT")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("basic.auth.credentials.source");
    }

    @Test
    void shouldNeverShowTheUrlsCredentialsOrQueryInExceptionsOrLogs() {
        // Port 1 on loopback: privileged, nobody listens there; the connection is refused at once.
        String url = "https://alice:s3cret@127.0.0.1:1/apis?token=abc";
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(Map.of(SchemaRegistryConfig.URL, url,
                SchemaRegistryConfig.MAX_RETRIES, "1", SchemaRegistryConfig.RETRY_BACKOFF_MS, "1"));

        CapturedErr err = CapturedErr.start();
        Throwable thrown;
        try {
            thrown = catchThrowable(() -> client.getById(3));
        } finally {
            err.stop();
        }

        assertThat(thrown).isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("/apis/schemas/ids/3?token=[hidden]");
        assertThat(stackTrace(thrown)).doesNotContain("s3cret", "alice", "token=abc");
        assertThat(err.text()).as("the retry's warning").contains("retrying").doesNotContain("s3cret", "alice", "token=abc");
    }

    @Test
    void shouldNeverShowTheQueryOfAUrlInADeadLetterReason() {
        try (FakeRegistry server = FakeRegistry.start(request -> new Response(404,
                "{\"error_code\": 40403, \"message\": \"Schema 9 not found\"}"))) {
            String url = "http://127.0.0.1:" + server.url().getPort() + "/apis?token=abc";

            assertThatThrownBy(() -> new HttpSchemaRegistryClient(Map.of(SchemaRegistryConfig.URL, url)).getById(9))
                    .isInstanceOf(SchemaNotFoundException.class)
                    .hasMessageContaining("/apis/schemas/ids/9?token=[hidden]")
                    .hasMessageNotContaining("abc");
        }
    }

    @Test
    void shouldSendTheUrlsQueryWithEveryRequest() {
        try (FakeRegistry server = FakeRegistry.start(request -> new Response(200, "{\"id\": 1}"))) {
            String url = "http://127.0.0.1:" + server.url().getPort() + "/apis/ccompat/v7?token=a%2Bb";
            new HttpSchemaRegistryClient(Map.of(SchemaRegistryConfig.URL, url)).register("s", SCHEMA);

            assertThat(server.requests()).extracting(Request::rawPath, Request::rawQuery)
                    .containsExactly(tuple("/apis/ccompat/v7/subjects/s/versions", "token=a%2Bb"));
        }
    }

    @Test
    void shouldSayTheRegistryRejectedTheCredentialsAndWhichSettingTheyCameFrom() {
        try (FakeRegistry server = FakeRegistry.start(request -> new Response(401,
                "{\"error_code\": 401, \"message\": \"Unauthorized\"}"))) {
            HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(Map.of(
                    SchemaRegistryConfig.URL, server.url().toString(),
                    SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                    SchemaRegistryConfig.BASIC_AUTH_USER_INFO, "alice:wrong-s3cret"));

            assertThatThrownBy(() -> client.register("s", SCHEMA))
                    .isInstanceOf(SchemaRegistryException.class)
                    .isNotInstanceOf(SchemaNotFoundException.class)
                    .hasMessageStartingWith("schema registry authentication failed: the registry rejected the credentials"
                            + " from basic.auth.user.info")
                    .hasMessageContaining("HTTP 401")
                    .hasMessageNotContaining("wrong-s3cret")
                    .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(401));
            assertThat(server.requests()).as("a refusal is final: no retry").hasSize(1);
        }
    }

    @Test
    void shouldSayHowToConfigureCredentialsWhenARegistryAsksForSomeAndNoneWereSet() {
        try (FakeRegistry server = FakeRegistry.start(request -> new Response(401, "Unauthorized"))) {
            assertThatThrownBy(() -> client(server.url()).getById(1))
                    .hasMessageContaining("none were configured")
                    .hasMessageContaining("basic.auth.user.info");
        }
    }

    @Test
    void shouldSayTheCredentialsLackPermissionOn403() {
        try (FakeRegistry server = FakeRegistry.start(request -> new Response(403, "{\"error_code\": 40301}"))) {
            String url = "http://reader:pw@127.0.0.1:" + server.url().getPort();

            assertThatThrownBy(() -> new HttpSchemaRegistryClient(Map.of(SchemaRegistryConfig.URL, url)).register("s", SCHEMA))
                    .hasMessageStartingWith("schema registry authorization failed: the credentials from the user info of"
                            + " schema.registry.url were accepted but may not do this")
                    .hasMessageNotContaining("reader:pw");
        }
    }

    @Test
    void shouldRejectAMissingTruststoreNamingTheKey(@TempDir Path dir) {
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(Map.of(SchemaRegistryConfig.URL, "https://127.0.0.1:8081",
                SchemaRegistryConfig.SSL_TRUSTSTORE_LOCATION, dir.resolve("missing.p12").toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.ssl.truststore.location")
                .hasMessageContaining("no such file");
    }

    @Test
    void shouldRejectAWrongTruststorePasswordNamingTheKeyButNotThePassword(@TempDir Path dir) throws Exception {
        Path truststore = dir.resolve("trust.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (OutputStream out = Files.newOutputStream(truststore)) {
            store.store(out, "right-pw".toCharArray());
        }

        assertThatThrownBy(() -> new HttpSchemaRegistryClient(Map.of(SchemaRegistryConfig.URL, "https://127.0.0.1:8081",
                SchemaRegistryConfig.SSL_TRUSTSTORE_LOCATION, truststore.toString(),
                SchemaRegistryConfig.SSL_TRUSTSTORE_TYPE, "PKCS12",
                SchemaRegistryConfig.SSL_TRUSTSTORE_PASSWORD, "wrong-pw")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.ssl.truststore.password")
                .hasMessageNotContaining("wrong-pw");
        assertThat(new HttpSchemaRegistryClient(Map.of(SchemaRegistryConfig.URL, "https://127.0.0.1:8081",
                SchemaRegistryConfig.SSL_TRUSTSTORE_LOCATION, truststore.toString(),
                SchemaRegistryConfig.SSL_TRUSTSTORE_TYPE, "PKCS12",
                SchemaRegistryConfig.SSL_TRUSTSTORE_PASSWORD, "right-pw"))).isNotNull();
    }

    @Test
    void shouldRejectAMalformedUrlWithoutPrintingItsCredentials() {
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(Map.of(SchemaRegistryConfig.URL, "ftp://alice:s3cret@host/")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(Map.of(SchemaRegistryConfig.URL, "http://alice:s3cret@host/a b")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url")
                .hasMessageNotContaining("s3cret");
    }

    private static String stackTrace(Throwable thrown) {
        StringWriter out = new StringWriter();
        thrown.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    /** What is written to System.err (where slf4j-simple logs) between start and stop, still passed on. */
    private static final class CapturedErr {
        private final PrintStream original = System.err;
        private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

        static CapturedErr start() {
            CapturedErr captured = new CapturedErr();
            System.setErr(new PrintStream(new TeeOutputStream(captured.original, captured.copy), true, StandardCharsets.UTF_8));
            return captured;
        }

        void stop() {
            System.err.flush();
            System.setErr(original);
        }

        String text() {
            return copy.toString(StandardCharsets.UTF_8);
        }
    }

    private static final class TeeOutputStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeOutputStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) throws IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }

    private static HttpSchemaRegistryClient client(URI url) {
        return HttpSchemaRegistryClient.of(List.of(url), Duration.ofSeconds(5), 3, Duration.ofMillis(1));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A loopback port nobody listens on: bound once to pick it, then released. */
    private static URI closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }
}
