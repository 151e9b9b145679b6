package io.featuremon.fuzz;

import io.featuremon.topology.EventType;

/**
 * One record the fuzzer sends.
 *
 * @param index           position in the input, from 0
 * @param topic           which input topic (embeddings or features)
 * @param partition       the partition it must go to: a model's records share one, so their order is kept
 * @param key             raw key (the model's name, or garbage)
 * @param value           raw value (Confluent-framed Avro, or not)
 * @param recordTimestamp the Kafka record timestamp
 * @param kind            what was done to it; null for a closer (see {@link #closer})
 * @param model           the model it belongs to by construction (a valid model for MIXED kinds), for reports
 * @param event           the event it encodes, when it is one by construction (valid kinds and closers)
 * @param note            what exactly was mutated, for failure messages
 * @param closer          an event the harness adds after the input to close a group's last windows: not an input
 */
public record FuzzRecord(int index, EventType topic, int partition, byte[] key, byte[] value, long recordTimestamp,
    MutationKind kind, String model, Event event, String note, boolean closer) {

  /** How a failure message names it: kind, model and note. */
  public String describe() {
    String what = closer ? "CLOSER" : kind.name();
    String m = model == null ? "" : " model " + abbreviate(model);
    String n = note == null || note.isEmpty() ? "" : " (" + note + ")";
    return what + m + n;
  }

  static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() <= 40 ? "'" + s + "'" : "'" + s.substring(0, 24) + "...' (" + s.length() + " chars)";
  }
}
