package io.featuremon.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster (one KRaft broker that is also its own controller) running inside this JVM
 * and listening on 127.0.0.1 only.
 *
 * <p>Used by {@code featuremon demo} and by the integration tests:
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
 *     kafka.createTopics(List.of(new NewTopic("features", 4, (short) 1)));
 *     props.put("bootstrap.servers", kafka.bootstrapServers());
 *     ...
 * }
 * }</pre>
 *
 * <p>The log directory is formatted on first use only, so starting again on the same directory keeps
 * topics and data. Ports are picked afresh on every start, unless given: a broker restarted with
 * {@link #start(Path, int, int)} on its former ports and log directory is the same cluster to clients
 * that keep running (the broker-bounce test). This is deliberately not Kafka's
 * {@code KafkaClusterTestKit}, which binds the wildcard address whatever the listeners say.
 *
 * <p>{@link #start(Path, SaslSsl)} adds a SASL_SSL listener (SCRAM-SHA-512 over TLS) and turns on ACLs
 * (KRaft's {@code StandardAuthorizer}), for testing a client's security settings:
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, new EmbeddedKafka.SaslSsl(keystore, "PKCS12", "pw"))) {
 *     kafka.upsertScramCredential("featuremon", "s3cret");
 *     kafka.createAcls(List.of(...));            // User:featuremon may do nothing until then
 *     props.put("bootstrap.servers", kafka.saslSslBootstrapServers());
 *     ...
 * }
 * }</pre>
 * The PLAINTEXT listener stays, for the controller, the broker itself and the operator ({@link #admin()}): its
 * principal, {@code User:ANONYMOUS}, is a super user. So such a broker tests clients; it protects nothing from
 * anyone who reaches its PLAINTEXT port on 127.0.0.1.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /**
     * A SASL_SSL listener on 127.0.0.1 beside the PLAINTEXT one: TLS with the certificate in {@code keyStore}
     * (its password is also the key's), SCRAM-SHA-512 as the only mechanism, and ACLs enforced on every
     * listener, with {@code User:ANONYMOUS} (PLAINTEXT, controller) and {@code superUsers} as super users.
     *
     * @param keyStoreType JKS or PKCS12
     * @param superUsers   further super users as SCRAM user names, e.g. an operator on the SASL_SSL listener
     */
    public record SaslSsl(Path keyStore, String keyStoreType, String keyStorePassword, List<String> superUsers) {

        public SaslSsl(Path keyStore, String keyStoreType, String keyStorePassword) {
            this(keyStore, keyStoreType, keyStorePassword, List.of());
        }

        public SaslSsl {
            superUsers = List.copyOf(superUsers);
        }

        /** Hides the keystore password, should the record ever be logged. */
        @Override
        public String toString() {
            return "SaslSsl[keyStore=" + keyStore + ", keyStoreType=" + keyStoreType + ", superUsers=" + superUsers + "]";
        }
    }

    /** The only SASL mechanism of the SASL_SSL listener. */
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String HOST = "127.0.0.1";
    /** How long topic creation, a credential or ACLs may take to reach the broker. */
    private static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(30);
    private static final int SCRAM_ITERATIONS = 4096;

    private final KafkaRaftServer server;
    private final int brokerPort;
    private final int controllerPort;
    private final String bootstrapServers;
    private final String saslSslBootstrapServers;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(KafkaRaftServer server, int brokerPort, int controllerPort, String saslSslBootstrapServers) {
        this.server = server;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.bootstrapServers = HOST + ":" + brokerPort;
        this.saslSslBootstrapServers = saslSslBootstrapServers;
    }

    /**
     * Formats {@code logDir} if it holds no cluster yet, then starts the broker and returns once it
     * accepts clients.
     */
    public static EmbeddedKafka start(Path logDir) {
        return start(logDir, null, 0, 0);
    }

    /**
     * As {@link #start(Path)}, on the given loopback ports (0: a free one). To restart a broker in place,
     * pass the {@link #brokerPort()} and {@link #controllerPort()} it had: the controller's port is part of
     * the quorum recorded when the log directory was formatted, and clients reconnect to the broker's.
     */
    public static EmbeddedKafka start(Path logDir, int brokerPort, int controllerPort) {
        return start(logDir, null, brokerPort, controllerPort);
    }

    /**
     * As {@link #start(Path)}, with a SASL_SSL listener and ACLs when {@code saslSsl} is not null (see the
     * class comment).
     */
    public static EmbeddedKafka start(Path logDir, SaslSsl saslSsl) {
        return start(logDir, saslSsl, 0, 0);
    }

    private static EmbeddedKafka start(Path logDir, SaslSsl saslSsl, int brokerPortOrZero, int controllerPortOrZero) {
        long startNanos = System.nanoTime();
        int brokerPort = brokerPortOrZero == 0 ? freePort() : brokerPortOrZero;
        int controllerPort = controllerPortOrZero == 0 ? freePort() : controllerPortOrZero;
        Properties props = serverProperties(logDir.toAbsolutePath(), brokerPort, controllerPort);
        boolean formatted = Files.exists(logDir.resolve("meta.properties"));
        if (!formatted) {
            // Formatting needs no security settings, and so its temporary config file holds no password.
            format(logDir, props);
        }
        int saslSslPort = saslSsl == null ? -1 : freePort();
        if (saslSsl != null) {
            addSaslSsl(props, saslSsl, saslSslPort);
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            server.shutdown();
            server.awaitShutdown();
            throw e;
        }
        EmbeddedKafka kafka = new EmbeddedKafka(server, brokerPort, controllerPort,
                saslSsl == null ? null : HOST + ":" + saslSslPort);
        LOG.debug("Kafka started in {} ms ({} log dir {}) on {}",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                formatted ? "existing" : "new", logDir, kafka.bootstrapServers);
        return kafka;
    }

    private static Properties serverProperties(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
        p.put("log.dirs", logDir.toString());
        // One node: every internal topic must be satisfiable by a single replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("min.insync.replicas", "1");
        // The defaults (50 partitions each) make the first consumer group or transaction wait while
        // dozens of partitions are created; a handful is plenty on one node.
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        // Tests and the demo start consumers one after another; there is nobody to wait for.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are declared by the application; a typo must fail instead of creating a new topic.
        p.put("auto.create.topics.enable", "false");
        // Batches of embeddings (hundreds of floats per record) outgrow the 1 MB default.
        p.put("message.max.bytes", String.valueOf(8 * 1024 * 1024));
        p.put("replica.fetch.max.bytes", String.valueOf(8 * 1024 * 1024));
        // Two cores here: the default thread pools only add start-up time and contention.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        return p;
    }

    private static void addSaslSsl(Properties p, SaslSsl saslSsl, int port) {
        String listener = "SASL_SSL://" + HOST + ":" + port;
        p.put("listeners", p.getProperty("listeners") + "," + listener);
        p.put("advertised.listeners", p.getProperty("advertised.listeners") + "," + listener);
        p.put("listener.security.protocol.map", p.getProperty("listener.security.protocol.map") + ",SASL_SSL:SASL_SSL");
        String prefix = "listener.name.sasl_ssl.";
        p.put(prefix + "sasl.enabled.mechanisms", SCRAM_MECHANISM);
        p.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
        // The server side of SCRAM needs a login module but no credentials: those live in the cluster metadata.
        p.put(prefix + SCRAM_MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.put(prefix + "ssl.keystore.location", saslSsl.keyStore().toAbsolutePath().toString());
        p.put(prefix + "ssl.keystore.type", saslSsl.keyStoreType());
        p.put(prefix + "ssl.keystore.password", saslSsl.keyStorePassword());
        p.put(prefix + "ssl.key.password", saslSsl.keyStorePassword());
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        List<String> superUsers = new ArrayList<>();
        // PLAINTEXT and CONTROLLER clients (the broker, the controller, the operator) are ANONYMOUS.
        superUsers.add("User:ANONYMOUS");
        saslSsl.superUsers().forEach(user -> superUsers.add("User:" + user));
        p.put("super.users", String.join(";", superUsers));
    }

    /** Runs {@code kafka-storage format --standalone}, which also records this node as the only voter. */
    private static void format(Path logDir, Properties props) {
        Path configFile = null;
        try {
            Files.createDirectories(logDir);
            configFile = Files.createTempFile("featuremon-kafka", ".properties");
            try (Writer out = Files.newBufferedWriter(configFile)) {
                props.store(out, null);
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int exit;
            try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                exit = StorageTool.execute(new String[] {
                        "format", "--cluster-id", Uuid.randomUuid().toString(),
                        "--config", configFile.toString(), "--standalone"}, print);
            }
            if (exit != 0) {
                throw new IllegalStateException("Formatting Kafka log dir " + logDir + " failed (exit " + exit + "): "
                        + output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot format Kafka log dir " + logDir, e);
        } finally {
            if (configFile != null) {
                try {
                    Files.deleteIfExists(configFile);
                } catch (IOException e) {
                    LOG.warn("Cannot delete {}", configFile, e);
                }
            }
        }
    }

    /**
     * Asks the OS for a free loopback port. Another process could take it before Kafka binds it;
     * on a test machine that is rare enough, and Kafka then fails loudly at start-up.
     */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + HOST, e);
        }
    }

    /** {@code host:port} of the broker's PLAINTEXT listener. */
    /** The PLAINTEXT listener's port, for restarting the broker in place. */
    public int brokerPort() {
        return brokerPort;
    }

    /** The controller listener's port, for restarting the broker in place. */
    public int controllerPort() {
        return controllerPort;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * {@code host:port} of the SASL_SSL listener.
     *
     * @throws IllegalStateException if the broker was started without one
     */
    public String saslSslBootstrapServers() {
        if (saslSslBootstrapServers == null) {
            throw new IllegalStateException("started without a SASL_SSL listener: use start(dir, SaslSsl)");
        }
        return saslSslBootstrapServers;
    }

    /**
     * Creates or replaces the SCRAM-SHA-512 credential of {@code user} and returns once the broker has it, so
     * that the next SASL_SSL login with it succeeds.
     */
    public void upsertScramCredential(String user, String password) {
        long deadline = System.nanoTime() + TOPIC_READY_TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password)))
                    .all().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            // Accepted by the controller is not yet known to the broker: wait until the broker describes it.
            while (true) {
                try {
                    UserScramCredentialsDescription description = admin.describeUserScramCredentials(List.of(user))
                            .description(user).get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                    if (description.credentialInfos().stream()
                            .anyMatch(info -> info.mechanism() == ScramMechanism.SCRAM_SHA_512)) {
                        return;
                    }
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof ResourceNotFoundException)) {
                        throw e;
                    }
                }
                Thread.sleep(20); // the broker applies metadata within milliseconds; nothing to wait on
            }
        } catch (ExecutionException | TimeoutException e) {
            // The message names the user, never the password.
            throw new IllegalStateException("Cannot set the SCRAM credential of " + user + " on " + bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while setting the SCRAM credential of " + user, e);
        }
    }

    /** Creates the ACLs and returns once the broker's authorizer enforces every one of them. */
    public void createAcls(Collection<AclBinding> acls) {
        long deadline = System.nanoTime() + TOPIC_READY_TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            admin.createAcls(acls).all().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            while (!admin.describeAcls(AclBindingFilter.ANY).values().get(remainingMillis(deadline), TimeUnit.MILLISECONDS)
                    .containsAll(acls)) {
                Thread.sleep(20); // as above
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create ACLs " + acls + " on " + bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating ACLs", e);
        }
    }

    /** The minimal client configuration (bootstrap servers) to which producers, consumers and Streams add theirs. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    /** A new admin client for this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(clientConfig());
    }

    /**
     * Creates the topics (keeping any that already exist) and returns once every partition has a
     * leader. Producing right after creation can otherwise lose records silently (KAFKA-15591).
     *
     * @throws IllegalStateException if the topics are not ready within 30 s
     */
    public void createTopics(Collection<NewTopic> topics) {
        long deadline = System.nanoTime() + TOPIC_READY_TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            CreateTopicsResult created = admin.createTopics(topics);
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            List<String> existing = new ArrayList<>();
            for (NewTopic topic : topics) {
                try {
                    int count = created.numPartitions(topic.name()).get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                    addPartitions(partitions, topic.name(), count);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    existing.add(topic.name());
                }
            }
            if (!existing.isEmpty()) {
                admin.describeTopics(existing).allTopicNames().get(remainingMillis(deadline), TimeUnit.MILLISECONDS)
                        .forEach((name, description) -> addPartitions(partitions, name, description.partitions().size()));
            }
            awaitLeaders(admin, partitions, deadline);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create topics " + names(topics) + " on " + bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics " + names(topics), e);
        }
    }

    /**
     * Asking each leader for its latest offset succeeds only once the leader is elected and known to
     * the broker's metadata; the admin client backs off between its own retries.
     */
    private static void awaitLeaders(Admin admin, Map<TopicPartition, OffsetSpec> partitions, long deadline)
            throws InterruptedException, TimeoutException, ExecutionException {
        while (true) {
            int timeout = (int) remainingMillis(deadline);
            try {
                admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs(timeout))
                        .all().get(timeout, TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() >= deadline) {
                    throw e;
                }
            }
        }
    }

    private static void addPartitions(Map<TopicPartition, OffsetSpec> partitions, String topic, int count) {
        for (int i = 0; i < count; i++) {
            partitions.put(new TopicPartition(topic, i), OffsetSpec.latest());
        }
    }

    private static long remainingMillis(long deadlineNanos) throws TimeoutException {
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (remaining <= 0) {
            throw new TimeoutException("Not done within " + TOPIC_READY_TIMEOUT);
        }
        return remaining;
    }

    private static List<String> names(Collection<NewTopic> topics) {
        return topics.stream().map(NewTopic::name).toList();
    }

    /** Shuts the broker down and waits for it; calling again does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.shutdown();
            server.awaitShutdown();
        }
    }
}
