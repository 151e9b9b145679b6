package io.featuremon.topology;

import io.featuremon.avro.DeadLetter;

/** Output of the decode stage: a valid event for the window stage, or a dead letter. Exactly one is set. */
record DecodeResult(MonitoredEvent event, DeadLetter deadLetter) {
  static DecodeResult valid(MonitoredEvent event) {
    return new DecodeResult(event, null);
  }

  static DecodeResult dead(DeadLetter deadLetter) {
    return new DecodeResult(null, deadLetter);
  }

  boolean isValid() {
    return event != null;
  }
}
