package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.it.support.BasicAuthTlsProxy;
import io.featuremon.it.support.KafkaStack;
import io.featuremon.it.support.LiveFeaturemon;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's findings that need a real broker and registry: an event time a day ahead (which the broker would
 * refuse as a record timestamp) and a registry that answers 404 for the ids of valid records (restored empty).
 *
 * <p>Run with {@code mvn -B -o -pl integration-tests verify -Dit.test=PoisonPillIT} after
 * {@code mvn -B -o install -DskipTests}.
 */
@ExtendWith(KafkaStack.Resolver.class)
class PoisonPillIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final long MINUTE = 60_000L;

    @TempDir
    Path work;

    /**
     * Before the fix, the decode stage forwarded this event stamped with its event time; the broker refused it
     * (log.message.timestamp.after.max.ms, 1 h), the transaction failed, and every restart died on it: 80 valid
     * events around it gave 0 windows and 0 dead letters.
     */
    @Test
    void anEventADayAheadOfTheBrokersClockIsCountedAndStopsNothing(KafkaStack stack) throws Exception {
        try (LiveFeaturemon live = LiveFeaturemon.create(stack, "future", Map.of(FeaturemonConfig.WINDOW_SIZE, "1h",
                // A team that allows events a day ahead of their records must be as safe as the default 1 h.
                FeaturemonConfig.INPUT_MAX_FUTURE, "1d"))) {
            long hour = 60 * MINUTE;
            long now = System.currentTimeMillis();
            long start = Math.floorDiv(now, hour) * hour - 3 * hour; // three whole hours ago
            Random random = new Random(1);
            List<EmbeddingEvent> events = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                events.add(event("m", start + i * MINUTE, random));
            }
            live.produceEmbeddings(events.subList(0, 40));
            // Event time 23 h ahead of its record (valid: input.max.future = 1d), record stamped now.
            live.produceRaw(live.config().embeddingsTopic(), "m", live.serialize(io.featuremon.topology.EventType.EMBEDDING,
                    event("m", now + 23 * hour, random)), now);
            live.produceEmbeddings(events.subList(40, 80));
            live.start(work.resolve("state"));

            live.awaitRecords(live.config().windowStatsTopic(), 1, TIMEOUT);
            live.awaitCaughtUp(TIMEOUT);
            List<WindowStats> windows = live.decode(live.readToEnd(live.config().windowStatsTopic()), WindowStats.class);
            assertThat(windows).extracting(WindowStats::getWindowStart).contains(start);
            assertThat(windows.get(0).getCount()).isEqualTo(60);
            assertThat(live.readToEnd(live.config().deadLettersTopic())).isEmpty();
            assertThat(live.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    /**
     * Before the fix, records whose schema id the registry answered 404 for became dead letters at once: an empty
     * restore of the registry lost 385 valid records in one outage test. Now they wait, and count once the
     * registry knows the id again.
     */
    @Test
    void aSchemaIdTheRegistryForgotIsRetriedAndNothingIsLost(KafkaStack stack) throws Exception {
        AtomicBoolean forgetful = new AtomicBoolean(true);
        AtomicInteger notFound = new AtomicInteger();
        try (RegistryProxy proxy = RegistryProxy.start(stack.registryUrl(), forgetful, notFound);
                LiveFeaturemon live = LiveFeaturemon.create(stack, "registry-404", Map.of(
                        FeaturemonConfig.WINDOW_SIZE, "1h",
                        FeaturemonConfig.SCHEMA_REGISTRY_URL, proxy.url(),
                        FeaturemonConfig.INPUT_UNKNOWN_SCHEMA_RETRY, "10m",
                        // Each retry replaces the stream thread, whose successor waits out the old member's
                        // session: 6 s (the broker's minimum) instead of 45 s keeps the test short.
                        "consumer.session.timeout.ms", "6000",
                        "consumer.heartbeat.interval.ms", "2000"))) {
            long start = 1_767_225_600_000L;
            Random random = new Random(2);
            List<EmbeddingEvent> events = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                events.add(event("m", start + i * MINUTE, random));
            }
            for (int i = 0; i < 3; i++) {
                events.add(event("m", start + 2 * 60 * MINUTE, random)); // close the first window
            }
            live.produceEmbeddings(events);
            live.start(work.resolve("state"));

            // The registry answers 404 for the ids of these valid records for a while: retried, not dead-lettered.
            io.featuremon.it.support.Poll.until("several 404s", TIMEOUT, () -> notFound.get() >= 3
                    ? io.featuremon.it.support.Poll.Outcome.done(notFound.get() + " 404s")
                    : io.featuremon.it.support.Poll.Outcome.notYet(notFound.get() + " 404s"));
            assertThat(live.readToEnd(live.config().deadLettersTopic())).isEmpty();
            assertThat(live.readToEnd(live.config().windowStatsTopic())).isEmpty();

            forgetful.set(false); // the registry is repaired
            live.awaitRecords(live.config().windowStatsTopic(), 1, TIMEOUT);
            live.awaitCaughtUp(TIMEOUT);
            List<WindowStats> windows = live.decode(live.readToEnd(live.config().windowStatsTopic()), WindowStats.class);
            assertThat(windows.get(0).getCount()).isEqualTo(50);
            assertThat(live.decode(live.readToEnd(live.config().deadLettersTopic()), DeadLetter.class)).isEmpty();
        }
    }

    private static EmbeddingEvent event(String model, long time, Random random) {
        List<Float> v = new ArrayList<>();
        for (int j = 0; j < 6; j++) {
            v.add((float) random.nextGaussian());
        }
        v.set(1, 2 * v.get(0) + 1);
        return EmbeddingEvent.newBuilder().setModel(model).setTimestamp(time).setVector(v).build();
    }

    /**
     * A plain HTTP proxy on 127.0.0.1 in front of the real registry that, while {@code forgetful}, answers 404 with
     * the Confluent error code 40403 for every schema-by-id lookup, as a registry restored empty does.
     */
    private static final class RegistryProxy implements AutoCloseable {
        private final HttpServer server;
        private final String base;

        private RegistryProxy(HttpServer server, String base) {
            this.server = server;
            this.base = base;
        }

        static RegistryProxy start(String target, AtomicBoolean forgetful, AtomicInteger notFound) throws IOException {
            URI targetUri = URI.create(target);
            HttpClient client = HttpClient.newHttpClient();
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    if (forgetful.get() && exchange.getRequestURI().getRawPath().contains("/schemas/ids/")) {
                        notFound.incrementAndGet();
                        exchange.getRequestBody().readAllBytes();
                        BasicAuthTlsProxy.respond(exchange, 404, "application/json",
                                "{\"error_code\":40403,\"message\":\"Schema not found\"}".getBytes());
                        return;
                    }
                    BasicAuthTlsProxy.forward(client, targetUri, exchange);
                }
            });
            server.start();
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + targetUri.getRawPath();
            return new RegistryProxy(server, base);
        }

        String url() {
            return base;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
