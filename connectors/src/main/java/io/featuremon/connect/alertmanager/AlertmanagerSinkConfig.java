package io.featuremon.connect.alertmanager;

import io.featuremon.connect.FrameworkKeys;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.featuremon.serdes.Redaction;
import io.featuremon.serdes.SchemaRegistryConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Every setting of the Alertmanager sink, declared once (type, default, validator, doc) and parsed once into typed
 * fields. Keys that neither this connector nor the Connect framework knows are refused by name: a misspelt
 * {@code resend.interval.ms} would otherwise leave the default in force without a word.
 */
public final class AlertmanagerSinkConfig extends AbstractConfig {

    public static final String ALERTMANAGER_URL = "alertmanager.url";
    public static final String BASIC_AUTH_USER = "alertmanager.basic.auth.user";
    public static final String BASIC_AUTH_PASSWORD = "alertmanager.basic.auth.password";
    public static final String BEARER_TOKEN = "alertmanager.bearer.token";
    public static final String SSL_TRUSTSTORE_LOCATION = "alertmanager.ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = "alertmanager.ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = "alertmanager.ssl.truststore.type";
    public static final String SSL_KEYSTORE_LOCATION = "alertmanager.ssl.keystore.location";
    public static final String SSL_KEYSTORE_PASSWORD = "alertmanager.ssl.keystore.password";
    public static final String SSL_KEYSTORE_TYPE = "alertmanager.ssl.keystore.type";
    public static final String SSL_KEY_PASSWORD = "alertmanager.ssl.key.password";
    public static final String REQUEST_TIMEOUT_MS = "alertmanager.request.timeout.ms";
    public static final String MAX_RETRIES = "alertmanager.max.retries";
    public static final String RETRY_BACKOFF_MS = "alertmanager.retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "alertmanager.retry.backoff.max.ms";
    public static final String RESEND_INTERVAL_MS = "resend.interval.ms";
    public static final String BATCH_MAX_ALERTS = "batch.max.alerts";

    /** The prefix of the schema-registry settings: {@code schema.registry.} + the key of {@link SchemaRegistryConfig}. */
    static final String REGISTRY_PREFIX = "schema.registry.";

    /** The registry settings a reader needs (not auto-registration nor subject strategies: the id is in the bytes). */
    private static final Set<String> REGISTRY_KEYS_LEFT_OUT = Set.of(SchemaRegistryConfig.AUTO_REGISTER_SCHEMAS,
            SchemaRegistryConfig.KEY_SUBJECT_NAME_STRATEGY, SchemaRegistryConfig.VALUE_SUBJECT_NAME_STRATEGY);
    /** Connector key → SchemaRegistryConfig key. */
    static final Map<String, String> REGISTRY_KEYS = registryKeys();

    public static final ConfigDef CONFIG_DEF = configDef();

    private final List<URI> alertmanagerUrls;
    private final Duration resendInterval;
    private final Duration requestTimeout;
    private final int maxRetries;
    private final Duration retryBackoff;
    private final Duration retryBackoffMax;
    private final int batchMaxAlerts;

    /**
     * Parses and validates the whole connector config.
     *
     * @throws ConfigException naming the first unknown, missing or invalid key, with what to do about it
     */
    public AlertmanagerSinkConfig(Map<String, String> originals) {
        super(CONFIG_DEF, originals, false);
        List<String> unknown = unknownKeys(originals);
        if (!unknown.isEmpty()) {
            throw new ConfigException(unknownKeyMessage(unknown.get(0)));
        }
        for (Map.Entry<String, String> problem : crossChecks(this).entrySet()) {
            throw new ConfigException(problem.getKey(), null, problem.getValue());
        }
        this.alertmanagerUrls = getList(ALERTMANAGER_URL).stream().map(URI::create).toList();
        this.resendInterval = Duration.ofMillis(getLong(RESEND_INTERVAL_MS));
        this.requestTimeout = Duration.ofMillis(getInt(REQUEST_TIMEOUT_MS));
        this.maxRetries = getInt(MAX_RETRIES);
        this.retryBackoff = Duration.ofMillis(getLong(RETRY_BACKOFF_MS));
        this.retryBackoffMax = Duration.ofMillis(getLong(RETRY_BACKOFF_MAX_MS));
        this.batchMaxAlerts = getInt(BATCH_MAX_ALERTS);
    }

    public List<URI> alertmanagerUrls() {
        return alertmanagerUrls;
    }

