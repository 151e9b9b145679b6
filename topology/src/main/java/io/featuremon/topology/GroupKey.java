package io.featuremon.topology;

import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What statistics are kept per: (model, segment, event type). The key of the repartition topic, so all events of
 * one group meet in one task, in the order of their input partition.
 */
public record GroupKey(String model, String segment, EventType type) {

  /** {@code model|segment|type}, the key of every output record (segment empty when absent). */
  public String outputKey() {
    return model + "|" + (segment == null ? "" : segment) + "|" + type.label();
  }

  byte[] toBytes() {
    return new BinaryWriter(32).writeByte(1).writeByte(type.code()).writeString(model).writeString(segment).toByteArray();
  }

  static GroupKey fromBytes(byte[] bytes) {
    BinaryReader in = new BinaryReader(bytes, "group key");
    byte version = in.readByte();
    if (version != 1) {
      throw new IllegalStateException("unknown group key format version " + version);
    }
    EventType type = EventType.ofCode(in.readByte());
    GroupKey key = new GroupKey(in.readString(), in.readString(), type);
    in.end();
    return key;
  }

  /** Serde of the repartition topic's key; its bytes decide the partition, so the layout is part of the contract. */
  public static Serde<GroupKey> serde() {
    Serializer<GroupKey> serializer = (topic, key) -> key == null ? null : key.toBytes();
    Deserializer<GroupKey> deserializer = (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
    return new Serde<>() {
      @Override
      public Serializer<GroupKey> serializer() {
        return serializer;
      }

      @Override
      public Deserializer<GroupKey> deserializer() {
        return deserializer;
      }

      @Override
      public void configure(Map<String, ?> configs, boolean isKey) {}
    };
  }
}
