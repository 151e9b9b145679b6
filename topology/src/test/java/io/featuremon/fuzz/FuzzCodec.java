package io.featuremon.fuzz;

import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.SchemaRegistryClient;
import io.featuremon.topology.EventType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Encodes events for one registry and pair of input topics, and decodes them again independently of featuremon.
 *
 * <p>Valid events are written by featuremon's own {@link AvroSerde}, as a producer would. Mutated ones are written
 * by hand ({@link AvroBytes}) with the same schema ids. The "evolved" writer schemas are the event schemas plus a
 * trailing {@code bytes} field, registered under subjects of their own: a reader must skip that field.
 *
 * <p>{@link #decode} is the oracle the accounting uses to learn the group and event time of a record featuremon
 * accepted. It knows only the four layouts registered here and checks every length against the bytes that remain,
 * so a bit-flipped length cannot make the test itself allocate gigabytes.
 */
public final class FuzzCodec {
  /** Where a hand-written event gets a length prefix or block count that lies. */
  public enum LyingField { MODEL, SEGMENT, REQUEST_ID, FEATURE_NAME, FEATURE_VALUE, COLLECTION, BLOB }

  /** A length prefix (string, bytes) or block count (array, map) replaced by {@code claimed}. */
  public record Lie(LyingField field, long claimed) {}

  private static final String BLOB_FIELD = "fuzzBlob";

  private final String embeddingsTopic;
  private final String featuresTopic;
  private final Serializer<EmbeddingEvent> embeddingSerializer;
  private final Serializer<FeatureEvent> featureSerializer;
  private final int embeddingId;
  private final int featuresId;
  private final int evolvedEmbeddingId;
  private final int evolvedFeaturesId;

  public FuzzCodec(SchemaRegistryClient registry, String embeddingsTopic, String featuresTopic) {
    this.embeddingsTopic = embeddingsTopic;
    this.featuresTopic = featuresTopic;
    this.embeddingSerializer = new AvroSerde<>(EmbeddingEvent.class, registry).serializer();
    this.featureSerializer = new AvroSerde<>(FeatureEvent.class, registry).serializer();
    this.embeddingId = registry.register(embeddingsTopic + "-value", EmbeddingEvent.getClassSchema());
    this.featuresId = registry.register(featuresTopic + "-value", FeatureEvent.getClassSchema());
    this.evolvedEmbeddingId = registry.register(embeddingsTopic + "-fuzz-evolved-value",
        withBlob(EmbeddingEvent.getClassSchema()));
    this.evolvedFeaturesId = registry.register(featuresTopic + "-fuzz-evolved-value",
        withBlob(FeatureEvent.getClassSchema()));
  }

  private static Schema withBlob(Schema schema) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(new Schema.Field(BLOB_FIELD, Schema.create(Schema.Type.BYTES), "added by a newer producer", (Object) null));
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  public String topic(EventType type) {
    return type == EventType.EMBEDDING ? embeddingsTopic : featuresTopic;
  }

  public int schemaId(EventType type) {
    return type == EventType.EMBEDDING ? embeddingId : featuresId;
  }

  public int evolvedSchemaId(EventType type) {
    return type == EventType.EMBEDDING ? evolvedEmbeddingId : evolvedFeaturesId;
  }

  /** The largest schema id this codec registered. */
  public int maxKnownId() {
    return Math.max(Math.max(embeddingId, featuresId), Math.max(evolvedEmbeddingId, evolvedFeaturesId));
  }

  /** Through featuremon's {@link AvroSerde}, for the event's own topic. */
  public byte[] serialize(Event event) {
    SpecificRecord avro = event.avro();
    return event.type() == EventType.EMBEDDING
        ? embeddingSerializer.serialize(embeddingsTopic, (EmbeddingEvent) avro)
        : featureSerializer.serialize(featuresTopic, (FeatureEvent) avro);
  }

  /**
   * By hand: the event with its type's schema id, or with the evolved schema's id and {@code blob} appended; with
   * {@code lie}, one length prefix or block count is replaced (the bytes that follow stay what they would be).
   */
  public byte[] encode(Event event, byte[] blob, Lie lie) {
    int size = 64 + event.model().length() * 3 + (event.vector() != null ? event.vector().length * 4 : 0)
        + (event.features() != null ? event.features().size() * 24 : 0) + (blob != null ? blob.length : 0);
    AvroBytes out = new AvroBytes(size);
    out.header(blob != null ? evolvedSchemaId(event.type()) : schemaId(event.type()));
    out.writeString(event.model(), claim(lie, LyingField.MODEL));
    writeOptional(out, event.segment(), claim(lie, LyingField.SEGMENT));
    out.writeLong(event.timestamp());
    writeOptional(out, event.requestId(), claim(lie, LyingField.REQUEST_ID));
    Long collection = claim(lie, LyingField.COLLECTION);
    if (event.type() == EventType.EMBEDDING) {
      float[] v = event.vector();
      if (v.length > 0 || collection != null) {
        writeBlockCount(out, collection != null ? collection : v.length);
        for (float f : v) {
          out.writeFloat(f);
        }
      }
    } else {
      Map<String, Object> features = event.features();
      if (!features.isEmpty() || collection != null) {
        writeBlockCount(out, collection != null ? collection : features.size());
        Long name = claim(lie, LyingField.FEATURE_NAME);
        Long value = claim(lie, LyingField.FEATURE_VALUE);
        boolean valueLied = false;
        for (Map.Entry<String, Object> e : features.entrySet()) {
          out.writeString(e.getKey(), name);
          name = null;
          Object v = e.getValue();
          if (value != null && !valueLied) {
            out.writeLong(2).writeString(v == null ? "x" : v.toString(), value);
            valueLied = true;
          } else if (v == null) {
            out.writeLong(0);
          } else if (v instanceof Double d) {
            out.writeLong(1).writeDouble(d);
          } else {
            out.writeLong(2).writeString(v.toString(), null);
          }
        }
      }
    }
    out.writeLong(0); // end of the array or map
    if (blob != null) {
      out.writeBytes(blob, claim(lie, LyingField.BLOB));
    }
    return out.toByteArray();
  }

  private static void writeBlockCount(AvroBytes out, long count) {
    out.writeLong(count);
    if (count < 0) {
      // A negative count is followed by the block's size in bytes; lie about that too.
      out.writeLong(Long.MAX_VALUE / 3);
    }
  }

  private static void writeOptional(AvroBytes out, String value, Long claimed) {
    if (value == null && claimed == null) {
      out.writeLong(0);
    } else {
      out.writeLong(1).writeString(value == null ? "x" : value, claimed);
    }
  }

  private static Long claim(Lie lie, LyingField field) {
    return lie != null && lie.field() == field ? lie.claimed() : null;
  }

  /** What the oracle made of a value: an event, or why it is not one. */
  public record Decoded(Event event, String failure) {
    boolean ok() {
      return event != null;
    }
  }

  /**
   * Decodes a value read from {@code topicType}'s topic as featuremon should: Confluent framing, one of the four
   * schemas registered here (the event schema of the topic, or its evolved version), every byte consumed.
   */
  public Decoded decode(EventType topicType, byte[] value) {
    if (value == null || value.length < 5 || value[0] != 0) {
      return new Decoded(null, "not Confluent-framed");
    }
    int id = (value[1] & 0xff) << 24 | (value[2] & 0xff) << 16 | (value[3] & 0xff) << 8 | (value[4] & 0xff);
    boolean evolved;
    if (id == schemaId(topicType)) {
      evolved = false;
    } else if (id == evolvedSchemaId(topicType)) {
      evolved = true;
    } else {
      return new Decoded(null, "schema id " + id + " is not one of the " + topicType.label() + " schemas the fuzzer registered");
    }
    Reader in = new Reader(value, 5);
    try {
      String model = in.string();
      String segment = in.optionalString();
      long timestamp = in.readLong();
      String requestId = in.optionalString();
      Event event;
      if (topicType == EventType.EMBEDDING) {
        List<Float> items = new ArrayList<>();
        for (long block = in.blockCount(); block != 0; block = in.blockCount()) {
          in.need(block, 4);
          for (long i = 0; i < block; i++) {
            items.add(in.readFloat());
          }
        }
        float[] vector = new float[items.size()];
        for (int i = 0; i < vector.length; i++) {
          vector[i] = items.get(i);
        }
        event = Event.embedding(model, segment, timestamp, requestId, vector);
      } else {
        Map<String, Object> features = new LinkedHashMap<>();
        for (long block = in.blockCount(); block != 0; block = in.blockCount()) {
          in.need(block, 2);
          for (long i = 0; i < block; i++) {
            String name = in.string();
            int branch = in.readInt();
            Object v = switch (branch) {
              case 0 -> null;
              case 1 -> in.readDouble();
              case 2 -> in.string();
              default -> throw new IllegalArgumentException("union branch " + branch + " of 3");
            };
            features.remove(name); // a repeated key: the last value wins, as in a HashMap
            features.put(name, v);
          }
        }
        event = Event.features(model, segment, timestamp, requestId, features);
      }
      if (evolved) {
        in.bytes();
      }
      if (in.pos != value.length) {
        return new Decoded(null, (value.length - in.pos) + " bytes left over");
      }
      return new Decoded(event, null);
    } catch (IllegalArgumentException | ArithmeticException e) {
      return new Decoded(null, e.getMessage());
    }
  }

  /** Avro binary with every length checked against what remains. */
  private static final class Reader {
    private final byte[] data;
    private int pos;

    Reader(byte[] data, int pos) {
      this.data = data;
      this.pos = pos;
    }

    private int next() {
      if (pos >= data.length) {
        throw new IllegalArgumentException("end of data at byte " + pos);
      }
      return data[pos++] & 0xff;
    }

    /** As Avro's BinaryDecoder: at most 10 bytes, bits beyond 64 dropped. */
    long readLong() {
      long n = 0;
      for (int shift = 0; ; shift += 7) {
        if (shift > 63) {
          throw new IllegalArgumentException("invalid long encoding");
        }
        int b = next();
        n |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          break;
        }
      }
      return (n >>> 1) ^ -(n & 1);
    }

    /** As Avro's BinaryDecoder: at most 5 bytes, bits beyond 32 dropped. */
    int readInt() {
      int n = 0;
      for (int shift = 0; ; shift += 7) {
        if (shift > 28) {
          throw new IllegalArgumentException("invalid int encoding");
        }
        int b = next();
        n |= (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          break;
        }
      }
      return (n >>> 1) ^ -(n & 1);
    }

    float readFloat() {
      need(1, 4);
      int bits = 0;
      for (int i = 0; i < 4; i++) {
        bits |= (data[pos++] & 0xff) << (8 * i);
      }
      return Float.intBitsToFloat(bits);
    }

    double readDouble() {
      need(1, 8);
      long bits = 0;
      for (int i = 0; i < 8; i++) {
        bits |= (long) (data[pos++] & 0xff) << (8 * i);
      }
      return Double.longBitsToDouble(bits);
    }

    byte[] bytes() {
      long length = readLong();
      if (length < 0) {
        throw new IllegalArgumentException("negative length " + length);
      }
      need(length, 1);
      byte[] b = java.util.Arrays.copyOfRange(data, pos, pos + (int) length);
      pos += (int) length;
      return b;
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    String optionalString() {
      int branch = readInt();
      return switch (branch) {
        case 0 -> null;
        case 1 -> string();
        default -> throw new IllegalArgumentException("union branch " + branch + " of 2");
      };
    }

    /** An array or map block count; a negative one is followed by the block's byte size, as Avro allows. */
    long blockCount() {
      long count = readLong();
      if (count < 0) {
        readLong();
        count = Math.negateExact(count);
      }
      return count;
    }

    void need(long items, int minBytesEach) {
      if (items < 0 || items > (data.length - pos) / minBytesEach) {
        throw new IllegalArgumentException(items + " items claimed, " + (data.length - pos) + " bytes left");
      }
    }
  }
}
