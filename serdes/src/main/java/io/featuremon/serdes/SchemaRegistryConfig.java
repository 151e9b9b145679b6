package io.featuremon.serdes;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of {@link HttpSchemaRegistryClient} and {@link AvroSerde}, declared once with type,
 * default, validator and doc. The key names are Confluent's, so an existing serde configuration works
 * unchanged; keys that are not declared here are ignored, so the whole Streams config may be passed.
 */
public final class SchemaRegistryConfig extends AbstractConfig {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    public static final String MAX_RETRIES = "schema.registry.max.retries";
    public static final String RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    public static final String SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    public static final String SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    public static final String SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";

    /** Credentials come from the user-info part of each URL ({@code http://user:password@host}), if any. */
    public static final String CREDENTIALS_SOURCE_URL = "URL";
    /** Credentials come from {@link #BASIC_AUTH_USER_INFO}. */
    public static final String CREDENTIALS_SOURCE_USER_INFO = "USER_INFO";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(URL, Type.LIST, List.of(), SchemaRegistryConfig::validateUrls, Importance.HIGH,
                    "Comma-separated base URLs of the Confluent-compatible registry API, tried in order when one fails."
                            + " Required unless the serde is given a SchemaRegistryClient. A URL may carry credentials"
                            + " (https://user:password@host, percent-encoded; used when basic.auth.credentials.source=URL)"
                            + " and a query string, which is sent with every request; both are hidden in messages.")
            .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, CREDENTIALS_SOURCE_URL,
                    ValidString.in(CREDENTIALS_SOURCE_URL, CREDENTIALS_SOURCE_USER_INFO), Importance.MEDIUM,
                    "Where HTTP basic credentials come from: URL (user info of the URL) or USER_INFO (basic.auth.user.info).")
            .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
                    "user:password for HTTP basic authentication when basic.auth.credentials.source=USER_INFO.")
            .define(BEARER_AUTH_TOKEN, Type.PASSWORD, null, Importance.MEDIUM,
                    "Static token sent as 'Authorization: Bearer <token>'; excludes basic authentication.")
            .define(REQUEST_TIMEOUT_MS, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                    "Connect and request timeout of one HTTP request, in milliseconds.")
            .define(MAX_RETRIES, Type.INT, 3, Range.atLeast(0), Importance.LOW,
                    "How many more rounds over all URLs after a round in which none answered (I/O error, timeout, 429 or 5xx).")
            .define(RETRY_BACKOFF_MS, Type.LONG, 200L, Range.atLeast(0), Importance.LOW,
                    "Pause before the first retry round, doubled before each further round, in milliseconds.")
            .define(AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Whether the serializer registers its schema; if false it only looks it up and fails when absent.")
            .define(KEY_SUBJECT_NAME_STRATEGY, Type.STRING, SubjectNameStrategy.TOPIC_NAME.name(),
                    (name, value) -> SubjectNameStrategy.parse(name, (String) value), Importance.LOW,
                    "Subject of key schemas: TopicNameStrategy (<topic>-key) or RecordNameStrategy (record full name).")
            .define(VALUE_SUBJECT_NAME_STRATEGY, Type.STRING, SubjectNameStrategy.TOPIC_NAME.name(),
                    (name, value) -> SubjectNameStrategy.parse(name, (String) value), Importance.LOW,
                    "Subject of value schemas: TopicNameStrategy (<topic>-value) or RecordNameStrategy (record full name).")
            .define(SSL_TRUSTSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM,
                    "Truststore (JKS or PKCS12 file) holding the certificate authorities that https:// registry URLs are"
                            + " checked against; unset: the JVM's default truststore. The certificate must name the host"
                            + " of the URL (hostname verification is always on).")
            .define(SSL_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM,
                    "Password of schema.registry.ssl.truststore.location, if it has one.")
            .define(SSL_TRUSTSTORE_TYPE, Type.STRING, "JKS", Importance.LOW,
                    "Type of the truststore: JKS or PKCS12 (a JKS reader also opens PKCS12 files).")
            .define(SSL_KEYSTORE_LOCATION, Type.STRING, null, Importance.LOW,
                    "Keystore (JKS or PKCS12 file) with the client certificate, for a registry that requires mutual TLS.")
            .define(SSL_KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                    "Password of schema.registry.ssl.keystore.location.")
            .define(SSL_KEYSTORE_TYPE, Type.STRING, "JKS", Importance.LOW, "Type of the keystore: JKS or PKCS12.")
            .define(SSL_KEY_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                    "Password of the private key in the keystore; unset: the keystore password.");

    /**
     * Parses and validates {@code originals}.
     *
     * @throws ConfigException naming the key of the first missing or invalid setting
     */
    public SchemaRegistryConfig(Map<?, ?> originals) {
        // doLog=false: the originals are usually the whole application config, secrets included.
        super(CONFIG_DEF, originals, false);
    }

    /** The subject name strategy for keys or values. */
    public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
        String key = isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY;
        return SubjectNameStrategy.parse(key, getString(key));
    }

    private static void validateUrls(String name, Object value) {
        for (Object url : (List<?>) value) {
            try {
                URI uri = new URI(url.toString());
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new ConfigException(name, Redaction.url(url.toString()), "expected an absolute http:// or https:// URL");
                }
            } catch (URISyntaxException e) {
                // The parser's message quotes the input, which may hold credentials.
                throw new ConfigException(name, Redaction.url(url.toString()), "not a URL: " + Redaction.text(e.getMessage()));
            }
        }
    }
}
