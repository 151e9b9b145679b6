package io.featuremon.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The window stage's per-group state outside the panes, typed: clock, schema, shapes awaiting confirmation and their
 * buffered events, refusal counts per pane, the task's group count and the count of partials sent. The one place
 * that knows their keys and encodings ({@link StateCodec}); {@link Panes} is the other half, the statistics.
 */
final class GroupState {
  private final KeyValueStore<Bytes, byte[]> groups;
  private final KeyValueStore<Bytes, byte[]> pending;

  GroupState(KeyValueStore<Bytes, byte[]> groups, KeyValueStore<Bytes, byte[]> pending) {
    this.groups = groups;
    this.pending = pending;
  }

  /** The group's clock, or null for a group that has never accepted an event. */
  StateCodec.Clock clock(byte[] group) {
    byte[] bytes = groups.get(StateCodec.groupKey(group, StateCodec.KIND_CLOCK));
    return bytes == null ? null : StateCodec.decodeClock(bytes);
  }

  void saveClock(byte[] group, StateCodec.Clock clock) {
    groups.put(StateCodec.groupKey(group, StateCodec.KIND_CLOCK), StateCodec.encodeClock(clock));
  }

  /** The group's confirmed schema, or null before there is one. */
  StateCodec.Schema schema(byte[] group) {
    byte[] bytes = groups.get(StateCodec.groupKey(group, StateCodec.KIND_SCHEMA));
    return bytes == null ? null : StateCodec.decodeSchema(bytes);
  }

  void saveSchema(byte[] group, StateCodec.Schema schema) {
    groups.put(StateCodec.groupKey(group, StateCodec.KIND_SCHEMA), StateCodec.encodeSchema(schema));
  }

  /** The shapes awaiting confirmation (none when the entry is absent). */
  StateCodec.Candidates candidates(byte[] group) {
    byte[] bytes = groups.get(StateCodec.groupKey(group, StateCodec.KIND_CANDIDATES));
    return bytes == null ? StateCodec.Candidates.none() : StateCodec.decodeCandidates(bytes);
  }

  /** Saves the candidates; with none pending, deletes the entry. */
  void saveCandidates(byte[] group, StateCodec.Candidates candidates) {
    Bytes k = StateCodec.groupKey(group, StateCodec.KIND_CANDIDATES);
    if (candidates.pending().isEmpty()) {
      if (groups.get(k) != null) {
        groups.delete(k);
      }
    } else {
      groups.put(k, StateCodec.encodeCandidates(candidates));
    }
  }

  /** Buffers an event under a candidate id (or {@link StateCodec#FOLLOWERS}) at arrival sequence {@code seq}. */
  void buffer(byte[] group, int id, int seq, MonitoredEvent event) {
    pending.put(StateCodec.bufferedKey(group, id, seq), event.toBytes());
  }

  /** Removes and returns, in arrival order, the events buffered under a candidate id (or the followers). */
  List<KeyValue<Integer, MonitoredEvent>> takeBuffered(byte[] group, int id) {
    List<KeyValue<Bytes, byte[]>> entries = new ArrayList<>();
    try (var it = pending.range(StateCodec.bufferedKey(group, id, 0), StateCodec.bufferedKey(group, id, Integer.MAX_VALUE))) {
      it.forEachRemaining(entries::add);
    }
    List<KeyValue<Integer, MonitoredEvent>> events = new ArrayList<>(entries.size());
    for (KeyValue<Bytes, byte[]> kv : entries) {
      pending.delete(kv.key);
      byte[] k = kv.key.get();
      events.add(KeyValue.pair(java.nio.ByteBuffer.wrap(k, k.length - 4, 4).getInt(), MonitoredEvent.fromBytes(kv.value)));
    }
    return events;
  }

  /** The task's count of groups admitted so far. */
  long groupCount() {
    byte[] bytes = groups.get(StateCodec.GROUP_COUNT_KEY);
    return bytes == null ? 0 : StateCodec.decodeLong(bytes);
  }

  void saveGroupCount(long count) {
    groups.put(StateCodec.GROUP_COUNT_KEY, StateCodec.encodeLong(count));
  }

  /** Counts one refused event of the pane, by reason code. */
  void countRejection(byte[] group, long pane, String code) {
    Bytes key = StateCodec.rejectionKey(group, pane);
    byte[] bytes = groups.get(key);
    SortedMap<String, Long> counts = bytes == null ? new TreeMap<>() : StateCodec.decodeCounts(bytes);
    counts.merge(code, 1L, Long::sum);
    groups.put(key, StateCodec.encodeCounts(counts));
  }

  /** Refused events of the panes in [from, to), summed; with {@code delete}, their entries are removed. */
  SortedMap<String, Long> rejections(byte[] group, long from, long to, boolean delete) {
    SortedMap<String, Long> total = new TreeMap<>();
    if (from >= to) {
      return total;
    }
    List<Bytes> seen = new ArrayList<>();
    try (var it = groups.range(StateCodec.rejectionKey(group, from), StateCodec.rejectionKey(group, to - 1))) {
      it.forEachRemaining(kv -> {
        StateCodec.decodeCounts(kv.value).forEach((k, v) -> total.merge(k, v, Long::sum));
        seen.add(kv.key);
      });
    }
    if (delete) {
      seen.forEach(groups::delete);
    }
    return total;
  }

  /** The sequence number of the group's next partial (spread input), counted up. */
  int nextPartialSeq(byte[] group) {
    Bytes key = StateCodec.groupKey(group, StateCodec.KIND_PARTIAL_SEQ);
    byte[] bytes = groups.get(key);
    int seq = bytes == null ? 0 : (int) StateCodec.decodeLong(bytes);
    groups.put(key, StateCodec.encodeLong(seq + 1));
    return seq;
  }
}
