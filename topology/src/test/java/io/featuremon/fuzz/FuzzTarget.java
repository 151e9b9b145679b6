package io.featuremon.fuzz;

import io.featuremon.avro.Alert;
import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.serdes.SchemaRegistryClient;
import java.time.Duration;
import java.util.List;

/**
 * Where a fuzz run sends its records: the real application on a real broker ({@code FuzzIT}), or the production
 * topology in a {@code TopologyTestDriver} ({@link DriverTarget}).
 */
public interface FuzzTarget extends AutoCloseable {

  /** Where an input record landed. */
  record Coordinates(String topic, int partition, long offset) {
    @Override
    public String toString() {
      return topic + "/" + partition + "@" + offset;
    }
  }

  /**
   * The application failed: a stream thread died, the client left RUNNING, a record took too long, or (offline) the
   * driver threw, or an output a broker would refuse.
   *
   * @param what     one line: the exception (class: message, with its causes) or what was seen
   * @param culprit  the input record being processed, when known
   * @param suspects when the culprit is not known: the records that were not yet processed (first per partition)
   * @param context  more: a stack trace, the lag
   */
  record Crash(String what, Coordinates culprit, List<Coordinates> suspects, String context) {
    public Crash(String what, Coordinates culprit, String context) {
      this(what, culprit, List.of(), context);
    }
  }

  /**
   * What {@link #awaitProcessed} saw.
   *
   * @param caughtUp  every record sent was processed
   * @param lag       if not: what is left, in words
   * @param processed which records were processed (after a crash, those before it)
   */
  record Progress(boolean caughtUp, String lag, java.util.function.Predicate<Coordinates> processed) {}

  FeaturemonConfig config();

  /** The registry records are encoded for. */
  SchemaRegistryClient registry();

  /** Partitions of each input topic. */
  int partitions();

  /** Sends the records in order, each to its partition; returns where each landed. */
  List<Coordinates> send(List<FuzzRecord> records);

  /** Waits until every record sent was processed, or a crash, or the timeout. */
  Progress awaitProcessed(Duration timeout);

  /** Crashes so far (empty: none). */
  List<Crash> crashes();

  List<DeadLetter> deadLetters();

  List<WindowStats> windowStats();

  List<FeatureMask> masks();

  List<Alert> alerts();

  @Override
  void close();
}
