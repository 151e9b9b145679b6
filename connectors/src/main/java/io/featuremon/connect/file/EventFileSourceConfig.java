package io.featuremon.connect.file;

import io.featuremon.connect.FrameworkKeys;
import io.featuremon.replay.CsvOptions;
import io.featuremon.replay.InputFormat;
import io.featuremon.replay.ReplayInput;
import io.featuremon.serdes.SchemaRegistryConfig;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings of {@link EventFileSourceConnector}, declared once (type, default, validator, doc) and parsed once
 * into typed fields. Keys the connector does not know, other than the Connect framework's own, are refused by name.
 */
public final class EventFileSourceConfig extends AbstractConfig {

  public static final String FILES = "files";
  public static final String DIRECTORY = "directory";
  public static final String GLOB = "glob";
  public static final String FORMAT = "format";
  public static final String CSV_MODEL = "csv.model";
  public static final String CSV_COLUMNS = "csv.columns";
  public static final String CSV_MISSING = "csv.missing";
  public static final String CSV_DELIMITER = "csv.delimiter";
  public static final String TOPIC_FEATURES = "topic.features";
  public static final String TOPIC_EMBEDDINGS = "topic.embeddings";
  public static final String TOPIC_FEATURE_IMPORTANCE = "topic.feature-importance";
  public static final String PARSE_ERRORS_TOPIC = "parse.errors.topic";
  public static final String BATCH_SIZE = "batch.size";
  public static final String MAX_LINE_CHARS = "max.line.chars";
  public static final String MAX_FEATURES = "input.max.features";
  public static final String SCAN_INTERVAL_MS = "scan.interval.ms";

  /** Set by the connector on each task's config, never by users. */
  static final String TASK_INDEX = "task.index";
  static final String TASK_COUNT = "task.count";

  /** The byte converter every record of this connector needs: it writes the Confluent wire format itself. */
  static final String BYTE_ARRAY_CONVERTER = "org.apache.kafka.connect.converters.ByteArrayConverter";

  public static final ConfigDef CONFIG_DEF = define(new ConfigDef(SchemaRegistryConfig.CONFIG_DEF));

  private final List<Path> files;
  private final Path directory;
  private final PathMatcher glob;
  private final InputFormat format;
  private final CsvOptions csv;
  private final Map<String, Object> registryConfig;

  public EventFileSourceConfig(Map<String, String> props) {
    super(CONFIG_DEF, props, false);
    List<String> unknown = unknownKeys(props);
    if (!unknown.isEmpty()) {
      throw new ConfigException(unknown.get(0), props.get(unknown.get(0)), unknownMessage(unknown));
    }
    this.files = getList(FILES).stream().map(f -> Path.of(f).toAbsolutePath().normalize()).toList();
    String dir = getString(DIRECTORY);
    this.directory = dir.isBlank() ? null : Path.of(dir).toAbsolutePath().normalize();
    if (files.isEmpty() == (directory == null)) {
      throw new ConfigException(files.isEmpty() ? DIRECTORY : FILES, files.isEmpty() ? dir : getList(FILES),
          "give either files (a list of paths) or directory (with glob), exactly one of them");
    }
    if (files.size() != new LinkedHashSet<>(files).size()) {
      throw new ConfigException(FILES, getList(FILES), "a file is listed twice");
    }
    try {
      this.glob = FileSystems.getDefault().getPathMatcher("glob:" + getString(GLOB));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(GLOB, getString(GLOB), "not a glob: " + e.getMessage());
    }
    String fmt = getString(FORMAT).strip().toLowerCase(Locale.ROOT);
    this.format = fmt.equals("auto") ? null : InputFormat.parse(fmt);
    this.csv = csvOptions();
    if (format == InputFormat.JSONL && !csv.isDefault()) {
      throw new ConfigException(FORMAT, fmt, "the csv.* settings are for CSV input; remove them or set format=csv");
    }
    Map<String, Object> registry = new HashMap<>();
    for (String key : SchemaRegistryConfig.CONFIG_DEF.names()) {
      if (props.containsKey(key)) {
        registry.put(key, props.get(key));
      }
    }
    this.registryConfig = Map.copyOf(registry);
    if (getList(SchemaRegistryConfig.URL).isEmpty()) {
      throw new ConfigException(SchemaRegistryConfig.URL, "", "is required: the schema registry (Confluent API) where"
          + " the events' schemas are registered, e.g. http://registry:8081");
    }
    new SchemaRegistryConfig(registryConfig); // validates the URL and the auth settings, naming the key
    for (String topic : List.of(TOPIC_FEATURES, TOPIC_EMBEDDINGS, TOPIC_FEATURE_IMPORTANCE)) {
      if (getString(topic).equals(getString(PARSE_ERRORS_TOPIC))) {
        throw new ConfigException(PARSE_ERRORS_TOPIC, getString(PARSE_ERRORS_TOPIC), "is also " + topic
            + "; unparseable lines must not go where featuremon reads events");
      }
    }
  }

