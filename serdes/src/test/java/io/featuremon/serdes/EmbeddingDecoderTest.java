package io.featuremon.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmbeddingDecoderTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroSerde<EmbeddingEvent> serde = new AvroSerde<>(EmbeddingEvent.class, registry);
    private final EmbeddingDecoder decoder = new EmbeddingDecoder(registry);

    @ParameterizedTest
    @ValueSource(ints = {1, 384, 768, 4096})
    void shouldDecodeExactlyWhatTheGenericReaderDecodesBitForBit(int dimension) throws IOException {
        for (long seed = 0; seed < 5; seed++) {
            float[] vector = TestRecords.awkwardFloats(dimension, seed);
            byte[] bytes = serde.serializer().serialize("embeddings", TestRecords.embedding(vector));

            DecodedEmbedding decoded = decoder.decode(bytes);
            EmbeddingEvent generic = genericRead(bytes);

            assertThat(decoded.model()).isEqualTo(generic.getModel());
            assertThat(decoded.segment()).isEqualTo(generic.getSegment());
            assertThat(decoded.timestamp()).isEqualTo(generic.getTimestamp());
            assertThat(decoded.requestId()).isEqualTo(generic.getRequestId());
            assertThat(rawBits(decoded.vector())).containsExactly(rawBits(generic.getVector()))
                    .containsExactly(rawBits(vector));
        }
    }

    @Test
    void shouldDecodeNullOptionalFields() {
        EmbeddingEvent event = EmbeddingEvent.newBuilder().setModel("m").setSegment(null).setTimestamp(5L)
                .setRequestId(null).setVector(List.of()).build();

        assertThat(decoder.decode(serde.serializer().serialize("embeddings", event)))
                .isEqualTo(new DecodedEmbedding("m", null, 5L, null, new float[0]));
    }

    @Test
    void shouldReadRequestIdAsNullFromOlderWriterWithoutIt() {
        int oldId = registry.register("embeddings-value", TestRecords.EMBEDDING_WITHOUT_REQUEST_ID);
        GenericRecord old = new GenericData.Record(TestRecords.EMBEDDING_WITHOUT_REQUEST_ID);
        old.put("model", "ranker");
        old.put("segment", "eu");
        old.put("timestamp", 7L);
        old.put("vector", List.of(1f, -0f));
        byte[] bytes = TestRecords.framed(oldId, old);

        assertThat(decoder.decode(bytes)).isEqualTo(new DecodedEmbedding("ranker", "eu", 7L, null, new float[] {1f, -0f}));
        assertThat(decoder.decode(bytes)).isEqualTo(toDecoded(serde.deserializer().deserialize("embeddings", bytes)));
    }

    @Test
    void shouldSkipExtraFieldsAndFollowFieldOrderOfNewerWriter() {
        int newId = registry.register("embeddings-value", TestRecords.EMBEDDING_WITH_EXTRA_FIELD);
        GenericRecord newer = new GenericData.Record(TestRecords.EMBEDDING_WITH_EXTRA_FIELD);
        newer.put("model", "ranker");
        newer.put("modelVersion", "v7");
        newer.put("timestamp", 7L);
        newer.put("vector", List.of(3f, 4f));
        newer.put("segment", null);
        newer.put("requestId", "req-9");
        newer.put("scores", Map.of("auc", 0.9));
        byte[] bytes = TestRecords.framed(newId, newer);

        assertThat(decoder.decode(bytes)).isEqualTo(new DecodedEmbedding("ranker", null, 7L, "req-9", new float[] {3f, 4f}));
        assertThat(decoder.decode(bytes)).isEqualTo(toDecoded(serde.deserializer().deserialize("embeddings", bytes)));
    }

    @Test
    void shouldPromoteIntTimestampAndIntItemsOfAnotherWriter() {
        Schema intWriter = new Schema.Parser().parse("""
                {"type": "record", "name": "EmbeddingEvent", "namespace": "io.featuremon.avro", "fields": [
                  {"name": "model", "type": "string"},
                  {"name": "timestamp", "type": "int"},
                  {"name": "vector", "type": {"type": "array", "items": "int"}}
                ]}""");
        int id = registry.register("embeddings-value", intWriter);
        GenericRecord record = new GenericData.Record(intWriter);
        record.put("model", "m");
        record.put("timestamp", 12);
        record.put("vector", List.of(1, -2, 16_777_217));

        assertThat(decoder.decode(TestRecords.framed(id, record)))
                .isEqualTo(new DecodedEmbedding("m", null, 12L, null, new float[] {1f, -2f, 16_777_217f}));
    }

    @Test
    void shouldDecodeVectorWrittenInSeveralBlocks() throws IOException {
        float[] vector = TestRecords.awkwardFloats(100, 42);
        EmbeddingEvent event = TestRecords.embedding(vector);
        byte[] oneBlock = serde.serializer().serialize("embeddings", event);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, WireFormat.schemaId(oneBlock));
        // A blocking encoder splits arrays into byte-counted blocks, as a streaming writer may.
        BinaryEncoder blocking = new EncoderFactory().configureBlockSize(64).blockingBinaryEncoder(out, null);
        new SpecificDatumWriter<>(EmbeddingEvent.class).write(event, blocking);
        blocking.flush();
        byte[] blocks = out.toByteArray();

        assertThat(blocks).isNotEqualTo(oneBlock);
        assertThat(rawBits(decoder.decode(blocks).vector())).containsExactly(rawBits(vector));
    }

    @Test
    void shouldFetchEachWriterSchemaOnlyOnce() {
        AtomicInteger fetches = new AtomicInteger();
        EmbeddingDecoder counting = new EmbeddingDecoder(new SchemaRegistryClient() {
            @Override
            public int register(String subject, Schema schema) {
                return registry.register(subject, schema);
            }

            @Override
            public int lookup(String subject, Schema schema) {
                return registry.lookup(subject, schema);
            }

            @Override
            public Schema getById(int id) {
                fetches.incrementAndGet();
                return registry.getById(id);
            }
        });
        byte[] bytes = serde.serializer().serialize("embeddings", TestRecords.embedding(1f, 2f));

        for (int i = 0; i < 3; i++) {
            assertThat(counting.decode(bytes).vector()).containsExactly(1f, 2f);
        }
        assertThat(fetches).hasValue(1);
    }

    @Test
    void shouldRejectEveryTruncationOfAValue() {
        byte[] bytes = serde.serializer().serialize("embeddings", TestRecords.embedding(1f, 2f, 3f));

        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> decoder.decode(truncated))
                    .as("value truncated to %d of %d bytes", length, bytes.length)
                    .isInstanceOf(MalformedRecordException.class);
        }
    }

    @Test
    void shouldStillDecodeAfterAMalformedValue() {
        byte[] bytes = serde.serializer().serialize("embeddings", TestRecords.embedding(1f, 2f, 3f));
        assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(bytes, bytes.length - 2)))
                .isInstanceOf(MalformedRecordException.class);

        assertThat(decoder.decode(bytes).vector()).containsExactly(1f, 2f, 3f);
    }

    @Test
    void shouldRejectArrayLengthLargerThanTheValue() {
        byte[] bytes = serde.serializer().serialize("embeddings", TestRecords.embedding());
        // The empty vector is the last byte (count 0); claim 2^30 items instead: zig-zag varint of 2^30.
        byte[] corrupt = Arrays.copyOf(bytes, bytes.length + 4);
        System.arraycopy(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08}, 0,
                corrupt, bytes.length - 1, 5);

        assertThatThrownBy(() -> decoder.decode(corrupt))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("block of 1073741824 items");
    }

    @Test
    void shouldRejectValueWithBytesLeftOverAfterTheRecord() {
        byte[] bytes = serde.serializer().serialize("embeddings", TestRecords.embedding(1f));

        assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(bytes, bytes.length + 3)))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("bytes left over");
    }

    @Test
    void shouldRejectValueWrittenAsAnotherRecordType() {
        byte[] featureBytes = new AvroSerde<>(FeatureEvent.class, registry).serializer()
                .serialize("features", TestRecords.featureEvent(Map.of("x", 1.0)));

        assertThatThrownBy(() -> decoder.decode(featureBytes))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("FeatureEvent");
    }

    @Test
    void shouldRejectValueWithUnknownMagicByte() {
        assertThatThrownBy(() -> decoder.decode(new byte[] {0x7b, 0x7d}))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("not the Confluent Avro wire format");
    }

    @Test
    void shouldReportUnknownSchemaIdAsSchemaNotFound() {
        assertThatThrownBy(() -> decoder.decode(new byte[] {0, 0, 0, 0, 9, 2, 'm'}))
                .isInstanceOf(SchemaNotFoundException.class);
    }

    private EmbeddingEvent genericRead(byte[] bytes) throws IOException {
        Schema writer = registry.getById(WireFormat.schemaId(bytes));
        return new SpecificDatumReader<EmbeddingEvent>(writer, EmbeddingEvent.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    }

    private static DecodedEmbedding toDecoded(EmbeddingEvent event) {
        float[] vector = new float[event.getVector().size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = event.getVector().get(i);
        }
        return new DecodedEmbedding(event.getModel(), event.getSegment(), event.getTimestamp(), event.getRequestId(), vector);
    }

    private static int[] rawBits(float[] vector) {
        int[] bits = new int[vector.length];
        for (int i = 0; i < vector.length; i++) {
            bits[i] = Float.floatToRawIntBits(vector[i]);
        }
        return bits;
    }

    private static int[] rawBits(List<Float> vector) {
        int[] bits = new int[vector.size()];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = Float.floatToRawIntBits(vector.get(i));
        }
        return bits;
    }
}
