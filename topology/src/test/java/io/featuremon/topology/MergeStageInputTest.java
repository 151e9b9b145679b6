package io.featuremon.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.avro.DeadLetter;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.InMemorySchemaRegistryClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The partials topic is internal, but what is on it is still input: a record featuremon did not write (by hand, by
 * another version, truncated) must become a dead letter naming why, and the merge stage must go on.
 */
class MergeStageInputTest {
  @TempDir
  Path stateDir;

  @Test
  void malformedPartialsRecordsAreDeadLettersAndTheStageGoesOn() {
    FeaturemonConfig config = FeaturemonConfig.load(Map.of(FeaturemonConfig.INPUT_SPREAD_PARTITIONS, "2"), null,
        Map.of());
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "test:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    try (TopologyTestDriver driver = new TopologyTestDriver(FeaturemonTopology.build(config, registry, false), props)) {
      TestInputTopic<byte[], byte[]> partials = driver.createInputTopic(FeaturemonTopology.repartitionTopic(config),
          new ByteArraySerializer(), new ByteArraySerializer());
      byte[] group = StateCodec.groupPrefix(new GroupKey("m", null, EventType.EMBEDDING));
      byte[] unknownKind = StateCodec.groupKey(group, (byte) 'x').get();
      byte[] frontierOfPartition7 = StateCodec.frontierKey(group, 7).get();
      byte[] goodFrontier = StateCodec.frontierKey(group, 0).get();
      partials.pipeInput(new byte[] {0}, new byte[] {1});
      partials.pipeInput(new byte[] {0, 9, 1, 2}, new byte[] {1});
      partials.pipeInput(unknownKind, new byte[] {1});
      partials.pipeInput(frontierOfPartition7, StateCodec.encodeLong(0));
      partials.pipeInput(goodFrontier, new byte[] {1, 2, 3});
      partials.pipeInput(StateCodec.partialIndexKey(group, 0, 0, 0).get(), new byte[] {1});
      partials.pipeInput(goodFrontier, StateCodec.encodeLong(0)); // well formed: taken, no output

      List<DeadLetter> letters = driver.createOutputTopic(config.deadLettersTopic(), new StringDeserializer(),
          new AvroSerde<>(DeadLetter.class, registry).deserializer()).readValuesToList();
      assertThat(letters).extracting(l -> l.getStage().toString()).containsOnly("merge");
      assertThat(letters).extracting(l -> l.getReason().toString()).hasSize(6).satisfiesExactly(
          r -> assertThat(r).contains("does not hold a group and a kind"),
          r -> assertThat(r).contains("does not hold a group and a kind"),
          r -> assertThat(r).contains("unknown partials record kind 120"),
          r -> assertThat(r).contains("frontier of partition 7, outside input.spread.partitions=2"),
          r -> assertThat(r).contains("unreadable frontier"),
          r -> assertThat(r).contains("unreadable partial index"));
      assertThat(letters).extracting(DeadLetter::getSourceOffset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    }
  }
}
