package io.featuremon.topology;

import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.WindowStats;
import org.apache.kafka.streams.processor.TaskId;

/**
 * What the processors tell an observer (the Prometheus endpoint of {@code featuremon run}) as they work: events seen,
 * dead letters as they are forwarded, and, for each window reported, its statistics, the mask serving has and the
 * alerts firing (the last two read from the stored state, so right on a new owner from its first window). Every call carries
 * the task it comes from, so that an observer can forget what a task reported once the task closes on this instance
 * (a rebalance moved it away): a group's series then disappear here and reappear where the task went.
 *
 * <p>Observational only: a call is made when a record is forwarded, before the transaction that carries it commits.
 * Under exactly-once an aborted transaction is re-processed from the last commit, which makes the same calls again
 * with the same values (gauges are right again at once; counters may count the re-processed records twice). No
 * statistic, state or output depends on an observer, and {@link #NONE} is what replays, backtests and tests use.
 *
 * <p>Calls come from stream threads concurrently; implementations must be thread-safe and cheap (one is made per
 * event).
 */
public interface PipelineObserver {
  /** Observes nothing. */
  PipelineObserver NONE = new PipelineObserver() {};

  /** The window stage received an event of {@code group} with event time {@code eventTime} (epoch ms). */
  default void event(TaskId task, GroupKey group, long eventTime) {}

  /** A dead letter was forwarded to the dead-letter topic. */
  default void deadLetter(TaskId task, DeadLetter letter) {}

  /** A window closed and its statistics were forwarded. */
  default void window(TaskId task, WindowStats stats) {}

  /**
   * A window of the group {@code stats} describes decided its mask step: the mask serving has now (the published
   * one, from the stored mask state, whether or not this window changed it) keeps {@code kept} and drops
   * {@code dropped} features, at {@code version}.
   */
  default void mask(TaskId task, WindowStats stats, int kept, int dropped, long version) {}

  /**
   * The live rules were evaluated over a window of the group {@code stats} describes: {@code firingByRule} holds, for
   * every live rule, how many of its alerts (one per feature for per-feature rules) fire now, 0 included. Read from
   * the alert engine's stored state, so it is right on the instance a task migrated to from its first window on.
   */
  default void alertsFiring(TaskId task, WindowStats stats, java.util.Map<String, Integer> firingByRule) {}

  /** The task closed on this instance (revoked, migrated, or the instance stops): forget what it reported. */
  default void taskClosed(TaskId task) {}

  /** A stream thread died of a retriable failure and was replaced. */
  default void streamThreadReplaced() {}
}
