package io.featuremon.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.InMemorySchemaRegistryClient;
import io.featuremon.topology.EventType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fuzzer's own encoder and oracle decoder, against featuremon's Avro serde: they must agree byte for byte. */
class FuzzCodecTest {
  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  private final FuzzCodec codec = new FuzzCodec(registry, "e", "f");

  private static Event embedding() {
    return Event.embedding("m", "eu", 1_795_000_000_000L, "r1", new float[] {0.5f, -1.25f, Float.MIN_VALUE, -0.0f});
  }

  private static Event features() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("a", 1.5);
    f.put("b", null);
    f.put("k", "x");
    return Event.features("m", null, 1_795_000_000_000L, null, f);
  }

  @Test
  void shouldWriteByHandExactlyWhatTheAvroSerdeWrites() {
    for (Event e : List.of(embedding(), features(), embedding().withVector(new float[0]),
        features().withFeatures(new LinkedHashMap<>()))) {
      assertThat(codec.encode(e, null, null)).as(e.toString()).isEqualTo(codec.serialize(e));
    }
  }

  @Test
  void shouldDecodeWhatTheAvroSerdeWritesAndWhatItReads() {
    byte[] embedding = codec.serialize(embedding());
    FuzzCodec.Decoded decoded = codec.decode(EventType.EMBEDDING, embedding);
    assertThat(decoded.failure()).isNull();
    EmbeddingEvent viaSerde = new AvroSerde<>(EmbeddingEvent.class, registry).deserializer().deserialize("e", embedding);
    assertThat(decoded.event().model()).isEqualTo(viaSerde.getModel());
    assertThat(decoded.event().segment()).isEqualTo(viaSerde.getSegment());
    assertThat(decoded.event().timestamp()).isEqualTo(viaSerde.getTimestamp());
    float[] vector = new float[viaSerde.getVector().size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = viaSerde.getVector().get(i);
    }
    assertThat(Arrays.equals(decoded.event().vector(), vector)).isTrue();

    byte[] features = codec.serialize(features());
    FeatureEvent tabular = new AvroSerde<>(FeatureEvent.class, registry).deserializer().deserialize("f", features);
    assertThat(codec.decode(EventType.FEATURES, features).event().features()).isEqualTo(tabular.getFeatures());
  }

  @Test
  void shouldDecodeTheEvolvedSchemaByDroppingItsExtraField() {
    byte[] evolved = codec.encode(embedding(), new byte[] {1, 2, 3}, null);
    assertThat(codec.decode(EventType.EMBEDDING, evolved).event().model()).isEqualTo("m");
    EmbeddingEvent viaSerde = new AvroSerde<>(EmbeddingEvent.class, registry).deserializer().deserialize("e", evolved);
    assertThat(viaSerde.getRequestId()).isEqualTo("r1");
  }

  @Test
  void shouldRefuseEveryLieAboutALengthAndAnEventOfTheOtherTopic() {
    for (FuzzCodec.LyingField field : FuzzCodec.LyingField.values()) {
      Event e = field == FuzzCodec.LyingField.FEATURE_NAME || field == FuzzCodec.LyingField.FEATURE_VALUE ? features()
          : embedding();
      for (long claimed : new long[] {Integer.MAX_VALUE - 8, Long.MAX_VALUE, field == FuzzCodec.LyingField.COLLECTION ? -(1L << 40) : -1}) {
        byte[] bytes = codec.encode(e, field == FuzzCodec.LyingField.BLOB ? new byte[4] : null,
            new FuzzCodec.Lie(field, claimed));
        assertThat(codec.decode(e.type(), bytes).ok()).as(field + " " + claimed).isFalse();
      }
    }
    assertThat(codec.decode(EventType.EMBEDDING, codec.serialize(features())).ok()).isFalse();
  }

  @Test
  void shouldGenerateTheSameBytesFromTheSameSeed() {
    FuzzSettings settings = new FuzzSettings(5, 500, java.util.EnumSet.allOf(MutationKind.class), 1_795_000_000_000L);
    List<FuzzRecord> first = new FuzzGenerator(settings, codec, 3).generate().records();
    List<FuzzRecord> second = new FuzzGenerator(settings, codec, 3).generate().records();
    assertThat(first).hasSize(500);
    for (int i = 0; i < first.size(); i++) {
      assertThat(second.get(i).value()).isEqualTo(first.get(i).value());
      assertThat(second.get(i).kind()).isEqualTo(first.get(i).kind());
    }
    assertThat(first.stream().map(FuzzRecord::kind).distinct()).containsExactlyInAnyOrder(MutationKind.values());
  }
}
