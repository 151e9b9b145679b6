package io.featuremon.config;

import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;

/**
 * What drift is measured against ({@code reference.mode}), parsed once at start-up. Its {@link #label()} is the
 * setting's value and the {@code referenceMode} field of every WindowStats drift section, so it never changes.
 */
public enum ReferenceMode {
  /** The first window with enough events (or the events of reference.from/to), kept in the reference store. */
  WINDOW,
  /** The window before, each window in turn. */
  PREVIOUS,
  /** A profile file built offline by {@code featuremon profile}. */
  PROFILE,
  /** No reference: no drift section, no relative alert rules. */
  NONE;

  /** The setting's value: window, previous, profile or none. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether windows are compared with a reference at all. */
  public boolean drift() {
    return this != NONE;
  }

  /** @throws ConfigException naming {@code key} when {@code text} is not one of the labels */
  static ReferenceMode parse(String key, String text) {
    for (ReferenceMode mode : values()) {
      if (mode.label().equals(text)) {
        return mode;
      }
    }
    throw new ConfigException(key, text, "expected one of window, previous, profile, none");
  }
}
