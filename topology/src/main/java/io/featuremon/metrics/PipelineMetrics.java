package io.featuremon.metrics;

import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.WindowStats;
import io.featuremon.topology.GroupKey;
import io.featuremon.topology.PipelineObserver;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.processor.TaskId;

/**
 * featuremon's own series, per (model, segment, type): what the processors told this instance, held per group and
 * rendered at each scrape (a {@link MultiCollector}), so a value is never cached in a meter that outlives its task.
 *
 * <p>Ownership: each group remembers which tasks of this instance counted its events and which one reported its
 * windows. When a task closes (its partition moved to another instance, or the instance stops), its part of the
 * group is forgotten; a group no task holds any more disappears from this instance's scrape. So after a rebalance
 * a group is exported by the instance that now runs its task, once, and not by the one it left. Series appear when a
 * task first sees the group (an event, a window), so a group whose task moved here shows its window series from the
 * next window this instance closes.
 *
 * <p>No series carries NaN or an infinite value: such a value (a statistic that does not exist for the window) is
 * left out of the scrape instead.
 */
public final class PipelineMetrics implements PipelineObserver, MultiCollector {
  private static final String[] GROUP_LABELS = {"model", "segment", "type"};

  /** One group's series and who holds them. Fields are written by one stream thread and read by scrapes. */
  private static final class Group {
    final String model;
    final String segment;
    final String type;
    /** Tasks of this instance that counted events of the group (several with input.spread.partitions). */
    final Set<TaskId> eventTasks = ConcurrentHashMap.newKeySet();
    /** The task that reports the group's windows (the window or merge stage). */
    volatile TaskId reportTask;
    final LongAdder events = new LongAdder();
    volatile long latestEventTime = Long.MIN_VALUE;
    volatile long lastEventWallMs = Long.MIN_VALUE;
    final LongAdder windows = new LongAdder();
    volatile WindowStats window;
    /** kept, dropped, version of the mask serving has; null before the group's first mask. */
    volatile long[] mask;
    volatile Map<String, Integer> firing = Map.of();

    Group(String model, String segment, String type) {
      this.model = model;
      this.segment = segment;
      this.type = type;
    }

    Labels labels() {
      return Labels.of(GROUP_LABELS, new String[] {model, segment, type});
    }

    boolean held() {
      return !eventTasks.isEmpty() || reportTask != null;
    }

    void forgetReports() {
      reportTask = null;
      windows.reset();
      window = null;
      mask = null;
      firing = Map.of();
    }
  }

  private record Id(String model, String segment, String type) {}

  private final ConcurrentHashMap<Id, Group> groups = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<String, LongAdder> deadLetters = new ConcurrentSkipListMap<>();
  private final LongAdder threadsReplaced = new LongAdder();
  private final LongSupplier wallClock;

  public PipelineMetrics() {
    this(System::currentTimeMillis);
  }

  /** @param wallClock epoch ms, for the event-time lag (a test may fix it) */
  public PipelineMetrics(LongSupplier wallClock) {
    this.wallClock = wallClock;
    // Every reason code from the start, at 0: the first dead letter then shows in rate() and increase() (a series
    // that appears at 1 loses its first increment), and a dashboard has a series before anything goes wrong.
    for (String reason : REASONS) {
      deadLetters.put(reason, new LongAdder());
    }
  }

  /** The reason codes of {@link #reasonCode}. */
  static final List<String> REASONS = List.of("decode", "late", "merge", "validate", "window");

  // ---- what the processors say

  @Override
  public void event(TaskId task, GroupKey key, long eventTime) {
    Group g = group(key.model(), key.segment(), key.type().label());
    if (!g.eventTasks.contains(task)) {
      synchronized (g) {
        g.eventTasks.add(task);
        groups.putIfAbsent(new Id(g.model, g.segment, g.type), g);
      }
    }
    g.events.increment();
    if (eventTime > g.latestEventTime) {
      g.latestEventTime = eventTime;
    }
    g.lastEventWallMs = wallClock.getAsLong();
  }

  @Override
  public void deadLetter(TaskId task, DeadLetter letter) {
    deadLetters.computeIfAbsent(reasonCode(letter), r -> new LongAdder()).increment();
  }

