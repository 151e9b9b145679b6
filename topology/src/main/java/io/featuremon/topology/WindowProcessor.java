package io.featuremon.topology;

import io.featuremon.avro.DeadLetter;
import io.featuremon.alerts.RuleSet;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.config.ReferenceRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The window stage: per (model, segment, type) group, event-time windows of exact co-moments kept in tiles in
 * RocksDB, closed on the group's own stream time.
 *
 * <p>Per event: decide its fate (its group's schema, a candidate shape, late, over a limit: {@link Panes} keeps
 * what is accepted, {@link DeadLetters} the rest). When the group's stream time reaches a window's end + grace:
 * collect the window's panes into a {@link WindowPartial} and hand it to {@link Closed} (the {@link
 * WindowReporter} here, or the merge stage with spread input), delete the panes no later window needs.
 *
 * <p>Why it is deterministic: fold points, stream time and window closing depend only on the sequence of events of
 * the group (the order of their input partition), never on commit timing, caching or wall-clock time; and every
 * byte the next commit needs is in a logged store before the commit, so exactly-once holds across restarts.
 */
final class WindowProcessor implements Processor<GroupKey, MonitoredEvent, String, SpecificRecord> {
  /** What becomes of a window the stage closes: reported here, or sent to the merge stage as a partial. */
  interface Closed {
    void accept(GroupKey key, byte[] group, StateCodec.Schema schema, long start, WindowPartial partial, long time);

    /** The group's stream time moved (after the windows it closes were handed over). */
    default void streamTimeMoved(byte[] group, long before, long after, long time) {}
  }

  private final long sizeMs;
  private final long advanceMs;
  private final long paneMs;
  /** The reason code of late events in {@code quality.rejected}. */
  static final String LATE = "late";
  private final long graceMs;
  private final ReferencePolicy referencePolicy;
  /** The configured reference range, or null. */
  private final ReferenceRange referenceRange;
  /** The pane that accumulates the reference range's events; real panes start at or after 0. */
  private static final long REFERENCE_PANE = -1;
  private final FeaturemonConfig config;
  /** Reports this stage's windows itself (null when it sends partials to the merge stage instead). */
  private final WindowReporter reporter;
  private final java.util.function.Function<ProcessorContext<String, SpecificRecord>, Closed> closedFactory;
  private Closed closed;

  private ProcessorContext<String, SpecificRecord> context;
  /** The group's clock while its record is processed. */
  private StateCodec.Clock clock;
  /** Timestamp of the record being processed (the input record's, carried through the repartition topic). */
  private long recordTime;
  private GroupState state;
  private Panes panes;

  /** The window stage that reports its own windows: every event of a group comes to its task. */
  WindowProcessor(FeaturemonConfig config, RuleSet alertRules) {
    this(config, alertRules, WhatIfRules.NONE);
  }

  WindowProcessor(FeaturemonConfig config, RuleSet alertRules, WhatIfRules whatIf) {
    this(config, alertRules, whatIf, PipelineObserver.NONE);
  }

  WindowProcessor(FeaturemonConfig config, RuleSet alertRules, WhatIfRules whatIf, PipelineObserver observer) {
    this(config, new WindowReporter(config, ReferencePolicy.of(config), alertRules, whatIf, observer), null, observer);
  }

  /** The window stage of one input partition, which hands each window it closes to {@code closed}. */
  WindowProcessor(FeaturemonConfig config,
      java.util.function.Function<ProcessorContext<String, SpecificRecord>, Closed> closed, PipelineObserver observer) {
    this(config, null, closed, observer);
  }

