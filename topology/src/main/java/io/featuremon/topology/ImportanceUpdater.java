package io.featuremon.topology;

import io.featuremon.avro.FeatureImportance;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.SchemaRegistryClient;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global importance store in step with the compacted feature-importance topic: model → importances.
 * A global store has no downstream, so a record that cannot be decoded is logged with its coordinates and skipped;
 * the previous importance of its model stays in effect.
 */
final class ImportanceUpdater implements Processor<String, byte[], Void, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(ImportanceUpdater.class);

  private final SchemaRegistryClient registry;
  private Deserializer<FeatureImportance> deserializer;
  private KeyValueStore<String, byte[]> store;
  private ProcessorContext<Void, Void> context;

  ImportanceUpdater(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.store = context.getStateStore(FeaturemonTopology.IMPORTANCE_STORE);
    this.deserializer = new AvroSerde<>(FeatureImportance.class, registry).deserializer();
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String model = record.key();
    if (record.value() == null) {
      if (model != null) {
        store.delete(model);
      }
      return;
    }
    try {
      FeatureImportance importance = decodeWaitingForRegistry(record.value());
      Map<String, Double> values = new TreeMap<>(importance.getImportance());
      for (Map.Entry<String, Double> e : values.entrySet()) {
        if (!(e.getValue() >= 0) || e.getValue().isInfinite()) {
          throw new SerializationException("importance of '" + e.getKey() + "' is " + e.getValue() + ", not >= 0");
        }
      }
      store.put(importance.getModel(), encode(values));
    } catch (SerializationException e) {
      var meta = context.recordMetadata().orElse(null);
      LOG.warn("skipping feature-importance record {}: {}", meta == null ? "?" : meta.topic() + "/" + meta.partition()
          + "@" + meta.offset(), e.getMessage());
    }
  }

  /**
   * Decodes, waiting out a registry outage in place: the global thread is in no consumer group and no transaction,
   * so it may block; if it died instead, the whole client would shut down.
   */
  private FeatureImportance decodeWaitingForRegistry(byte[] value) {
    long backoff = 500;
    while (true) {
      try {
        return deserializer.deserialize(null, value);
      } catch (io.featuremon.serdes.SchemaRegistryUnavailableException e) {
        LOG.warn("schema registry unavailable while reading feature importance; retrying in {} ms: {}", backoff,
            e.getMessage());
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoff = Math.min(30_000, backoff * 2);
      }
    }
  }

  static byte[] encode(Map<String, Double> values) {
    BinaryWriter out = new BinaryWriter(16 + 24 * values.size()).writeByte(1).writeInt(values.size());
    values.forEach((k, v) -> out.writeString(k).writeDouble(v));
    return out.toByteArray();
  }

  static Map<String, Double> decode(byte[] bytes) {
    BinaryReader in = new BinaryReader(bytes, "feature importance");
    byte format = in.readByte();
    if (format != 1) {
      throw new IllegalStateException("feature importance written in unknown format " + format);
    }
    int n = in.readInt();
    Map<String, Double> values = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      values.put(in.readString(), in.readDouble());
    }
    in.end();
    return values;
  }
}
