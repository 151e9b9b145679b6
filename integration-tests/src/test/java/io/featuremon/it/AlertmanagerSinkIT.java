package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.featuremon.alerts.AlertTransition;
import io.featuremon.avro.Alert;
import io.featuremon.it.support.AlertmanagerProcess;
import io.featuremon.it.support.KafkaStack;
import io.featuremon.it.support.Poll;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.HttpSchemaRegistryClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.RestartRequest;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * featuremon's alerts reach a real Alertmanager through the AlertmanagerSinkConnector, run by a real Connect worker
 * (in process, standalone, on 127.0.0.1) that loads the plugin directory the connectors module builds, as a
 * production worker would from {@code plugin.path}.
 *
 * <p>An {@code Alert} record as featuremon writes it (the project's Avro serde, the real registry; labels and
 * fingerprint as featuremon's alert engine makes them) fires; the test then shows with Debian's {@code amtool} that
 * the alert is listed, that it is still listed well past 4 × {@code resend.interval.ms} (the first post's endsAt, when
 * Alertmanager would have resolved it without re-sends), that it comes back after Alertmanager is killed and started
 * with empty storage, and again after the connector's task is restarted as well (the new task rebuilds its firing
 * set from the topic), and that it resolves, with featuremon's end time, when featuremon resolves it.
 *
 * <p>Run with {@code mvn -o -B -pl integration-tests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=AlertmanagerSinkIT}.
 */
@ExtendWith(KafkaStack.Resolver.class)
class AlertmanagerSinkIT {

    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerSinkIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /**
     * The connector's re-send interval. CI uses 5 s, so the wait past the first post's endsAt (4 intervals) is short;
     * {@code -Dfeaturemon.it.alertmanager.resendMs=60000 -Dfeaturemon.it.alertmanager.holdMinutes=6.5} runs the
     * connector's default interval against Alertmanager's default 5-minute resolve timeout, held for 6.5 minutes.
     */
    private static final long RESEND_MS = Long.getLong("featuremon.it.alertmanager.resendMs", 5_000);
    private static final long HOLD_MS =
            (long) (Double.parseDouble(System.getProperty("featuremon.it.alertmanager.holdMinutes", "0")) * 60_000);
    private static final String CONNECTOR = "featuremon-alertmanager";
    private static final String BYTES = "org.apache.kafka.connect.converters.ByteArrayConverter";
    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertmanagerProcess alertmanager;
    private Connect<StandaloneHerder> connect;
    private HttpServer webhook;
    private final List<JsonNode> notifications = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopEverythingStarted() {
        if (connect != null) {
            connect.stop();
            connect.awaitStop();
        }
        if (alertmanager != null) {
            alertmanager.close();
        }
        if (webhook != null) {
            webhook.stop(0);
        }
    }

