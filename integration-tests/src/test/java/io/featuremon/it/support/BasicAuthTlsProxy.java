package io.featuremon.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * What stands in front of a schema registry in production, here in front of Apicurio (which does basic auth only
 * with Keycloak): HTTPS on 127.0.0.1 with the test certificate, HTTP basic authentication of one user, and every
 * authenticated request passed on to the registry over plain HTTP.
 *
 * <p>A request without the right credentials gets what a Confluent registry answers: 401 with
 * {@code {"error_code":401,"message":"Unauthorized"}} and a {@code WWW-Authenticate} header.
 */
public final class BasicAuthTlsProxy implements AutoCloseable {

    private static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(10);

    private final HttpsServer server;
    private final ExecutorService executor;
    private final HttpClient upstreamClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(UPSTREAM_TIMEOUT).build();
    private final URI upstream;
    private final byte[] expectedAuthorization;
    private final AtomicInteger rejected = new AtomicInteger();
    private final AtomicInteger forwarded = new AtomicInteger();

    private BasicAuthTlsProxy(HttpsServer server, ExecutorService executor, URI upstream, String user, String password) {
        this.server = server;
        this.executor = executor;
        this.upstream = upstream;
        this.expectedAuthorization = ("Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param upstream the registry's base URL (plain HTTP); its path is the proxy's path too
     * @param keyStore PKCS12 keystore with the server certificate, {@code keyStorePassword} also the key's
     */
    public static BasicAuthTlsProxy start(URI upstream, Path keyStore, String keyStorePassword, String user, String password) {
        ExecutorService executor = Executors.newFixedThreadPool(4, task -> {
            Thread thread = new Thread(task, "registry-proxy");
            thread.setDaemon(true);
            return thread;
        });
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(sslContext(keyStore, keyStorePassword)));
            BasicAuthTlsProxy proxy = new BasicAuthTlsProxy(server, executor, upstream, user, password);
            server.createContext("/", proxy::handle);
            server.setExecutor(executor);
            server.start();
            return proxy;
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("Cannot start the registry proxy", e);
        }
    }

    private static SSLContext sslContext(Path keyStore, String password) {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance(SelfSignedCertificate.TYPE);
            store.load(in, password.toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot load " + keyStore, e);
        }
    }

    /** The registry's base URL through the proxy: {@code https://127.0.0.1:PORT/<upstream path>}. */
    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + upstream.getRawPath();
    }

    /** Requests refused for missing or wrong credentials. */
    public int rejected() {
        return rejected.get();
    }

    /** Requests passed on to the registry. */
    public int forwarded() {
        return forwarded.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !MessageDigest.isEqual(expectedAuthorization,
                    authorization.getBytes(StandardCharsets.UTF_8))) {
                rejected.incrementAndGet();
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"schema-registry\"");
                respond(exchange, 401, "application/json", "{\"error_code\":401,\"message\":\"Unauthorized\"}"
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (forward(upstreamClient, upstream, exchange)) {
                forwarded.incrementAndGet();
            }
        }
    }

    /**
     * Passes one request on to {@code upstream} (same path and query, body, Content-Type and Accept) and its answer
     * back; 502 when the registry cannot be reached. Returns whether the registry answered. Shared with the
     * plain-HTTP proxies of other tests (a registry that forgets its ids, in PoisonPillIT).
     */
    public static boolean forward(HttpClient client, URI upstream, HttpExchange exchange) throws IOException {
        URI target = URI.create(upstream.getScheme() + "://" + upstream.getRawAuthority()
                + exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(UPSTREAM_TIMEOUT)
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String header : new String[] {"Content-Type", "Accept"}) {
            String value = exchange.getRequestHeaders().getFirst(header);
            if (value != null) {
                request.header(header, value);
            }
        }
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(exchange, 503, "text/plain", "interrupted".getBytes(StandardCharsets.UTF_8));
            return false;
        } catch (IOException e) {
            respond(exchange, 502, "text/plain", ("registry unreachable: " + e).getBytes(StandardCharsets.UTF_8));
            return false;
        }
        respond(exchange, response.statusCode(), response.headers().firstValue("Content-Type").orElse("application/json"),
                response.body());
        return true;
    }

    public static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    /** Stops serving at once and ends its threads. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
