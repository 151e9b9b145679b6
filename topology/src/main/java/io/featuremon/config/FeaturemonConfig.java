package io.featuremon.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.featuremon.serdes.Redaction;
import io.featuremon.serdes.SchemaRegistryConfig;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every featuremon setting, declared once with type, default, validator and documentation, and parsed once into
 * typed accessors. Precedence: defaults &lt; config file &lt; {@code --set key=value}.
 *
 * <p>Keys that are not featuremon's are handed to Kafka Streams and the clients unchanged (e.g.
 * {@code processing.guarantee}, {@code commit.interval.ms}, {@code num.stream.threads}); a key under one of
 * featuremon's own prefixes that is not declared here stops start-up, so a typo cannot be silently ignored.
 */
public final class FeaturemonConfig extends AbstractConfig {
  public static final String APPLICATION_ID = "application.id";
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

  public static final String TOPIC_EMBEDDINGS = "topic.embeddings";
  public static final String TOPIC_FEATURES = "topic.features";
  public static final String TOPIC_WINDOW_STATS = "topic.window-stats";
  public static final String TOPIC_MASKS = "topic.masks";
  public static final String TOPIC_ALERTS = "topic.alerts";
  public static final String TOPIC_DEAD_LETTERS = "topic.dead-letters";
  public static final String TOPIC_FEATURE_IMPORTANCE = "topic.feature-importance";

  public static final String WINDOW_SIZE = "window.size";
  public static final String WINDOW_ADVANCE = "window.advance";
  public static final String WINDOW_GRACE = "window.grace";

  public static final String MASK_THRESHOLD = "mask.threshold";
  public static final String MASK_DEAD_EPSILON = "mask.dead.epsilon";
  public static final String MASK_DEAD_MAX_ACTIVE_SHARE = "mask.dead.maxActiveShare";
  public static final String MASK_PROTECTED = "mask.protected";
  public static final String MASK_MAX_DROP_FRACTION = "mask.maxDropFraction";
  public static final String MASK_MIN_KEPT = "mask.minKept";
  public static final String MASK_STABLE_WINDOWS = "mask.stableWindows";
  public static final String MASK_HYSTERESIS = "mask.hysteresis";
  /** window.grace when unset: the Kafka producer's default delivery.timeout.ms (see the key's documentation). */
  static final Duration DEFAULT_GRACE = Duration.ofMinutes(2);
  public static final String MASK_MODE = "mask.mode";
  public static final String MASK_LINEAR_COMBINATIONS = "mask.linearCombinations";
  public static final String MASK_IMPORTANCE = "mask.importance";
  public static final String STATS_TOP_PAIRS = "stats.top.pairs";
  public static final String FOLD_BATCH_SIZE = "stats.fold.batch.size";
  public static final String MAX_CATEGORIES = "stats.categorical.maxCategories";
  public static final String MIN_EVENTS = "stats.minEvents";

  public static final String ALERT_MEAN_ABS_CORR_ABOVE = "alert.meanAbsCorr.above";
  public static final String ALERT_MEAN_SQ_CORR_ABOVE = "alert.meanSqCorr.above";
  public static final String ALERT_RULES = "alert.rules";
  public static final String ALERT_DRIFT = "alert.drift";
  public static final String ALERT_REDUNDANCY_TREND = "alert.redundancyTrend";
  public static final String ALERT_SEVERITY = "alert.severity";

  public static final String REFERENCE_MODE = "reference.mode";
  public static final String REFERENCE_PROFILE = "reference.profile";
  public static final String REFERENCE_FROM = "reference.from";
  public static final String REFERENCE_TO = "reference.to";
  public static final String DRIFT_SKETCH_K = "drift.sketch.k";
  public static final String DRIFT_EMBEDDING_SKETCH_K = "drift.embedding.sketch.k";
  public static final String DRIFT_SKETCH_BATCH_SIZE = "drift.sketch.batch.size";
  public static final String DRIFT_ALPHA = "drift.alpha";

  public static final String INPUT_MAX_RECORD_BYTES = "input.max.record.bytes";
  public static final String INPUT_MAX_DIMENSIONS = "input.max.dimensions";
  public static final String INPUT_MAX_FUTURE = "input.max.future";
  public static final String INPUT_MAX_FEATURES = "input.max.features";
  public static final String INPUT_MAX_NAME_LENGTH = "input.max.name.length";
  public static final String INPUT_MAX_ABS_VALUE = "input.max.abs.value";
  public static final String INPUT_SHAPE_CONFIRM_EVENTS = "input.shape.confirm.events";
  public static final String INPUT_UNKNOWN_SCHEMA_RETRY = "input.unknown.schema.retry";
  public static final String WINDOW_CLOSE_QUORUM = "window.close.quorum";
  public static final String INPUT_SPREAD_PARTITIONS = "input.spread.partitions";
  public static final String LIMITS_GROUPS_PER_PARTITION = "limits.groups.per.partition";
  public static final String LIMITS_GROUP_STATE_BYTES = "limits.group.state.bytes";
  public static final String LIMITS_ROCKSDB_MEMORY_BYTES = "limits.rocksdb.memory.bytes";
  public static final String REST_LISTEN = "rest.listen";
  public static final String REST_ADVERTISED = "rest.advertised";
  public static final String REST_TOKEN = "rest.token";
  /** rest.listen's default: loopback only, so nothing is reachable from another host unless configured. */
  static final String DEFAULT_REST_LISTEN = "127.0.0.1:8765";
  public static final String METRICS_LISTEN = "metrics.listen";

