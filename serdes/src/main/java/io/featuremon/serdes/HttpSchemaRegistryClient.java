package io.featuremon.serdes;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaRegistryClient} speaking the Confluent Schema Registry REST API over
 * {@link HttpClient}; works against Confluent and against Apicurio's {@code /apis/ccompat/v7}.
 *
 * <p>Build it from the usual serde config with {@link #HttpSchemaRegistryClient(Map)} (keys in
 * {@link SchemaRegistryConfig}: {@code schema.registry.url}, {@code basic.auth.*},
 * {@code bearer.auth.token}, {@code schema.registry.ssl.*} for TLS, timeouts and retries), or with
 * {@link #of} in tests.
 *
 * <p>No message, log line or exception of this client shows a credential: URLs are shown without their user
 * info and with the values of their query hidden ({@link Redaction}). A 401 or 403 answer says which setting
 * the rejected credentials came from.
 *
 * <p>Answers are cached for the life of the client ((subject, schema) → id and id → schema never
 * change in a registry), so in steady state it does no HTTP at all. A call that finds no registry
 * answering tries each URL in turn, starting with the last one that worked, and repeats the round up
 * to {@code schema.registry.max.retries} times with exponential backoff before throwing
 * {@link SchemaRegistryUnavailableException}. A 4xx answer is final and never retried. Thread-safe.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger LOG = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BACKOFF_MS = 10_000;

    /**
     * One registry URL: where requests go ({@code baseUrl} + path + {@code query}), how it is shown in messages
     * and logs ({@code baseUrl} + path + {@code shownQuery}: the user info is not in {@code baseUrl}, the query's
     * values are hidden), the Authorization header (null for none) and the setting it came from, for a refusal.
     */
    private record Endpoint(String baseUrl, String query, String shownQuery, String authorization, String credentialsFrom) {

        static Endpoint of(URI uri, String authorization, String credentialsFrom) {
            String query = uri.getRawQuery();
            return new Endpoint(stripTrailingSlash(withoutUserInfoAndQuery(uri)), query == null ? "" : "?" + query,
                    query == null ? "" : "?" + Redaction.query(query), authorization, credentialsFrom);
        }

        URI uri(String path) {
            return URI.create(baseUrl + path + query);
        }

        String shown(String path) {
            return baseUrl + path + shownQuery;
        }
    }

    private record SubjectSchema(String subject, Schema schema) {
    }

    private final List<Endpoint> endpoints;
    private final Duration requestTimeout;
    private final int maxRetries;
    private final long retryBackoffMs;
    private final HttpClient http;
    private final ConcurrentMap<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, Schema> schemas = new ConcurrentHashMap<>();
    // Start where the last call succeeded, so a dead first URL costs one timeout, not one per call.
    private volatile int preferredEndpoint;

    /**
     * Builds a client from serde config (unknown keys are ignored).
     *
     * @throws ConfigException naming the key, when a URL is missing or malformed, the credentials
     *                         are malformed, or both basic and bearer authentication are set
     */
    public HttpSchemaRegistryClient(Map<String, ?> configs) {
        this(new SchemaRegistryConfig(configs));
    }

    HttpSchemaRegistryClient(SchemaRegistryConfig config) {
        this(endpoints(config), Duration.ofMillis(config.getInt(SchemaRegistryConfig.REQUEST_TIMEOUT_MS)),
                config.getInt(SchemaRegistryConfig.MAX_RETRIES), config.getLong(SchemaRegistryConfig.RETRY_BACKOFF_MS),
                RegistryTls.sslContext(config));
    }

    private HttpSchemaRegistryClient(List<Endpoint> endpoints, Duration requestTimeout, int maxRetries, long retryBackoffMs,
            SSLContext sslContext) {
        this.endpoints = List.copyOf(endpoints);
        this.requestTimeout = requestTimeout;
        this.maxRetries = maxRetries;
        this.retryBackoffMs = retryBackoffMs;
        // HTTP/1.1: the default HTTP/2 would send an h2c upgrade on every plain-http connection.
        HttpClient.Builder http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(requestTimeout);
        if (sslContext != null) {
            http.sslContext(sslContext);
        }
        this.http = http.build();
    }

    /**
     * A client without authentication, from explicit arguments.
     *
     * @param urls          base URLs, tried in order
     * @param maxRetries    extra rounds over all URLs when none answers
     * @param retryBackoff  pause before the first extra round, doubled before each further one
     */
    public static HttpSchemaRegistryClient of(List<URI> urls, Duration requestTimeout, int maxRetries, Duration retryBackoff) {
        List<Endpoint> endpoints = urls.stream().map(url -> Endpoint.of(url, null, null)).toList();
        return new HttpSchemaRegistryClient(endpoints, requestTimeout, maxRetries, retryBackoff.toMillis(), null);
    }

    /**
     * Registers, or finds, the schema under the subject. Two clients that register a new subject at the same moment
     * (two instances writing their first output record after a registry outage) can get HTTP 409 from a registry
     * that creates the subject for one of them (Apicurio: "artifact already exists"): the schema is then there, so
     * it is looked up instead of failing the application.
     */
    @Override
    public int register(String subject, Schema schema) {
        try {
            return id(subject, schema, "/subjects/" + encode(subject) + "/versions");
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() != 409) {
                throw e;
            }
            try {
                return lookup(subject, schema);
            } catch (SchemaRegistryException lookupFailed) {
                e.addSuppressed(lookupFailed);
                throw e;
            }
        }
    }

    @Override
    public int lookup(String subject, Schema schema) {
        return id(subject, schema, "/subjects/" + encode(subject));
    }

    /** Registration and lookup share one cache: both map (subject, schema) to the same id. */
    private int id(String subject, Schema schema, String path) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = ids.get(key);
        if (cached != null) {
            return cached;
        }
        String body = JSON.createObjectNode().put("schema", schema.toString()).toString();
        JsonNode id = call("POST", path, body).get("id");
        if (id == null || !id.canConvertToInt()) {
            throw new SchemaRegistryException("POST " + path + " answered without a schema id", 200, 200);
        }
        ids.put(key, id.intValue());
        schemas.putIfAbsent(id.intValue(), schema);
        return id.intValue();
    }

    @Override
    public Schema getById(int id) {
        Schema cached = schemas.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("GET", "/schemas/ids/" + id, null);
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            // Permanent, like an unknown id: a record framed with this id is not Avro.
            throw new SchemaNotFoundException("schema id " + id + " is a " + type + " schema, not Avro", 200,
                    SchemaNotFoundException.SCHEMA_NOT_FOUND);
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(answer.path("schema").asText());
        } catch (SchemaParseException e) {
            throw new SchemaNotFoundException("schema id " + id + " is not a valid Avro schema: " + e.getMessage(), 200,
                    SchemaNotFoundException.SCHEMA_NOT_FOUND);
        }
        Schema raced = schemas.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    private JsonNode call(String method, String path, String body) {
        String lastFailure = null;
        Exception lastCause = null;
        for (int round = 0; ; round++) {
            int first = preferredEndpoint;
            for (int i = 0; i < endpoints.size(); i++) {
                int index = (first + i) % endpoints.size();
                Endpoint endpoint = endpoints.get(index);
                // Messages and logs show the URL without credentials or query values, never endpoint.uri(path).
                String url = endpoint.shown(path);
                try {
                    HttpResponse<String> response = http.send(request(endpoint, endpoint.uri(path), method, body),
                            HttpResponse.BodyHandlers.ofString());
                    int status = response.statusCode();
                    if (status == 429 || status >= 500) {
                        lastFailure = method + " " + url + " answered HTTP " + status + ": " + Redaction.text(abbreviate(response.body()));
                        lastCause = null;
                        continue;
                    }
                    preferredEndpoint = index;
                    if (status >= 300) {
                        throw refusal(endpoint, method, url, status, response.body());
                    }
                    return JSON.readTree(response.body());
                } catch (JsonProcessingException e) {
                    throw new SchemaRegistryException(method + " " + url + " answered with invalid JSON: "
                            + Redaction.text(e.getOriginalMessage()), 200, 200);
                } catch (IOException e) {
                    lastFailure = method + " " + url + " failed: " + Redaction.text(e.toString()) + tlsHint(e);
                    // The JDK's messages name no URL; and the one it was given holds no credentials anyway.
                    lastCause = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptException(e);
                }
            }
            if (round == maxRetries) {
                throw new SchemaRegistryUnavailableException("schema registry unavailable after " + (round + 1)
                        + " round(s) over " + endpoints.size() + " URL(s); last failure: " + lastFailure, lastCause);
            }
            long backoffMs = Math.min(MAX_BACKOFF_MS, retryBackoffMs << Math.min(round, 20));
            LOG.warn("{}; retrying in {} ms", lastFailure, backoffMs);
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            }
        }
    }

    private HttpRequest request(Endpoint endpoint, URI url, String method, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        if (endpoint.authorization() != null) {
            request.header("Authorization", endpoint.authorization());
        }
        return request.build();
    }

    private static SchemaRegistryException refusal(Endpoint endpoint, String method, String url, int status, String body) {
        int errorCode = status;
        String message = abbreviate(body);
        try {
            JsonNode error = JSON.readTree(body);
            errorCode = error.path("error_code").asInt(status);
            message = error.path("message").asText(message);
        } catch (JsonProcessingException e) {
            // Not a registry error body: keep the HTTP status and the raw text.
        }
        String text = method + " " + url + " answered HTTP " + status + " (error code " + errorCode + "): "
                + Redaction.text(message);
        if (status == 401) {
            return new SchemaRegistryException("schema registry authentication failed: the registry rejected the"
                    + " credentials " + (endpoint.credentialsFrom() == null ? "(none were configured: set "
                    + SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO and "
                    + SchemaRegistryConfig.BASIC_AUTH_USER_INFO + ", or " + SchemaRegistryConfig.BEARER_AUTH_TOKEN + ")"
                    : "from " + endpoint.credentialsFrom()) + ". " + text, status, errorCode);
        }
        if (status == 403) {
            return new SchemaRegistryException("schema registry authorization failed: the credentials"
                    + (endpoint.credentialsFrom() == null ? "" : " from " + endpoint.credentialsFrom())
                    + " were accepted but may not do this. " + text, status, errorCode);
        }
        // A 404 without a 404xx error code comes from something that is not a registry (wrong URL path):
        // that is a misconfiguration, not a record with an unknown schema.
        if (status == 404 && errorCode / 100 == 404) {
            return new SchemaNotFoundException(text, status, errorCode);
        }
        return new SchemaRegistryException(text, status, errorCode);
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static List<Endpoint> endpoints(SchemaRegistryConfig config) {
        Password userInfo = config.getPassword(SchemaRegistryConfig.BASIC_AUTH_USER_INFO);
        Password bearerToken = config.getPassword(SchemaRegistryConfig.BEARER_AUTH_TOKEN);
        boolean fromUserInfo = SchemaRegistryConfig.CREDENTIALS_SOURCE_USER_INFO
                .equals(config.getString(SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE));
        if (bearerToken != null && fromUserInfo) {
            throw new ConfigException(SchemaRegistryConfig.BEARER_AUTH_TOKEN + " and "
                    + SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO are both set; use one authentication");
        }
        if (fromUserInfo && userInfo == null) {
            throw new ConfigException(SchemaRegistryConfig.BASIC_AUTH_USER_INFO + " is required when "
                    + SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO");
        }
        List<String> urls = config.getList(SchemaRegistryConfig.URL);
        if (urls.isEmpty()) {
            throw new ConfigException("Missing required configuration \"" + SchemaRegistryConfig.URL
                    + "\": at least one schema registry URL");
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (String url : urls) {
            URI uri = parse(url.trim());
            if (bearerToken != null) {
                endpoints.add(Endpoint.of(uri, "Bearer " + bearerToken.value(), SchemaRegistryConfig.BEARER_AUTH_TOKEN));
            } else if (fromUserInfo) {
                endpoints.add(Endpoint.of(uri, basic(SchemaRegistryConfig.BASIC_AUTH_USER_INFO, userInfo.value()),
                        SchemaRegistryConfig.BASIC_AUTH_USER_INFO));
            } else if (uri.getRawUserInfo() != null) {
                endpoints.add(Endpoint.of(uri, basic(SchemaRegistryConfig.URL, decode(uri.getRawUserInfo())),
                        "the user info of " + SchemaRegistryConfig.URL));
            } else {
                endpoints.add(Endpoint.of(uri, null, null));
            }
        }
        return endpoints;
    }

    private static String basic(String key, String userInfo) {
        int colon = userInfo.indexOf(':');
        if (colon <= 0) {
            // Never echo the value: it is a secret.
            throw new ConfigException(key + " must be user:password (the user non-empty, then a colon)");
        }
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String rawUserInfo) {
        return URLDecoder.decode(rawUserInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static URI parse(String url) {
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            // Validated by SchemaRegistryConfig already; the parser's message quotes the URL, credentials and all.
            throw new ConfigException(SchemaRegistryConfig.URL, Redaction.url(url), "not a URL");
        }
    }

    /** scheme://host:port/path, raw (percent-encoding kept): what requests go to, before the path and the query. */
    private static String withoutUserInfoAndQuery(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /** What to check when a TLS handshake fails: the usual causes are an untrusted certificate or a wrong host name. */
    private static String tlsHint(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException || t instanceof javax.net.ssl.SSLPeerUnverifiedException) {
                return " (TLS handshake failed: is the registry's certificate signed by a CA in "
                        + SchemaRegistryConfig.SSL_TRUSTSTORE_LOCATION + " (or the JVM's default truststore), and does"
                        + " it name the URL's host?)";
            }
        }
        return "";
    }
}
