package io.featuremon.topology;

import io.featuremon.alerts.RuleSet;
import io.featuremon.config.FeaturemonConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The merge stage of spread input ({@code input.spread.partitions} = N): per group, it keeps the partials the N
 * input partitions send ({@link PartialSender}) and each partition's frontier; once every partition's frontier has
 * passed a window, it merges that window's partials in (partition, sequence) order and reports the result.
 *
 * <p>Why it is deterministic: which partials a window gets is decided by each partition's own events, and the window
 * is merged only once all N have said they are done with it, so the result depends on the input alone, never on
 * which partition's records came first, on thread or instance counts, or on commit timing. A partition that sends
 * nothing for a group holds the group's windows back and changes none of them.
 */
final class MergeProcessor implements Processor<Bytes, byte[], String, SpecificRecord> {
  private final FeaturemonConfig config;
  private final int partitions;
  private final long sizeMs;
  private final ReferencePolicy referencePolicy;
  private final WindowReporter reporter;
  /** Told what this stage reports (the metrics endpoint); never consulted. */
  private final PipelineObserver observer;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<Bytes, byte[]> partials;
  private KeyValueStore<Bytes, byte[]> merge;
  private Panes panes;

  MergeProcessor(FeaturemonConfig config, RuleSet alertRules, WhatIfRules whatIf) {
    this(config, alertRules, whatIf, PipelineObserver.NONE);
  }

  MergeProcessor(FeaturemonConfig config, RuleSet alertRules, WhatIfRules whatIf, PipelineObserver observer) {
    this.config = config;
    this.partitions = config.spreadPartitions();
    this.sizeMs = config.windowSize().toMillis();
    this.referencePolicy = ReferencePolicy.of(config);
    this.observer = observer;
    this.reporter = new WindowReporter(config, referencePolicy, alertRules, whatIf, observer);
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.partials = context.getStateStore(FeaturemonTopology.PARTIALS_STORE);
    this.merge = context.getStateStore(FeaturemonTopology.MERGE_STORE);
    this.panes = new Panes(config, referencePolicy.drift(), partials, null);
    reporter.init(context, merge);
  }

  @Override
  public void process(Record<Bytes, byte[]> record) {
    String malformed = malformed(record);
    if (malformed != null) {
      refuse(record, malformed);
      return;
    }
    byte[] key = record.key().get();
    int prefixLength = StateCodec.groupPrefixLength(key);
    byte kind = key[prefixLength];
    if ((kind == StateCodec.KIND_PARTIAL || kind == StateCodec.KIND_PARTIAL_INDEX)
        && StateCodec.partialWindowStart(key, prefixLength) <= merged(java.util.Arrays.copyOf(key, prefixLength))) {
      // A partial of a window already merged: only a replay after a crash under at-least-once sends one (under
      // exactly-once the window stage's state rolls back with it). Stored, it would never be merged or deleted.
      LOG.debug("dropped a partial of an already merged window");
      return;
    }
    switch (kind) {
      case StateCodec.KIND_PARTIAL -> partials.put(record.key(), record.value());
      case StateCodec.KIND_PARTIAL_INDEX -> merge.put(record.key(), record.value());
      case StateCodec.KIND_FRONTIER -> {
        byte[] group = java.util.Arrays.copyOf(key, prefixLength);
        long frontier = StateCodec.decodeLong(record.value());
        byte[] old = merge.get(record.key());
        if (old == null || StateCodec.decodeLong(old) < frontier) {
          merge.put(record.key(), record.value());
          mergeDue(group);
        }
      }
      default -> throw new IllegalStateException("kind " + kind + " passed malformed()"); // it refuses others
    }
  }

