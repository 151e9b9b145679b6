package io.featuremon.config;

/** The configured reference time range [from, to) in epoch ms ({@code reference.from}, {@code reference.to}). */
public record ReferenceRange(long from, long to) {
  /** Whether an event at {@code timestamp} belongs to the range. */
  public boolean contains(long timestamp) {
    return timestamp >= from && timestamp < to;
  }
}
