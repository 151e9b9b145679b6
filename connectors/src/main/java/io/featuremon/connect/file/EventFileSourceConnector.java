package io.featuremon.connect.file;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Kafka Connect source: JSON Lines (the replay format) and CSV files to featuremon's Avro events, keyed by model,
 * in the Confluent wire format through the schema registry, with one offset per file and line, and exactly-once
 * delivery on a worker with {@code exactly.once.source.support=enabled}. See the README, "Event file source".
 *
 * <pre>
 * connector.class=io.featuremon.connect.file.EventFileSourceConnector
 * key.converter=org.apache.kafka.connect.converters.ByteArrayConverter
 * value.converter=org.apache.kafka.connect.converters.ByteArrayConverter
 * directory=/data/events
 * schema.registry.url=http://registry:8081
 * exactly.once.support=required
 * </pre>
 */
public final class EventFileSourceConnector extends SourceConnector {
  static final String VERSION = "0.1.0";

  private Map<String, String> props;
  private EventFileSourceConfig config;

  @Override
  public String version() {
    return VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    try {
      this.config = new EventFileSourceConfig(props);
      checkConverters(props);
    } catch (ConfigException e) {
      throw new ConnectException(e.getMessage(), e);
    }
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return EventFileSourceTask.class;
  }

  /** Each task reads the files {@link FileOffsets#owner} gives it; never more tasks than listed files. */
  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    int count = config.files() != null ? Math.min(maxTasks, config.files().size()) : maxTasks;
    List<Map<String, String>> tasks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, String> task = new java.util.HashMap<>(props);
      task.put(EventFileSourceConfig.TASK_INDEX, Integer.toString(i));
      task.put(EventFileSourceConfig.TASK_COUNT, Integer.toString(count));
      tasks.add(task);
    }
    return tasks;
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return EventFileSourceConfig.CONFIG_DEF;
  }

  /** ConfigDef's checks, plus unknown keys refused by name and the converters this connector needs. */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config result = super.validate(connectorConfigs);
    List<ConfigValue> values = new ArrayList<>(result.configValues());
    List<String> unknown = EventFileSourceConfig.unknownKeys(connectorConfigs);
    for (String key : unknown) {
      ConfigValue v = new ConfigValue(key);
      v.addErrorMessage(EventFileSourceConfig.unknownMessage(List.of(key)));
      values.add(v);
    }
    if (unknown.isEmpty() && values.stream().allMatch(v -> v.errorMessages().isEmpty())) {
      try {
        new EventFileSourceConfig(connectorConfigs);
        checkConverters(connectorConfigs);
      } catch (ConfigException e) {
        String key = e.getMessage().startsWith("Invalid value") ? firstKeyNamed(e.getMessage(), values) : null;
        ConfigValue v = values.stream().filter(c -> c.name().equals(key)).findFirst().orElse(null);
        if (v == null) {
          v = new ConfigValue(key == null ? "name" : key);
          values.add(v);
        }
        v.addErrorMessage(e.getMessage());
      }
    }
    return new Config(values);
  }

  private static String firstKeyNamed(String message, List<ConfigValue> values) {
    for (ConfigValue v : values) {
      if (message.contains(" for configuration " + v.name() + ":")) {
        return v.name();
      }
    }
    return null;
  }

  /**
   * The records' key and value are already bytes (the model; the Confluent wire format, written with featuremon's
   * serde): any converter but the byte one would wrap them again (the worker's default JsonConverter writes base64
   * in a JSON envelope), which featuremon would dead-letter. So both must be set on the connector, explicitly.
   */
  static void checkConverters(Map<String, String> props) {
    for (String key : List.of("key.converter", "value.converter")) {
      String value = props.get(key);
      if (!EventFileSourceConfig.BYTE_ARRAY_CONVERTER.equals(value == null ? null : value.strip())) {
        throw new ConfigException(key, value, "set " + key + "=" + EventFileSourceConfig.BYTE_ARRAY_CONVERTER
            + " on this connector: its records are already the bytes featuremon reads (the model; Avro in the"
            + " Confluent wire format), and another converter would wrap them again");
      }
    }
  }

  /**
   * SUPPORTED: every record carries its file and line as source offset, and on start a task resumes after the
   * offset the worker committed; with exactly-once support the offsets are written in the same transaction as the
   * records, so each line is on the topic once however the worker stops.
   */
  @Override
  public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
    return ExactlyOnceSupport.SUPPORTED;
  }

  /**
   * UNSUPPORTED, so transaction.boundary=connector is refused at validation: the boundaries that make sense for
   * files are the worker's own. poll (the default) makes each batch of batch.size records one transaction, and
   * interval makes one per transaction.boundary.interval.ms. A transaction per file, the only boundary the
   * connector could add, would hold a whole file in one open transaction (read_committed consumers see nothing
   * until its end, and a crash near the end redoes all of it).
   */
  @Override
  public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> connectorConfig) {
    return ConnectorTransactionBoundaries.UNSUPPORTED;
  }

  /** Offsets altered or reset through the REST API (KIP-875) must have this connector's layout. */
  @Override
  public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
    for (Map.Entry<Map<String, ?>, Map<String, ?>> e : offsets.entrySet()) {
      try {
        FileOffsets.checkPartition(e.getKey());
        if (e.getValue() != null) {
          FileOffsets.resumeAfter(e.getValue());
        }
      } catch (IllegalArgumentException ex) {
        throw new ConnectException(ex.getMessage() + " (EventFileSourceConnector's layout: partition {\"file\":"
            + " \"<absolute path>\"}, offset {\"line\": N}, the line of the last record produced; null resets)");
      }
    }
    return true;
  }
}
