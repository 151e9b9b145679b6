package io.featuremon.topology;

import io.featuremon.avro.Alert;
import io.featuremon.config.FeaturemonConfig;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One group's entry in {@link FeaturemonTopology#LATEST_STORE}: the latest window's statistics, the current mask
 * and the alerts firing now, each as the JSON line the output topics' records render to ({@code AvroJson}), so a
 * REST answer has the shape of the replay's JSON Lines. The mask is the last one published (masks are published
 * only when they change); an alert is here from its firing record until its resolved record.
 *
 * <p>Key: the group's prefix (as every store's keys begin), so the entry lives in the task that owns the group.
 * Value, version 1: window start, window end, the statistics, the mask or null, then the firing alerts by
 * fingerprint.
 */
public record LatestState(long windowStart, long windowEnd, String windowJson, String maskJson,
    SortedMap<String, String> firingAlerts) {
  private static final byte VERSION = 1;
  /** Each group's firing alerts are bounded by its rules × features; this guards the entry against a runaway rule. */
  static final int MAX_FIRING = 10_000;

  public LatestState {
    firingAlerts = Collections.unmodifiableSortedMap(new TreeMap<>(firingAlerts));
  }

  /** The store key of a group. */
  public static Bytes key(GroupKey group) {
    return Bytes.wrap(StateCodec.groupPrefix(group));
  }

  /** The group of a store key. */
  public static GroupKey group(Bytes key) {
    byte[] k = key.get();
    int length = StateCodec.groupPrefixLength(k);
    if (length != k.length) {
      throw new IllegalStateException("latest-store key of " + k.length + " bytes is not a group prefix");
    }
    return GroupKey.fromBytes(java.util.Arrays.copyOfRange(k, 2, k.length));
  }

  byte[] toBytes() {
    BinaryWriter out = new BinaryWriter(windowJson.length() + 64).writeByte(VERSION).writeLong(windowStart)
        .writeLong(windowEnd).writeString(windowJson).writeString(maskJson).writeInt(firingAlerts.size());
    firingAlerts.forEach((fingerprint, json) -> out.writeString(fingerprint).writeString(json));
    return out.toByteArray();
  }

  public static LatestState fromBytes(byte[] bytes) {
    BinaryReader in = new BinaryReader(bytes, "latest state");
    byte version = in.readByte();
    if (version != VERSION) {
      throw new IllegalStateException("unknown latest-state format version " + version);
    }
    long start = in.readLong();
    long end = in.readLong();
    String window = in.readString();
    String mask = in.readString();
    int firing = in.readInt();
    if (firing < 0 || firing > MAX_FIRING) {
      throw new IllegalStateException("latest state bytes are corrupt: " + firing + " firing alerts");
    }
    SortedMap<String, String> alerts = new TreeMap<>();
    for (int i = 0; i < firing; i++) {
      alerts.put(in.readString(), in.readString());
    }
    in.end();
    return new LatestState(start, end, window, mask, alerts);
  }

  /**
   * Records a closed window: its statistics, the mask it published (null: the previous mask stays current) and its
   * live alert transitions (a firing one is added, a resolved one removed).
   */
  static void update(KeyValueStore<Bytes, byte[]> store, byte[] group, long start, long end, String windowJson,
      String maskJson, List<Alert> transitions) {
    Bytes key = Bytes.wrap(group);
    byte[] before = store.get(key);
    LatestState previous = before == null ? null : fromBytes(before);
    SortedMap<String, String> firing = new TreeMap<>(previous == null ? Collections.emptySortedMap()
        : previous.firingAlerts());
    for (Alert alert : transitions) {
      if ("firing".equals(alert.getStatus())) {
        if (firing.size() < MAX_FIRING || firing.containsKey(alert.getFingerprint())) {
          firing.put(alert.getFingerprint(), io.featuremon.serdes.AvroJson.toJsonLine(alert));
        }
      } else {
        firing.remove(alert.getFingerprint());
      }
    }
    String mask = maskJson != null ? maskJson : previous == null ? null : previous.maskJson();
    store.put(key, new LatestState(start, end, windowJson, mask, firing).toBytes());
  }

  /**
   * Where a group's entry lives: the partition of the stage that keeps it, as the topology partitions groups (the
   * repartition topic's default partitioner over the group key; with spread input, the partials' partitioner), for
   * {@code KafkaStreams.queryMetadataForKey}.
   */
  public static StreamPartitioner<GroupKey, Void> partitioner(FeaturemonConfig config) {
    if (config.spreadPartitions() > 0) {
      return new StreamPartitioner<>() {
        @Override
        public Optional<Set<Integer>> partitions(String topic, GroupKey key, Void value, int numPartitions) {
          return FeaturemonTopology.partialsPartition(topic, key(key), null, numPartitions);
        }
      };
    }
    Serializer<GroupKey> keys = GroupKey.serde().serializer();
    // As Kafka's default partitioner for a keyed record: murmur2 of the key's bytes.
    return new StreamPartitioner<>() {
      @Override
      public Optional<Set<Integer>> partitions(String topic, GroupKey key, Void value, int numPartitions) {
        return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(keys.serialize(topic, key))) % numPartitions));
      }
    };
  }
}
