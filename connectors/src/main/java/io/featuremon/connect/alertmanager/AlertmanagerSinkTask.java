package io.featuremon.connect.alertmanager;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.featuremon.avro.Alert;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.HttpSchemaRegistryClient;
import io.featuremon.serdes.SchemaNotFoundException;
import io.featuremon.serdes.SchemaRegistryException;
import io.featuremon.serdes.SchemaRegistryUnavailableException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts featuremon's alerts to Alertmanager: each state change once as it arrives, and every firing alert again each
 * {@code resend.interval.ms} (see {@link FiringSet}).
 *
 * <p>After a restart or a rebalance the task rebuilds its firing set by reading its partitions again from the
 * beginning ({@link #open}): the alerts topic is small (one record per state change) and is the only record of which
 * alerts are firing, so no second store can disagree with it. Re-reading posts the replayed changes again; that is
 * harmless, as Alertmanager merges a post into the alert with the same labels, and a resolved alert it never
 * notified as firing sends no notification.
 */
public final class AlertmanagerSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerSinkTask.class);
    private static final long SCHEMA_RETRY_MS = 5_000;

    /** One post-to-be and the records behind it (more than one when a batch changed the same alert twice). */
    private record Pending(PostableAlert alert, List<SinkRecord> records) {
    }

    // put() and the re-send thread both post: one lock keeps the posts in order, so a re-send cannot overtake the
    // resolution of an alert and make it fire again.
    private final ReentrantLock lock = new ReentrantLock();
    private final Clock clock;
    private AlertmanagerSinkConfig config;
    private FiringSet firing;
    private List<AlertmanagerClient> clients;
    private AvroSerde<Alert> serde;
    private ErrantRecordReporter reporter;
    private ScheduledExecutorService resender;
    private volatile RuntimeException resendFailure;

    public AlertmanagerSinkTask() {
        this(Clock.systemUTC());
    }

    AlertmanagerSinkTask(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String version() {
        return AlertmanagerSinkConnector.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new AlertmanagerSinkConfig(props);
        firing = new FiringSet(config.resendInterval(), clock);
        clients = new ArrayList<>();
        for (URI url : config.alertmanagerUrls()) {
            clients.add(new AlertmanagerClient(url, config, pause -> Thread.sleep(pause.toMillis())));
        }
        serde = new AvroSerde<>(Alert.class, new HttpSchemaRegistryClient(config.registrySettings()));
        try {
            reporter = context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            reporter = null; // a worker older than Kafka 2.6
        }
        resender = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "alertmanager-resend-" + props.getOrDefault("name", "sink"));
            thread.setDaemon(true);
            return thread;
        });
        // Checked often, sent when due: FiringSet decides, so the re-send keeps its interval whatever the tick.
        long tick = Math.max(100, Math.min(1_000, config.resendInterval().toMillis() / 10));
        resender.scheduleWithFixedDelay(this::resendIfDue, tick, tick, TimeUnit.MILLISECONDS);
        LOG.info("Alertmanager sink started: posting to {}, re-sending firing alerts every {} ms", config.alertmanagerUrls(),
                config.resendInterval().toMillis());
    }

    /**
     * Rewinds the newly assigned partitions to their beginning, so that the firing set is rebuilt from every state
     * change they hold (the consumer resets an offset below the log start to the earliest record).
     */
    @Override
    public void open(Collection<TopicPartition> partitions) {
        lock.lock();
        try {
            firing.forget(partitions.stream().map(TopicPartition::toString).toList());
        } finally {
            lock.unlock();
        }
        Map<TopicPartition, Long> beginning = new LinkedHashMap<>();
        partitions.forEach(tp -> beginning.put(tp, 0L));
        context.offset(beginning);
        LOG.info("Rebuilding the firing set from the beginning of {}", partitions);
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        lock.lock();
        try {
            firing.forget(partitions.stream().map(TopicPartition::toString).toList());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        RuntimeException failure = resendFailure;
        if (failure != null) {
            throw new ConnectException("the re-send of firing alerts failed: " + failure.getMessage(), failure);
        }
        if (records.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            Map<String, Pending> posts = new LinkedHashMap<>();
            for (SinkRecord record : records) {
                Alert alert = decode(record);
                if (alert == null) {
                    continue;
                }
                PostableAlert post;
                try {
                    post = firing.apply(record.topic() + "-" + record.kafkaPartition(), alert);
                } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
                    report(record, new ConnectException("not a valid featuremon alert: " + e.getMessage(), e));
                    continue;
                }
                // Only the last change of an alert in this batch is posted; every record behind it is accounted for.
                Pending before = posts.remove(post.fingerprint());
                List<SinkRecord> behind = new ArrayList<>(before == null ? List.of() : before.records());
                behind.add(record);
                posts.put(post.fingerprint(), new Pending(post, behind));
            }
            send(new ArrayList<>(posts.values()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while posting to Alertmanager", e);
        } finally {
            lock.unlock();
        }
    }

    private Alert decode(SinkRecord record) {
        Object value = record.value();
        if (value == null) {
            return null; // a tombstone: featuremon writes none, and it says nothing about an alert
        }
        if (!(value instanceof byte[] bytes)) {
            throw new ConnectException("record values reach the Alertmanager sink as " + value.getClass().getName()
                    + ", not bytes: set value.converter=org.apache.kafka.connect.converters.ByteArrayConverter"
                    + " (the sink decodes featuremon's Avro itself, with the schema.registry.* settings)");
        }
        try {
            return serde.deserializer().deserialize(record.topic(), bytes);
        } catch (SchemaRegistryUnavailableException e) {
            // An outage, not bad data: Connect delivers the same records again after the pause.
            context.timeout(SCHEMA_RETRY_MS);
            throw new RetriableException("schema registry unavailable: " + e.getMessage(), e);
        } catch (SchemaNotFoundException e) {
            report(record, e); // the record names a schema id the registry never had: the record's fault
            return null;
        } catch (SchemaRegistryException e) {
            // Any other answer of the registry (401, 403, ...) is its configuration's, not the record's.
            throw new ConnectException("the schema registry refused a request: " + e.getMessage()
                    + "; check the schema.registry.* settings", e);
        } catch (SerializationException e) {
            report(record, e); // MalformedRecordException and the like: the record's bytes are not an Alert
            return null;
        }
    }

    /** Posts in batches to every Alertmanager; what cannot be delivered goes to the errant-record reporter. */
    private void send(List<Pending> pending) throws InterruptedException {
        Set<SinkRecord> reported = new LinkedHashSet<>();
        for (int from = 0; from < pending.size(); from += config.batchMaxAlerts()) {
            List<Pending> batch = pending.subList(from, Math.min(pending.size(), from + config.batchMaxAlerts()));
            for (AlertmanagerClient client : clients) {
                AlertmanagerClient.Result result = client.post(batch.stream().map(Pending::alert).toList());
                switch (result.outcome()) {
                    case ACCEPTED -> { }
                    case UNREACHABLE -> {
                        LOG.warn("{} alert(s) not delivered: {}; firing ones go out again with the next re-send",
                                batch.size(), result.detail());
                        for (Pending p : batch) {
                            reportOnce(reported, p, new ConnectException("Alertmanager did not take the alert: " + result.detail()));
                        }
                    }
                    case REFUSED -> {
                        // One bad alert refuses the whole post: post them one by one to find which.
                        for (Pending p : batch) {
                            AlertmanagerClient.Result alone = batch.size() == 1 ? result : client.post(List.of(p.alert()));
                            if (alone.outcome() != AlertmanagerClient.Outcome.ACCEPTED) {
                                reportOnce(reported, p, new ConnectException("Alertmanager refused the alert: " + alone.detail()));
                            }
                        }
                    }
                }
            }
        }
    }

    private void reportOnce(Set<SinkRecord> reported, Pending pending, Exception cause) {
        for (SinkRecord record : pending.records()) {
            if (reported.add(record)) {
                report(record, cause);
            }
        }
    }

    private void report(SinkRecord record, Exception cause) {
        String where = record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
        if (reporter == null) {
            throw new ConnectException("cannot handle the record at " + where + " and no errant-record reporter is"
                    + " configured (set errors.tolerance=all and errors.deadletterqueue.topic.name): " + cause.getMessage(), cause);
        }
        LOG.warn("Record {} to the errant-record reporter: {}", where, cause.getMessage());
        reporter.report(record, cause);
    }

    private void resendIfDue() {
        lock.lock();
        try {
            List<PostableAlert> due = firing.due();
            if (due.isEmpty()) {
                return;
            }
            for (int from = 0; from < due.size(); from += config.batchMaxAlerts()) {
                List<PostableAlert> batch = due.subList(from, Math.min(due.size(), from + config.batchMaxAlerts()));
                for (AlertmanagerClient client : clients) {
                    AlertmanagerClient.Result result = client.post(batch);
                    if (result.outcome() != AlertmanagerClient.Outcome.ACCEPTED) {
                        LOG.warn("Re-send of {} firing alert(s) to {} failed: {}", batch.size(), client.url(), result.detail());
                    }
                }
            }
            LOG.debug("Re-sent {} firing alert(s)", due.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (AlertmanagerClient.AuthenticationException e) {
            resendFailure = e; // the next put() fails the task with it: credentials do not fix themselves
        } catch (RuntimeException e) {
            LOG.error("Re-send of firing alerts failed", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void stop() {
        if (resender != null) {
            resender.shutdownNow();
            try {
                resender.awaitTermination(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