  @Override
  public void window(TaskId task, WindowStats stats) {
    Group g = reporting(task, stats.getModel(), stats.getSegment(), stats.getType());
    g.window = stats;
    g.windows.increment();
  }

  @Override
  public void mask(TaskId task, WindowStats stats, int kept, int dropped, long version) {
    reporting(task, stats.getModel(), stats.getSegment(), stats.getType()).mask = new long[] {kept, dropped, version};
  }

  @Override
  public void alertsFiring(TaskId task, WindowStats stats, Map<String, Integer> firingByRule) {
    reporting(task, stats.getModel(), stats.getSegment(), stats.getType()).firing = Map.copyOf(firingByRule);
  }

  @Override
  public void taskClosed(TaskId task) {
    for (Map.Entry<Id, Group> e : groups.entrySet()) {
      Group g = e.getValue();
      synchronized (g) {
        g.eventTasks.remove(task);
        if (task.equals(g.reportTask)) {
          g.forgetReports();
        }
        if (!g.held()) {
          groups.remove(e.getKey(), g);
        }
      }
    }
  }

  @Override
  public void streamThreadReplaced() {
    threadsReplaced.increment();
  }

  /**
   * The dead letter's reason code, a bounded set: {@code late} for late events, otherwise the stage that refused it
   * (decode, validate, window, merge); the free-text reason is on the dead-letter topic.
   */
  static String reasonCode(DeadLetter letter) {
    return letter.getReason() != null && letter.getReason().startsWith("late:") ? "late" : letter.getStage();
  }

  private Group group(String model, String segment, String type) {
    Id id = new Id(model, segment == null ? "" : segment, type);
    return groups.computeIfAbsent(id, k -> new Group(k.model(), k.segment(), k.type()));
  }

  private Group reporting(TaskId task, String model, String segment, String type) {
    Group g = group(model, segment, type);
    if (!task.equals(g.reportTask)) {
      synchronized (g) {
        g.reportTask = task;
        groups.putIfAbsent(new Id(g.model, g.segment, g.type), g);
      }
    }
    return g;
  }

  // ---- what a scrape sees

