package io.featuremon.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.serdes.FakeRegistry.Response;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroSerde<EmbeddingEvent> embeddings = new AvroSerde<>(EmbeddingEvent.class, registry);

    static Stream<SpecificRecord> oneOfEachSchema() {
        return TestRecords.oneOfEachSchema().stream();
    }

    @ParameterizedTest
    @MethodSource("oneOfEachSchema")
    <T extends SpecificRecord> void shouldRoundTripEverySchema(T record) {
        @SuppressWarnings("unchecked")
        AvroSerde<T> serde = new AvroSerde<>((Class<T>) record.getClass(), registry);

        byte[] bytes = serde.serializer().serialize("topic", record);

        assertThat(WireFormat.schemaId(bytes)).isEqualTo(1);
        assertThat(serde.deserializer().deserialize("topic", bytes)).isEqualTo(record);
    }

    @Test
    void shouldRegisterUnderTopicValueSubjectByDefault() {
        byte[] bytes = embeddings.serializer().serialize("embeddings", TestRecords.embedding(1f));

        assertThat(registry.lookup("embeddings-value", EmbeddingEvent.getClassSchema()))
                .isEqualTo(WireFormat.schemaId(bytes));
    }

    @Test
    void shouldRegisterUnderRecordNameSubjectWhenConfigured() {
        AvroSerde<EmbeddingEvent> serde = new AvroSerde<>(EmbeddingEvent.class, registry);
        serde.configure(Map.of(SchemaRegistryConfig.VALUE_SUBJECT_NAME_STRATEGY, "RecordNameStrategy"), false);

        byte[] bytes = serde.serializer().serialize("embeddings", TestRecords.embedding(1f));

        assertThat(registry.lookup("io.featuremon.avro.EmbeddingEvent", EmbeddingEvent.getClassSchema()))
                .isEqualTo(WireFormat.schemaId(bytes));
    }

    @Test
    void shouldUseKeySubjectWhenConfiguredAsKeySerde() {
        AvroSerde<EmbeddingEvent> serde = new AvroSerde<>(EmbeddingEvent.class, registry);
        serde.configure(Map.of(), true);

        serde.serializer().serialize("embeddings", TestRecords.embedding(1f));

        assertThat(registry.lookup("embeddings-key", EmbeddingEvent.getClassSchema())).isEqualTo(1);
    }

    @Test
    void shouldOnlyLookUpWhenAutoRegistrationIsOff() {
        AvroSerde<EmbeddingEvent> serde = new AvroSerde<>(EmbeddingEvent.class, registry,
                SubjectNameStrategy.TOPIC_NAME, false);
        registry.register("other-value", FeatureEvent.getClassSchema());

        assertThatThrownBy(() -> serde.serializer().serialize("embeddings", TestRecords.embedding(1f)))
                .isInstanceOf(SchemaNotFoundException.class);

        int id = registry.register("embeddings-value", EmbeddingEvent.getClassSchema());
        assertThat(WireFormat.schemaId(serde.serializer().serialize("embeddings", TestRecords.embedding(1f)))).isEqualTo(id);
    }

    @Test
    void shouldMapNullToNullBothWays() {
        assertThat(embeddings.serializer().serialize("embeddings", null)).isNull();
        assertThat(embeddings.deserializer().deserialize("embeddings", null)).isNull();
    }

    @Test
    void shouldReadValueWrittenWithOlderSchemaWithoutRequestId() {
        int oldId = registry.register("embeddings-value", TestRecords.EMBEDDING_WITHOUT_REQUEST_ID);
        GenericRecord old = new GenericData.Record(TestRecords.EMBEDDING_WITHOUT_REQUEST_ID);
        old.put("model", "ranker");
        old.put("segment", "eu");
        old.put("timestamp", 7L);
        old.put("vector", List.of(1f, 2f));

        EmbeddingEvent event = embeddings.deserializer().deserialize("embeddings", TestRecords.framed(oldId, old));

        assertThat(event.getModel()).isEqualTo("ranker");
        assertThat(event.getRequestId()).isNull();
        assertThat(event.getVector()).containsExactly(1f, 2f);
    }

    @Test
    void shouldReadValueWrittenWithNewerSchemaWithExtraFields() {
        int newId = registry.register("embeddings-value", TestRecords.EMBEDDING_WITH_EXTRA_FIELD);
        GenericRecord newer = new GenericData.Record(TestRecords.EMBEDDING_WITH_EXTRA_FIELD);
        newer.put("model", "ranker");
        newer.put("modelVersion", "v7");
        newer.put("timestamp", 7L);
        newer.put("vector", List.of(3f));
        newer.put("segment", null);
        newer.put("requestId", "req-9");
        newer.put("scores", Map.of("auc", 0.9));

        EmbeddingEvent event = embeddings.deserializer().deserialize("embeddings", TestRecords.framed(newId, newer));

        assertThat(event).isEqualTo(EmbeddingEvent.newBuilder().setModel("ranker").setSegment(null).setTimestamp(7L)
                .setRequestId("req-9").setVector(List.of(3f)).build());
    }

    @Test
    void shouldRejectEveryTruncationOfAValue() {
        byte[] bytes = embeddings.serializer().serialize("embeddings", TestRecords.embedding(1f, 2f, 3f));

        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> embeddings.deserializer().deserialize("embeddings", truncated))
                    .as("value truncated to %d of %d bytes", length, bytes.length)
                    .isInstanceOf(MalformedRecordException.class);
        }
    }

    @Test
    void shouldRejectValueWithBytesLeftOverAfterTheRecord() {
        byte[] bytes = embeddings.serializer().serialize("embeddings", TestRecords.embedding(1f));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);

        assertThatThrownBy(() -> embeddings.deserializer().deserialize("embeddings", longer))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("bytes left over");
    }

    @Test
    void shouldRejectValueWhoseWriterSchemaIsAnotherRecordType() {
        AvroSerde<FeatureEvent> features = new AvroSerde<>(FeatureEvent.class, registry);
        byte[] featureBytes = features.serializer().serialize("features", TestRecords.featureEvent(Map.of("x", 1.0)));

        assertThatThrownBy(() -> embeddings.deserializer().deserialize("embeddings", featureBytes))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("io.featuremon.avro.FeatureEvent")
                .hasMessageContaining("as io.featuremon.avro.EmbeddingEvent");
    }

    @Test
    void shouldRejectValueWithUnknownMagicByte() {
        assertThatThrownBy(() -> embeddings.deserializer().deserialize("embeddings", new byte[] {1, 0, 0, 0, 1, 2}))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("unknown magic byte 0x01");
    }

    @Test
    void shouldReportUnknownSchemaIdAsSchemaNotFound() {
        assertThatThrownBy(() -> embeddings.deserializer().deserialize("embeddings", new byte[] {0, 0, 0, 0, 99, 2}))
                .isInstanceOf(SchemaNotFoundException.class);
    }

    @Test
    void shouldNameTheFieldWhenARequiredFieldIsNull() {
        EmbeddingEvent withoutModel = new EmbeddingEvent(null, null, 1L, null, List.of(1f));

        assertThatThrownBy(() -> embeddings.serializer().serialize("embeddings", withoutModel))
                .isInstanceOf(SerializationException.class).hasMessageContaining("EmbeddingEvent.model");
    }

    @Test
    void shouldBuildHttpClientFromConfigure() {
        try (FakeRegistry server = FakeRegistry.start(request -> new Response(200, "{\"id\": 42}"))) {
            AvroSerde<FeatureEvent> serde = new AvroSerde<>(FeatureEvent.class);
            serde.configure(Map.of(SchemaRegistryConfig.URL, server.url().toString(),
                    SchemaRegistryConfig.VALUE_SUBJECT_NAME_STRATEGY,
                    "io.confluent.kafka.serializers.subject.RecordNameStrategy"), false);

            byte[] bytes = serde.serializer().serialize("features", TestRecords.featureEvent(Map.of()));

            assertThat(WireFormat.schemaId(bytes)).isEqualTo(42);
            assertThat(server.requests()).extracting(FakeRegistry.Request::rawPath)
                    .containsExactly("/subjects/io.featuremon.avro.FeatureEvent/versions");
        }
    }

    @Test
    void shouldRefuseToConfigureWithoutRegistryUrl() {
        assertThatThrownBy(() -> new AvroSerde<>(FeatureEvent.class).configure(Map.of(), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining(SchemaRegistryConfig.URL);
    }

    /** Issue 7, finding 3: a valid header and 23 bytes that announce a 1.5 GB string ran the stream thread out of memory. */
    @Test
    void shouldRefuseALengthPrefixLargerThanTheRecordBeforeAllocating() {
        AvroSerde<FeatureEvent> features = new AvroSerde<>(FeatureEvent.class, registry);
        byte[] valid = features.serializer().serialize("features", TestRecords.featureEvent(Map.of("x", 1.0)));
        byte[] hostile = Arrays.copyOf(valid, 28);
        // model: a string whose zig-zag length prefix says 1,500,000,000 bytes
        byte[] length = {(byte) 0x80, (byte) 0xBC, (byte) 0xC1, (byte) 0x96, 0x0B};
        System.arraycopy(length, 0, hostile, WireFormat.HEADER_LENGTH, length.length);

        assertThatThrownBy(() -> features.deserializer().deserialize("features", hostile))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("string length 1500000000");
    }

    @Test
    void shouldRefuseAMapBlockAnnouncingMoreEntriesThanBytes() {
        AvroSerde<FeatureEvent> features = new AvroSerde<>(FeatureEvent.class, registry);
        byte[] valid = features.serializer().serialize("features", TestRecords.featureEvent(Map.of()));
        // The empty map is the value's last byte (0); announce 2^30 entries instead.
        byte[] hostile = Arrays.copyOf(valid, valid.length + 4);
        byte[] count = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
        System.arraycopy(count, 0, hostile, valid.length - 1, count.length);

        assertThatThrownBy(() -> features.deserializer().deserialize("features", hostile))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("block of 1073741824 items");
    }

    /** Random mutations of a valid value either decode or are malformed; nothing else escapes, nothing allocates big. */
    @Test
    void shouldDecodeOrRefuseEveryMutationOfAValue() {
        AvroSerde<FeatureEvent> features = new AvroSerde<>(FeatureEvent.class, registry);
        byte[] valid = features.serializer().serialize("features",
                TestRecords.featureEvent(Map.of("x", 1.0, "city", "Lyon", "y", 2.5)));
        java.util.Random random = new java.util.Random(7);
        for (int trial = 0; trial < 20_000; trial++) {
            byte[] mutated = valid.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                int at = WireFormat.HEADER_LENGTH + random.nextInt(mutated.length - WireFormat.HEADER_LENGTH);
                mutated[at] = (byte) random.nextInt(256);
            }
            try {
                features.deserializer().deserialize("features", mutated);
            } catch (MalformedRecordException expected) {
                // a dead letter
            }
        }
    }
}
