package io.featuremon.topology;

import io.featuremon.avro.FeatureEvent;
import io.featuremon.serdes.DecodedEmbedding;
import io.featuremon.serdes.EmbeddingDecoder;
import io.featuremon.serdes.MalformedRecordException;
import io.featuremon.serdes.SchemaNotFoundException;
import io.featuremon.serdes.SchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;
import io.featuremon.avro.DeadLetter;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decode and validate: raw input bytes in, a {@link MonitoredEvent} keyed by its group or a dead letter out.
 *
 * <p>Never throws for a bad record: the decoders report bad bytes as {@link MalformedRecordException} and an
 * unknown writer schema as {@link SchemaNotFoundException}, and only those become dead letters. A registry that
 * cannot be reached is not the record's fault: that exception ({@link RetriableException}) propagates, so the
 * record is retried after the thread is replaced instead of being dead-lettered; so does any other exception (a
 * refusing registry, a bug), which must stop the thread rather than dead-letter valid data.
 */
final class DecodeProcessor implements Processor<byte[], byte[], GroupKey, DecodeResult> {
  /** Header that marks an end-of-input record; honoured only when the topology was built for replay. */
  static final String END_OF_INPUT_HEADER = FeaturemonTopology.END_OF_INPUT_HEADER;

  private final EventType type;
  private final SchemaRegistryClient registry;
  private final Validation validation;
  private final int maxRecordBytes;
  private final boolean acceptEndOfInput;
  private final UnknownSchemaRetry unknownSchemas;
  /** Told of every dead letter (the metrics endpoint); never consulted. */
  private final PipelineObserver observer;
  private ProcessorContext<GroupKey, DecodeResult> context;
  private EmbeddingDecoder embeddings;
  private Deserializer<FeatureEvent> features;

  DecodeProcessor(EventType type, SchemaRegistryClient registry, Validation validation, int maxRecordBytes,
      boolean acceptEndOfInput, UnknownSchemaRetry unknownSchemas) {
    this(type, registry, validation, maxRecordBytes, acceptEndOfInput, unknownSchemas, PipelineObserver.NONE);
  }

  DecodeProcessor(EventType type, SchemaRegistryClient registry, Validation validation, int maxRecordBytes,
      boolean acceptEndOfInput, UnknownSchemaRetry unknownSchemas, PipelineObserver observer) {
    this.observer = observer;
    this.unknownSchemas = unknownSchemas;
    this.type = type;
    this.registry = registry;
    this.validation = validation;
    this.maxRecordBytes = maxRecordBytes;
    this.acceptEndOfInput = acceptEndOfInput;
  }

  @Override
  public void init(ProcessorContext<GroupKey, DecodeResult> context) {
    this.context = context;
    // One decoder per processor instance: decoders reuse buffers and are not thread-safe; the registry client is.
    if (type == EventType.EMBEDDING) {
      embeddings = new EmbeddingDecoder(registry);
    } else {
      features = new io.featuremon.serdes.AvroSerde<>(FeatureEvent.class, registry).deserializer();
    }
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    byte[] value = record.value();
    Header marker = record.headers().lastHeader(END_OF_INPUT_HEADER);
    if (marker != null && acceptEndOfInput) {
      forwardEndOfInput(record, meta, marker);
      return;
    }
    if (value == null || value.length == 0) {
      dead(record, meta, DeadLetters.STAGE_DECODE, "empty value (a tombstone or an empty record is not an event)", null, null);
      return;
    }
    if (value.length > maxRecordBytes) {
      dead(record, meta, DeadLetters.STAGE_DECODE, "record of " + value.length
          + " bytes exceeds input.max.record.bytes=" + maxRecordBytes, null, null);
      return;
    }
    // Only the decoder's own verdicts on the bytes make a dead letter: malformed bytes, an unknown schema id. Every
    // other exception is not the record's fault and propagates, for the stream thread's handler to decide: a
    // registry that cannot be reached (retried) or refuses us (misconfiguration), or a bug, which must not pass for
    // bad data. The decoded event is processed outside the try, so nothing downstream is mistaken for the decoder.
    DecodedEmbedding embedding = null;
    FeatureEvent featureEvent = null;
    try {
      if (type == EventType.EMBEDDING) {
        embedding = embeddings.decode(value);
      } else {
        featureEvent = features.deserialize(meta.topic(), value);
      }
    } catch (SchemaNotFoundException e) {
      int id = io.featuremon.serdes.WireFormat.schemaId(value);
      unknownSchemas.onUnknown(id, e); // throws while the id is still being retried
      dead(record, meta, DeadLetters.STAGE_DECODE, "cannot decode: " + e.getMessage() + unknownSchemas.retried(id),
          null, null);
      return;
    } catch (MalformedRecordException e) {
      dead(record, meta, DeadLetters.STAGE_DECODE, "cannot decode: " + e.getMessage(), null, null);
      return;
    }
    if (embedding != null) {
      processEmbedding(record, meta, embedding);
    } else {
      processFeatures(record, meta, featureEvent);
    }
  }