  private static ConfigDef define(ConfigDef def) {
    String files = "Input";
    String csv = "CSV";
    String out = "Output";
    return def
        .define(FILES, Type.LIST, "", Importance.HIGH, "Files to read, in this order (absolute paths, or relative to"
            + " the worker's working directory). Give files or directory, not both.", files, 1, ConfigDef.Width.LONG,
            "Files")
        .define(DIRECTORY, Type.STRING, "", Importance.HIGH, "A directory whose files matching glob are read, in"
            + " name order; files that appear later are picked up within scan.interval.ms. Files must be complete"
            + " when they appear (write elsewhere, then move them in): a file is read to its end once per task"
            + " start, and a finished file is left in place (its offset says it is done).", files, 2,
            ConfigDef.Width.LONG, "Directory")
        .define(GLOB, Type.STRING, "*.{jsonl,ndjson,json,csv,tsv}", Importance.MEDIUM, "Which file names of"
            + " directory are read (java.nio glob on the name).", files, 3, ConfigDef.Width.MEDIUM, "Glob")
        .define(FORMAT, Type.STRING, "auto", ConfigDef.ValidString.in("auto", "jsonl", "json", "ndjson", "csv"),
            Importance.MEDIUM, "auto: by the file name, as featuremon replay (*.csv and *.tsv are CSV, anything"
            + " else JSON Lines); jsonl or csv: every file.", files, 4, ConfigDef.Width.SHORT, "Format")
        .define(MAX_LINE_CHARS, Type.INT, ReplayInput.MAX_CHARS, Range.between(1_024, ReplayInput.MAX_CHARS),
            Importance.LOW, "Longest line (CSV row) in characters; a longer one is a parse error with its first"
            + " 1,000 characters. At most replay's bound of 16 Mi, so a file that is not text cannot fill the heap.",
            files, 5, ConfigDef.Width.SHORT, "Max line")
        .define(MAX_FEATURES, Type.INT, 4096, Range.between(1, 1_000_000), Importance.LOW, "featuremon's"
            + " input.max.features: a CSV file with more feature columns is refused at its header, since featuremon"
            + " would refuse every row.", files, 6, ConfigDef.Width.SHORT, "Max features")
        .define(SCAN_INTERVAL_MS, Type.LONG, 5_000L, Range.between(10L, 3_600_000L), Importance.LOW, "How"
            + " often, once every file is read, the task looks for new files.", files, 7, ConfigDef.Width.SHORT,
            "Scan interval")
        .define(CSV_MODEL, Type.STRING, null, Importance.MEDIUM, "CSV: the model of every row, for files"
            + " without a model column (replay's --model).", csv, 1, ConfigDef.Width.MEDIUM, "Model")
        .define(CSV_COLUMNS, Type.LIST, "", Importance.MEDIUM, "CSV: NAME=KIND, ... where KIND is numeric,"
            + " categorical, model, segment, time, ingest-time, id or ignore (replay's --column).", csv, 2,
            ConfigDef.Width.LONG, "Columns")
        .define(CSV_MISSING, Type.LIST, "", Importance.LOW, "CSV: cell texts that mean a missing value besides"
            + " an empty cell, e.g. NA (replay's --missing).", csv, 3, ConfigDef.Width.MEDIUM, "Missing")
        .define(CSV_DELIMITER, Type.STRING, null, Importance.LOW, "CSV: one character, or \\t for a tab;"
            + " default a tab for *.tsv, else a comma.", csv, 4, ConfigDef.Width.SHORT, "Delimiter")
        .define(TOPIC_FEATURES, Type.STRING, "featuremon-features", new ConfigDef.NonEmptyString(),
            Importance.HIGH, "Topic of feature events (featuremon's topic.features).", out, 1,
            ConfigDef.Width.MEDIUM, "Features topic")
        .define(TOPIC_EMBEDDINGS, Type.STRING, "featuremon-embeddings", new ConfigDef.NonEmptyString(),
            Importance.HIGH, "Topic of embedding events (featuremon's topic.embeddings).", out, 2,
            ConfigDef.Width.MEDIUM, "Embeddings topic")
        .define(TOPIC_FEATURE_IMPORTANCE, Type.STRING, "featuremon-feature-importance",
            new ConfigDef.NonEmptyString(), Importance.LOW, "Topic of JSON Lines importance lines"
            + " (featuremon's topic.feature-importance).", out, 3, ConfigDef.Width.MEDIUM, "Importance topic")
        .define(PARSE_ERRORS_TOPIC, Type.STRING, "", Importance.MEDIUM, "Where lines that are not events go"
            + " (value: the line's text, headers featuremon.file, featuremon.line, featuremon.reason), in the same"
            + " transaction as the events. Empty (default): such a line is skipped, logged with its file, line and"
            + " reason, and counted in the task's end-of-file summary.", out, 4, ConfigDef.Width.MEDIUM,
            "Parse errors topic")
        .define(BATCH_SIZE, Type.INT, 1_000, Range.between(1, 100_000), Importance.MEDIUM, "Most records one"
            + " poll returns; with exactly-once and transaction.boundary=poll, one transaction.", out, 5,
            ConfigDef.Width.SHORT, "Batch size");
  }

