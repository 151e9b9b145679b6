package io.featuremon.alerts;

import java.util.Locale;

/**
 * An alert's {@code severity} label. Declaration order is escalation order ({@code info < warning < critical}), and
 * it is the order in which the severities of one rule are evaluated and reported.
 */
public enum Severity {
  INFO,
  WARNING,
  CRITICAL;

  /** The label value: {@code info}, {@code warning} or {@code critical}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The severity whose {@link #label()} is {@code label}, or null. */
  static Severity fromLabel(String label) {
    for (Severity s : values()) {
      if (s.label().equals(label)) {
        return s;
      }
    }
    return null;
  }

  static String allowed() {
    return "info, warning, critical";
  }
}
