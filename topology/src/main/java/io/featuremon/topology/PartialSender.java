package io.featuremon.topology;

import io.featuremon.config.FeaturemonConfig;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The window stage's side of spread input ({@code input.spread.partitions}): each window it closes goes to the merge
 * stage as a partial (its pane entries, each at most one tile, then an index entry), and every move of a group's
 * stream time past a window boundary as a frontier. The partials topic is keyed by group, and everything one task
 * sends to one partition stays in order, so the merge stage has a partition's partials for a window before that
 * partition's frontier passes it.
 */
final class PartialSender implements WindowProcessor.Closed {
  private final ProcessorContext<String, SpecificRecord> context;
  private final GroupState state;
  private final int partition;
  private final long sizeMs;
  private final long advanceMs;
  private final long graceMs;

  PartialSender(FeaturemonConfig config, ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.state = new GroupState(context.getStateStore(FeaturemonTopology.GROUPS_STORE),
        context.getStateStore(FeaturemonTopology.PENDING_STORE));
    this.partition = context.taskId().partition();
    this.sizeMs = config.windowSize().toMillis();
    this.advanceMs = config.windowAdvance().toMillis();
    this.graceMs = config.windowGrace().toMillis();
    if (partition >= config.spreadPartitions()) {
      // More tasks than configured partitions: this partition's partials would be merged by nobody.
      throw new org.apache.kafka.common.config.ConfigException(FeaturemonConfig.INPUT_SPREAD_PARTITIONS,
          config.spreadPartitions(), "an input topic has a partition " + partition + "; set it to the input topics'"
              + " partition count");
    }
  }

  @Override
  public void accept(GroupKey key, byte[] group, StateCodec.Schema schema, long start, WindowPartial partial,
      long time) {
    int seq = state.nextPartialSeq(group);
    Panes.write((k, v) -> send(k, v, time), StateCodec.partialPrefix(group, start, partition, seq), 0, schema, partial);
    send(StateCodec.partialIndexKey(group, start, partition, seq),
        StateCodec.encodePartialInfo(new StateCodec.PartialInfo(time, schema)), time);
  }

  @Override
  public void streamTimeMoved(byte[] group, long before, long after, long time) {
    long frontier = frontier(after);
    if (frontier != frontier(before)) {
      send(StateCodec.frontierKey(group, partition), StateCodec.encodeLong(frontier), time);
    }
  }

  /** The start of the latest window closed at {@code streamTime} (every earlier one is closed too). */
  private long frontier(long streamTime) {
    if (streamTime == Long.MIN_VALUE || streamTime == Long.MAX_VALUE) {
      return streamTime;
    }
    return Math.floorDiv(streamTime - sizeMs - graceMs, advanceMs) * advanceMs;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void send(Bytes key, byte[] value, long time) {
    // The partials stream is typed <Bytes, byte[]>; the stage's context is typed for its report outputs.
    ((ProcessorContext) context).forward(new Record<>(key, value, time), FeaturemonTopology.PARTIALS_CHILD);
  }
}