  /**
   * Why a record of the partials topic cannot be one the window stage wrote, or null. The topic is internal, but a
   * record on it is still input: one written by hand or by another version must end as a dead letter, never stop
   * a stream thread. The shape is checked here; a value that passes is decoded only by the codecs that wrote it.
   */
  private String malformed(Record<Bytes, byte[]> record) {
    if (record.key() == null || record.value() == null) {
      return "no key or no value";
    }
    byte[] key = record.key().get();
    if (key.length < 3 || StateCodec.groupPrefixLength(key) >= key.length) {
      return "key of " + key.length + " bytes does not hold a group and a kind";
    }
    int prefixLength = StateCodec.groupPrefixLength(key);
    try {
      GroupKey.fromBytes(java.util.Arrays.copyOfRange(key, 2, prefixLength));
    } catch (IllegalStateException | IllegalArgumentException e) {
      return "unreadable group key: " + e.getMessage();
    }
    int rest = key.length - prefixLength;
    switch (key[prefixLength]) {
      case StateCodec.KIND_PARTIAL -> {
        // kind, window, partition, seq, then a pane entry's pane start and kind at least
        return rest >= 1 + 16 + 9 ? null : "partial entry key too short (" + key.length + " bytes)";
      }
      case StateCodec.KIND_PARTIAL_INDEX -> {
        if (rest != 1 + 16) {
          return "partial index key of " + key.length + " bytes";
        }
        try {
          StateCodec.decodePartialInfo(record.value());
          return null;
        } catch (IllegalStateException | IllegalArgumentException e) {
          return "unreadable partial index: " + e.getMessage();
        }
      }
      case StateCodec.KIND_FRONTIER -> {
        if (rest != 1 + 4) {
          return "frontier key of " + key.length + " bytes";
        }
        int partition = java.nio.ByteBuffer.wrap(key, prefixLength + 1, 4).getInt();
        if (partition < 0 || partition >= partitions) {
          return "frontier of partition " + partition + ", outside input.spread.partitions=" + partitions;
        }
        try {
          StateCodec.decodeLong(record.value());
          return null;
        } catch (IllegalStateException | IllegalArgumentException e) {
          return "unreadable frontier: " + e.getMessage();
        }
      }
      default -> {
        return "unknown partials record kind " + key[prefixLength];
      }
    }
  }

  private void refuse(Record<Bytes, byte[]> record, String reason) {
    var meta = context.recordMetadata().orElse(null);
    io.featuremon.avro.DeadLetter letter = DeadLetters.of(
        meta == null ? "" : meta.topic(), meta == null ? -1 : meta.partition(), meta == null ? -1 : meta.offset(),
        Math.max(0, record.timestamp()), DeadLetters.STAGE_MERGE, "not a partial the window stage wrote: " + reason,
        null, null, record.key() == null ? null : record.key().get(), record.value());
    observer.deadLetter(context.taskId(), letter);
    context.forward(new Record<String, SpecificRecord>(null, letter, Math.max(0, record.timestamp())),
        FeaturemonTopology.MERGE_DEAD_LETTERS_SINK);
  }

  /** Merges and reports, in window order, every window of the group all partitions have closed. */
  private void mergeDue(byte[] group) {
    long frontier = Long.MAX_VALUE;
    long ahead = Long.MIN_VALUE;
    long[] frontiers = new long[partitions];
    for (int p = 0; p < partitions; p++) {
      byte[] bytes = merge.get(StateCodec.frontierKey(group, p));
      frontiers[p] = bytes == null ? Long.MIN_VALUE : StateCodec.decodeLong(bytes); // none yet: before everything
      frontier = Math.min(frontier, frontiers[p]);
      ahead = Math.max(ahead, frontiers[p]);
    }
    reportWaiting(group, frontiers, ahead);
    if (frontier == Long.MIN_VALUE) {
      return;
    }
    if (merged(group) >= frontier) {
      return;
    }
    List<KeyValue<Bytes, byte[]>> index = new ArrayList<>();
    try (var it = merge.range(StateCodec.partialIndexKey(group, Long.MIN_VALUE, 0, 0),
        StateCodec.partialIndexKey(group, frontier, Integer.MAX_VALUE, Integer.MAX_VALUE))) {
      it.forEachRemaining(index::add);
    }
    GroupKey key = GroupKey.fromBytes(java.util.Arrays.copyOfRange(group, 2, group.length));
    // A window's partials grouped by schema: a window a schema change fell in is reported once per schema, as
    // without spread input. Reports go in the order the partitions closed them (lowest seq first, then window
    // start): over one partition exactly the window stage's own order, so the mask and alert state step alike.
    Map<List<Object>, Due> due = new LinkedHashMap<>();
    for (KeyValue<Bytes, byte[]> entry : index) {
      long[] id = StateCodec.decodePartialIndexKey(entry.key);
      StateCodec.PartialInfo info = StateCodec.decodePartialInfo(entry.value);
      Due d = due.computeIfAbsent(List.of(id[0], info.schema()), k -> new Due(id[0], info.schema(), new ArrayList<>()));
      d.parts().add(id);
      d.time = Math.max(d.time, info.time());
      d.firstSeq = Math.min(d.firstSeq, id[2]);
    }
    List<Due> ordered = new ArrayList<>(due.values());
    ordered.sort(java.util.Comparator.comparingLong((Due d) -> d.firstSeq).thenComparingLong(Due::start));
    for (Due d : ordered) {
      List<WindowPartial> parts = new ArrayList<>();
      for (long[] id : d.parts()) { // in (partition, seq) order: the index's key order
        byte[] prefix = StateCodec.partialPrefix(group, d.start(), (int) id[1], (int) id[2]);
        parts.add(panes.read(prefix, 0, d.schema()));
        panes.deletePartial(prefix, 0, d.schema());
        merge.delete(StateCodec.partialIndexKey(group, d.start(), (int) id[1], (int) id[2]));
      }
      reporter.report(key, group, d.schema(), d.start(), d.start() + sizeMs,
          WindowPartial.merge(parts, d.schema(), config.maxCategories()), d.time);
    }
    merge.put(StateCodec.groupKey(group, StateCodec.KIND_MERGED), StateCodec.encodeLong(frontier));
  }