  @Override
  public MetricSnapshots collect() {
    Families f = new Families();
    long now = wallClock.getAsLong();
    List<Group> sorted = new ArrayList<>(groups.values());
    sorted.sort(java.util.Comparator.comparing((Group g) -> g.model).thenComparing(g -> g.segment)
        .thenComparing(g -> g.type));
    for (Group g : sorted) {
      Labels labels = g.labels();
      if (!g.eventTasks.isEmpty()) {
        f.counter("featuremon_events", "Events of the group the window stage received (dead-lettered ones included).",
            labels, g.events.sum());
        long latest = g.latestEventTime;
        if (latest != Long.MIN_VALUE) {
          f.gauge("featuremon_event_time_latest_seconds", "Latest event time seen for the group (epoch seconds).",
              labels, latest / 1000.0);
          f.gauge("featuremon_event_time_lag_seconds", "Wall clock minus the latest event time seen for the group:"
              + " how far behind real time its events are.", labels, (now - latest) / 1000.0);
        }
        long seen = g.lastEventWallMs;
        if (seen != Long.MIN_VALUE) {
          f.gauge("featuremon_last_event_received_timestamp_seconds", "Wall-clock time this instance last received"
              + " an event of the group (epoch seconds).", labels, seen / 1000.0);
        }
      }
      WindowStats w = g.window;
      if (g.reportTask != null && w != null) {
        f.counter("featuremon_windows_closed", "Windows of the group this instance closed and reported.", labels,
            g.windows.sum());
        f.gauge("featuremon_window_end_timestamp_seconds", "Event-time end of the group's latest closed window.",
            labels, w.getWindowEnd() / 1000.0);
        f.gauge("featuremon_window_events", "Events in the group's latest closed window.", labels, w.getCount());
        if (w.getRedundancy() != null) {
          f.gauge("featuremon_redundancy_mean_abs_corr", "redundancy.meanAbsCorr of the latest window.", labels,
              w.getRedundancy().getMeanAbsCorr());
          f.gauge("featuremon_redundancy_mean_sq_corr", "redundancy.meanSqCorr of the latest window.", labels,
              w.getRedundancy().getMeanSqCorr());
          f.gauge("featuremon_redundancy_effective_rank", "redundancy.effectiveRank of the latest window.", labels,
              w.getRedundancy().getEffectiveRank());
          f.gauge("featuremon_redundancy_fret_l1", "redundancy.fretL1 of the latest window.", labels,
              w.getRedundancy().getFretL1());
        }
        Double drifted = driftedShare(w);
        if (drifted != null) {
          f.gauge("featuremon_drifted_share", "Latest window: drift.embedding.driftedShare for embeddings; for tabular"
              + " models the share of features whose drift verdict is drifted.", labels, drifted);
        }
      }
      long[] m = g.mask;
      if (g.reportTask != null && m != null) {
        f.gauge("featuremon_mask_kept", "Features the group's current mask keeps.", labels, m[0]);
        f.gauge("featuremon_mask_dropped", "Features the group's current mask drops.", labels, m[1]);
        f.gauge("featuremon_mask_version", "Version of the group's current mask.", labels, m[2]);
      }
      if (g.reportTask != null) {
        for (Map.Entry<String, Integer> e : new TreeMap<>(g.firing).entrySet()) {
          f.gauge("featuremon_alerts_firing", "Alerts of the rule firing now for the group (live rules; 0 when none).",
              labels.add("rule", e.getKey()), e.getValue());
        }
      }
    }
    for (Map.Entry<String, LongAdder> e : deadLetters.entrySet()) {
      f.counter("featuremon_dead_letters", "Dead letters this instance forwarded, by reason code (late, or the stage:"
          + " decode, validate, window, merge).", Labels.of("reason", e.getKey()), e.getValue().sum());
    }
    f.counter("featuremon_stream_threads_replaced", "Stream threads that died of a retriable failure (broker or"
        + " registry outage) and were replaced.", Labels.EMPTY, threadsReplaced.sum());
    return f.snapshots();
  }

  /** Embeddings: the published share; tabular: drifted features / features compared; null when no drift yet. */
  static Double driftedShare(WindowStats w) {
    if (w.getDrift() == null) {
      return null;
    }
    if (w.getDrift().getEmbedding() != null) {
      return w.getDrift().getEmbedding().getDriftedShare();
    }
    var features = w.getDrift().getFeatures();
    if (features == null || features.isEmpty()) {
      return null;
    }
    long drifted = features.values().stream().filter(d -> d.getDrifted()).count();
    return (double) drifted / features.size();
  }

  /** Families in first-use order; data points with a non-finite value are left out. */
  private static final class Families {
    private final Map<String, String> help = new java.util.LinkedHashMap<>();
    private final Map<String, List<GaugeSnapshot.GaugeDataPointSnapshot>> gauges = new java.util.LinkedHashMap<>();
    private final Map<String, List<CounterSnapshot.CounterDataPointSnapshot>> counters = new java.util.LinkedHashMap<>();

    void gauge(String name, String text, Labels labels, double value) {
      help.putIfAbsent(name, text);
      List<GaugeSnapshot.GaugeDataPointSnapshot> points = gauges.computeIfAbsent(name, n -> new ArrayList<>());
      if (Double.isFinite(value)) {
        points.add(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(labels).build());
      }
    }

    void counter(String name, String text, Labels labels, double value) {
      help.putIfAbsent(name, text);
      counters.computeIfAbsent(name, n -> new ArrayList<>())
          .add(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).labels(labels).build());
    }

    MetricSnapshots snapshots() {
      List<MetricSnapshot> all = new ArrayList<>();
      gauges.forEach((name, points) -> {
        if (!points.isEmpty()) {
          GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help.get(name));
          points.forEach(b::dataPoint);
          all.add(b.build());
        }
      });
      counters.forEach((name, points) -> {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help.get(name));
        points.forEach(b::dataPoint);
        all.add(b.build());
      });
      return new MetricSnapshots(all);
    }
  }
}
