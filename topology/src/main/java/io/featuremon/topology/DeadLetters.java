package io.featuremon.topology;

import io.featuremon.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Builds {@link DeadLetter} records; one place decides how much of a bad record is kept. */
final class DeadLetters {
  /** Raw values are kept up to this size, so an oversized record cannot make an oversized dead letter. */
  static final int MAX_KEPT_BYTES = 64 * 1024;

  /** Texts (reason, model, request id) are cut here: a hostile name must not make a dead letter too big to send. */
  static final int MAX_TEXT_CHARS = 4096;

  static final String STAGE_DECODE = "decode";
  static final String STAGE_VALIDATE = "validate";
  static final String STAGE_WINDOW = "window";
  static final String STAGE_MERGE = "merge";

  private DeadLetters() {}

  static DeadLetter of(String topic, int partition, long offset, long recordTimestamp, String stage, String reason,
      String model, String requestId, byte[] key, byte[] value) {
    return DeadLetter.newBuilder()
        .setSourceTopic(topic)
        .setSourcePartition(partition)
        .setSourceOffset(offset)
        .setRecordTimestamp(recordTimestamp)
        .setStage(stage)
        .setReason(cut(reason))
        .setModel(cut(model))
        .setRequestId(cut(requestId))
        .setKey(key == null ? null : ByteBuffer.wrap(truncate(key)))
        .setValue(value == null ? null : ByteBuffer.wrap(truncate(value)))
        .build();
  }

  /** A dead letter for an event that passed decoding but was refused by the window stage. */
  static DeadLetter ofEvent(MonitoredEvent e, GroupKey key, String reason) {
    return of(e.sourceTopic(), e.sourcePartition(), e.sourceOffset(), e.recordTimestamp(), STAGE_WINDOW, reason,
        key.model(), e.requestId(), null, null);
  }

  private static String cut(String text) {
    return text == null || text.length() <= MAX_TEXT_CHARS ? text
        : text.substring(0, MAX_TEXT_CHARS) + "... (" + text.length() + " characters)";
  }

  private static byte[] truncate(byte[] bytes) {
    return bytes.length <= MAX_KEPT_BYTES ? bytes : Arrays.copyOf(bytes, MAX_KEPT_BYTES);
  }
}