  /** Prefixes that belong to featuremon: unknown keys under them are errors, not pass-through. */
  private static final List<String> OWN_PREFIXES = List.of("topic.", "window.", "mask.", "stats.", "alert.", "input.",
      "reference.", "drift.", "limits.", "rest.", "metrics.");

  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(APPLICATION_ID, Type.STRING, "featuremon", new ConfigDef.NonEmptyString(), Importance.HIGH,
          "Kafka Streams application id: consumer group, prefix of internal topics and state directory name.")
      .define(BOOTSTRAP_SERVERS, Type.STRING, "", Importance.HIGH,
          "Kafka brokers, host:port[,host:port]. Required by run.")
      .define(SCHEMA_REGISTRY_URL, Type.STRING, "", Importance.HIGH,
          "Confluent-compatible Schema Registry URL(s), comma separated. Required by run. Auth: basic.auth.user.info"
              + " (with basic.auth.credentials.source=USER_INFO), user:password@ in the URL, or bearer.auth.token;"
              + " TLS: schema.registry.ssl.truststore.location/.password/.type. Shown without credentials.")
      .define(TOPIC_EMBEDDINGS, Type.STRING, "featuremon-embeddings", new ConfigDef.NonEmptyString(), Importance.HIGH,
          "Input topic of EmbeddingEvent records (Avro, Confluent wire format).")
      .define(TOPIC_FEATURES, Type.STRING, "featuremon-features", new ConfigDef.NonEmptyString(), Importance.HIGH,
          "Input topic of FeatureEvent records (Avro, Confluent wire format).")
      .define(TOPIC_WINDOW_STATS, Type.STRING, "featuremon-window-stats", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
          "Output topic of WindowStats, one per closed window and (model, segment, type).")
      .define(TOPIC_MASKS, Type.STRING, "featuremon-masks", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
          "Output topic of FeatureMask, keyed by model|segment|type.")
      .define(TOPIC_ALERTS, Type.STRING, "featuremon-alerts", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
          "Output topic of Alert state changes (firing, resolved).")
      .define(TOPIC_DEAD_LETTERS, Type.STRING, "featuremon-dead-letters", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
          "Output topic of DeadLetter records: every input that could not be used, with its reason and coordinates.")
      .define(TOPIC_FEATURE_IMPORTANCE, Type.STRING, "featuremon-feature-importance", new ConfigDef.NonEmptyString(),
          Importance.MEDIUM, "Compacted input topic of FeatureImportance records keyed by model; the latest record of a"
              + " model overrides mask.importance for it.")
      .define(WINDOW_SIZE, Type.STRING, "1h", durationValidator(false), Importance.HIGH,
          "Event-time window length, ISO-8601 (PT1H) or short (1h, 90s, 40d).")
      .define(WINDOW_ADVANCE, Type.STRING, "", durationValidator(true), Importance.MEDIUM,
          "Hop between window starts; empty means window.size (tumbling windows). Must divide into window.size"
              + " a whole number of times.")
      .define(WINDOW_GRACE, Type.STRING, "", durationValidator(true), Importance.MEDIUM,
          "How long after a window's end (in event time) late events are still accepted. A window closes and"
              + " emits when the stream time of its (model, segment, type) reaches end + grace; later events for it"
              + " go to the dead-letter topic with reason 'late' and are counted in the next window's"
              + " quality.rejected.late. Empty (the default): 2 minutes, the Kafka producer's default"
              + " delivery.timeout.ms, so an event held back by a producer's retries or by a partition read behind"
              + " another still counts; but at most window.size, so a short window closes within twice its length.")
      .define(MASK_THRESHOLD, Type.DOUBLE, 0.95, finiteRange(0.0, 1.0), Importance.HIGH,
          "|Pearson correlation| at or above which a dimension is redundant with an already kept one.")
      .define(MASK_DEAD_EPSILON, Type.DOUBLE, 0.0, finiteRange(0.0, Double.MAX_VALUE), Importance.MEDIUM,
          "A value with |x| at or below this counts as inactive (0: exactly zero).")
      .define(MASK_DEAD_MAX_ACTIVE_SHARE, Type.DOUBLE, 0.01, finiteRange(0.0, 1.0), Importance.MEDIUM,
          "A non-constant dimension active in fewer than this share of a window's events is dead and dropped"
              + " with reason 'dead'; 0 disables.")
      .define(MASK_PROTECTED, Type.LIST, "", Importance.MEDIUM,
          "Features never dropped, comma separated (an embedding dimension is its index, e.g. 0,17).")
      .define(MASK_MAX_DROP_FRACTION, Type.DOUBLE, 1.0, finiteRange(0.0, 1.0), Importance.MEDIUM,
          "At most this share of all dimensions is dropped; beyond it the least safe drops are re-admitted"
              + " (constant are safest, then dead, then redundant by strongest association).")
      .define(MASK_MIN_KEPT, Type.INT, 1, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
          "At least this many dimensions are kept.")
      .define(MASK_HYSTERESIS, Type.DOUBLE, 0.05, finiteRange(0.0, 1.0), Importance.MEDIUM,
          "A feature flagged as redundant stays flagged until its association falls below mask.threshold minus"
              + " this, so an association wandering around the threshold changes the verdict once, not every window."
              + " 0.05 is ten times the sampling error of a correlation of 0.95 over 100 events. 0: no band.")
      .define(MASK_STABLE_WINDOWS, Type.INT, 2, ConfigDef.Range.between(1, 1000), Importance.MEDIUM,
          "A feature is dropped only after it was flagged in this many consecutive windows, and re-admitted only"
              + " after as many windows without a flag: 2 lets one odd window (a burst of unusual traffic) pass"
              + " without changing serving's inputs, at the cost of one window of delay. 1: the mask follows every"
              + " window.")
      .define(MASK_LINEAR_COMBINATIONS, Type.BOOLEAN, true, Importance.MEDIUM,
          "Also drop a numeric feature whose multiple correlation R with the kept numeric features reaches"
              + " mask.threshold (a linear combination of several, e.g. total = a + b), naming the kept feature with"
              + " the largest |rho|. R^2 is adjusted for the number of kept features, so a window with fewer events"
              + " than features cannot manufacture combinations. false: the plain pairwise rule.")
      .define(MASK_MODE, Type.STRING, "hard", ConfigDef.ValidString.in("hard", "soft"), Importance.MEDIUM,
          "hard: drop the listed features; soft: also publish a weight in [0, 1] per feature (importance / max"
              + " importance for kept features, 0 for dropped), for models that scale rather than drop.")
      .define(MASK_IMPORTANCE, Type.LIST, "", Importance.MEDIUM,
          "Per-feature importance as model:feature=weight entries, comma separated (e.g. churn:age=0.4,churn:income=0.3)."
              + " When a model has importances, the mask keeps the more important member of a redundant group"
              + " (features without one count as 0); otherwise the unit-free rule decides.")
      .define(STATS_TOP_PAIRS, Type.INT, 10, ConfigDef.Range.between(0, 10_000), Importance.LOW,
          "How many of the most correlated pairs WindowStats lists.")
      .define(FOLD_BATCH_SIZE, Type.INT, 256, ConfigDef.Range.between(1, 65_536), Importance.LOW,
          "Events buffered per (group, pane) before one batched co-moment update. Part of the arithmetic: change it"
              + " and the last bits of the statistics may change, so keep it fixed between a live run and its replay.")
      .define(MIN_EVENTS, Type.LONG, 10L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
          "A window with fewer events still reports its statistics but decides nothing: it changes no mask, does not"
              + " become the reference and is not evaluated by the alert rules (a handful of events makes any two"
              + " features look redundant, e.g. the partial first window after a start).")
      .define(MAX_CATEGORIES, Type.INT, 32, ConfigDef.Range.between(2, 4096), Importance.MEDIUM,
          "Per categorical feature and window, the this-many distinct values of smallest hash get a bucket of their"
              + " own and the rest share one '__other__' bucket, so a high-cardinality feature cannot blow up state;"
              + " the choice does not depend on arrival order, so windows of one distribution keep the same values.")
      .define(ALERT_MEAN_ABS_CORR_ABOVE, Type.DOUBLE, 0.5, finiteRange(0.0, 1.0), Importance.MEDIUM,
          "Alert 'RedundancyMeanAbsCorrHigh' fires when a window's meanAbsCorr is at or above this.")
      .define(ALERT_MEAN_SQ_CORR_ABOVE, Type.DOUBLE, null, optionalRange(0, 1), Importance.MEDIUM,
          "Alert 'RedundancyMeanSqCorrHigh' fires when meanSqCorr is at or above this; unset disables it.")
      .define(ALERT_RULES, Type.STRING, "", Importance.HIGH,
          "YAML file of alert rules (see docs/alert-rules.example.yaml): level, relative-to-reference and rising-trend"
              + " rules on any WindowStats field, with for/keepFiringFor. When set, it replaces the built-in rules"
              + " that the other alert.* settings configure.")
      .define(ALERT_DRIFT, Type.BOOLEAN, true, Importance.MEDIUM,
          "Built-in rules 'EmbeddingDrift' and 'FeatureDrift' (one alert per feature): fire on a window's drift"
              + " verdicts.")
      .define(ALERT_REDUNDANCY_TREND, Type.BOOLEAN, true, Importance.MEDIUM,
          "Built-in rule 'RedundancyClimbing': meanAbsCorr rising over the last 10 windows (Mann-Kendall, one-sided"
              + " alpha 0.01, Sen's slope at least 0.003 per window, for 2 windows).")
      .define(ALERT_SEVERITY, Type.STRING, "warning", ConfigDef.ValidString.in("info", "warning", "critical"),
          Importance.LOW, "Severity label of the built-in rules.")
      .define(REFERENCE_MODE, Type.STRING, "window", ConfigDef.ValidString.in(
          java.util.Arrays.stream(ReferenceMode.values()).map(ReferenceMode::label).toArray(String[]::new)),
          Importance.HIGH, "What drift is measured against, per (model, segment, type): window = the first complete"
              + " window (kept in a state store, survives restarts); previous = the window before; profile = a profile"
              + " file built by `featuremon profile` (reference.profile); none = no drift.")
      .define(REFERENCE_PROFILE, Type.STRING, "", Importance.HIGH,
          "Profile file for reference.mode=profile, written by `featuremon profile --input train.jsonl --out FILE`.")
      .define(REFERENCE_FROM, Type.STRING, "", Importance.MEDIUM,
          "With reference.mode=window: start of a configured reference time range (ISO-8601 instant or epoch ms),"
              + " instead of the first window. The events of [reference.from, reference.to) become the reference once"
              + " stream time passes reference.to + window.grace; windows closing before that have no drift.")
      .define(REFERENCE_TO, Type.STRING, "", Importance.MEDIUM, "End (exclusive) of the reference time range.")
      .define(DRIFT_ALPHA, Type.DOUBLE, 0.01, finiteRange(1e-12, 0.5), Importance.MEDIUM,
          "Significance level of every drift test (KS per numeric feature and embedding dimension, chi-square per"
              + " categorical feature). A verdict also needs an effect size, so large windows do not alarm on"
              + " negligible changes; a small alpha keeps many features times many windows from alarming by chance.")
      .define(DRIFT_SKETCH_K, Type.INT, 2048, ConfigDef.Range.between(8, 65_535), Importance.LOW,
          "KLL sketch size per numeric (tabular) feature and pane: exact while a window holds at most k values,"
              + " normalised rank error 0.14% at 2048 (99% confidence; 1.33% at 200), about 44 KB at 100,000 values"
              + " (4.7 KB at 200). Sketches of different k merge; the error is that of the smaller.")
      .define(DRIFT_EMBEDDING_SKETCH_K, Type.INT, 200, ConfigDef.Range.between(8, 65_535), Importance.LOW,
          "KLL sketch size per embedding dimension and pane (one sketch per dimension: d = 384 takes 1.8 MB per"
              + " pane at 200, 16.7 MB at 2048); normalised rank error 1.33% at 200, exact up to k values.")
      .define(DRIFT_SKETCH_BATCH_SIZE, Type.INT, 4096, ConfigDef.Range.between(1, 1 << 20), Importance.LOW,
          "Events whose values wait (stored as they came) before a pane's sketches are brought up to date, instead"
              + " of rewriting every sketch at every fold; a window reads the waiting values too, so results do not"
              + " depend on it. Larger: fewer sketch rewrites (CPU and changelog bytes), more state per pane"
              + " (4·d bytes per embedding event, about 9 per numeric feature).")
      .define(INPUT_MAX_RECORD_BYTES, Type.INT, 1_048_576, ConfigDef.Range.atLeast(64), Importance.LOW,
          "Input records larger than this go to the dead-letter topic undecoded.")
      .define(INPUT_MAX_DIMENSIONS, Type.INT, 16_384, ConfigDef.Range.between(1, 65_536), Importance.LOW,
          "Largest accepted embedding dimension or number of numeric features.")
      .define(INPUT_MAX_FUTURE, Type.STRING, "1h", durationValidator(false), Importance.LOW,
          "Events whose event time is more than this after their Kafka record's timestamp are dead letters (1 h:"
              + " the limit Kafka itself puts on record timestamps ahead of a broker's clock).")
      .define(INPUT_MAX_FEATURES, Type.INT, 4_096, ConfigDef.Range.between(1, 65_536), Importance.LOW,
          "Largest accepted number of features (numeric and categorical together) in one tabular event.")
      .define(INPUT_MAX_NAME_LENGTH, Type.INT, 256, ConfigDef.Range.between(1, 4_096), Importance.LOW,
          "Longest accepted model, segment or feature name, in characters. Names are part of every state key.")
      .define(INPUT_MAX_ABS_VALUE, Type.DOUBLE, 1e100, finiteRange(1.0, 1e150), Importance.LOW,
          "Numeric values with a larger magnitude are dead letters: at 1e100 no square, sum or co-moment of a"
              + " window can overflow a double, so window statistics cannot fail on a value such as 1e308.")
      .define(INPUT_SHAPE_CONFIRM_EVENTS, Type.INT, 16, ConfigDef.Range.between(1, 10_000), Importance.LOW,
          "A model's shape (embedding dimension; tabular feature names and kinds) changes only after this many"
              + " events confirm the new one, so one corrupt event cannot fix or change it. Events of an unconfirmed"
              + " shape wait; they become dead letters once as many events of another shape follow, or when the"
              + " window of the first of them closes.")
      .define(INPUT_UNKNOWN_SCHEMA_RETRY, Type.STRING, "5m", durationValidator(true), Importance.MEDIUM,
          "How long a schema id the registry answers 404 for is retried (the record and those after it wait)"
              + " before its records become dead letters: a registry restored empty or restarted must not turn"
              + " valid data into dead letters. 0 dead-letters at once. Offline replays never retry.")
      .define(WINDOW_CLOSE_QUORUM, Type.INT, 3, ConfigDef.Range.between(1, 50), Importance.LOW,
          "A group's stream time moves to the median of its latest 2q - 1 event times (q = this), never back: events"
              + " with a clock far ahead move it only if they are the majority of some 2q - 1 consecutive events of the"
              + " group, so a stray event cannot close windows early and make the following events late. Windows close"
              + " about q - 1 events after an event passes their end + grace (1: at that event, as plain stream time).")
      .define(INPUT_SPREAD_PARTITIONS, Type.INT, 0, ConfigDef.Range.between(0, 10_000), Importance.MEDIUM,
          "0 (default): every event is copied through a repartition topic to the one task that keeps its model's"
              + " statistics, so a model uses one core. N > 0: the input topics have N partitions and a model's"
              + " events may be on any of them; each partition keeps statistics of its own events and sends each"
              + " window's partial statistics (not the events) to a merge stage, which merges the N partials in"
              + " partition order once every partition's stream time for the model has passed the window. A"
              + " partition without events of a model holds that model's windows back (it never changes them).")
      .define(LIMITS_GROUPS_PER_PARTITION, Type.LONG, 10_000L, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
          "Most (model, segment, type) groups one partition of the repartition topic keeps state for; the events"
              + " of further groups are dead letters naming this limit. Per partition, not per instance, so results"
              + " do not depend on how many instances run.")
      .define(LIMITS_GROUP_STATE_BYTES, Type.LONG, 512L * 1024 * 1024, ConfigDef.Range.atLeast(1L << 20),
          Importance.MEDIUM, "Most state one group may need, estimated from its shape when the shape is first seen"
              + " (co-moment tiles, sketches, categorical tables and pending rows of every open pane); a shape that"
              + " needs more is refused with a dead letter naming this limit. 512 MiB admits d = 4096 embeddings.")
      .define(LIMITS_ROCKSDB_MEMORY_BYTES, Type.LONG, 256L * 1024 * 1024, ConfigDef.Range.atLeast(16L << 20),
          Importance.MEDIUM, "Off-heap memory all RocksDB stores of the process share: block cache, memtables"
              + " and index/filter blocks count against it (see the README's sizing table).")
      .define(REST_LISTEN, Type.STRING, DEFAULT_REST_LISTEN, restListenValidator(), Importance.MEDIUM,
          "Where `run` answers REST queries (latest window stats, current mask, firing alerts, instances; see the"
              + " README's REST queries), host:port; off: no REST server. Loopback by default: listening on another"
              + " interface exposes the statistics to that network, so set rest.token too.")
      .define(REST_ADVERTISED, Type.STRING, "", hostPortValidator(true), Importance.MEDIUM,
          "host:port other instances reach this one's REST server at (Kafka Streams' application.server), for"
              + " answering a query about a group another instance owns. Empty: rest.listen's, unless that is a"
              + " wildcard address (0.0.0.0, ::), which then needs this.")
      .define(REST_TOKEN, Type.PASSWORD, null, Importance.MEDIUM,
          "Bearer token every REST request must carry (Authorization: Bearer TOKEN; every instance the same);"
              + " unset: no authentication (only sensible on loopback).")
      .define(METRICS_LISTEN, Type.STRING, "127.0.0.1:9464", FeaturemonConfig::validateListen, Importance.MEDIUM,
          "Where featuremon run serves Prometheus metrics (GET /metrics), host:port: featuremon's own series per"
              + " (model, segment, type), the Kafka Streams metrics operators watch, and the JVM's (README: Metrics"
              + " and dashboards). Loopback by default, so nothing is exposed until you choose to: 0.0.0.0:9464 (or"
              + " the pod's address) for a Prometheus on another host; port 0 picks a free port; off serves nothing.");

