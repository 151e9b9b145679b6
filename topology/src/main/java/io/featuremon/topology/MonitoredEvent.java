package io.featuremon.topology;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A decoded, validated input event on its way to the window stage, with the coordinates of the record it came
 * from (so that a later stage can still dead-letter it precisely).
 *
 * <p>Exactly one of {@code vector} (embeddings) and {@code features} (tabular: values are {@link Double},
 * {@link String} or null, names sorted) is set, unless {@code endOfInput} is true: then the event only tells the
 * window stage that its group will receive nothing more (sent by offline replays), and it closes every window.
 */
public record MonitoredEvent(
    EventType type,
    long timestamp,
    String requestId,
    String sourceTopic,
    int sourcePartition,
    long sourceOffset,
    long recordTimestamp,
    float[] vector,
    SortedMap<String, Object> features,
    boolean endOfInput,
    String rejection) {

  static MonitoredEvent endOfInput(EventType type, String topic, int partition, long offset, long recordTimestamp) {
    return new MonitoredEvent(type, Long.MAX_VALUE, null, topic, partition, offset, recordTimestamp, null, null, true,
        null);
  }

  /**
   * Tells the window stage that an event of this group and time was refused for its content (code, e.g.
   * "non-finite"), so the window's quality counts include it; it changes no statistic and no stream time.
   */
  static MonitoredEvent rejected(EventType type, long timestamp, String topic, int partition, long offset,
      long recordTimestamp, String code) {
    return new MonitoredEvent(type, timestamp, null, topic, partition, offset, recordTimestamp, null, null, false, code);
  }

  private static final byte FORMAT = 1;
  private static final byte NULL = 0;
  private static final byte NUMBER = 1;
  private static final byte TEXT = 2;

  byte[] toBytes() {
    // Sized for the common case (a feature: name, tag, 8-byte value), so a 55-feature row is written without the
    // buffer doubling twice (BinaryWriter.ensure was 4% of a live tabular run).
    BinaryWriter out = new BinaryWriter(vector != null ? 64 + vector.length * 4
        : 128 + (features == null ? 0 : features.size() * 24))
        .writeByte(FORMAT).writeByte(type.code()).writeByte(endOfInput ? 1 : 0)
        .writeLong(timestamp).writeString(requestId)
        .writeString(sourceTopic).writeInt(sourcePartition).writeLong(sourceOffset).writeLong(recordTimestamp)
        .writeString(rejection);
    if (type == EventType.EMBEDDING) {
      out.writeFloats(vector == null ? new float[0] : vector);
    } else {
      Map<String, Object> values = features == null ? Map.of() : features;
      out.writeInt(values.size());
      for (Map.Entry<String, Object> e : values.entrySet()) {
        out.writeString(e.getKey());
        Object v = e.getValue();
        if (v == null) {
          out.writeByte(NULL);
        } else if (v instanceof Double d) {
          out.writeByte(NUMBER).writeDouble(d);
        } else {
          out.writeByte(TEXT).writeString(v.toString());
        }
      }
    }
    return out.toByteArray();
  }

  static MonitoredEvent fromBytes(byte[] bytes) {
    BinaryReader in = new BinaryReader(bytes, "monitored event");
    byte format = in.readByte();
    if (format != FORMAT) {
      throw new IllegalStateException("unknown monitored-event format " + format);
    }
    EventType type = EventType.ofCode(in.readByte());
    boolean end = in.readByte() == 1;
    long timestamp = in.readLong();
    String requestId = in.readString();
    String topic = in.readString();
    int partition = in.readInt();
    long offset = in.readLong();
    long recordTimestamp = in.readLong();
    String rejection = in.readString();
    float[] vector = null;
    SortedMap<String, Object> features = null;
    if (type == EventType.EMBEDDING) {
      vector = in.readFloats();
    } else {
      int n = in.readInt();
      features = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        String name = in.readString();
        byte tag = in.readByte();
        if (tag != NULL && tag != NUMBER && tag != TEXT) {
          throw new IllegalStateException("monitored event: unknown value tag " + tag + " of feature '" + name + "'");
        }
        features.put(name, tag == NUMBER ? (Object) in.readDouble() : tag == TEXT ? in.readString() : null);
      }
    }
    in.end();
    return new MonitoredEvent(type, timestamp, requestId, topic, partition, offset, recordTimestamp, vector, features, end,
        rejection);
  }

  /** Serde of the repartition topic's value. */
  public static Serde<MonitoredEvent> serde() {
    Serializer<MonitoredEvent> serializer = (topic, e) -> e == null ? null : e.toBytes();
    Deserializer<MonitoredEvent> deserializer = (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
    return new Serde<>() {
      @Override
      public Serializer<MonitoredEvent> serializer() {
        return serializer;
      }

      @Override
      public Deserializer<MonitoredEvent> deserializer() {
        return deserializer;
      }

      @Override
      public void configure(Map<String, ?> configs, boolean isKey) {}
    };
  }
}
