package io.featuremon.topology;

import io.featuremon.serdes.SchemaNotFoundException;
import io.featuremon.serdes.SchemaRegistryUnavailableException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * The policy for a schema id the registry answers 404 for: retried for {@code input.unknown.schema.retry}, then the
 * records that carry it become dead letters.
 *
 * <p>A 404 is usually not the record's fault: a registry restored empty, restarted in memory, or behind a proxy
 * that lost its routes answers 404 for every id until it is repaired, and dead-lettering then would silently drop
 * valid data. Retrying means failing the task with a retriable exception: the stream thread is replaced and the
 * record read again from the last commit, so nothing after it is processed out of order. One instance is shared
 * by every stream thread of the application, so the deadline survives thread replacement. A 404 that persists past
 * the deadline is taken as the record's fault (a producer that never registered its schema, or random bytes).
 *
 * <p>The decision depends on the registry's availability, not on the data: a replay against a registry that knows
 * every id decides as the live run did when its registry was healthy.
 */
final class UnknownSchemaRetry {
  /** A 404 more than this long after the previous one for the same id starts a new outage with a new deadline. */
  private static final long NEW_OUTAGE_AFTER_MS = 60_000;
  /** Pause before each retry, so a replaced thread does not spin on the registry. */
  private static final long BACKOFF_MS = 1_000;

  private record Outage(long first, long last) {}

  private final long retryMs;
  private final LongSupplier clock;
  private final ConcurrentMap<Integer, Outage> outages = new ConcurrentHashMap<>();

  UnknownSchemaRetry(Duration retry) {
    this(retry, System::currentTimeMillis);
  }

  UnknownSchemaRetry(Duration retry, LongSupplier clock) {
    this.retryMs = retry.toMillis();
    this.clock = clock;
  }

  static UnknownSchemaRetry never() {
    return new UnknownSchemaRetry(Duration.ZERO);
  }

  /**
   * Throws a retriable exception while the id is within its retry time; returns (the record is then a dead letter)
   * once it is past it, or when the registry said the schema exists but is not usable (not a 404).
   */
  void onUnknown(int id, SchemaNotFoundException e) {
    if (retryMs <= 0 || e.httpStatus() != 404) {
      return;
    }
    long now = clock.getAsLong();
    Outage outage = outages.compute(id, (k, o) -> o == null || now - o.last() > NEW_OUTAGE_AFTER_MS
        ? new Outage(now, now) : new Outage(o.first(), now));
    long left = outage.first() + retryMs - now;
    if (left <= 0) {
      return;
    }
    try {
      Thread.sleep(Math.min(BACKOFF_MS, left));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    throw new SchemaRegistryUnavailableException("schema id " + id + " is unknown to the registry (404); retrying for "
        + Duration.ofMillis(left).toSeconds() + " s more before its records become dead letters"
        + " (input.unknown.schema.retry)", e);
  }

  /** How long this id has been retried, for the dead letter's reason. */
  String retried(int id) {
    Outage o = outages.get(id);
    return o == null || retryMs <= 0 ? "" : " (retried for " + Duration.ofMillis(o.last() - o.first()).toSeconds()
        + " s, input.unknown.schema.retry=" + Duration.ofMillis(retryMs).toSeconds() + " s)";
  }
}