  /** The start of the group's latest merged window (every earlier one is merged too), or MIN_VALUE. */
  private long merged(byte[] group) {
    byte[] bytes = merge.get(StateCodec.groupKey(group, StateCodec.KIND_MERGED));
    return bytes == null ? Long.MIN_VALUE : StateCodec.decodeLong(bytes);
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MergeProcessor.class);
  /** Per group, the partitions holding its windows back, since when (wall time), and whether that was logged. */
  private final Map<String, Waiting> waiting = new java.util.HashMap<>();

  private record Waiting(java.util.Set<Integer> partitions, long sinceNanos, boolean logged) {}

  /** How long partitions must hold a group back before it is logged: catching up, they do for seconds. */
  static final long WAITING_LOG_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);

  /**
   * Logs which partitions hold a group's windows back, once they have for a minute of wall time (a partition more
   * than one window behind the most advanced one, or with no events of the group at all, is idle for this group;
   * the fix is upstream: events of the model on every partition, or input.spread.partitions=0); and when they
   * catch up. Wall time decides only the log, never an output.
   */
  private void reportWaiting(byte[] group, long[] frontiers, long ahead) {
    if (ahead == Long.MIN_VALUE) {
      return; // nothing closed anywhere yet: nobody is behind
    }
    java.util.Set<Integer> behind = new java.util.TreeSet<>();
    for (int p = 0; p < frontiers.length; p++) {
      boolean late = ahead == Long.MAX_VALUE ? frontiers[p] != Long.MAX_VALUE
          : frontiers[p] == Long.MIN_VALUE || frontiers[p] < ahead - sizeMs;
      if (late) {
        behind.add(p);
      }
    }
    String name = GroupKey.fromBytes(java.util.Arrays.copyOfRange(group, 2, group.length)).outputKey();
    Waiting before = waiting.get(name);
    long now = System.nanoTime();
    if (before == null || !before.partitions().equals(behind)) {
      if (before != null && before.logged()) {
        LOG.info("{}: input partitions {} caught up", name, before.partitions());
      }
      if (behind.isEmpty()) {
        waiting.remove(name);
      } else {
        waiting.put(name, new Waiting(behind, now, false));
      }
    } else if (!before.logged() && now - before.sinceNanos() >= WAITING_LOG_NANOS) {
      waiting.put(name, new Waiting(behind, before.sinceNanos(), true));
      LOG.warn("{}: windows have been held back for a minute by input partition(s) {}, which have no events of it"
          + " past the others' (a partition without events of a model holds its windows until it has some: produce"
          + " its events to every partition, or set input.spread.partitions=0)", name, behind);
    }
  }

  /** One report due: a window's partials of one schema. */
  private static final class Due {
    private final long start;
    private final StateCodec.Schema schema;
    private final List<long[]> parts;
    long time = Long.MIN_VALUE;
    long firstSeq = Long.MAX_VALUE;

    Due(long start, StateCodec.Schema schema, List<long[]> parts) {
      this.start = start;
      this.schema = schema;
      this.parts = parts;
    }

    long start() {
      return start;
    }

    StateCodec.Schema schema() {
      return schema;
    }

    List<long[]> parts() {
      return parts;
    }
  }

  @Override
  public void close() {
    // Nothing held outside the stores; the observer forgets this task's groups (it may run elsewhere now).
    observer.taskClosed(context.taskId());
  }
}