    public Duration resendInterval() {
        return resendInterval;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public int maxRetries() {
        return maxRetries;
    }

    public Duration retryBackoff() {
        return retryBackoff;
    }

    public Duration retryBackoffMax() {
        return retryBackoffMax;
    }

    public int batchMaxAlerts() {
        return batchMaxAlerts;
    }

    /** The settings for featuremon's {@link SchemaRegistryConfig}, under its own key names. */
    public Map<String, Object> registrySettings() {
        Map<String, Object> settings = new HashMap<>();
        REGISTRY_KEYS.forEach((ours, theirs) -> {
            Object value = values().get(ours);
            if (value != null) {
                settings.put(theirs, value instanceof Password p ? p.value() : value);
            }
        });
        return settings;
    }

    /** Keys of {@code originals} that neither this connector nor the framework knows, sorted. */
    static List<String> unknownKeys(Map<String, ?> originals) {
        return FrameworkKeys.unknown(originals, CONFIG_DEF.names(), FrameworkKeys.SINK);
    }


    static String unknownKeyMessage(String key) {
        return "Unknown configuration key '" + key + "' for the featuremon Alertmanager sink: remove it or correct"
                + " its spelling. Keys it takes: " + new TreeSet<>(CONFIG_DEF.names())
                + ", besides the Connect framework's (name, topics, tasks.max, connector.class, *.converter*,"
                + " transforms*, predicates*, errors.*, consumer.override.*)";
    }

    /** Problems that involve more than one key or the file system, as key → message; empty when there are none. */
    static Map<String, String> crossChecks(AbstractConfig config) {
        Map<String, String> problems = new LinkedHashMap<>();
        if (config.getList(ALERTMANAGER_URL).isEmpty()) {
            problems.put(ALERTMANAGER_URL, "required: the base URL of Alertmanager, e.g. http://127.0.0.1:9093"
                    + " (one per instance of an Alertmanager cluster, comma-separated)");
        }
        if (config.getList(REGISTRY_PREFIX + "url").isEmpty()) {
            problems.put(REGISTRY_PREFIX + "url", "required: the Confluent-compatible schema registry the alerts"
                    + " topic's records were written with, e.g. http://127.0.0.1:8081");
        }
        String user = config.getString(BASIC_AUTH_USER);
        Password password = config.getPassword(BASIC_AUTH_PASSWORD);
        if ((user == null) != (password == null)) {
            problems.put(user == null ? BASIC_AUTH_USER : BASIC_AUTH_PASSWORD, "basic authentication needs both "
                    + BASIC_AUTH_USER + " and " + BASIC_AUTH_PASSWORD + ": set the other one or neither");
        }
        if (user != null && config.getPassword(BEARER_TOKEN) != null) {
            problems.put(BEARER_TOKEN, "set either basic authentication (" + BASIC_AUTH_USER + ") or a bearer token,"
                    + " not both: Alertmanager (or its proxy) takes one Authorization header");
        }
        for (String store : List.of(SSL_TRUSTSTORE_LOCATION, SSL_KEYSTORE_LOCATION)) {
            String location = config.getString(store);
            if (location != null && !Files.isReadable(Path.of(location))) {
                problems.put(store, "no readable file at " + location);
            }
        }
        if (config.getLong(RETRY_BACKOFF_MAX_MS) < config.getLong(RETRY_BACKOFF_MS)) {
            problems.put(RETRY_BACKOFF_MAX_MS, "must be at least " + RETRY_BACKOFF_MS + " ("
                    + config.getLong(RETRY_BACKOFF_MS) + ")");
        }
        return problems;
    }

    private static Map<String, String> registryKeys() {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String key : SchemaRegistryConfig.CONFIG_DEF.names()) {
            if (!REGISTRY_KEYS_LEFT_OUT.contains(key)) {
                keys.put(key.startsWith(REGISTRY_PREFIX) ? key : REGISTRY_PREFIX + key, key);
            }
        }
        return keys;
    }

