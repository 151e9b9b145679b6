package io.featuremon.rest;

import io.featuremon.config.FeaturemonConfig;
import io.featuremon.topology.FeaturemonTopology;
import io.featuremon.topology.GroupKey;
import io.featuremon.topology.LatestState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The application's state through Kafka Streams' interactive queries (IQv2, KIP-796) on
 * {@link FeaturemonTopology#LATEST_STORE}: a group's owner from {@code queryMetadataForKey} with the topology's own
 * partitioner, its entry by a {@link KeyQuery} on the owning partition, this instance's entries by a
 * {@link RangeQuery} on its active partitions. Every query requires the active task: a standby's copy may lag, and
 * an answer is either current or a 503, never silently stale.
 */
final class StreamsBackend implements StateBackend {
  private final KafkaStreams streams;
  /** The topic whose partitions are the store's: the window stage's (or, with spread input, the merge stage's) input. */
  private final String storeTopic;
  private final StreamPartitioner<GroupKey, Void> partitioner;

  StreamsBackend(KafkaStreams streams, FeaturemonConfig config) {
    this.streams = streams;
    this.storeTopic = FeaturemonTopology.repartitionTopic(config);
    this.partitioner = LatestState.partitioner(config);
  }

  /** Only a running client answers: while it rebalances or restores, its tasks (and so the owners) may move. */
  private void requireRunning() throws Unavailable {
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING) {
      throw new Unavailable("Kafka Streams is " + state + " (its tasks are being assigned or restored)");
    }
  }

  @Override
  public String owner(GroupKey group) throws Unavailable {
    requireRunning();
    KeyQueryMetadata metadata;
    try {
      metadata = streams.queryMetadataForKey(FeaturemonTopology.LATEST_STORE, group, partitioner);
    } catch (IllegalStateException | InvalidStateStoreException e) {
      throw new Unavailable("the owner of " + group.outputKey() + " is not known yet: " + e.getMessage());
    }
    if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata) || metadata.activeHost() == null) {
      throw new Unavailable("no instance owns " + group.outputKey() + " at the moment (rebalancing)");
    }
    return metadata.activeHost().host() + ":" + metadata.activeHost().port();
  }

  @Override
  public LatestState local(GroupKey group) throws Unavailable {
    requireRunning();
    KeyQueryMetadata metadata = streams.queryMetadataForKey(FeaturemonTopology.LATEST_STORE, group, partitioner);
    int partition = metadata.partition();
    StateQueryRequest<byte[]> request = StateQueryRequest.inStore(FeaturemonTopology.LATEST_STORE)
        .withQuery(KeyQuery.<Bytes, byte[]>withKey(LatestState.key(group)))
        .withPartitions(Set.of(partition)).requireActive();
    QueryResult<byte[]> result = run(request).getPartitionResults().get(partition);
    if (result == null || result.isFailure()) {
      throw new Unavailable("partition " + partition + " of " + FeaturemonTopology.LATEST_STORE + " cannot be queried"
          + " here now" + (result == null ? "" : ": " + result.getFailureReason() + " " + result.getFailureMessage()));
    }
    byte[] value = result.getResult();
    return value == null ? null : LatestState.fromBytes(value);
  }

  @Override
  public List<Map.Entry<GroupKey, LatestState>> localAll(int limit) throws Unavailable {
    requireRunning();
    Set<Integer> partitions = new TreeSet<>();
    for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
      for (TaskMetadata task : thread.activeTasks()) {
        for (TopicPartition tp : task.topicPartitions()) {
          if (tp.topic().equals(storeTopic)) {
            partitions.add(tp.partition());
          }
        }
      }
    }
    List<Map.Entry<GroupKey, LatestState>> entries = new ArrayList<>();
    if (partitions.isEmpty()) {
      return entries;
    }
    StateQueryRequest<KeyValueIterator<Bytes, byte[]>> request = StateQueryRequest
        .inStore(FeaturemonTopology.LATEST_STORE).withQuery(RangeQuery.<Bytes, byte[]>withNoBounds())
        .withPartitions(partitions).requireActive();
    StateQueryResult<KeyValueIterator<Bytes, byte[]>> result = run(request);
    Unavailable failure = null;
    // Every iterator is closed, even after a failure or at the limit: each holds a RocksDB snapshot.
    for (Map.Entry<Integer, QueryResult<KeyValueIterator<Bytes, byte[]>>> e : result.getPartitionResults().entrySet()) {
      QueryResult<KeyValueIterator<Bytes, byte[]>> partition = e.getValue();
      if (partition.isFailure()) {
        failure = new Unavailable("partition " + e.getKey() + " of " + FeaturemonTopology.LATEST_STORE
            + " cannot be queried here now: " + partition.getFailureReason() + " " + partition.getFailureMessage());
        continue;
      }
      try (KeyValueIterator<Bytes, byte[]> it = partition.getResult()) {
        while (failure == null && entries.size() < limit && it.hasNext()) {
          KeyValue<Bytes, byte[]> kv = it.next();
          entries.add(Map.entry(LatestState.group(kv.key), LatestState.fromBytes(kv.value)));
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    if (!result.getPartitionResults().keySet().containsAll(partitions)) {
      throw new Unavailable("partitions " + partitions + " were not all answered");
    }
    return entries;
  }

  private <R> StateQueryResult<R> run(StateQueryRequest<R> request) throws Unavailable {
    try {
      return streams.query(request);
    } catch (InvalidStateStoreException | IllegalStateException e) {
      throw new Unavailable(FeaturemonTopology.LATEST_STORE + " cannot be queried now: " + e.getMessage());
    }
  }

  @Override
  public List<String> instances() throws Unavailable {
    requireRunning();
    List<String> hosts = new ArrayList<>();
    for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
      hosts.add(m.host() + ":" + m.port());
    }
    if (hosts.isEmpty()) {
      throw new Unavailable("no instance metadata yet");
    }
    return hosts;
  }

  @Override
  public List<Map<String, Object>> instanceMetadata() throws Unavailable {
    requireRunning();
    List<Map<String, Object>> all = new ArrayList<>();
    for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("instance", m.host() + ":" + m.port());
      one.put("activePartitions", partitions(m.topicPartitions()));
      one.put("standbyPartitions", partitions(m.standbyTopicPartitions()));
      one.put("stores", new TreeSet<>(m.stateStoreNames()));
      all.add(one);
    }
    return all;
  }

  /** The store's partitions among {@code topicPartitions}. */
  private List<Integer> partitions(Set<TopicPartition> topicPartitions) {
    return topicPartitions.stream().filter(tp -> tp.topic().equals(storeTopic)).map(TopicPartition::partition)
        .sorted().toList();
  }
}
