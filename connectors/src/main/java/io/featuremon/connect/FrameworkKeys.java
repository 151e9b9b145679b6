package io.featuremon.connect;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys the Connect framework reads from a connector's config (ConnectorConfig, SinkConnectorConfig,
 * SourceConnectorConfig; the worker adds {@code task.class} to each task's copy). They reach a connector's
 * {@code validate} and {@code start} beside its own, so a connector that refuses unknown keys by name (a misspelt key
 * accepted silently is a setting that does nothing) must pass over exactly these.
 */
public final class FrameworkKeys {
  private static final Set<String> COMMON = Set.of("name", "connector.class", "task.class", "tasks.max",
      "tasks.max.enforce", "config.action.reload", "connector.plugin.version", "plugin.version", "key.converter",
      "value.converter", "header.converter", "transforms", "predicates");
  /** A sink's framework keys. */
  public static final Set<String> SINK = union(COMMON, Set.of("topics", "topics.regex"));
  /** A source's framework keys (exactly-once source support, KIP-618, and topic creation included). */
  public static final Set<String> SOURCE = union(COMMON, Set.of("exactly.once.support", "transaction.boundary",
      "transaction.boundary.interval.ms", "offsets.storage.topic", "topic.creation.groups"));
  /** Prefixes of framework keys: converter settings, transforms, errors.* (dead-letter queue), client overrides. */
  private static final List<String> PREFIXES = List.of("key.converter.", "value.converter.", "header.converter.",
      "transforms.", "predicates.", "errors.", "producer.override.", "consumer.override.", "admin.override.",
      "topic.creation.");

  private FrameworkKeys() {}

  /**
   * The keys of {@code props}, sorted, that are neither {@code own} (the connector's, and any it gives its tasks)
   * nor the framework's.
   */
  public static List<String> unknown(Map<String, ?> props, Collection<String> own, Set<String> framework) {
    Set<String> unknown = new TreeSet<>();
    for (String key : props.keySet()) {
      if (!own.contains(key) && !framework.contains(key) && PREFIXES.stream().noneMatch(key::startsWith)) {
        unknown.add(key);
      }
    }
    return new ArrayList<>(unknown);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