    private static ConfigDef configDef() {
        String am = "Alertmanager";
        String registry = "Schema registry";
        String delivery = "Delivery";
        ConfigDef def = new ConfigDef()
                .define(ALERTMANAGER_URL, Type.LIST, List.of(), AlertmanagerSinkConfig::validateUrls, Importance.HIGH,
                        "Base URLs of Alertmanager (http or https), comma-separated: every alert is posted to"
                                + " <url>/api/v2/alerts of each, as Prometheus posts to every instance of a cluster."
                                + " Required.", am, 0, ConfigDef.Width.LONG, "Alertmanager URLs")
                .define(BASIC_AUTH_USER, Type.STRING, null, Importance.MEDIUM,
                        "User for HTTP basic authentication (with " + BASIC_AUTH_PASSWORD + ").",
                        am, 1, ConfigDef.Width.SHORT, "Basic auth user")
                .define(BASIC_AUTH_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM,
                        "Password for HTTP basic authentication.", am, 2, ConfigDef.Width.SHORT, "Basic auth password")
                .define(BEARER_TOKEN, Type.PASSWORD, null, Importance.MEDIUM,
                        "Token sent as 'Authorization: Bearer <token>'; excludes basic authentication.",
                        am, 3, ConfigDef.Width.LONG, "Bearer token")
                .define(SSL_TRUSTSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM,
                        "Truststore (JKS or PKCS12) with the certificate authorities https:// URLs are checked against;"
                                + " unset: the JVM's default. Hostname verification is always on.",
                        am, 4, ConfigDef.Width.LONG, "Truststore")
                .define(SSL_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM,
                        "Password of the truststore, if it has one.", am, 5, ConfigDef.Width.SHORT, "Truststore password")
                .define(SSL_TRUSTSTORE_TYPE, Type.STRING, "JKS", ValidString.in("JKS", "PKCS12"), Importance.LOW,
                        "Type of the truststore: JKS or PKCS12.", am, 6, ConfigDef.Width.SHORT, "Truststore type")
                .define(SSL_KEYSTORE_LOCATION, Type.STRING, null, Importance.LOW,
                        "Keystore (JKS or PKCS12) with a client certificate, for mutual TLS.",
                        am, 7, ConfigDef.Width.LONG, "Keystore")
                .define(SSL_KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                        "Password of the keystore.", am, 8, ConfigDef.Width.SHORT, "Keystore password")
                .define(SSL_KEYSTORE_TYPE, Type.STRING, "JKS", ValidString.in("JKS", "PKCS12"), Importance.LOW,
                        "Type of the keystore: JKS or PKCS12.", am, 9, ConfigDef.Width.SHORT, "Keystore type")
                .define(SSL_KEY_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                        "Password of the private key; unset: the keystore's password.",
                        am, 10, ConfigDef.Width.SHORT, "Key password")
                .define(REQUEST_TIMEOUT_MS, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                        "Connect and request timeout of one post, in milliseconds.",
                        am, 11, ConfigDef.Width.SHORT, "Request timeout")
                .define(RESEND_INTERVAL_MS, Type.LONG, 60_000L, Range.atLeast(1_000), Importance.HIGH,
                        "How often every firing alert is posted again, in milliseconds (at least 1000), each time with"
                                + " endsAt = now + 4 x this interval, as Prometheus does: Alertmanager keeps an alert"
                                + " firing only while it is re-sent, and resolves it by itself at endsAt if this"
                                + " connector stops.", delivery, 0, ConfigDef.Width.SHORT, "Re-send interval")
                .define(BATCH_MAX_ALERTS, Type.INT, 100, Range.between(1, 10_000), Importance.LOW,
                        "Most alerts in one post.", delivery, 1, ConfigDef.Width.SHORT, "Batch size")
                .define(MAX_RETRIES, Type.INT, 5, Range.between(0, 100), Importance.MEDIUM,
                        "Retries of a post that failed for a reason that may pass (I/O error, timeout, HTTP 429 or"
                                + " 5xx). After the last one, the records behind the post go to the errant-record"
                                + " reporter (the dead-letter queue, errors.deadletterqueue.topic.name, with"
                                + " errors.tolerance=all); firing alerts stay in the set and go out with the next"
                                + " re-send.", delivery, 2, ConfigDef.Width.SHORT, "Retries")
                .define(RETRY_BACKOFF_MS, Type.LONG, 500L, Range.atLeast(0), Importance.LOW,
                        "Pause before the first retry, in milliseconds; doubled before each further one.",
                        delivery, 3, ConfigDef.Width.SHORT, "Retry backoff")
                .define(RETRY_BACKOFF_MAX_MS, Type.LONG, 10_000L, Range.atLeast(0), Importance.LOW,
                        "Longest pause between two retries, in milliseconds.",
                        delivery, 4, ConfigDef.Width.SHORT, "Longest retry backoff");
        int order = 0;
        for (Map.Entry<String, String> key : REGISTRY_KEYS.entrySet()) {
            ConfigDef.ConfigKey theirs = SchemaRegistryConfig.CONFIG_DEF.configKeys().get(key.getValue());
            def.define(key.getKey(), theirs.type, theirs.defaultValue, theirs.validator, theirs.importance,
                    "As " + key.getValue() + " of featuremon's registry client: " + theirs.documentation
                            + (key.getKey().equals(REGISTRY_PREFIX + "url") ? " Required." : ""),
                    registry, order++, ConfigDef.Width.LONG, key.getKey());
        }
        return def;
    }

    private static void validateUrls(String name, Object value) {
        for (Object url : (List<?>) value) {
            try {
                URI uri = new URI(url.toString());
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new ConfigException(name, Redaction.url(url.toString()),
                            "expected an absolute http:// or https:// URL such as http://127.0.0.1:9093");
                }
                if (uri.getUserInfo() != null) {
                    throw new ConfigException(name, Redaction.url(url.toString()), "put credentials in "
                            + BASIC_AUTH_USER + " and " + BASIC_AUTH_PASSWORD + ", not in the URL");
                }
            } catch (URISyntaxException e) {
                throw new ConfigException(name, Redaction.url(url.toString()), "not a URL (" + Redaction.text(e.getMessage())
                        + "): expected an absolute http:// or https:// URL such as http://127.0.0.1:9093");
            }
        }
    }
}