  private CsvOptions csvOptions() {
    Map<String, CsvOptions.Kind> columns = new LinkedHashMap<>();
    for (String entry : getList(CSV_COLUMNS)) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(CSV_COLUMNS, getList(CSV_COLUMNS), "'" + entry + "' is not NAME=KIND");
      }
      try {
        columns.put(entry.substring(0, eq).strip(), CsvOptions.Kind.parse(entry.substring(eq + 1)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(CSV_COLUMNS, getList(CSV_COLUMNS), e.getMessage());
      }
    }
    String delimiter = getString(CSV_DELIMITER);
    Character d = null;
    if (delimiter != null) {
      String text = delimiter.equals("\\t") ? "\t" : delimiter;
      if (text.length() != 1 || text.equals("\"") || text.equals("\n") || text.equals("\r")) {
        throw new ConfigException(CSV_DELIMITER, delimiter, "expected one character other than a quote or a line"
            + " break (\\t for a tab)");
      }
      d = text.charAt(0);
    }
    String model = getString(CSV_MODEL);
    if (model != null && model.isBlank()) {
      throw new ConfigException(CSV_MODEL, model, "is blank: every event needs a non-empty model name");
    }
    return new CsvOptions(model, columns, new LinkedHashSet<>(getList(CSV_MISSING)), d);
  }

  /** Keys that are neither this connector's, the registry's, the framework's nor the connector's task keys. */
  static List<String> unknownKeys(Map<String, String> props) {
    Set<String> own = new java.util.HashSet<>(CONFIG_DEF.names());
    own.add(TASK_INDEX);
    own.add(TASK_COUNT);
    return FrameworkKeys.unknown(props, own, FrameworkKeys.SOURCE);
  }


  static String unknownMessage(List<String> unknown) {
    return "unknown setting" + (unknown.size() == 1 ? " " : "s ") + String.join(", ", unknown)
        + " of EventFileSourceConnector; its settings are " + String.join(", ", new TreeSet<>(CONFIG_DEF.names()))
        + " (plus Connect's own: name, connector.class, tasks.max, key/value/header.converter, transforms, ...)";
  }

  /** The input files listed by {@link #FILES}, or null when a directory is read. */
  public List<Path> files() {
    return files.isEmpty() ? null : files;
  }

  public Path directory() {
    return directory;
  }

  /** True when the file name matches {@link #GLOB}. */
  public boolean matches(Path file) {
    return file.getFileName() != null && glob.matches(file.getFileName());
  }

  /** How to read this file: the format setting, else by its name, as replay does. */
  public ReplayInput input(Path file) {
    InputFormat f = format != null ? format : InputFormat.of(file);
    return new ReplayInput(file, f, f == InputFormat.CSV ? csv : CsvOptions.DEFAULT, getInt(MAX_LINE_CHARS),
        note -> EventFileSourceTask.LOG.info("{}", note));
  }

  public int maxFeatures() {
    return getInt(MAX_FEATURES);
  }

  public String featuresTopic() {
    return getString(TOPIC_FEATURES);
  }

  public String embeddingsTopic() {
    return getString(TOPIC_EMBEDDINGS);
  }

  public String importanceTopic() {
    return getString(TOPIC_FEATURE_IMPORTANCE);
  }

  /** The topic for lines that are not events, or null: skip them (logged and counted). */
  public String parseErrorsTopic() {
    String t = getString(PARSE_ERRORS_TOPIC).strip();
    return t.isEmpty() ? null : t;
  }

  public int batchSize() {
    return getInt(BATCH_SIZE);
  }

  public long scanIntervalMs() {
    return getLong(SCAN_INTERVAL_MS);
  }

  /** The schema-registry keys (URL, auth, TLS), as featuremon's AvroSerde takes them. */
  public Map<String, Object> registryConfig() {
    return registryConfig;
  }
}
