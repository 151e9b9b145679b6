package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureImportance;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.embedded.EmbeddedKafka;
import io.featuremon.it.support.BasicAuthTlsProxy;
import io.featuremon.it.support.CapturedOutput;
import io.featuremon.it.support.KafkaStack;
import io.featuremon.it.support.LiveFeaturemon;
import io.featuremon.it.support.Poll;
import io.featuremon.it.support.Scenario;
import io.featuremon.it.support.SelfSignedCertificate;
import io.featuremon.replay.Replay;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.HttpSchemaRegistryClient;
import io.featuremon.serdes.SchemaRegistryConfig;
import io.featuremon.serdes.SchemaRegistryException;
import io.featuremon.serdes.SchemaRegistryUnavailableException;
import io.featuremon.topology.FeaturemonApp;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * featuremon against a secured cluster, as in production: the real application ({@link FeaturemonApp#create}, the
 * path of {@code featuremon run}) talks to a KRaft broker only through a SASL_SSL listener (SCRAM-SHA-512, TLS with a
 * certificate for 127.0.0.1) under ACLs, as a principal that holds exactly the ACLs the README lists
 * ({@link #featuremonAcls}), and to the schema registry with HTTP basic authentication over TLS (a proxy in front of
 * the shared Apicurio, which does basic auth only with Keycloak).
 *
 * <p>Every setting goes in the way a user writes it in the properties file: Kafka's security keys pass through, the
 * registry's keys are Confluent's. Wrong credentials must stop featuremon with a message that names the problem, and
 * no password may appear in the log, an exception or a dead letter.
 *
 * <p>The harness (topics, ACLs, producing, reading) uses the broker's PLAINTEXT listener, whose principal
 * ({@code User:ANONYMOUS}) is a super user, and the registry directly.
 *
 * <p>Run with {@code mvn -o -B verify -pl integration-tests -am -Dit.test=SecureClusterIT -Dtest=NONE
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@ExtendWith(KafkaStack.Resolver.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecureClusterIT {

    private static final Logger LOG = LoggerFactory.getLogger(SecureClusterIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(45);
    private static final String FEATUREMON_USER = "featuremon";
    private static final String REGISTRY_USER = "featuremon-registry";
    private static final String KAFKA_PASSWORD = "kafka-pw-" + UUID.randomUUID();
    private static final String REGISTRY_PASSWORD = "registry-pw-" + UUID.randomUUID();
    private static final String WRONG_PASSWORD = "wrong-pw-" + UUID.randomUUID();

    @TempDir
    static Path work;

    private SelfSignedCertificate certificate;
    private EmbeddedKafka kafka;
    private BasicAuthTlsProxy registryProxy;
    private String registryUrl;

    @BeforeAll
    void startSecuredBrokerAndRegistryProxy(KafkaStack stack) {
        long started = System.nanoTime();
        certificate = SelfSignedCertificate.create(work.resolve("tls"));
        kafka = EmbeddedKafka.start(work.resolve("kafka"), new EmbeddedKafka.SaslSsl(certificate.keyStore(),
                SelfSignedCertificate.TYPE, certificate.keyStorePassword()));
        kafka.upsertScramCredential(FEATUREMON_USER, KAFKA_PASSWORD);
        registryUrl = stack.registryUrl();
        registryProxy = BasicAuthTlsProxy.start(URI.create(registryUrl), certificate.keyStore(),
                certificate.keyStorePassword(), REGISTRY_USER, REGISTRY_PASSWORD);
        LOG.info("secured broker {} and registry proxy {} ready in {} ms", kafka.saslSslBootstrapServers(),
                registryProxy.url(), (System.nanoTime() - started) / 1_000_000);
    }

    @AfterAll
    void stop() {
        try {
            if (registryProxy != null) {
                registryProxy.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    @Test
    void shouldProcessEventsOverSaslSslAndAnAuthenticatedTlsRegistryWithOnlyTheDocumentedAcls() throws Exception {
        Scenario scenario = Scenario.macrodata(Map.of());
        try (LiveFeaturemon live = LiveFeaturemon.create(kafka.bootstrapServers(), registryUrl, "secure",
                withOwnApplicationId(scenario.settings()))) {
            assertThat(live.config().embeddingsTopic()).as("input and output topics are not under the application id")
                    .doesNotStartWith(live.config().applicationId());
            kafka.createAcls(featuremonAcls(live.config(), "User:" + FEATUREMON_USER));
            live.produce(scenario.lines());
            produceImportanceOfAnotherModel(live);
            Path replayDir = work.resolve("replay");
            new Replay(live.config()).run(scenario.writeTo(work.resolve("input.jsonl")), replayDir, p -> {});
            List<String> expectedStats = scenario.beforeTrailingWindow(Scenario.readLines(replayDir.resolve(Replay.WINDOW_STATS_FILE)));
            int forwardedBefore = registryProxy.forwarded();
            int rejectedBefore = registryProxy.rejected();

            Map<String, String> secured = securedSettings(KAFKA_PASSWORD, REGISTRY_PASSWORD);
            List<String> windowStats;
            List<DeadLetter> deadLetters;
            try (CapturedOutput output = CapturedOutput.start()) {
                // What `featuremon run` does before it starts: check the topics, as the featuremon principal.
                FeaturemonApp.ensureTopics(effectiveConfig(live, secured), false, KafkaStack.PARTITIONS, (short) 1);
                live.start(work.resolve("state"), secured);
                live.awaitRecords(live.config().windowStatsTopic(), expectedStats.size(), TIMEOUT);
                live.awaitCaughtUp(TIMEOUT);
                live.stop();
                windowStats = live.readJsonLines(live.config().windowStatsTopic(), WindowStats.class);
                deadLetters = live.decode(live.readToEnd(live.config().deadLettersTopic()), DeadLetter.class);

                assertThat(output.text()).as("log of the whole run")
                        .doesNotContain(KAFKA_PASSWORD, REGISTRY_PASSWORD, certificate.trustStorePassword(),
                                certificate.keyStorePassword())
                        .doesNotContainIgnoringCase("not authorized")
                        .doesNotContain("AuthorizationException");
            }

            assertThat(windowStats).as("the same windows as a replay of the same events").containsExactlyElementsOf(expectedStats);
            assertThat(expectedStats).hasSizeGreaterThanOrEqualTo(2);
            assertThat(deadLetters).hasSize(scenario.expectedDeadLetters());
            assertThat(deadLetters.toString() + windowStats).doesNotContain(KAFKA_PASSWORD, REGISTRY_PASSWORD);
            assertThat(registryProxy.forwarded() - forwardedBefore).as("registry requests through the TLS proxy").isPositive();
            assertThat(registryProxy.rejected() - rejectedBefore).as("requests refused by the proxy").isZero();
        }
    }

    @Test
    void shouldRefuseAWrongKafkaPasswordWithAnErrorThatNamesTheProblemButNotThePassword() {
        Map<String, String> settings = new HashMap<>(securedSettings(WRONG_PASSWORD, REGISTRY_PASSWORD));
        settings.put(FeaturemonConfig.APPLICATION_ID, "secure-wrong-kafka-password");
        FeaturemonConfig config = FeaturemonConfig.load(settings, null, Map.of());

        Throwable thrown;
        String log;
        try (CapturedOutput output = CapturedOutput.start()) {
            thrown = catchThrowable(() -> FeaturemonApp.ensureTopics(config, false, KafkaStack.PARTITIONS, (short) 1));
            log = output.text();
        }

        assertThat(thrown).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(kafka.saslSslBootstrapServers())
                .hasMessageContaining("Authentication failed")
                .hasMessageContaining("invalid credentials with SASL mechanism SCRAM-SHA-512");
        assertThat(stackTrace(thrown)).doesNotContain(WRONG_PASSWORD, KAFKA_PASSWORD);
        assertThat(log).as("the client's own log of the failure").contains("failed authentication")
                .doesNotContain(WRONG_PASSWORD, KAFKA_PASSWORD, certificate.trustStorePassword());
    }

    @Test
    void shouldStopOnAWrongRegistryPasswordWithAnErrorThatNamesTheProblemInsteadOfDeadLetteringRecords() throws Exception {
        Scenario scenario = Scenario.macrodata(Map.of());
        try (LiveFeaturemon live = LiveFeaturemon.create(kafka.bootstrapServers(), registryUrl, "secure-wrong-registry",
                withOwnApplicationId(scenario.settings()))) {
            kafka.createAcls(featuremonAcls(live.config(), "User:" + FEATUREMON_USER));
            live.produce(scenario.lines().subList(0, 20));

            String log;
            try (CapturedOutput output = CapturedOutput.start()) {
                live.start(work.resolve("state-wrong-registry"), securedSettings(KAFKA_PASSWORD, WRONG_PASSWORD));
                Poll.until("featuremon to stop on the registry's refusal", TIMEOUT, () -> new Poll.Outcome(
                        live.state() == KafkaStreams.State.ERROR, "Kafka Streams is " + live.state()));
                live.stop();
                log = output.text();
            }

            assertThat(log).as("the application's log")
                    .contains("schema registry authentication failed: the registry rejected the credentials from basic.auth.user.info")
                    .doesNotContain(WRONG_PASSWORD, REGISTRY_PASSWORD, KAFKA_PASSWORD, certificate.trustStorePassword());
            assertThat(live.readToEnd(live.config().deadLettersTopic())).as("records are not to blame: no dead letters").isEmpty();
        }
    }

    @Test
    void shouldAuthenticateToTheRegistryWithUserInfoInTheUrlAndExplainEveryRefusal() {
        String host = URI.create(registryProxy.url()).getRawAuthority();
        String path = URI.create(registryProxy.url()).getRawPath();
        Map<String, String> tls = Map.of(
                SchemaRegistryConfig.SSL_TRUSTSTORE_LOCATION, certificate.trustStore().toString(),
                SchemaRegistryConfig.SSL_TRUSTSTORE_TYPE, SelfSignedCertificate.TYPE,
                SchemaRegistryConfig.SSL_TRUSTSTORE_PASSWORD, certificate.trustStorePassword(),
                SchemaRegistryConfig.MAX_RETRIES, "0");
        String subject = "secure-url-" + UUID.randomUUID() + "-value";

        HttpSchemaRegistryClient withUserInfo = new HttpSchemaRegistryClient(with(tls, SchemaRegistryConfig.URL,
                "https://" + REGISTRY_USER + ":" + REGISTRY_PASSWORD + "@" + host + path));
        int id = withUserInfo.register(subject, EmbeddingEvent.getClassSchema());
        assertThat(withUserInfo.getById(id)).isEqualTo(EmbeddingEvent.getClassSchema());

        HttpSchemaRegistryClient wrongUserInfo = new HttpSchemaRegistryClient(with(tls, SchemaRegistryConfig.URL,
                "https://" + REGISTRY_USER + ":" + WRONG_PASSWORD + "@" + host + path + "?tenant=" + WRONG_PASSWORD));
        assertThatThrownBy(() -> wrongUserInfo.lookup(subject, EmbeddingEvent.getClassSchema()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageStartingWith("schema registry authentication failed: the registry rejected the credentials"
                        + " from the user info of schema.registry.url")
                .hasMessageContaining("HTTP 401")
                .hasMessageNotContaining(WRONG_PASSWORD);

        HttpSchemaRegistryClient noCredentials = new HttpSchemaRegistryClient(with(tls, SchemaRegistryConfig.URL,
                registryProxy.url()));
        assertThatThrownBy(() -> noCredentials.getById(id))
                .hasMessageContaining("none were configured").hasMessageContaining("basic.auth.user.info");

        HttpSchemaRegistryClient untrusted = new HttpSchemaRegistryClient(Map.of(SchemaRegistryConfig.URL,
                "https://" + REGISTRY_USER + ":" + REGISTRY_PASSWORD + "@" + host + path, SchemaRegistryConfig.MAX_RETRIES, "0"));
        Throwable thrown = catchThrowable(() -> untrusted.getById(id));
        assertThat(thrown).isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("TLS handshake failed").hasMessageContaining("schema.registry.ssl.truststore.location");
        assertThat(stackTrace(thrown)).doesNotContain(REGISTRY_PASSWORD);
    }

    /**
     * Exactly the ACLs the README's "Security" section lists for featuremon's principal: read the inputs, write the
     * outputs, everything on the topics and the consumer group named after the application id (repartition and
     * changelog topics, which Kafka Streams creates, describes, reads, writes and purges), and transactions under
     * ids prefixed with it (exactly_once_v2). Nothing on the cluster.
     *
     * <p>Checked one by one (by running this test without it): without READ on an input topic (features, or a
     * feature-importance topic that holds a record), WRITE on an output topic (window stats, masks, dead letters),
     * the prefixed topic or group ACL, or the transactional-id ACL, featuremon stops with an authorization error.
     * The DESCRIBE entries are implied by READ and WRITE (it passes without them); they are listed because most
     * operators expect them. With the internal topics left for Kafka Streams to create, the prefixed topic ACL
     * (its CREATE) is enough too. No cluster ACL is needed: IDEMPOTENT_WRITE is not asked of a transactional
     * producer that may WRITE its transactional id (KIP-679, Kafka 3.0).
     */
    static List<AclBinding> featuremonAcls(FeaturemonConfig config, String principal) {
        List<AclBinding> acls = new ArrayList<>();
        for (String input : List.of(config.embeddingsTopic(), config.featuresTopic(), config.featureImportanceTopic())) {
            acls.add(allow(principal, ResourceType.TOPIC, input, PatternType.LITERAL, AclOperation.READ));
            acls.add(allow(principal, ResourceType.TOPIC, input, PatternType.LITERAL, AclOperation.DESCRIBE));
        }
        for (String output : config.outputTopics()) {
            acls.add(allow(principal, ResourceType.TOPIC, output, PatternType.LITERAL, AclOperation.WRITE));
            acls.add(allow(principal, ResourceType.TOPIC, output, PatternType.LITERAL, AclOperation.DESCRIBE));
        }
        acls.add(allow(principal, ResourceType.TOPIC, config.applicationId(), PatternType.PREFIXED, AclOperation.ALL));
        acls.add(allow(principal, ResourceType.GROUP, config.applicationId(), PatternType.PREFIXED, AclOperation.ALL));
        acls.add(allow(principal, ResourceType.TRANSACTIONAL_ID, config.applicationId(), PatternType.PREFIXED,
                AclOperation.WRITE));
        acls.add(allow(principal, ResourceType.TRANSACTIONAL_ID, config.applicationId(), PatternType.PREFIXED,
                AclOperation.DESCRIBE));
        return acls;
    }

    private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern,
            AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    /**
     * The security settings exactly as a user puts them in featuremon's properties file (see the README): Kafka's keys
     * pass through to Kafka Streams and its clients, the registry keys are Confluent's.
     */
    private Map<String, String> securedSettings(String kafkaPassword, String registryPassword) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("bootstrap.servers", kafka.saslSslBootstrapServers());
        settings.put("security.protocol", "SASL_SSL");
        settings.put("sasl.mechanism", "SCRAM-SHA-512");
        settings.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + FEATUREMON_USER + "\" password=\"" + kafkaPassword + "\";");
        settings.put("ssl.truststore.location", certificate.trustStore().toString());
        settings.put("ssl.truststore.type", SelfSignedCertificate.TYPE);
        settings.put("ssl.truststore.password", certificate.trustStorePassword());
        settings.put("schema.registry.url", registryProxy.url());
        settings.put("basic.auth.credentials.source", "USER_INFO");
        settings.put("basic.auth.user.info", REGISTRY_USER + ":" + registryPassword);
        settings.put("schema.registry.ssl.truststore.location", certificate.trustStore().toString());
        settings.put("schema.registry.ssl.truststore.type", SelfSignedCertificate.TYPE);
        settings.put("schema.registry.ssl.truststore.password", certificate.trustStorePassword());
        return settings;
    }

    /**
     * An application id of its own ({@code <prefix>-app}), so that the input and output topics ({@code <prefix>-...})
     * are reached only through their own ACLs, not through the application id's prefixed ones.
     */
    private static Map<String, String> withOwnApplicationId(Map<String, String> settings) {
        return with(settings, FeaturemonConfig.APPLICATION_ID, "app");
    }

    /**
     * A record in the feature-importance topic, so that the application's global store must read that topic (an
     * empty one it never fetches from); for a model that is not in the events, so that no output changes.
     */
    private static void produceImportanceOfAnotherModel(LiveFeaturemon live) {
        String topic = live.config().featureImportanceTopic();
        FeatureImportance importance = FeatureImportance.newBuilder().setModel("another-model")
                .setImportance(Map.of("x", 1.0)).build();
        live.produceRaw(topic, importance.getModel(),
                new AvroSerde<>(FeatureImportance.class, live.registry()).serializer().serialize(topic, importance),
                System.currentTimeMillis());
    }

    /** The config {@link LiveFeaturemon#start(Path, Map)} gives the application with {@code secured}. */
    private static FeaturemonConfig effectiveConfig(LiveFeaturemon live, Map<String, String> secured) {
        Map<String, String> all = new HashMap<>();
        live.config().originals().forEach((key, value) -> all.put(key, String.valueOf(value)));
        all.putAll(secured);
        return FeaturemonConfig.load(all, null, Map.of());
    }

    private static Map<String, String> with(Map<String, String> settings, String key, String value) {
        Map<String, String> all = new HashMap<>(settings);
        all.put(key, value);
        return all;
    }

    private static String stackTrace(Throwable thrown) {
        StringWriter out = new StringWriter();
        thrown.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