  private final Map<String, Object> passThrough;
  // Parsed once here, so a bad value stops start-up naming its key, and no use site parses or compares strings.
  private final Duration windowSize;
  private final Duration windowAdvance;
  private final Duration windowGrace;
  private final Duration maxFuture;
  private final Duration unknownSchemaRetry;
  private final ReferenceMode referenceMode;
  private final ReferenceRange referenceRange;
  private final Map<String, Map<String, Double>> importance;
  private final boolean softMasks;

  public FeaturemonConfig(Map<String, ?> values) {
    super(DEFINITION, values, false);
    Map<String, Object> rest = new TreeMap<>();
    for (Map.Entry<String, ?> e : values.entrySet()) {
      String key = e.getKey();
      if (DEFINITION.names().contains(key)) {
        continue;
      }
      for (String prefix : OWN_PREFIXES) {
        if (key.startsWith(prefix)) {
          throw new ConfigException(key, Redaction.value(key, e.getValue()), "unknown featuremon setting; known keys under '" + prefix
              + "' are " + knownUnder(prefix));
        }
      }
      rest.put(key, e.getValue());
    }
    this.passThrough = rest;
    this.windowSize = Durations.parse(getString(WINDOW_SIZE));
    this.windowAdvance = optionalDuration(WINDOW_ADVANCE, windowSize);
    this.windowGrace = optionalDuration(WINDOW_GRACE, DEFAULT_GRACE.compareTo(windowSize) < 0 ? DEFAULT_GRACE : windowSize);
    this.maxFuture = Durations.parse(getString(INPUT_MAX_FUTURE));
    this.unknownSchemaRetry = optionalDuration(INPUT_UNKNOWN_SCHEMA_RETRY, Duration.ZERO);
    this.softMasks = "soft".equals(getString(MASK_MODE));
    if (maskHysteresis() > maskThreshold()) {
      throw new ConfigException(MASK_HYSTERESIS, maskHysteresis(), "must not exceed mask.threshold ("
          + maskThreshold() + "): a flagged feature is re-admitted below mask.threshold - mask.hysteresis");
    }
    validateWindows();
    this.importance = parseImportance(); // validated at start-up, not at the first window
    this.referenceMode = ReferenceMode.parse(REFERENCE_MODE, getString(REFERENCE_MODE));
    this.referenceRange = parseReferenceRange();
    if (spreadPartitions() > 0 && referenceRange != null) {
      throw new ConfigException(INPUT_SPREAD_PARTITIONS, spreadPartitions(), "reference.from/to (a reference range)"
          + " is not supported with spread input yet: use reference.mode=window, previous or profile, or set"
          + " input.spread.partitions=0");
    }
    if (restEnabled()) {
      String advertised = restAdvertised(); // names rest.advertised when a wildcard rest.listen needs it
      Object server = passThrough.get(StreamsConfig.APPLICATION_SERVER_CONFIG);
      if (server != null && !server.toString().trim().equals(advertised)) {
        throw new ConfigException(REST_ADVERTISED, advertised, "application.server is set too (" + server + "):"
            + " featuremon sets it from rest.advertised (or rest.listen), so set only rest.advertised");
      }
    }
    if (referenceMode == ReferenceMode.PROFILE
        && (referenceProfile().isBlank() || !Files.isReadable(Path.of(referenceProfile())))) {
      throw new ConfigException(REFERENCE_PROFILE, referenceProfile(),
          "reference.mode=profile needs a readable profile file (build one with `featuremon profile`)");
    }
  }