    @Test
    void shouldKeepAFeaturemonAlertFiringInAlertmanagerThroughRestartsUntilFeaturemonResolvesIt(KafkaStack stack,
            @TempDir Path dir) throws Exception {
        AlertmanagerProcess.requireInstalled();
        startWebhook();
        alertmanager = AlertmanagerProcess.start(dir.resolve("am"), alertmanagerConfig(), dir.resolve("am-data-1"));
        List<String> topics = stack.createTopics("alerts", "alerts-dlq");
        String alerts = topics.get(0);
        startWorker(stack, dir);
        createConnector(connectorConfig(stack, alerts, topics.get(1)));

        AvroSerde<Alert> serde = new AvroSerde<>(Alert.class,
                new HttpSchemaRegistryClient(Map.of("schema.registry.url", stack.registryUrl())));
        Instant startsAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(10));
        Alert firing = alert("firing", startsAt, null);
        String alertname = firing.getLabels().get("alertname");
        try (KafkaProducer<String, Alert> producer = stack.producer(new StringSerializer(), serde.serializer())) {
            producer.send(new ProducerRecord<>(alerts, "us-macro||features", firing)).get();

            // 1. It fires.
            String atFiring = awaitListed(alertname, "the firing alert listed by amtool");
            Instant listedAt = Instant.now();
            LOG.info("amtool at firing:\n{}", atFiring);
            JsonNode posted = activeAlert(alertname);
            assertThat(posted.get("labels").toString()).isEqualTo(JSON.writeValueAsString(new TreeMap<>(firing.getLabels())));
            assertThat(posted.get("annotations").get("runbook_url").asText()).isEqualTo(firing.getAnnotations().get("runbook_url"));
            assertThat(Instant.parse(posted.get("startsAt").asText())).isEqualTo(startsAt);
            Instant firstEndsAt = Instant.parse(posted.get("endsAt").asText());

            // 2. Well past the endsAt of that first post (now + 4 x resend.interval.ms when it was made), at which
            // Alertmanager resolves an alert nobody re-sent, it still fires. The wait is the subject of the test.
            Instant pastFirstEnd = firstEndsAt.plusMillis(RESEND_MS);
            if (listedAt.plusMillis(HOLD_MS).isAfter(pastFirstEnd)) {
                pastFirstEnd = listedAt.plusMillis(HOLD_MS);
            }
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), pastFirstEnd).toMillis()));
            String afterWait = alertmanager.amtool();
            LOG.info("amtool {} s after the first post's endsAt {}, {} s after it was first listed (resend.interval.ms={}):\n{}",
                    Duration.between(firstEndsAt, Instant.now()).toSeconds(), firstEndsAt,
                    Duration.between(listedAt, Instant.now()).toSeconds(), RESEND_MS, afterWait);
            assertThat(afterWait).contains(alertname);
            assertThat(Instant.parse(activeAlert(alertname).get("endsAt").asText())).isAfter(firstEndsAt);

            // 3. Alertmanager killed and started again on the same port with empty storage: the re-send brings it back.
            alertmanager.kill();
            alertmanager.startAgain(dir.resolve("am-data-2"));
            String afterRestart = awaitListed(alertname, "the firing alert back after Alertmanager's restart");
            LOG.info("amtool after Alertmanager was killed and started with empty storage:\n{}", afterRestart);

            // 4. The connector's task restarted while Alertmanager is down, Alertmanager started empty again: only a
            // task that rebuilt its firing set from the alerts topic can bring the alert back.
            alertmanager.kill();
            restartConnectorAndTasks();
            alertmanager.startAgain(dir.resolve("am-data-3"));
            String afterTaskRestart = awaitListed(alertname, "the firing alert back after the task's restart");
            LOG.info("amtool after the connector's task and Alertmanager were both restarted:\n{}", afterTaskRestart);

            // 5. featuremon resolves it: Alertmanager resolves it at featuremon's end time and says so to its receiver.
            Instant endsAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
            producer.send(new ProducerRecord<>(alerts, "us-macro||features", alert("resolved", startsAt, endsAt))).get();
            Poll.until("a resolved notification for " + alertname, TIMEOUT, () -> resolvedNotification(alertname) != null
                    ? Poll.Outcome.done("notified") : Poll.Outcome.notYet("notifications: " + notifications));
            assertThat(Instant.parse(resolvedNotification(alertname).get("endsAt").asText())).isEqualTo(endsAt);
            String afterResolve = alertmanager.amtool();
            LOG.info("amtool after featuremon resolved the alert (endsAt {}):\n{}", endsAt, afterResolve);
            assertThat(afterResolve).doesNotContain(alertname);
            // Two re-send intervals later the re-send has not revived it.
            Thread.sleep(2 * RESEND_MS);
            assertThat(alertmanager.amtool()).doesNotContain(alertname);
        }
    }

    @Test
    void shouldRefuseAnUnknownKeyByNameWhenTheConnectorIsCreated(KafkaStack stack, @TempDir Path dir) throws Exception {
        startWorker(stack, dir);
        Map<String, String> config = connectorConfig(stack, "featuremon-alerts", "featuremon-alerts-dlq");
        config.put("alertmanager.urll", "http://127.0.0.1:9093"); // a typo beside the real alertmanager.url

        assertThatThrownBy(() -> createConnector(config)).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("alertmanager.urll").hasMessageContaining("Unknown configuration key");
    }

    private Alert alert(String status, Instant startsAt, Instant endsAt) {
        TreeMap<String, String> labels = new TreeMap<>(Map.of("alertname", "RedundancyMeanAbsCorrHigh",
                "model", "us-macro", "type", "features", "severity", "warning"));
        return Alert.newBuilder().setFingerprint(AlertTransition.fingerprint(labels)).setStatus(status)
                .setRule("RedundancyMeanAbsCorrHigh").setModel("us-macro").setType("features").setSeverity("warning")
                .setMetric("redundancy.meanAbsCorr").setValue(0.5757).setThreshold(0.5)
                .setWindowStart(startsAt.minus(Duration.ofDays(40)).toEpochMilli()).setWindowEnd(startsAt.toEpochMilli())
                .setStartsAt(startsAt.toEpochMilli()).setEndsAt(endsAt == null ? null : endsAt.toEpochMilli())
                .setStartsAtRfc3339(AlertTransition.rfc3339(startsAt.toEpochMilli()))
                .setEndsAtRfc3339(endsAt == null ? null : AlertTransition.rfc3339(endsAt.toEpochMilli()))
                .setLabels(labels)
                .setAnnotations(Map.of("summary", "redundancy.meanAbsCorr = 0.5757 (threshold 0.5)",
                        "description", "the alert fires while redundancy.meanAbsCorr >= 0.5",
                        "runbook_url", "https://runbooks.example.com/featuremon/RedundancyMeanAbsCorrHigh"))
                .build();
    }

    private Map<String, String> connectorConfig(KafkaStack stack, String topic, String dlq) {
        Map<String, String> config = new HashMap<>();
        config.put("name", CONNECTOR);
        config.put("connector.class", "io.featuremon.connect.alertmanager.AlertmanagerSinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", topic);
        config.put("key.converter", BYTES);
        config.put("value.converter", BYTES);
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", dlq);
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("alertmanager.url", alertmanager == null ? "http://127.0.0.1:9093" : alertmanager.url());
        config.put("schema.registry.url", stack.registryUrl());
        config.put("resend.interval.ms", Long.toString(RESEND_MS));
        // Alertmanager is down for a while in this test: keep each failed post short.
        config.put("alertmanager.max.retries", "2");
        config.put("alertmanager.retry.backoff.ms", "200");
        config.put("alertmanager.retry.backoff.max.ms", "1000");
        return config;
    }

    private void startWorker(KafkaStack stack, Path dir) {
        String pluginPath = System.getProperty("featuremon.connect.plugin.path");
        assertThat(pluginPath).as("system property featuremon.connect.plugin.path (set by the pom)").isNotNull();
        assertThat(Path.of(pluginPath, "featuremon-connectors")).as("the plugin directory: build the connectors module").isDirectory();
        Map<String, String> worker = new HashMap<>();
        worker.put("bootstrap.servers", stack.bootstrapServers());
        worker.put("key.converter", BYTES);
        worker.put("value.converter", BYTES);
        worker.put("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
        worker.put("offset.flush.interval.ms", "1000");
        worker.put("listeners", "http://127.0.0.1:0");
        worker.put("plugin.path", pluginPath);
        worker.put("plugin.discovery", "service_load");
        connect = new ConnectStandalone().startConnect(worker);
    }

    private void createConnector(Map<String, String> config) throws Exception {
        FutureCallback<Herder.Created<ConnectorInfo>> created = new FutureCallback<>();
        connect.herder().putConnectorConfig(CONNECTOR, config, false, created);
        created.get(60, TimeUnit.SECONDS);
        awaitTaskRunning();
    }

    private void restartConnectorAndTasks() throws Exception {
        FutureCallback<ConnectorStateInfo> restarted = new FutureCallback<>();
        connect.herder().restartConnectorAndTasks(new RestartRequest(CONNECTOR, false, true), restarted);
        restarted.get(60, TimeUnit.SECONDS);
        awaitTaskRunning();
    }

    private void awaitTaskRunning() {
        Poll.until("the connector's task RUNNING", TIMEOUT, () -> {
            ConnectorStateInfo status = connect.herder().connectorStatus(CONNECTOR);
            boolean running = !status.tasks().isEmpty() && status.tasks().get(0).state().equals("RUNNING");
            if (!status.tasks().isEmpty() && status.tasks().get(0).state().equals("FAILED")) {
                throw new AssertionError("task failed: " + status.tasks().get(0).trace());
            }
            return running ? Poll.Outcome.done("running") : Poll.Outcome.notYet(status.connector().state() + " "
                    + status.tasks().stream().map(t -> t.state()).toList());
        });
    }

    private String awaitListed(String alertname, String what) {
        String[] last = {""};
        Poll.until(what, TIMEOUT, () -> {
            last[0] = alertmanager.amtool();
            return last[0].contains(alertname) ? Poll.Outcome.done(last[0]) : Poll.Outcome.notYet(last[0]);
        });
        return last[0];
    }

    private JsonNode activeAlert(String alertname) throws IOException {
        for (JsonNode alert : JSON.readTree(alertmanager.alertsJson())) {
            if (alertname.equals(alert.get("labels").get("alertname").asText())) {
                return alert;
            }
        }
        throw new AssertionError("Alertmanager holds no " + alertname + ": " + alertmanager.alertsJson());
    }

    private JsonNode resolvedNotification(String alertname) {
        for (JsonNode notification : notifications) {
            for (JsonNode alert : notification.get("alerts")) {
                if ("resolved".equals(alert.get("status").asText())
                        && alertname.equals(alert.get("labels").get("alertname").asText())) {
                    return alert;
                }
            }
        }
        return null;
    }

    /** Alertmanager's receiver: a webhook on 127.0.0.1 that keeps every notification. */
    private void startWebhook() throws IOException {
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            notifications.add(JSON.readTree(new String(body, StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        webhook.start();
    }

    private String alertmanagerConfig() {
        return """
                route:
                  receiver: featuremon-test
                  group_by: ['alertname']
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: featuremon-test
                    webhook_configs:
                      - url: http://127.0.0.1:%d/hook
                        send_resolved: true
                """.formatted(webhook.getAddress().getPort());
    }
}
