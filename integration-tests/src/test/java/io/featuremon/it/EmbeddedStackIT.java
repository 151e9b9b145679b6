package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.it.support.KafkaStack;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shared test stack is real: a broker that moves records, a registry that keeps schemas, both on loopback only. */
@ExtendWith(KafkaStack.Resolver.class)
class EmbeddedStackIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA_REGISTRY_JSON = "application/vnd.schemaregistry.v1+json";

    @Test
    void shouldDeliverEveryRecordProducedRightAfterTheTopicIsCreated(KafkaStack stack) throws Exception {
        String topic = stack.createTopics("numbers").get(0);

        try (KafkaProducer<String, Long> producer = stack.producer(new StringSerializer(), new LongSerializer())) {
            for (long i = 0; i < 1_000; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + (i % 10), i));
            }
            producer.flush();
        }
        List<ConsumerRecord<String, Long>> records =
                stack.consumeUntil(topic, new StringDeserializer(), new LongDeserializer(), 1_000, TIMEOUT);

        assertThat(records).map(ConsumerRecord::value)
                .containsExactlyInAnyOrderElementsOf(LongStream.range(0, 1_000).boxed().toList());
    }

    @Test
    void shouldReturnARegisteredSchemaByItsId(KafkaStack stack) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Schema schema = FeatureEvent.getClassSchema();
        String subject = "features-" + UUID.randomUUID() + "-value";

        HttpResponse<String> registered = http.send(HttpRequest.newBuilder(
                        URI.create(stack.registryUrl() + "/subjects/" + subject + "/versions"))
                .header("Content-Type", SCHEMA_REGISTRY_JSON)
                .POST(HttpRequest.BodyPublishers.ofString(
                        JSON.createObjectNode().put("schema", schema.toString()).toString()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        int id = JSON.readTree(registered.body()).get("id").asInt();

        HttpResponse<String> fetched = http.send(HttpRequest.newBuilder(
                        URI.create(stack.registryUrl() + "/schemas/ids/" + id)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(fetched.body());
        assertThat(new Schema.Parser().parse(body.get("schema").asText())).isEqualTo(schema);
    }

    /**
     * Reads the kernel's socket tables rather than the configuration: every socket that this JVM (broker,
     * controller) or its children (the registry) listens on must be bound to a loopback address.
     */
    @Test
    void shouldListenOnLoopbackOnly(KafkaStack stack) throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "needs Linux /proc");
        Set<String> ourSockets = new HashSet<>(socketInodes(ProcessHandle.current()));
        ProcessHandle.current().descendants().forEach(child -> ourSockets.addAll(socketInodes(child)));

        List<Listener> listeners = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            listeners.addAll(listeners(Path.of(table)).stream().filter(l -> ourSockets.contains(l.inode())).toList());
        }

        int brokerPort = Integer.parseInt(stack.bootstrapServers().replaceAll(".*:", ""));
        int registryPort = URI.create(stack.registryUrl()).getPort();
        assertThat(listeners).map(Listener::port).contains(brokerPort, registryPort);
        assertThat(listeners).allSatisfy(l -> assertThat(l.address().isLoopbackAddress())
                .as("listening on %s:%d", l.address().getHostAddress(), l.port()).isTrue());
    }

    private record Listener(InetAddress address, int port, String inode) {}

    /** The inodes of the sockets a process holds open, from the {@code socket:[inode]} links in /proc/PID/fd. */
    private static List<String> socketInodes(ProcessHandle process) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(process.pid()), "fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    return "";
                }
            }).filter(link -> link.startsWith("socket:[")).map(link -> link.substring(8, link.length() - 1)).toList();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list the sockets of process " + process.pid(), e);
        }
    }

    /**
     * Rows of /proc/net/tcp[6] in state LISTEN (0A). The local address is hex, in 32-bit words of host
     * (little-endian) byte order; an IPv4-mapped IPv6 address decodes to its IPv4 form.
     */
    private static List<Listener> listeners(Path table) throws IOException {
        List<Listener> listeners = new ArrayList<>();
        List<String> lines = Files.readAllLines(table);
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.trim().split("\\s+");
            if (!fields[3].equals("0A")) {
                continue;
            }
            String[] local = fields[1].split(":");
            byte[] address = new byte[local[0].length() / 2];
            for (int word = 0; word < address.length / 4; word++) {
                for (int i = 0; i < 4; i++) {
                    int hex = word * 8 + (3 - i) * 2;
                    address[word * 4 + i] = (byte) Integer.parseInt(local[0].substring(hex, hex + 2), 16);
                }
            }
            listeners.add(new Listener(InetAddress.getByAddress(address), Integer.parseInt(local[1], 16), fields[9]));
        }
        return listeners;
    }
}
