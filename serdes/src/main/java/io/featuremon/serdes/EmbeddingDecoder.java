package io.featuremon.serdes;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.featuremon.avro.EmbeddingEvent;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.ResolvingDecoder;

/**
 * Decodes Confluent-framed {@link EmbeddingEvent} values straight into a {@link DecodedEmbedding}
 * with a primitive {@code float[]}: the hot path of the embedding monitor.
 *
 * <p>The generated class would box every element of the vector into a {@code List<Float>} (768
 * objects for a 768-dimension embedding). This decoder instead drives Avro's
 * {@link ResolvingDecoder} by hand, so it still resolves the writer schema against the current
 * {@code EmbeddingEvent} schema exactly as {@code SpecificDatumReader} would: writers without
 * {@code requestId} read it as null, extra writer fields are skipped, fields may come in any order
 * and promotable types (an {@code int} timestamp, {@code int} vector items) are promoted.
 *
 * <p>Not thread-safe (it reuses its decoders): use one instance per stream thread, e.g. one per
 * processor. The resolver of each writer schema id is built once and cached.
 */
public final class EmbeddingDecoder {

    private static final Schema READER_SCHEMA = EmbeddingEvent.getClassSchema();
    private static final Set<String> DECODED_FIELDS = Set.of("model", "segment", "timestamp", "requestId", "vector");

    static {
        // decode() reads exactly these fields: a schema change must fail the build here, not dead-letter live data.
        Set<String> fields = READER_SCHEMA.getFields().stream().map(Schema.Field::name).collect(Collectors.toSet());
        if (!fields.equals(DECODED_FIELDS)) {
            throw new IllegalStateException("EmbeddingEvent has fields " + fields + " but EmbeddingDecoder reads "
                    + DECODED_FIELDS);
        }
    }

    private static final int SEGMENT_NULL_BRANCH = nullBranch("segment");
    private static final int REQUEST_ID_NULL_BRANCH = nullBranch("requestId");

    private final SchemaRegistryClient client;
    private final Map<Integer, ResolvingDecoder> resolvers = new HashMap<>();
    private final Map<Integer, Schema> writers = new HashMap<>();
    private BinaryDecoder binary;

    /** A decoder fetching writer schemas from {@code client}. */
    public EmbeddingDecoder(SchemaRegistryClient client) {
        this.client = client;
    }

    /**
     * Decodes one record value.
     *
     * @throws MalformedRecordException          if the bytes are not a framed, complete EmbeddingEvent
     * @throws SchemaNotFoundException           if the writer schema id is unknown
     * @throws SchemaRegistryUnavailableException if the writer schema cannot be fetched now
     */
    public DecodedEmbedding decode(byte[] data) {
        int id = WireFormat.schemaId(data);
        ResolvingDecoder in = resolver(id);
        // Every length the resolver might read or skip (a string, or a field only the writer has) is checked first.
        BoundedAvro.check(writers.get(id), data, WireFormat.HEADER_LENGTH, data.length - WireFormat.HEADER_LENGTH);
        binary = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_LENGTH,
                data.length - WireFormat.HEADER_LENGTH, binary);
        String model = null;
        String segment = null;
        long timestamp = 0;
        String requestId = null;
        float[] vector = null;
        boolean fullyRead;
        try {
            in.configure(binary);
            // Reader fields in the order the writer wrote them; reader-only fields come last, from their defaults.
            for (Schema.Field field : in.readFieldOrder()) {
                switch (field.name()) {
                    case "model" -> model = in.readString();
                    case "segment" -> segment = readNullableString(in, SEGMENT_NULL_BRANCH);
                    case "timestamp" -> timestamp = in.readLong();
                    case "requestId" -> requestId = readNullableString(in, REQUEST_ID_NULL_BRANCH);
                    case "vector" -> vector = readVector(in, data.length);
                }
            }
            in.drain();
            fullyRead = binary.isEnd();
        } catch (IOException | AvroRuntimeException e) {
            // What Avro reports about the bytes (AvroTypeException, a short read) is the record's; any other
            // exception is a bug of this decoder and must not pass for bad data.
            throw new MalformedRecordException("cannot decode " + data.length + "-byte value with writer schema id "
                    + id + " as " + READER_SCHEMA.getFullName() + ": " + e, e);
        }
        if (!fullyRead) {
            throw new MalformedRecordException("bytes left over after the Avro body of writer schema id " + id
                    + ": the value was not written with that schema");
        }
        return new DecodedEmbedding(model, segment, timestamp, requestId, vector);
    }

    private ResolvingDecoder resolver(int id) {
        ResolvingDecoder resolver = resolvers.get(id);
        if (resolver == null) {
            Schema writer = client.getById(id);
            try {
                resolver = DecoderFactory.get().resolvingDecoder(writer, READER_SCHEMA, null);
            } catch (IOException | AvroRuntimeException e) {
                throw new MalformedRecordException("writer schema id " + id + " (" + writer.getFullName()
                        + ") cannot be resolved against " + READER_SCHEMA.getFullName() + ": " + e, e);
            }
            resolvers.put(id, resolver);
            writers.put(id, writer);
        }
        return resolver;
    }

    private static String readNullableString(ResolvingDecoder in, int nullBranch) throws IOException {
        // The resolver answers with the branch of the reader's union, whatever the writer's type was.
        if (in.readIndex() == nullBranch) {
            in.readNull();
            return null;
        }
        return in.readString();
    }

    /**
     * Reads the array block by block into an exactly sized {@code float[]}; {@code maxItems} bounds the
     * allocation, since corrupt bytes can claim any block length.
     */
    private static float[] readVector(ResolvingDecoder in, int maxItems) throws IOException {
        float[] vector = new float[0];
        int size = 0;
        for (long block = in.readArrayStart(); block != 0; block = in.arrayNext()) {
            if (block > maxItems - size) {
                throw new MalformedRecordException("vector claims " + (size + block)
                        + " items, more than the value has bytes (" + maxItems + "): corrupt or truncated value");
            }
            vector = Arrays.copyOf(vector, size + (int) block);
            for (int end = vector.length; size < end; size++) {
                vector[size] = in.readFloat();
            }
        }
        return vector;
    }

    private static int nullBranch(String field) {
        return READER_SCHEMA.getField(field).schema().getIndexNamed(Schema.Type.NULL.getName());
    }
}