  private WindowProcessor(FeaturemonConfig config, WindowReporter reporter,
      java.util.function.Function<ProcessorContext<String, SpecificRecord>, Closed> closedFactory,
      PipelineObserver observer) {
    this.observer = observer;
    this.config = config;
    this.sizeMs = config.windowSize().toMillis();
    this.advanceMs = config.windowAdvance().toMillis();
    this.paneMs = gcd(sizeMs, advanceMs);
    this.graceMs = config.windowGrace().toMillis();
    this.referencePolicy = ReferencePolicy.of(config);
    this.referenceRange = referencePolicy.range();
    this.reporter = reporter;
    this.closedFactory = closedFactory;
    this.closeQuorum = config.windowCloseQuorum();
    this.shapeConfirmEvents = config.shapeConfirmEvents();
    this.maxGroups = config.maxGroupsPerPartition();
    this.budget = new StateBudget(config);
  }

  /** A group has at most this many shapes awaiting confirmation; yet another displaces the least supported. */
  static final int MAX_CANDIDATES = 2;
  private final int closeQuorum;
  private final int shapeConfirmEvents;
  private final long maxGroups;
  private final StateBudget budget;
  /** Told what this stage sees (the metrics endpoint); never consulted. */
  private final PipelineObserver observer;

  static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    KeyValueStore<Bytes, byte[]> groups = context.getStateStore(FeaturemonTopology.GROUPS_STORE);
    KeyValueStore<Bytes, byte[]> pending = context.getStateStore(FeaturemonTopology.PENDING_STORE);
    this.state = new GroupState(groups, pending);
    this.panes = new Panes(config, referencePolicy.drift(), context.getStateStore(FeaturemonTopology.MOMENTS_STORE),
        pending);
    if (reporter != null) {
      reporter.init(context, groups);
      this.closed = (key, group, schema, start, partial, time) ->
          reporter.report(key, group, schema, start, start + sizeMs, partial, time);
    } else {
      this.closed = closedFactory.apply(context);
    }
  }

  @Override
  public void process(Record<GroupKey, MonitoredEvent> record) {
    recordTime = Math.max(0, record.timestamp());
    GroupKey key = record.key();
    MonitoredEvent event = record.value();
    byte[] group = StateCodec.groupPrefix(key);
    StateCodec.Clock saved = state.clock(group);
    if (saved == null) {
      if (event.endOfInput() || event.rejection() != null) {
        return; // a group with no accepted event has nothing to close, and no window to count a refusal in
      }
      String refusal = admitGroup(key);
      if (refusal != null) {
        dead(key, event, refusal);
        return;
      }
    }
    // Only an admitted group is observed: a flood of made-up model names, each refused at the groups limit, must not
    // become as many metric series.
    if (!event.endOfInput()) {
      observer.event(context.taskId(), key, event.timestamp());
    }
    clock = saved == null ? StateCodec.Clock.initial() : saved;
    long before = clock.streamTime();

    if (event.endOfInput()) {
      settleCandidates(key, group, Long.MAX_VALUE);
      clock = closeDue(key, group, clock, Long.MAX_VALUE);
    } else if (event.rejection() != null) {
      // Already a dead letter; counted for its window's quality, but it moves no statistic and no stream time, so
      // valid events give the same results with or without bad ones around them.
      state.countRejection(group, paneOf(event), event.rejection());
    } else if (route(key, group, event)) {
      clock = clock.observe(clockTime(event), closeQuorum);
      settleCandidates(key, group, clock.streamTime());
      clock = closeDue(key, group, clock, clock.streamTime());
    }
    state.saveClock(group, clock);
    if (clock.streamTime() != before) {
      closed.streamTimeMoved(group, before, clock.streamTime(), recordTime);
    }
  }

  /**
   * Sends an event where its shape says: into the statistics when it fits the group's schema, to a candidate shape
   * when it does not, or to the dead letters. Returns whether the event may move the group's stream time (it was
   * accepted or is awaiting confirmation).
   */
  private boolean route(GroupKey key, byte[] group, MonitoredEvent event) {
    StateCodec.Schema schema = state.schema(group);
    if (schema == null && hasNulls(event)) {
      if (clock.shapesWaiting()) {
        // A shape is about to be confirmed: the row waits with it and is counted under that shape, in arrival order,
        // so its missing values count the same whenever the confirmation comes.
        StateCodec.Candidates candidates = state.candidates(group);
        state.buffer(group, StateCodec.FOLLOWERS, candidates.nextSeq(), event);
        saveCandidates(group, new StateCodec.Candidates(candidates.nextId(), candidates.nextSeq() + 1,
            candidates.pending()));
        return true;
      }
      // A null says nothing about a feature's type, so the schema waits for a row without nulls; a row with a null
      // is left out of the correlations anyway, so this row only counts as incomplete.
      return accept(key, group, null, event, null);
    }
    if (schema != null) {
      String[] reason = new String[1];
      byte[] row = toRow(event, schema, key, reason);
      if (row != null) {
        boolean accepted = accept(key, group, schema, event, row);
        if (accepted) {
          candidatesSawAnotherShape(key, group, schema, null);
        }
        return accepted;
      }
      if (hasNulls(event)) {
        // With nulls its shape cannot be told, so it cannot start a candidate: it does not fit, and that is all.
        state.countRejection(group, paneOf(event), event.type() == EventType.EMBEDDING ? "wrong-dimension" : "schema");
        dead(key, event, reason[0]);
        return false;
      }
    }
    return offerCandidate(key, group, schema, event);
  }

  /**
   * Adds an event that fits {@code schema} (null: a tabular row with nulls before any schema, counted only) to its
   * pane, unless its window has closed: then it is a late dead letter.
   */
  private boolean accept(GroupKey key, byte[] group, StateCodec.Schema schema, MonitoredEvent event, byte[] row) {
    long pane = paneOf(event);
    long lastWindowStart = Math.floorDiv(pane, advanceMs) * advanceMs;
    // Late means its windows are closed. Stream time says so for a new event; for a buffered one adopted now, the
    // stream time may already include the event that settles its shape, before the windows it is due to close
    // have been: then only an emitted window is closed.
    boolean late = adopting ? lastWindowStart <= clock.lastClosedWindowStart()
        : clock.streamTime() != Long.MIN_VALUE && isClosed(lastWindowStart, clock.streamTime());
    if (late) {
      // Counted in the pane of the group's stream time, so that the next window emitted reports it: its own window
      // has been emitted already.
      state.countRejection(group, Math.floorDiv(clock.streamTime(), paneMs) * paneMs, LATE);
      dead(key, event, "late: its window [" + lastWindowStart + ", " + (lastWindowStart + sizeMs)
          + ") closed when the stream time of this model reached " + clock.streamTime() + " (window.grace="
          + graceMs + " ms)");
      return false;
    }
    List<Long> open = clock.openPanes();
    if (!open.contains(pane) && open.size() >= budget.maxOpenPanes() && pane > open.get(open.size() - 1)) {
      dead(key, event, "limit: model '" + key.model() + "' already holds " + open.size() + " open panes, the most its"
          + " windows need plus " + StateBudget.EXTRA_PANES + " for events ahead of its stream time ("
          + clock.streamTime() + "); this event at " + event.timestamp() + " would open another, later one");
      return false;
    }
    panes.add(group, pane, schema, event, row);
    if (schema != null && referenceRange != null && referenceRange.contains(event.timestamp())) {
      panes.add(group, REFERENCE_PANE, schema, event, row);
    }
    List<Long> panes = clock.openPanes();
    if (!panes.contains(pane)) {
      TreeSet<Long> sorted = new TreeSet<>(panes);
      sorted.add(pane);
      clock = clock.withPanes(List.copyOf(sorted));
    }
    return true;
  }

  /**
   * The time an event moves its group's clock with: its event time, but no later than its Kafka record's timestamp.
   * An event time ahead of its own record is a producer clock running ahead (the record time is the broker's or the
   * producer's send time), and must not close windows for the events around it. Both times come with the record,
   * so live runs and replays decide alike.
   */
  private static long clockTime(MonitoredEvent event) {
    return event.recordTimestamp() < 0 ? event.timestamp() : Math.min(event.timestamp(), event.recordTimestamp());
  }

  private long paneOf(MonitoredEvent event) {
    return Math.floorDiv(event.timestamp(), paneMs) * paneMs;
  }

  /**
   * Counts a new group against {@code limits.groups.per.partition}; returns why it is refused, or null. The count is
   * per task (one partition of the repartition topic), not per instance: which groups a partition holds is fixed by
   * their keys, while an instance's share depends on how many instances run, and the outputs must not.
   */
  private String admitGroup(GroupKey key) {
    long count = state.groupCount();
    if (count >= maxGroups) {
      return "limit: model '" + key.model() + "'" + (key.segment() == null ? "" : " segment '" + key.segment() + "'")
          + " would be group " + (count + 1) + " of partition " + context.taskId().partition()
          + ", more than limits.groups.per.partition=" + maxGroups
          + " (raise it, or spread the groups over more partitions)";
    }
    state.saveGroupCount(count + 1);
    return null;
  }

  // ---- shapes awaiting confirmation

  /**
   * An event whose shape differs from its group's schema (or that comes before there is one) waits as a candidate
   * shape: adopted once {@code input.shape.confirm.events} events have it and they outnumber the events of other
   * shapes since its first, so a real schema change (384 to 768 dimensions) goes through and no corrupt event fixes
   * a model's shape; refused, with every event it held, once other shapes outnumber it by that many events, or when
   * the window of its first event closes.
   */
  private boolean offerCandidate(GroupKey key, byte[] group, StateCodec.Schema schema, MonitoredEvent event) {
    StateCodec.Schema shape = schemaOf(event);
    String tooBig = budget.refusal(key, shape);
    if (tooBig != null) {
      state.countRejection(group, paneOf(event), "limit");
      dead(key, event, tooBig);
      return false;
    }
    StateCodec.Candidates candidates = state.candidates(group);
    StateCodec.Candidate mine = null;
    for (StateCodec.Candidate c : candidates.pending()) {
      if (c.shape().equals(shape)) {
        mine = c;
      }
    }
    if (mine == null && candidates.pending().size() >= MAX_CANDIDATES) {
      // No room: the least supported waiting shape (fewest events beyond its rivals; the oldest on a tie) gives way.
      // Refusing the newcomer instead would let two stray events that came first lock a model's real shape out.
      StateCodec.Candidate weakest = null;
      for (StateCodec.Candidate c : candidates.pending()) {
        if (weakest == null || c.count() - c.rivals() < weakest.count() - weakest.rivals()) {
          weakest = c;
        }
      }
      removeCandidate(group, weakest);
      refuse(key, group, weakest, schema, "it had the least support of the " + MAX_CANDIDATES
          + " shapes waiting when another new shape came");
      candidates = state.candidates(group);
    }
    List<StateCodec.Candidate> pending = new ArrayList<>(candidates.pending());
    int nextId = candidates.nextId();
    if (mine == null) {
      mine = new StateCodec.Candidate(nextId++, shape, 0, 0, event.timestamp());
      pending.add(mine);
    }
    pending.set(pending.indexOf(mine), mine = new StateCodec.Candidate(mine.id(), shape, mine.count() + 1,
        mine.rivals(), mine.firstTime()));
    state.buffer(group, mine.id(), candidates.nextSeq(), event);
    saveCandidates(group, new StateCodec.Candidates(nextId, candidates.nextSeq() + 1, pending));
    if (mine.count() >= shapeConfirmEvents && mine.count() > mine.rivals()) {
      adopt(key, group, schema, mine);
    }
    candidatesSawAnotherShape(key, group, state.schema(group), shape);
    return true;
  }

  /**
   * Every candidate other than {@code shape}'s saw one more event of another shape; refuses the ones outnumbered by
   * at least {@code input.shape.confirm.events} such events. Counting since the candidate's first event (not since
   * its latest) keeps a steady trickle of wrong-shape events, however frequent, from ever taking a model over.
   */
  private void candidatesSawAnotherShape(GroupKey key, byte[] group, StateCodec.Schema schema, StateCodec.Schema shape) {
    if (!clock.shapesWaiting()) {
      return;
    }
    StateCodec.Candidates candidates = state.candidates(group);
    if (candidates.pending().isEmpty()) {
      clock = clock.withShapesWaiting(false);
      return;
    }
    List<StateCodec.Candidate> kept = new ArrayList<>();
    for (StateCodec.Candidate c : candidates.pending()) {
      if (c.shape().equals(shape)) {
        kept.add(c);
        continue;
      }
      StateCodec.Candidate next = new StateCodec.Candidate(c.id(), c.shape(), c.count(), c.rivals() + 1, c.firstTime());
      if (next.rivals() >= shapeConfirmEvents && next.rivals() >= next.count()) {
        refuse(key, group, next, schema, next.rivals() + " events of other shapes came since its first one");
      } else {
        kept.add(next);
      }
    }
    if (kept.isEmpty() && schema == null) {
      releaseFollowers(key, group);
    }
    saveCandidates(group, new StateCodec.Candidates(candidates.nextId(), candidates.nextSeq(), kept));
  }

  /**
   * Settles the candidates whose first event's window is due to close at {@code streamTime}: before there is a
   * schema, the candidate with the most events (the earliest on a tie) becomes it, so a model that sends only a
   * few events still gets its windows; with a schema, a candidate that did not gather enough events is refused.
   */
  private void settleCandidates(GroupKey key, byte[] group, long streamTime) {
    while (clock.shapesWaiting()) {
      StateCodec.Candidates candidates = state.candidates(group);
      if (candidates.pending().isEmpty()) {
        clock = clock.withShapesWaiting(false);
        return;
      }
      StateCodec.Candidate due = null;
      for (StateCodec.Candidate c : candidates.pending()) {
        long pane = Math.floorDiv(c.firstTime(), paneMs) * paneMs;
        long firstWindowStart = Math.floorDiv(pane, advanceMs) * advanceMs - sizeMs + advanceMs;
        if (streamTime != Long.MIN_VALUE && isClosed(firstWindowStart, streamTime)) {
          due = c;
          break;
        }
      }
      if (due == null) {
        return;
      }
      StateCodec.Schema schema = state.schema(group);
      if (schema == null) {
        StateCodec.Candidate best = due;
        for (StateCodec.Candidate c : candidates.pending()) {
          if (c.count() > best.count() || (c.count() == best.count() && c.id() < best.id())) {
            best = c;
          }
        }
        adopt(key, group, null, best);
      } else {
        removeCandidate(group, due);
        refuse(key, group, due, schema, "its window closed before " + shapeConfirmEvents
            + " events confirmed the shape (input.shape.confirm.events)");
      }
    }
  }

  /**
   * Makes {@code candidate} the group's schema and feeds it its buffered events in their order. Windows that still
   * hold events of the old schema are closed first, with what they hold, so each window's statistics come from one
   * shape; a window the change falls in is then reported twice, once per shape (the README says so).
   */
  private void adopt(GroupKey key, byte[] group, StateCodec.Schema old, StateCodec.Candidate candidate) {
    removeCandidate(group, candidate);
    if (old != null) {
      flushShape(key, group, old);
    }
    state.saveSchema(group, candidate.shape());
    adopting = true;
    try {
      // The shape's own events and the rows with nulls that came meanwhile, in arrival order.
      List<KeyValue<Integer, MonitoredEvent>> own = state.takeBuffered(group, candidate.id());
      List<KeyValue<Integer, MonitoredEvent>> followers = state.takeBuffered(group, StateCodec.FOLLOWERS);
      int i = 0;
      int j = 0;
      while (i < own.size() || j < followers.size()) {
        boolean takeOwn = j >= followers.size() || (i < own.size() && own.get(i).key < followers.get(j).key);
        MonitoredEvent event = (takeOwn ? own.get(i++) : followers.get(j++)).value;
        String[] reason = new String[1];
        byte[] row = toRow(event, candidate.shape(), key, reason);
        if (row == null) {
          state.countRejection(group, paneOf(event), "schema");
          dead(key, event, reason[0]);
        } else {
          accept(key, group, candidate.shape(), event, row);
        }
      }
    } finally {
      adopting = false;
    }
  }

  /** Rows with nulls whose waiting shapes were all refused: counted as before any shape, in arrival order. */
  private void releaseFollowers(GroupKey key, byte[] group) {
    for (KeyValue<Integer, MonitoredEvent> kv : state.takeBuffered(group, StateCodec.FOLLOWERS)) {
      accept(key, group, null, kv.value, null);
    }
  }

  /** True while buffered events of a newly adopted shape are fed in. */
  private boolean adopting;

  /** Dead-letters every event a candidate held, with why its shape was not taken. */
  private void refuse(GroupKey key, byte[] group, StateCodec.Candidate candidate, StateCodec.Schema schema, String why) {
    String seen = "; its shape was seen in " + candidate.count() + (candidate.count() == 1 ? " event" : " events")
        + " and not confirmed: " + why;
    for (KeyValue<Integer, MonitoredEvent> kv : state.takeBuffered(group, candidate.id())) {
      MonitoredEvent event = kv.value;
      String reason = mismatch(key, group, event, schema) + seen;
      long pane = paneOf(event);
      if (!isClosed(Math.floorDiv(pane, advanceMs) * advanceMs, clock.streamTime())) {
        state.countRejection(group, pane, event.type() == EventType.EMBEDDING ? "wrong-dimension" : "schema");
      }
      dead(key, event, reason);
    }
  }

  /**
   * Why {@code event} does not fit: against the group's schema, or before there is one against the shape most of
   * its events so far had, in the words of {@link #toRow} ("feature 'x' is numeric ... but got the string ...").
   */
  private String mismatch(GroupKey key, byte[] group, MonitoredEvent event, StateCodec.Schema schema) {
    StateCodec.Schema reference = schema;
    if (reference == null) {
      StateCodec.Schema shape = schemaOf(event);
      int most = 0;
      for (StateCodec.Candidate c : state.candidates(group).pending()) {
        if (!c.shape().equals(shape) && c.count() > most) {
          most = c.count();
          reference = c.shape();
        }
      }
    }
    if (reference != null) {
      String[] reason = new String[1];
      if (toRow(event, reference, key, reason) == null) {
        return reason[0] + (schema == null ? " (the shape most of its events have so far; none is confirmed yet)" : "");
      }
    }
    return "shape " + describe(schemaOf(event)) + " of model '" + key.model() + "' is not confirmed";
  }

  private static String describe(StateCodec.Schema shape) {
    if (shape.featureNames() == null) {
      return "(" + shape.dimensions() + " dimensions)";
    }
    String text = "(numeric " + shape.featureNames() + ", categorical " + shape.categoricalNames() + ")";
    return text.length() <= 300 ? text : text.substring(0, 300) + "...)";
  }

  /** Saves the candidates, and whether any wait in the clock (which spares most events a lookup). */
  private void saveCandidates(byte[] group, StateCodec.Candidates candidates) {
    clock = clock.withShapesWaiting(!candidates.pending().isEmpty());
    state.saveCandidates(group, candidates);
  }

  private void removeCandidate(byte[] group, StateCodec.Candidate candidate) {
    StateCodec.Candidates candidates = state.candidates(group);
    List<StateCodec.Candidate> kept = new ArrayList<>();
    for (StateCodec.Candidate c : candidates.pending()) {
      if (c.id() != candidate.id()) {
        kept.add(c);
      }
    }
    saveCandidates(group, new StateCodec.Candidates(candidates.nextId(), candidates.nextSeq(), kept));
  }

  /** Closes, now, every window that holds events of {@code old}, and drops that schema's panes. */
  private void flushShape(GroupKey key, byte[] group, StateCodec.Schema old) {
    TreeSet<Long> due = new TreeSet<>();
    for (long pane : clock.openPanes()) {
      long last = Math.floorDiv(pane, advanceMs) * advanceMs;
      for (long start = last; start > pane - sizeMs; start -= advanceMs) {
        if (start > clock.lastClosedWindowStart()) {
          due.add(start);
        }
      }
    }
    List<Long> open = new ArrayList<>(clock.openPanes());
    for (long start : due) {
      closeWindow(key, group, old, open, start);
    }
    for (long pane : open) {
      panes.delete(group, pane, old);
    }
    if (panes.exists(group, REFERENCE_PANE)) {
      panes.delete(group, REFERENCE_PANE, old);
    }
    clock = clock.withPanes(List.of());
  }

  /**
   * The record time of an output about the window ending at {@code end}: its end, unless that is later than the
   * record that closed it. A window closed by a far-ahead event or by the end of input can end in the future, and
   * a broker refuses records too far ahead of its clock; the closing record's time it has accepted already. Both
   * are fixed by the input, so outputs carry the same timestamps on every run.
   */
  private long outputTime(long end) {
    return Math.min(end, recordTime);
  }

  /** A window [start, start + size) is closed once stream time reaches its end + grace. */
  private boolean isClosed(long windowStart, long streamTime) {
    // No stream time yet (fewer events than window.close.quorum) closes nothing; the subtraction would overflow.
    return streamTime != Long.MIN_VALUE
        && (streamTime == Long.MAX_VALUE || windowStart <= streamTime - sizeMs - graceMs);
  }

  private static boolean hasNulls(MonitoredEvent event) {
    return event.features() != null && event.features().containsValue(null);
  }

  private static StateCodec.Schema schemaOf(MonitoredEvent event) {
    if (event.type() == EventType.EMBEDDING) {
      return new StateCodec.Schema(event.vector().length, null, null);
    }
    List<String> numeric = new ArrayList<>();
    List<String> categorical = new ArrayList<>();
    for (Map.Entry<String, Object> e : event.features().entrySet()) {
      (e.getValue() instanceof Double ? numeric : categorical).add(e.getKey()); // sorted map: names come in order
    }
    return new StateCodec.Schema(numeric.size(), List.copyOf(numeric), List.copyOf(categorical));
  }

  /**
   * The pending-row bytes for an event, {@link Panes#INCOMPLETE_NUMERIC_ONLY} when there is nothing to store, or null with
   * {@code reason[0]} set when the event does not fit the group's schema (a dead letter).
   */
  private static byte[] toRow(MonitoredEvent event, StateCodec.Schema schema, GroupKey key, String[] reason) {
    if (event.type() == EventType.EMBEDDING) {
      if (event.vector().length != schema.dimensions()) {
        reason[0] = "vector has " + event.vector().length + " dimensions but model '" + key.model() + "'"
            + (key.segment() == null ? "" : " segment '" + key.segment() + "'") + " has " + schema.dimensions();
        return null;
      }
      return StateCodec.encodeEmbeddingRow(event.vector());
    }
    List<String> numericNames = schema.featureNames();
    List<String> categoricalNames = schema.categoricalNames();
    double[] numeric = new double[numericNames.size()];
    boolean[] present = new boolean[numeric.length];
    String[] categorical = new String[categoricalNames.size()];
    boolean complete = true;
    for (Map.Entry<String, Object> e : event.features().entrySet()) {
      Object v = e.getValue();
      int n = java.util.Collections.binarySearch(numericNames, e.getKey());
      int c = n >= 0 ? -1 : java.util.Collections.binarySearch(categoricalNames, e.getKey());
      if (n >= 0) {
        if (v instanceof String) {
          reason[0] = "feature '" + e.getKey() + "' is numeric for model '" + key.model() + "' but got the string '" + v + "'";
          return null;
        }
        if (v != null) {
          numeric[n] = (Double) v;
          present[n] = true;
        }
      } else if (c >= 0) {
        if (v instanceof Double) {
          reason[0] = "feature '" + e.getKey() + "' is categorical for model '" + key.model() + "' but got the number " + v;
          return null;
        }
        categorical[c] = (String) v;
      } else if (v != null) {
        reason[0] = "feature '" + e.getKey() + "' is not among the features of model '" + key.model() + "' (numeric "
            + numericNames + ", categorical " + categoricalNames + ")";
        return null;
      }
    }
    for (boolean p : present) {
      complete &= p;
    }
    if (!complete && categorical.length == 0) {
      return Panes.INCOMPLETE_NUMERIC_ONLY;
    }
    return StateCodec.encodeTabularRow(numeric, present, categorical);
  }

  /** Closes, in order, every window of this group that is due at {@code streamTime}. */
  private StateCodec.Clock closeDue(GroupKey key, byte[] group, StateCodec.Clock clock, long streamTime) {
    if (referenceRange != null && (streamTime == Long.MAX_VALUE || streamTime - graceMs >= referenceRange.to())
        && panes.exists(group, REFERENCE_PANE)) {
      StateCodec.Schema schema = state.schema(group);
      if (schema != null) {
        buildRangeReference(key, group, schema);
      }
    }
    TreeSet<Long> due = new TreeSet<>();
    for (long pane : clock.openPanes()) {
      long last = Math.floorDiv(pane, advanceMs) * advanceMs;
      for (long start = last; start > pane - sizeMs; start -= advanceMs) {
        if (start > clock.lastClosedWindowStart() && isClosed(start, streamTime)) {
          due.add(start);
        }
      }
    }
    if (due.isEmpty()) {
      return clock;
    }
    // No schema yet means every row so far had a null: the windows hold counts only.
    StateCodec.Schema confirmed = state.schema(group);
    StateCodec.Schema schema = confirmed == null ? new StateCodec.Schema(0, List.of(), List.of()) : confirmed;
    List<Long> open = new ArrayList<>(clock.openPanes());
    for (long start : due) {
      closeWindow(key, group, schema, open, start);
      long keepFrom = start + advanceMs;
      state.rejections(group, 0, keepFrom, true);
      for (var it = open.iterator(); it.hasNext(); ) {
        long pane = it.next();
        if (pane < keepFrom) {
          panes.delete(group, pane, schema);
          it.remove();
        }
      }
    }
    return new StateCodec.Clock(streamTime, due.last(), List.copyOf(open), clock.latest(), clock.shapesWaiting());
  }

  /**
   * With reference.from/to: once the group's stream time passes the range's end (+ grace), the events of the range,
   * kept in their own pane, become the reference, with the same statistics a window over them would have.
   */
  private void buildRangeReference(GroupKey key, byte[] group, StateCodec.Schema schema) {
    reporter.saveRangeReference(key, group, schema, panes.collect(group, schema, List.of(REFERENCE_PANE),
        new java.util.TreeMap<>()));
    panes.delete(group, REFERENCE_PANE, schema);
  }

  private void closeWindow(GroupKey key, byte[] group, StateCodec.Schema schema, List<Long> openPanes, long start) {
    long end = start + sizeMs;
    List<Long> windowPanes = new ArrayList<>();
    for (long pane : openPanes) {
      if (pane >= start && pane < end) {
        windowPanes.add(pane);
      }
    }
    WindowPartial partial = panes.collect(group, schema, windowPanes, state.rejections(group, Math.max(0, start), end, false));
    closed.accept(key, group, schema, start, partial, outputTime(end));
  }

  private void dead(GroupKey key, MonitoredEvent event, String reason) {
    emit(DeadLetters.ofEvent(event, key, reason), Math.max(0, event.recordTimestamp()));
  }

  /** Dead letters are not keyed: the decode stage's have no group to key them by, and both stages agree. */
  private void emit(DeadLetter letter, long time) {
    observer.deadLetter(context.taskId(), letter);
    context.forward(new Record<String, SpecificRecord>(null, letter, time), FeaturemonTopology.WINDOW_DEAD_LETTERS_SINK);
  }

  @Override
  public void close() {
    // Nothing held outside the stores: a revived or migrated task rebuilds everything from them. What the observer
    // was told about this task's groups is no longer this instance's to report (the task may run elsewhere now).
    observer.taskClosed(context.taskId());
  }
}
