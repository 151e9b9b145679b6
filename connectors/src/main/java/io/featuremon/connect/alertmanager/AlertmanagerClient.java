package io.featuremon.connect.alertmanager;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Posts alerts to one Alertmanager's {@code /api/v2/alerts}, with basic or bearer authentication and TLS, and
 * retries what may pass (I/O errors, timeouts, 429, 5xx) a bounded number of times with a doubling backoff.
 */
final class AlertmanagerClient {

    /** What became of a post. */
    enum Outcome { ACCEPTED, REFUSED, UNREACHABLE }

    /** The outcome and what Alertmanager (or the network) said. */
    record Result(Outcome outcome, String detail) {
    }

    /** Thrown for answers that no retry and no other record can fix: the configuration is wrong. */
    static final class AuthenticationException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AuthenticationException(String message) {
            super(message);
        }
    }

    /** A pause, injectable so that tests need not wait out the backoff. */
    interface Sleeper {
        void sleep(Duration pause) throws InterruptedException;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI alerts;
    private final String authorization;
    private final HttpClient http;
    private final Duration timeout;
    private final int maxRetries;
    private final Duration backoff;
    private final Duration backoffMax;
    private final Sleeper sleeper;

    AlertmanagerClient(URI base, AlertmanagerSinkConfig config, Sleeper sleeper) {
        String path = base.getPath() == null ? "" : base.getPath().replaceAll("/+$", "");
        this.alerts = base.resolve(path + "/api/v2/alerts");
        this.authorization = authorization(config);
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(config.requestTimeout());
        if (config.getString(AlertmanagerSinkConfig.SSL_TRUSTSTORE_LOCATION) != null
                || config.getString(AlertmanagerSinkConfig.SSL_KEYSTORE_LOCATION) != null) {
            builder.sslContext(sslContext(config));
        }
        this.http = builder.build();
        this.timeout = config.requestTimeout();
        this.maxRetries = config.maxRetries();
        this.backoff = config.retryBackoff();
        this.backoffMax = config.retryBackoffMax();
        this.sleeper = sleeper;
    }

    URI url() {
        return alerts;
    }

    /**
     * Posts {@code alerts} in one request, retrying as configured.
     *
     * @return ACCEPTED (HTTP 2xx), REFUSED (another 4xx: an alert Alertmanager will never take; retrying cannot
     *     help) or UNREACHABLE (still failing after the last retry)
     * @throws AuthenticationException on 401 or 403
     * @throws InterruptedException if interrupted while waiting to retry
     */
    Result post(List<PostableAlert> alerts) throws InterruptedException {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(alerts.stream().map(PostableAlert::json).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write alerts as JSON", e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(this.alerts).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        Duration pause = backoff;
        String last = null;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            if (attempt > 0) {
                sleeper.sleep(pause);
                pause = pause.multipliedBy(2).compareTo(backoffMax) > 0 ? backoffMax : pause.multipliedBy(2);
            }
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return new Result(Outcome.ACCEPTED, "HTTP " + status);
                }
                String said = "HTTP " + status + " from " + this.alerts + ": " + abbreviate(response.body());
                if (status == 401 || status == 403) {
                    throw new AuthenticationException(said + "; check " + AlertmanagerSinkConfig.BASIC_AUTH_USER + "/"
                            + AlertmanagerSinkConfig.BASIC_AUTH_PASSWORD + " or " + AlertmanagerSinkConfig.BEARER_TOKEN);
                }
                if (status != 429 && status / 100 == 4) {
                    return new Result(Outcome.REFUSED, said);
                }
                last = said;
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + " posting to " + this.alerts + ": " + e.getMessage();
            }
        }
        return new Result(Outcome.UNREACHABLE, last + " (after " + (maxRetries + 1) + " attempts)");
    }

    private static String abbreviate(String body) {
        String trimmed = body == null ? "" : body.strip();
        return trimmed.length() > 300 ? trimmed.substring(0, 300) + "..." : trimmed;
    }

    private static String authorization(AlertmanagerSinkConfig config) {
        String user = config.getString(AlertmanagerSinkConfig.BASIC_AUTH_USER);
        if (user != null) {
            String pair = user + ":" + config.getPassword(AlertmanagerSinkConfig.BASIC_AUTH_PASSWORD).value();
            return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }
        Password token = config.getPassword(AlertmanagerSinkConfig.BEARER_TOKEN);
        return token == null ? null : "Bearer " + token.value();
    }

    private static SSLContext sslContext(AlertmanagerSinkConfig config) {
        try {
            TrustManagerFactory trust = null;
            String truststore = config.getString(AlertmanagerSinkConfig.SSL_TRUSTSTORE_LOCATION);
            if (truststore != null) {
                KeyStore store = load(AlertmanagerSinkConfig.SSL_TRUSTSTORE_LOCATION, truststore,
                        config.getString(AlertmanagerSinkConfig.SSL_TRUSTSTORE_TYPE),
                        config.getPassword(AlertmanagerSinkConfig.SSL_TRUSTSTORE_PASSWORD));
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(store);
            }
            KeyManagerFactory keys = null;
            String keystore = config.getString(AlertmanagerSinkConfig.SSL_KEYSTORE_LOCATION);
            if (keystore != null) {
                Password storePassword = config.getPassword(AlertmanagerSinkConfig.SSL_KEYSTORE_PASSWORD);
                KeyStore store = load(AlertmanagerSinkConfig.SSL_KEYSTORE_LOCATION, keystore,
                        config.getString(AlertmanagerSinkConfig.SSL_KEYSTORE_TYPE), storePassword);
                Password keyPassword = config.getPassword(AlertmanagerSinkConfig.SSL_KEY_PASSWORD);
                Password key = keyPassword != null ? keyPassword : storePassword;
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, key == null ? null : key.value().toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("cannot set up TLS to Alertmanager from the alertmanager.ssl.* settings: " + e.getMessage());
        }
    }

    private static KeyStore load(String key, String location, String type, Password password) {
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password == null ? null : password.value().toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            // A wrong password surfaces here as an IOException: name the setting, never the secret.
            throw new ConfigException(key, location, "cannot open it as " + type + ": " + e.getMessage()
                    + " (check the file, its type and its password)");
        }
    }
}
