package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.serde.Legacy4ByteIdHandler;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.embedded.EmbeddedRegistry;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.DecodedEmbedding;
import io.featuremon.serdes.EmbeddingDecoder;
import io.featuremon.serdes.HttpSchemaRegistryClient;
import io.featuremon.serdes.SchemaNotFoundException;
import io.featuremon.serdes.SchemaRegistryConfig;
import io.featuremon.serdes.SubjectNameStrategy;
import io.featuremon.serdes.WireFormat;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * featuremon's registry client and serdes against a real Apicurio Registry 2.6, through its
 * Confluent-compatible API, and against Apicurio's own Avro serde in Confluent mode: whatever one
 * side writes, the other reads.
 *
 * <p>Ids: Apicurio gives every artifact version a <em>global id</em> and every distinct schema text
 * a <em>content id</em>. Its Confluent API ({@code /apis/ccompat/v7}) calls the content id "the
 * schema id" (unless the registry runs with {@code registry.ccompat.legacy-id-mode.enabled=true}),
 * while Apicurio's serde writes the global id by default, even with {@code as-confluent=true},
 * which only switches to the 4-byte {@link Legacy4ByteIdHandler}. So the serde must also be told
 * {@code use-id=contentId}; then the 4 bytes after the magic byte mean the same thing to both. On a
 * fresh registry the two ids start out equal, which would hide a mismatch: {@link #registerTwice}
 * makes them diverge first, and the tests check that they did.
 *
 * <p>Run with {@code mvn -B -o -pl integration-tests verify -Dit.test=SchemaRegistryInteropIT} after
 * {@code mvn -B -o install -DskipTests} (which unpacks the registry into embedded/target/apicurio).
 */
class SchemaRegistryInteropIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An EmbeddingEvent as written before requestId existed. */
    private static final Schema EMBEDDING_WITHOUT_REQUEST_ID = new Schema.Parser().parse("""
            {"type": "record", "name": "EmbeddingEvent", "namespace": "io.featuremon.avro", "fields": [
              {"name": "model", "type": "string"},
              {"name": "segment", "type": ["null", "string"], "default": null},
              {"name": "timestamp", "type": "long"},
              {"name": "vector", "type": {"type": "array", "items": "float"}}
            ]}""");

    @TempDir
    static Path workDir;
    private static EmbeddedRegistry registry;

    @BeforeAll
    static void startRegistry() {
        registry = EmbeddedRegistry.start(workDir);
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @ParameterizedTest
    @EnumSource(SubjectNameStrategy.class)
    void shouldRegisterLookUpAndFetchThroughTheConfluentApi(SubjectNameStrategy strategy) {
        Schema schema = FeatureEvent.getClassSchema();
        String subject = strategy.subject(uniqueTopic("features"), false, schema);

        int id = newClient().register(subject, schema);

        // Fresh clients, so that every answer below comes from the registry, not from a cache.
        assertThat(newClient().register(subject, schema)).isEqualTo(id);
        assertThat(newClient().lookup(subject, schema)).isEqualTo(id);
        assertThat(newClient().getById(id)).isEqualTo(schema);
    }

    @Test
    void shouldGiveTheSameSchemaTheSameIdUnderEverySubject() {
        Schema schema = EmbeddingEvent.getClassSchema();

        int first = newClient().register(uniqueTopic("a") + "-value", schema);
        int second = newClient().register(uniqueTopic("b") + "-value", schema);

        assertThat(second).isEqualTo(first);
    }

    @Test
    void shouldReportUnknownIdAsSchemaNotFound() {
        assertThatThrownBy(() -> newClient().getById(987_654))
                .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(SchemaNotFoundException.SCHEMA_NOT_FOUND);
                });
    }

    @Test
    void shouldReportSchemaMissingUnderSubjectAsSchemaNotFound() {
        String subject = uniqueTopic("features") + "-value";
        newClient().register(subject, FeatureEvent.getClassSchema());

        assertThatThrownBy(() -> newClient().lookup(subject, EmbeddingEvent.getClassSchema()))
                .isInstanceOf(SchemaNotFoundException.class);
        assertThatThrownBy(() -> newClient().lookup(uniqueTopic("nobody") + "-value", EmbeddingEvent.getClassSchema()))
                .isInstanceOf(SchemaNotFoundException.class);
    }

    @Test
    void shouldDecodeWhatApicuriosSerializerWritesInConfluentMode() throws Exception {
        String topic = registerTwice(EmbeddingEvent.getClassSchema());
        EmbeddingEvent event = embedding(0.25f, -0.0f, Float.NaN, 3.5e-39f);

        byte[] bytes;
        try (AvroKafkaSerializer<EmbeddingEvent> apicurio = new AvroKafkaSerializer<>()) {
            apicurio.configure(apicurioConfluentMode(), false);
            bytes = apicurio.serialize(topic, event);
        }

        ArtifactIds ids = artifactIds(topic + "-value");
        assertThat(ids.globalId()).as("global id, which must differ for the id check to mean anything")
                .isNotEqualTo(ids.contentId());
        assertThat(WireFormat.schemaId(bytes)).isEqualTo(ids.contentId())
                .isEqualTo(newClient().lookup(topic + "-value", EmbeddingEvent.getClassSchema()));
        assertThat(featuremonSerde(EmbeddingEvent.class).deserializer().deserialize(topic, bytes)).isEqualTo(event);
        assertThat(new EmbeddingDecoder(newClient()).decode(bytes))
                .isEqualTo(new DecodedEmbedding("ranker", "eu", 1_700_000_000_000L, "req-1",
                        new float[] {0.25f, -0.0f, Float.NaN, 3.5e-39f}));
    }

    @Test
    void shouldDecodeWhatApicuriosSerializerWritesWithAnOlderSchema() {
        String topic = uniqueTopic("old-embeddings");
        GenericRecord old = new GenericData.Record(EMBEDDING_WITHOUT_REQUEST_ID);
        old.put("model", "ranker");
        old.put("segment", null);
        old.put("timestamp", 5L);
        old.put("vector", List.of(1f, 2f));

        byte[] bytes;
        try (AvroKafkaSerializer<GenericRecord> apicurio = new AvroKafkaSerializer<>()) {
            apicurio.configure(apicurioConfluentMode(), false);
            bytes = apicurio.serialize(topic, old);
        }

        assertThat(new EmbeddingDecoder(newClient()).decode(bytes))
                .isEqualTo(new DecodedEmbedding("ranker", null, 5L, null, new float[] {1f, 2f}));
        assertThat(featuremonSerde(EmbeddingEvent.class).deserializer().deserialize(topic, bytes).getRequestId())
                .isNull();
    }

    @Test
    void shouldWriteWhatApicuriosDeserializerReadsInConfluentMode() throws Exception {
        String topic = registerTwice(FeatureEvent.getClassSchema());
        FeatureEvent event = FeatureEvent.newBuilder().setModel("churn").setSegment(null).setTimestamp(7L)
                .setRequestId("req-2").setFeatures(Map.of("age", 42.0, "country", "FR")).build();

        byte[] bytes = featuremonSerde(FeatureEvent.class).serializer().serialize(topic, event);

        ArtifactIds ids = artifactIds(topic + "-value");
        assertThat(ids.globalId()).as("global id, which must differ for the id check to mean anything")
                .isNotEqualTo(ids.contentId());
        assertThat(WireFormat.schemaId(bytes)).isEqualTo(ids.contentId());
        try (AvroKafkaDeserializer<FeatureEvent> apicurio = new AvroKafkaDeserializer<>()) {
            Map<String, Object> config = apicurioConfluentMode();
            config.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
            apicurio.configure(config, false);

            assertThat(apicurio.deserialize(topic, bytes)).isEqualTo(event);
        }
    }

    /** Apicurio's serde writing and reading the Confluent wire format with Confluent's meaning of the id. */
    private static Map<String, Object> apicurioConfluentMode() {
        return new HashMap<>(Map.of(
                SerdeConfig.REGISTRY_URL, registry.apicurioUrl(),
                // A 4-byte id after the magic byte, as Confluent writes. as-confluent alone installs this handler
                // but warns that it overrides the default (8-byte) one; naming the same handler agrees with it.
                SerdeConfig.ENABLE_CONFLUENT_ID_HANDLER, true,
                SerdeConfig.ID_HANDLER, Legacy4ByteIdHandler.class.getName(),
                // Which id goes in those 4 bytes: the one the Confluent API hands out (see the class comment).
                SerdeConfig.USE_ID, "contentId",
                SerdeConfig.ENABLE_HEADERS, false,
                SerdeConfig.AUTO_REGISTER_ARTIFACT, true));
    }

    /**
     * Registers {@code schema} under a throw-away subject, then under {@code <topic>-value}: the second
     * version shares the first one's content id but gets a new global id, so from here on the two
     * kinds of id differ for this schema.
     *
     * @return the topic
     */
    private static String registerTwice(Schema schema) {
        String topic = uniqueTopic(schema.getName());
        newClient().register(uniqueTopic("warm-up") + "-value", schema);
        newClient().register(topic + "-value", schema);
        return topic;
    }

    private record ArtifactIds(int globalId, int contentId) {
    }

    /** The ids Apicurio's own API gives the latest version of the artifact behind a Confluent subject. */
    private static ArtifactIds artifactIds(String subject) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(registry.apicurioUrl() + "/groups/default/artifacts/" + subject + "/meta")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode meta = JSON.readTree(response.body());
        return new ArtifactIds(meta.get("globalId").asInt(), meta.get("contentId").asInt());
    }

    private static <T extends SpecificRecord> AvroSerde<T> featuremonSerde(Class<T> type) {
        AvroSerde<T> serde = new AvroSerde<>(type);
        serde.configure(Map.of(SchemaRegistryConfig.URL, registry.confluentUrl()), false);
        return serde;
    }

    private static HttpSchemaRegistryClient newClient() {
        return new HttpSchemaRegistryClient(Map.of(SchemaRegistryConfig.URL, registry.confluentUrl()));
    }

    private static EmbeddingEvent embedding(float... vector) {
        List<Float> boxed = new ArrayList<>(vector.length);
        for (float v : vector) {
            boxed.add(v);
        }
        return EmbeddingEvent.newBuilder().setModel("ranker").setSegment("eu").setTimestamp(1_700_000_000_000L)
                .setRequestId("req-1").setVector(boxed).build();
    }

    private static String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }
}
