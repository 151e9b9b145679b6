package io.featuremon.serdes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} for a generated Avro class, in the Confluent wire format, compatible with
 * Confluent's and Apicurio's (Confluent mode) Avro serdes.
 *
 * <p>The serializer registers the class schema under the configured subject (or only looks it up
 * when {@code auto.register.schemas=false}) and writes {@link WireFormat} bytes. The deserializer
 * reads the writer schema id, fetches that schema and resolves it against the class schema, so
 * values written with an older or newer compatible schema decode too.
 *
 * <p>Usage: {@code new AvroSerde<>(FeatureEvent.class, registryClient)} (topic-name subjects,
 * auto-registration), or {@code new AvroSerde<>(FeatureEvent.class)} followed by
 * {@link #configure(Map, boolean)} with a config holding {@code schema.registry.url}. Null data
 * maps to null both ways (Kafka's tombstone convention). Thread-safe once configured.
 *
 * <p>Errors: bytes that do not decode throw {@link MalformedRecordException}; an unknown id
 * {@link SchemaNotFoundException}; an unreachable registry {@link SchemaRegistryUnavailableException}.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final Class<T> type;
    private final Schema readerSchema;
    private final SpecificData model;
    private final SpecificDatumWriter<T> writer;
    // SpecificDatumReader is thread-safe (its resolvers are cached per thread), so one per writer id serves all threads.
    private final ConcurrentMap<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();
    private SchemaRegistryClient client;
    private SubjectNameStrategy subjectNameStrategy;
    private boolean autoRegister;
    private boolean isKey;

    /** A serde that needs {@link #configure(Map, boolean)} before use. */
    public AvroSerde(Class<T> type) {
        this(type, null, SubjectNameStrategy.TOPIC_NAME, true);
    }

    /** A value serde on {@code client}, with topic-name subjects and auto-registration. */
    public AvroSerde(Class<T> type, SchemaRegistryClient client) {
        this(type, client, SubjectNameStrategy.TOPIC_NAME, true);
    }

    /** A value serde on {@code client} with the given subject strategy and registration policy. */
    public AvroSerde(Class<T> type, SchemaRegistryClient client, SubjectNameStrategy subjectNameStrategy, boolean autoRegister) {
        this.type = Objects.requireNonNull(type, "type");
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
        this.writer = new SpecificDatumWriter<>(readerSchema, model);
        this.client = client;
        this.subjectNameStrategy = Objects.requireNonNull(subjectNameStrategy, "subjectNameStrategy");
        this.autoRegister = autoRegister;
    }

    /**
     * Reads {@code auto.register.schemas} and the key or value subject strategy from {@code configs};
     * builds an {@link HttpSchemaRegistryClient} from them unless a client was given to the constructor.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming the key of an invalid setting
     */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SchemaRegistryConfig config = new SchemaRegistryConfig(configs);
        if (client == null) {
            client = new HttpSchemaRegistryClient(config);
        }
        this.subjectNameStrategy = config.subjectNameStrategy(isKey);
        this.autoRegister = config.getBoolean(SchemaRegistryConfig.AUTO_REGISTER_SCHEMAS);
        this.isKey = isKey;
    }

    @Override
    public Serializer<T> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::deserialize;
    }

    private byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        String subject = subjectNameStrategy.subject(topic, isKey, readerSchema);
        int id = autoRegister ? client().register(subject, readerSchema) : client().lookup(subject, readerSchema);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, id);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(data, encoder);
        } catch (IOException | RuntimeException e) {
            // Typically a null in a non-nullable field: the producer's bug, reported with the field.
            throw new SerializationException("cannot write " + type.getSimpleName() + " for topic " + topic + ": " + e, e);
        }
        return out.toByteArray();
    }

    private T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id = WireFormat.schemaId(data);
        SpecificDatumReader<T> reader = reader(id);
        // Lengths inside the value are checked against its size before Avro allocates anything for them.
        BoundedAvro.check(reader.getSchema(), data, WireFormat.HEADER_LENGTH, data.length - WireFormat.HEADER_LENGTH);
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(data, WireFormat.HEADER_LENGTH, data.length - WireFormat.HEADER_LENGTH, null);
        T value;
        boolean fullyRead;
        try {
            value = reader.read(null, decoder);
            fullyRead = decoder.isEnd();
        } catch (IOException | AvroRuntimeException e) {
            // What Avro reports about the bytes or the writer schema (AvroTypeException for an incompatible one, a
            // short read) is the record's; any other exception is a bug and must not pass for bad data.
            throw new MalformedRecordException("cannot decode " + data.length + "-byte value of topic " + topic
                    + " with writer schema id " + id + " (" + reader.getSchema().getFullName() + ") as "
                    + readerSchema.getFullName() + ": " + e, e);
        }
        if (!fullyRead) {
            throw new MalformedRecordException("bytes left over after the Avro body of writer schema id " + id
                    + ": the value was not written with that schema");
        }
        return value;
    }

    private SpecificDatumReader<T> reader(int id) {
        SpecificDatumReader<T> reader = readers.get(id);
        if (reader == null) {
            // Fetched outside computeIfAbsent: the registry call must not hold a map lock.
            reader = new SpecificDatumReader<>(client().getById(id), readerSchema, model);
            readers.putIfAbsent(id, reader);
        }
        return reader;
    }

    private SchemaRegistryClient client() {
        if (client == null) {
            throw new IllegalStateException("AvroSerde<" + type.getSimpleName() + "> has no registry client:"
                    + " pass one to the constructor or call configure() with " + SchemaRegistryConfig.URL);
        }
        return client;
    }
}
