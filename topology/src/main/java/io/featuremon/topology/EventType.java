package io.featuremon.topology;

/** The two kinds of monitored input; part of the group key, so each kind has its own statistics. */
public enum EventType {
  EMBEDDING("embedding", (byte) 1),
  FEATURES("features", (byte) 2);

  private final String label;
  private final byte code;

  EventType(String label, byte code) {
    this.label = label;
    this.code = code;
  }

  /** The name used in outputs and in replay input ({@code "type":"embedding"}). */
  public String label() {
    return label;
  }

  byte code() {
    return code;
  }

  static EventType ofCode(byte code) {
    for (EventType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown event type code " + code);
  }

  public static EventType ofLabel(String label) {
    for (EventType t : values()) {
      if (t.label.equals(label)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown event type '" + label + "': expected embedding or features");
  }
}