  private static List<String> knownUnder(String prefix) {
    List<String> keys = new ArrayList<>();
    for (String name : new java.util.TreeSet<>(DEFINITION.names())) {
      if (name.startsWith(prefix)) {
        keys.add(name);
      }
    }
    return keys;
  }

  private void validateWindows() {
    Duration size = windowSize();
    Duration advance = windowAdvance();
    if (advance.compareTo(size) > 0 || size.toMillis() % advance.toMillis() != 0) {
      throw new ConfigException(WINDOW_ADVANCE, getString(WINDOW_ADVANCE),
          "must be positive, at most window.size (" + Durations.format(size) + ") and divide it evenly");
    }
  }

  /**
   * Builds the effective config; later sources win: {@code defaults} (a command's own, e.g. the demo's short
   * windows) &lt; {@code file} &lt; {@code overrides} ({@code --set}).
   */
  public static FeaturemonConfig load(Map<String, String> defaults, Path file, Map<String, String> overrides) {
    Map<String, Object> values = new LinkedHashMap<>(defaults);
    if (file != null) {
      values.putAll(readFile(file));
    }
    values.putAll(overrides);
    return new FeaturemonConfig(values);
  }

  /**
   * The settings of a {@code --config} file: YAML when it is named *.yaml or *.yml (nested keys joined with dots, so
   * {@code window: {size: 1h}} is {@code window.size=1h}), else a Java properties file. A properties file whose lines
   * are indented "key: value" pairs is YAML by mistake (properties would read each line as a key of its own), and
   * is refused with what to do.
   */
  static Map<String, String> readFile(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException | UncheckedIOException e) {
      throw new UncheckedIOException("cannot read config file " + file + ": " + e.getMessage(),
          e instanceof IOException io ? io : new IOException(e));
    }
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      return readYaml(file, text);
    }
    for (String line : text.split("\\R")) {
      if (line.matches("[ \\t]+[A-Za-z0-9_.-]+\\s*:.*") && !line.trim().startsWith("#")) {
        throw new ConfigException("--config", file.toString(), "reads as a properties file (key=value lines), but the"
            + " line '" + line.trim() + "' is indented like YAML: name the file *.yaml (nested keys are joined with"
            + " dots) or write it as key=value lines");
      }
    }
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(text));
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("--config", file.toString(), "is not a readable properties file: " + e.getMessage());
    }
    Map<String, String> values = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k).trim()));
    return values;
  }

  private static Map<String, String> readYaml(Path file, String text) {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException("--config", file.toString(), "is not valid YAML: " + e.getOriginalMessage());
    }
    Map<String, String> values = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return values;
    }
    if (!root.isObject()) {
      throw new ConfigException("--config", file.toString(), "must be a YAML mapping of settings (key: value), not a "
          + root.getNodeType().toString().toLowerCase(Locale.ROOT));
    }
    flatten("", root, file, values);
    return values;
  }

  private static void flatten(String prefix, JsonNode node, Path file,
      Map<String, String> values) {
    node.fields().forEachRemaining(e -> {
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      JsonNode v = e.getValue();
      if (v.isObject()) {
        flatten(key, v, file, values);
      } else if (v.isArray()) {
        throw new ConfigException(key, v.toString(), "a list in " + file + "; every featuremon and Kafka setting is"
            + " one value (write a comma-separated string where a setting takes several)");
      } else {
        values.put(key, v.isNull() ? "" : v.asText().trim());
      }
    });
  }

  /**
   * One line per pass-through key that no Kafka Streams, client or registry setting is called (a typo passes
   * through unchanged and does nothing), naming the nearest key when one is close. Keys under Kafka Streams' client
   * prefixes (consumer., producer., admin., main.consumer., restore.consumer., global.consumer.) are checked without
   * the prefix; keys under the registry client's prefixes (schema.registry., basic.auth., bearer.auth.) are taken
   * as they are.
   */
  public List<String> passThroughWarnings() {
    List<String> warnings = new ArrayList<>();
    for (String key : passThrough.keySet()) {
      if (KnownKeys.isKnown(key)) {
        continue;
      }
      String nearest = KnownKeys.nearest(key);
      warnings.add("'" + key + "' is not a Kafka Streams, Kafka client or schema-registry setting, so it does nothing"
          + (nearest == null ? "" : " (did you mean " + nearest + "?)"));
    }
    return warnings;
  }

  /** The keys a pass-through key may be: Kafka Streams', the clients', and featuremon's own (for the nearest). */
  private static final class KnownKeys {
    private static final Set<String> KAFKA = kafka();
    private static final List<String> CLIENT_PREFIXES = List.of("main.consumer.", "restore.consumer.",
        "global.consumer.", "consumer.", "producer.", "admin.");
    private static final List<String> REGISTRY_PREFIXES = List.of("schema.registry.", "basic.auth.", "bearer.auth.");

    private static Set<String> kafka() {
      Set<String> keys = new TreeSet<>();
      keys.addAll(StreamsConfig.configDef().names());
      keys.addAll(ConsumerConfig.configNames());
      keys.addAll(ProducerConfig.configNames());
      keys.addAll(AdminClientConfig.configNames());
      keys.addAll(SchemaRegistryConfig.CONFIG_DEF.names()); // the registry client and serde
      return Collections.unmodifiableSet(keys);
    }

    static boolean isKnown(String key) {
      if (KAFKA.contains(key) || REGISTRY_PREFIXES.stream().anyMatch(key::startsWith)) {
        return true;
      }
      for (String prefix : CLIENT_PREFIXES) {
        if (key.startsWith(prefix)) {
          return KAFKA.contains(key.substring(prefix.length()));
        }
      }
      return false;
    }

    /**
     * The closest known key (featuremon's included) within an edit distance of 2, or a fifth of the key; or null.
     * Under a client prefix, the closest client key, with the prefix.
     */
    static String nearest(String key) {
      for (String prefix : CLIENT_PREFIXES) {
        if (key.startsWith(prefix)) {
          String rest = nearest(key.substring(prefix.length()));
          return rest == null ? null : prefix + rest;
        }
      }
      List<String> candidates = new ArrayList<>(KAFKA);
      candidates.addAll(new TreeSet<>(DEFINITION.names()));
      List<String> nearest = Nearest.of(key, candidates, 1, Math.max(2, key.length() / 5));
      return nearest.isEmpty() ? null : nearest.get(0);
    }
  }

  private static ConfigDef.Validator restListenValidator() {
    ConfigDef.Validator hostPort = hostPortValidator(false);
    return (name, value) -> {
      if (!"off".equals(value == null ? null : value.toString().trim())) {
        hostPort.ensureValid(name, value);
      }
    };
  }

  /** host:port with a port 1..65535 (an IPv6 host in brackets: [::1]:8765). */
  private static ConfigDef.Validator hostPortValidator(boolean allowEmpty) {
    return (name, value) -> {
      String text = value == null ? "" : value.toString().trim();
      if (text.isEmpty() && allowEmpty) {
        return;
      }
      if (parseHostPort(text) == null) {
        throw new ConfigException(name, value, "must be host:port with a port from 1 to 65535 (e.g. 127.0.0.1:8765"
            + (name.equals(REST_LISTEN) ? ", or off" : "") + ")");
      }
    };
  }

  /** {host, port} of host:port, or null. */
  private static String[] parseHostPort(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      return null;
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      return null; // an IPv6 address without brackets: the port is ambiguous
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      return host.isEmpty() || port < 1 || port > 65_535 ? null : new String[] {host, Integer.toString(port)};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Whether {@code run} starts the REST server (rest.listen is not off). */
  public boolean restEnabled() {
    return !"off".equals(getString(REST_LISTEN).trim());
  }

  /** The address the REST server binds to; only when {@link #restEnabled()}. */
  public java.net.InetSocketAddress restListen() {
    String[] hostPort = parseHostPort(getString(REST_LISTEN).trim());
    return new java.net.InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
  }

  /**
   * host:port other instances reach this one at (Kafka Streams' application.server): rest.advertised, else
   * rest.listen unless that is a wildcard address.
   *
   * @throws ConfigException naming rest.advertised when it is needed and unset
   */
  public String restAdvertised() {
    String advertised = getString(REST_ADVERTISED).trim();
    if (!advertised.isEmpty()) {
      return advertised;
    }
    String listen = getString(REST_LISTEN).trim();
    String host = parseHostPort(listen)[0];
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("*")) {
      throw new ConfigException(REST_ADVERTISED, "", "rest.listen " + listen + " listens on every interface, so"
          + " other instances cannot tell which address reaches this one: set rest.advertised to this host's"
          + " host:port as the other instances reach it");
    }
    return listen;
  }

  /** The bearer token REST requests must carry, or null when unset or empty. */
  public String restToken() {
    org.apache.kafka.common.config.types.Password token = getPassword(REST_TOKEN);
    return token == null || token.value().isEmpty() ? null : token.value();
  }

  private static ConfigDef.Validator durationValidator(boolean allowEmptyOrZero) {
    return (name, value) -> {
      String text = value == null ? "" : value.toString().trim();
      if (text.isEmpty() && allowEmptyOrZero) {
        return;
      }
      Duration d;
      try {
        d = Durations.parse(text);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, value, e.getMessage());
      }
      if (d.isNegative() || (!allowEmptyOrZero && d.isZero())) {
        throw new ConfigException(name, value, allowEmptyOrZero ? "must not be negative" : "must be positive");
      }
    };
  }

  /** A range that also refuses NaN, which every comparison of ConfigDef.Range lets through. */
  private static ConfigDef.Validator finiteRange(double min, double max) {
    ConfigDef.Range range = ConfigDef.Range.between(min, max);
    return new ConfigDef.Validator() {
      @Override
      public void ensureValid(String name, Object value) {
        if (value instanceof Double d && d.isNaN()) {
          throw new ConfigException(name, value, "must be a number in [" + min + ", " + max + "]");
        }
        range.ensureValid(name, value);
      }

      @Override
      public String toString() {
        return range.toString();
      }
    };
  }

  private static ConfigDef.Validator optionalRange(double min, double max) {
    ConfigDef.Validator range = finiteRange(min, max);
    return (name, value) -> {
      if (value != null) {
        range.ensureValid(name, value);
      }
    };
  }

  /** An optional duration setting: {@code empty} when blank. Its validator has checked the text already. */
  private Duration optionalDuration(String key, Duration empty) {
    String text = getString(key).trim();
    return text.isEmpty() ? empty : Durations.parse(text);
  }

  public String applicationId() {
    return getString(APPLICATION_ID);
  }

  public String bootstrapServers() {
    return getString(BOOTSTRAP_SERVERS);
  }

  public String schemaRegistryUrl() {
    return getString(SCHEMA_REGISTRY_URL);
  }

  public String embeddingsTopic() {
    return getString(TOPIC_EMBEDDINGS);
  }

  public String featuresTopic() {
    return getString(TOPIC_FEATURES);
  }

  public String windowStatsTopic() {
    return getString(TOPIC_WINDOW_STATS);
  }

  public String masksTopic() {
    return getString(TOPIC_MASKS);
  }

  public String alertsTopic() {
    return getString(TOPIC_ALERTS);
  }

  public String deadLettersTopic() {
    return getString(TOPIC_DEAD_LETTERS);
  }

  public String featureImportanceTopic() {
    return getString(TOPIC_FEATURE_IMPORTANCE);
  }

  public List<String> outputTopics() {
    return List.of(windowStatsTopic(), masksTopic(), alertsTopic(), deadLettersTopic());
  }

  public Duration windowSize() {
    return windowSize;
  }

  public Duration windowAdvance() {
    return windowAdvance;
  }

  public Duration windowGrace() {
    return windowGrace;
  }

  public double maskThreshold() {
    return getDouble(MASK_THRESHOLD);
  }

  public long minEvents() {
    return getLong(MIN_EVENTS);
  }

  public int maxCategories() {
    return getInt(MAX_CATEGORIES);
  }

  public double deadEpsilon() {
    return getDouble(MASK_DEAD_EPSILON);
  }

  public double deadMaxActiveShare() {
    return getDouble(MASK_DEAD_MAX_ACTIVE_SHARE);
  }

  public java.util.Set<String> protectedFeatures() {
    return java.util.Set.copyOf(getList(MASK_PROTECTED));
  }

  public double maxDropFraction() {
    return getDouble(MASK_MAX_DROP_FRACTION);
  }

  public int minKept() {
    return getInt(MASK_MIN_KEPT);
  }

  public int stableWindows() {
    return getInt(MASK_STABLE_WINDOWS);
  }

  public double maskHysteresis() {
    return getDouble(MASK_HYSTERESIS);
  }

  public boolean linearCombinations() {
    return getBoolean(MASK_LINEAR_COMBINATIONS);
  }

  public boolean softMasks() {
    return softMasks;
  }

  /** model → feature → importance, from {@code mask.importance} (unmodifiable). */
  public Map<String, Map<String, Double>> importance() {
    return importance;
  }

  private Map<String, Map<String, Double>> parseImportance() {
    Map<String, Map<String, Double>> byModel = new TreeMap<>();
    for (String entry : getList(MASK_IMPORTANCE)) {
      int colon = entry.indexOf(':');
      int eq = entry.lastIndexOf('=');
      double weight;
      try {
        weight = colon > 0 && eq > colon + 1 ? Double.parseDouble(entry.substring(eq + 1)) : Double.NaN;
      } catch (NumberFormatException e) {
        weight = Double.NaN;
      }
      if (!(weight >= 0) || Double.isInfinite(weight)) {
        throw new ConfigException(MASK_IMPORTANCE, entry, "expected model:feature=weight with a weight >= 0");
      }
      byModel.computeIfAbsent(entry.substring(0, colon), m -> new TreeMap<>()).put(entry.substring(colon + 1, eq), weight);
    }
    byModel.replaceAll((model, weights) -> java.util.Collections.unmodifiableMap(weights));
    return java.util.Collections.unmodifiableMap(byModel);
  }

  public int topPairs() {
    return getInt(STATS_TOP_PAIRS);
  }

  public int foldBatchSize() {
    return getInt(FOLD_BATCH_SIZE);
  }

  public Double alertMeanAbsCorrAbove() {
    return getDouble(ALERT_MEAN_ABS_CORR_ABOVE);
  }

  public Double alertMeanSqCorrAbove() {
    return getDouble(ALERT_MEAN_SQ_CORR_ABOVE);
  }

  public String alertRulesFile() {
    return getString(ALERT_RULES);
  }

  public boolean alertDrift() {
    return getBoolean(ALERT_DRIFT);
  }

  public boolean alertRedundancyTrend() {
    return getBoolean(ALERT_REDUNDANCY_TREND);
  }

  public String alertSeverity() {
    return getString(ALERT_SEVERITY);
  }

  public ReferenceMode referenceMode() {
    return referenceMode;
  }

  public String referenceProfile() {
    return getString(REFERENCE_PROFILE);
  }

  /** [from, to) in epoch ms when reference.from/to are set, else null. */
  public ReferenceRange referenceRange() {
    return referenceRange;
  }

  private ReferenceRange parseReferenceRange() {
    String from = getString(REFERENCE_FROM).trim();
    String to = getString(REFERENCE_TO).trim();
    if (from.isEmpty() && to.isEmpty()) {
      return null;
    }
    long f = instant(REFERENCE_FROM, from);
    long t = instant(REFERENCE_TO, to);
    if (f >= t) {
      throw new ConfigException(REFERENCE_TO, to, "must be after reference.from (" + from + ")");
    }
    if (referenceMode != ReferenceMode.WINDOW) {
      throw new ConfigException(REFERENCE_FROM, from, "a reference time range needs reference.mode=window");
    }
    return new ReferenceRange(f, t);
  }

  private static long instant(String key, String text) {
    if (text.isEmpty()) {
      throw new ConfigException(key, text, "set both reference.from and reference.to, or neither");
    }
    try {
      return text.chars().allMatch(Character::isDigit) ? Long.parseLong(text) : java.time.Instant.parse(text).toEpochMilli();
    } catch (java.time.format.DateTimeParseException | NumberFormatException e) {
      throw new ConfigException(key, text, "expected an ISO-8601 instant (2026-01-01T00:00:00Z) or epoch milliseconds");
    }
  }

  public double driftAlpha() {
    return getDouble(DRIFT_ALPHA);
  }

  /** KLL k of a tabular model's numeric features. */
  public int sketchK() {
    return getInt(DRIFT_SKETCH_K);
  }

  /** KLL k of an embedding's dimensions. */
  public int embeddingSketchK() {
    return getInt(DRIFT_EMBEDDING_SKETCH_K);
  }

  /** Rows a pane's drift backlog collects before its sketches are updated. */
  public int sketchBatchSize() {
    return getInt(DRIFT_SKETCH_BATCH_SIZE);
  }

  /** The KLL k for a group's numeric dimensions: embeddings ({@code embedding}) and tabular features differ. */
  public int sketchK(boolean embedding) {
    return embedding ? embeddingSketchK() : sketchK();
  }

  public int maxRecordBytes() {
    return getInt(INPUT_MAX_RECORD_BYTES);
  }

  public int maxDimensions() {
    return getInt(INPUT_MAX_DIMENSIONS);
  }

  public Duration maxFuture() {
    return maxFuture;
  }

  public int maxFeatures() {
    return getInt(INPUT_MAX_FEATURES);
  }

  public int maxNameLength() {
    return getInt(INPUT_MAX_NAME_LENGTH);
  }

  public double maxAbsValue() {
    return getDouble(INPUT_MAX_ABS_VALUE);
  }

  public int shapeConfirmEvents() {
    return getInt(INPUT_SHAPE_CONFIRM_EVENTS);
  }

  public Duration unknownSchemaRetry() {
    return unknownSchemaRetry;
  }

  public int windowCloseQuorum() {
    return getInt(WINDOW_CLOSE_QUORUM);
  }

  /** 0: events are repartitioned by model; N: statistics per input partition, partials merged (N partitions). */
  public int spreadPartitions() {
    return getInt(INPUT_SPREAD_PARTITIONS);
  }

  public long maxGroupsPerPartition() {
    return getLong(LIMITS_GROUPS_PER_PARTITION);
  }

  public long maxGroupStateBytes() {
    return getLong(LIMITS_GROUP_STATE_BYTES);
  }

  /** The metrics endpoint's address (host unresolved), or empty when {@code metrics.listen=off}. */
  public java.util.Optional<java.net.InetSocketAddress> metricsListen() {
    String value = getString(METRICS_LISTEN).trim();
    if (value.equals("off")) {
      return java.util.Optional.empty();
    }
    int colon = value.lastIndexOf(':');
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return java.util.Optional.of(java.net.InetSocketAddress.createUnresolved(host,
        Integer.parseInt(value.substring(colon + 1))));
  }

  private static void validateListen(String name, Object value) {
    String v = value == null ? "" : value.toString().trim();
    if (v.equals("off")) {
      return;
    }
    int colon = v.lastIndexOf(':');
    boolean ok = colon > 0;
    if (ok) {
      try {
        int port = Integer.parseInt(v.substring(colon + 1));
        ok = port >= 0 && port <= 65535;
      } catch (NumberFormatException e) {
        ok = false;
      }
    }
    if (!ok) {
      throw new ConfigException(name, value, "must be host:port (e.g. 127.0.0.1:9464, 0.0.0.0:9464, [::1]:9464;"
          + " port 0 picks a free one) or off");
    }
  }

  public long rocksDbMemoryBytes() {
    return getLong(LIMITS_ROCKSDB_MEMORY_BYTES);
  }

  /** Settings that are not featuremon's, for Kafka Streams, the clients and the registry client. */
  public Map<String, Object> passThrough() {
    return passThrough;
  }

  /**
   * Every featuremon setting (effective value) and every pass-through key, sorted, as they may be shown: secrets
   * ({@code sasl.jaas.config}, {@code *.password}, {@code basic.auth.user.info}, ...) as {@code [hidden]}, URLs
   * without user info or query values ({@link Redaction}). The only form in which settings are printed.
   */
  public Map<String, String> redacted() {
    Map<String, Object> all = new TreeMap<>(values());
    all.putAll(passThrough);
    return Redaction.config(all);
  }

  /** Markdown table of every key, for the README and {@code featuremon config}. */
  public static String documentation() {
    StringBuilder out = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
    for (ConfigDef.ConfigKey key : DEFINITION.configKeys().values()) {
      Object def = key.defaultValue;
      out.append("| `").append(key.name).append("` | ")
          .append(def == null ? "(unset)" : "`" + def + "`").append(" | ")
          .append(key.documentation.replace("|", "\\|")).append(" |\n");
    }
    return out.toString();
  }
}
