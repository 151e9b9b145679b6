package io.featuremon.topology;

import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.SchemaRegistryClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Builders of input records as a producer would write them (Avro, Confluent wire format). */
final class TestEvents {
  private final AvroSerde<EmbeddingEvent> embeddings;
  private final AvroSerde<FeatureEvent> features;

  TestEvents(SchemaRegistryClient registry) {
    embeddings = new AvroSerde<>(EmbeddingEvent.class, registry);
    features = new AvroSerde<>(FeatureEvent.class, registry);
  }

  byte[] embedding(String model, long timestamp, float... vector) {
    List<Float> values = new ArrayList<>();
    for (float v : vector) {
      values.add(v);
    }
    return embeddings.serializer().serialize("featuremon-embeddings", EmbeddingEvent.newBuilder().setModel(model)
        .setTimestamp(timestamp).setVector(values).build());
  }

  byte[] features(String model, long timestamp, Map<String, Object> values) {
    return features.serializer().serialize("featuremon-features", FeatureEvent.newBuilder().setModel(model)
        .setTimestamp(timestamp).setFeatures(values).build());
  }

  /** A d-dimensional vector with a planted structure: dimension 1 copies dimension 0, the last one is constant. */
  static float[] structured(Random random, int d) {
    float[] v = new float[d];
    for (int j = 0; j < d; j++) {
      v[j] = (float) random.nextGaussian();
    }
    v[1] = 2 * v[0] + 1;
    v[d - 1] = 0.25f;
    return v;
  }
}