  private void processEmbedding(Record<byte[], byte[]> record, RecordMetadata meta, DecodedEmbedding e) {
    String reason = validation.checkCommon(e.model(), e.segment(), e.timestamp(), record.timestamp());
    if (reason != null) {
      dead(record, meta, DeadLetters.STAGE_VALIDATE, reason, e.model(), e.requestId());
      return;
    }
    Validation.Rejection rejection = validation.checkVector(e.vector());
    if (rejection != null) {
      dead(record, meta, DeadLetters.STAGE_VALIDATE, rejection.message(), e.model(), e.requestId());
      forward(record, new GroupKey(e.model(), e.segment(), type), MonitoredEvent.rejected(type, e.timestamp(),
          meta.topic(), meta.partition(), meta.offset(), record.timestamp(), rejection.code()));
      return;
    }
    MonitoredEvent event = new MonitoredEvent(type, e.timestamp(), e.requestId(), meta.topic(), meta.partition(),
        meta.offset(), record.timestamp(), e.vector(), null, false, null);
    forward(record, new GroupKey(e.model(), e.segment(), type), event);
  }

  private void processFeatures(Record<byte[], byte[]> record, RecordMetadata meta, FeatureEvent e) {
    SortedMap<String, Object> values = new TreeMap<>();
    for (Map.Entry<String, Object> f : e.getFeatures().entrySet()) {
      Object v = f.getValue();
      values.put(f.getKey(), v == null || v instanceof Double ? v : v.toString());
    }
    String reason = validation.checkCommon(e.getModel(), e.getSegment(), e.getTimestamp(), record.timestamp());
    if (reason != null) {
      dead(record, meta, DeadLetters.STAGE_VALIDATE, reason, e.getModel(), e.getRequestId());
      return;
    }
    Validation.Rejection rejection = validation.checkFeatures(values);
    if (rejection != null) {
      dead(record, meta, DeadLetters.STAGE_VALIDATE, rejection.message(), e.getModel(), e.getRequestId());
      forward(record, new GroupKey(e.getModel(), e.getSegment(), type), MonitoredEvent.rejected(type, e.getTimestamp(),
          meta.topic(), meta.partition(), meta.offset(), record.timestamp(), rejection.code()));
      return;
    }
    MonitoredEvent event = new MonitoredEvent(type, e.getTimestamp(), e.getRequestId(), meta.topic(),
        meta.partition(), meta.offset(), record.timestamp(), null, values, false, null);
    forward(record, new GroupKey(e.getModel(), e.getSegment(), type), event);
  }

  /** The marker's value is "model" or "model\nsegment": the group whose input has ended. */
  private void forwardEndOfInput(Record<byte[], byte[]> record, RecordMetadata meta, Header marker) {
    String[] parts = new String(marker.value(), StandardCharsets.UTF_8).split("\n", -1);
    GroupKey key = new GroupKey(parts[0], parts.length > 1 ? parts[1] : null, type);
    forward(record, key, MonitoredEvent.endOfInput(type, meta.topic(), meta.partition(), meta.offset(), record.timestamp()));
  }

  /**
   * The repartition record carries the input record's own timestamp, never the event time: the broker accepted
   * that timestamp once already, while an event time may lie up to {@code input.max.future} ahead of it, and a
   * broker refuses records more than {@code log.message.timestamp.after.max.ms} (1 h by default) ahead of its
   * clock, with an error that fails the whole transaction. The event time travels inside the value; the window
   * stage reads it from there, so this choice changes no statistic.
   */
  private void forward(Record<byte[], byte[]> record, GroupKey key, MonitoredEvent event) {
    context.forward(new Record<>(key, DecodeResult.valid(event), Math.max(0, record.timestamp())));
  }

  private void dead(Record<byte[], byte[]> record, RecordMetadata meta, String stage, String reason, String model,
      String requestId) {
    DeadLetter letter = DeadLetters.of(meta.topic(), meta.partition(), meta.offset(), record.timestamp(), stage, reason,
        model, requestId, record.key(), record.value());
    observer.deadLetter(context.taskId(), letter);
    context.forward(new Record<>(null, DecodeResult.dead(letter), Math.max(0, record.timestamp())));
  }
}
