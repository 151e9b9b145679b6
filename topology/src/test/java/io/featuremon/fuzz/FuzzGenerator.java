package io.featuremon.fuzz;

import io.featuremon.fuzz.FuzzCodec.Lie;
import io.featuremon.fuzz.FuzzCodec.LyingField;
import io.featuremon.topology.EventType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Builds the fuzz input: valid traffic of a few models with planted structure (so that windows have redundancy,
 * masks and alerts to compare), with records of every {@link MutationKind} mixed into it or on models of their own.
 *
 * <p>Timeline: valid traffic runs over {@value #SPAN_WINDOWS} windows, starting two hours before the wall clock
 * {@link FuzzSettings#nowMs()}, each record stamped with its event time (as {@code LiveFeaturemon.produce} does).
 * Every model's records go to one partition, in order, so the live run sees each model exactly as the clean run
 * does; the models themselves are interleaved at random.
 *
 * <p>Everything comes from one {@link Random} seeded with {@link FuzzSettings#seed()}: the same seed and now give
 * the same bytes.
 */
public final class FuzzGenerator {
  public static final int SPAN_WINDOWS = 6;
  /** Share of the input that is valid traffic of the valid models (plain VALID records). */
  static final double VALID_SHARE = 0.62;
  static final long YEAR_2100 = 4_102_444_800_000L;
  static final long MINUTE = 60_000L;

  /**
   * A model whose valid traffic the fuzzed run must treat exactly as a clean run does; {@code dimensions} is a
   * tabular model's number of numeric features (0: categorical features only).
   */
  public record ValidModel(String model, String segment, EventType type, int dimensions, int partition) {}

  /** The input, in sending order, and its valid models. */
  public record Input(List<FuzzRecord> records, List<ValidModel> validModels, long baseTime) {}

  private final FuzzSettings settings;
  private final FuzzCodec codec;
  private final int partitions;
  private final long windowMs;
  private final Random random;
  private final long baseTime;
  private final long spanMs;
  private final Map<String, float[][]> loadings = new HashMap<>();
  private final Map<String, Integer> eventsOfModel = new HashMap<>();
  private final int[] unknownIds;
  private int requestIds;

  public FuzzGenerator(FuzzSettings settings, FuzzCodec codec, int partitions) {
    this.settings = settings;
    this.codec = codec;
    this.partitions = partitions;
    this.windowMs = FuzzSettings.WINDOW.toMillis();
    this.random = new Random(settings.seed());
    this.baseTime = Math.floorDiv(settings.nowMs() - 120 * MINUTE, windowMs) * windowMs;
    this.spanMs = SPAN_WINDOWS * windowMs;
    // A few distinct unknown ids per run, however many records carry one: a registry client may look each id up
    // (and retry it) once.
    this.unknownIds = new int[] {Integer.MAX_VALUE, 0, -1, Integer.MIN_VALUE, 100_000 + random.nextInt(1_000_000_000),
        codec.maxKnownId() + 10_000 + random.nextInt(1000)};
  }

  /** One record before it has its place in the input. */
  private static final class Pending {
    final MutationKind kind;
    final EventType type;
    final String model;
    long slot;
    FuzzRecord record;

    Pending(MutationKind kind, EventType type, String model) {
      this.kind = kind;
      this.type = type;
      this.model = model;
    }
  }

  public Input generate() {
    List<ValidModel> valid = validModels();
    List<MutationKind> plan = plan();

    Map<String, List<Pending>> sequences = new LinkedHashMap<>();
    Map<String, ValidModel> validByModel = new LinkedHashMap<>();
    for (ValidModel m : valid) {
      validByModel.put(m.model(), m);
      sequences.put(m.model(), new ArrayList<>());
    }
    List<ValidModel> featureModels = valid.stream().filter(m -> m.type() == EventType.FEATURES).toList();
    List<ValidModel> corruptFirst = new ArrayList<>();
    if (settings.kinds().contains(MutationKind.CORRUPT_FIRST_EVENT)) {
      // One embedding and one tabular model start with a corrupt event; the others do not, for contrast.
      corruptFirst.add(pick(valid.stream().filter(m -> m.type() == EventType.EMBEDDING).toList()));
      corruptFirst.add(pick(featureModels));
    }
    int own = 0;
    for (MutationKind kind : plan) {
      if (kind.placement() == MutationKind.Placement.MIXED) {
        ValidModel m = pick(kind.featuresOnly() ? featureModels : valid);
        sequences.get(m.model()).add(new Pending(kind, m.type(), m.model()));
      } else {
        EventType type = kind.featuresOnly() || random.nextBoolean() ? EventType.FEATURES : EventType.EMBEDDING;
        if (kind.featuresOnly()) {
          type = EventType.FEATURES;
        }
        String model = ownModel(kind, type, own++);
        sequences.computeIfAbsent(model, k -> new ArrayList<>()).add(new Pending(kind, type, model));
      }
    }

    // Valid models: shuffle each sequence (a corrupt first event stays first), then give the valid events evenly
    // spread times over the span and every mutation the time of the valid event before it.
    for (ValidModel m : valid) {
      List<Pending> seq = sequences.get(m.model());
      Collections.shuffle(seq, random);
      if (corruptFirst.contains(m)) {
        seq.add(0, new Pending(MutationKind.CORRUPT_FIRST_EVENT, m.type(), m.model()));
      }
      long validCount = seq.stream().filter(p -> p.kind.expect() == MutationKind.Expect.CONTRIBUTES).count();
      long k = 0;
      long now = baseTime;
      for (Pending p : seq) {
        if (p.kind.expect() == MutationKind.Expect.CONTRIBUTES) {
          now = Math.max(now, baseTime + (long) ((k++ + random.nextDouble()) * spanMs / validCount));
        }
        p.slot = now;
        p.record = build(p, m);
      }
    }
    // Own models: times at random over the span, in order per model.
    for (Map.Entry<String, List<Pending>> e : sequences.entrySet()) {
      if (validByModel.containsKey(e.getKey())) {
        continue;
      }
      long[] times = new long[e.getValue().size()];
      for (int i = 0; i < times.length; i++) {
        times[i] = baseTime + (long) (random.nextDouble() * spanMs);
      }
      Arrays.sort(times);
      for (int i = 0; i < times.length; i++) {
        Pending p = e.getValue().get(i);
        p.slot = times[i];
        p.record = build(p, null);
      }
    }
    return new Input(merge(sequences.values()), valid, baseTime);
  }

  private List<ValidModel> validModels() {
    List<ValidModel> models = new ArrayList<>();
    int[] dims = {8, 12, 16, 24};
    for (int i = 0; i < dims.length; i++) {
      String name = "emb-" + i;
      models.add(new ValidModel(name, i == 3 ? "eu" : null, EventType.EMBEDDING, dims[i], partition(name)));
      float[][] a = new float[dims[i]][3];
      for (float[] row : a) {
        for (int k = 0; k < 3; k++) {
          row[k] = (float) random.nextGaussian();
        }
      }
      loadings.put(name, a);
    }
    for (int i = 0; i < 3; i++) {
      String name = "tab-" + i;
      models.add(new ValidModel(name, i == 2 ? "us" : null, EventType.FEATURES, 6, partition(name)));
    }
    // A tabular model without any numeric feature (d = 0): its windows once died in the fold.
    models.add(new ValidModel("tab-cat", null, EventType.FEATURES, 0, partition("tab-cat")));
    return models;
  }

  /** The kind of every planned record: each enabled kind at least once, VALID for the bulk, heavy kinds capped. */
  private List<MutationKind> plan() {
    List<MutationKind> others = settings.kinds().stream()
        .filter(k -> k != MutationKind.VALID && k != MutationKind.CORRUPT_FIRST_EVENT).toList();
    int corrupt = settings.kinds().contains(MutationKind.CORRUPT_FIRST_EVENT) ? 2 : 0;
    int total = settings.records() - corrupt;
    int heavyCap = 1 + settings.records() / 25_000;
    Map<MutationKind, Integer> counts = new EnumMap<>(MutationKind.class);
    List<MutationKind> plan = new ArrayList<>(total);
    for (MutationKind k : others) {
      plan.add(k);
      counts.merge(k, 1, Integer::sum);
    }
    while (plan.size() < total) {
      MutationKind k = MutationKind.VALID;
      if (!others.isEmpty() && random.nextDouble() >= VALID_SHARE) {
        k = others.get(random.nextInt(others.size()));
        if (k.heavy() && counts.getOrDefault(k, 0) >= heavyCap) {
          k = MutationKind.VALID;
        }
      }
      plan.add(k);
      counts.merge(k, 1, Integer::sum);
    }
    return plan;
  }

  private String ownModel(MutationKind kind, EventType type, int n) {
    String t = type == EventType.EMBEDDING ? "e" : "f";
    return switch (kind) {
      case MANY_MODELS -> "many-" + t + "-" + n;
      case LARGE_NAMES -> "large-" + t + "-" + n;
      case WIDE_NUMERIC, WIDE_CATEGORICAL -> kind.name().toLowerCase().replace('_', '-') + "-" + t + "-" + random.nextInt(2);
      default -> kind.name().toLowerCase().replace('_', '-') + "-" + t + "-" + random.nextInt(3);
    };
  }

  private int partition(String model) {
    return Math.floorMod(model.hashCode(), partitions);
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }

  /** Merges the per-model sequences by slot time (ties at random), keeping each sequence's order. */
  private List<FuzzRecord> merge(java.util.Collection<List<Pending>> sequences) {
    record Head(List<Pending> seq, int pos, long slot, double tie) {}
    PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> a.slot != b.slot ? Long.compare(a.slot, b.slot)
        : Double.compare(a.tie, b.tie));
    for (List<Pending> seq : sequences) {
      if (!seq.isEmpty()) {
        heads.add(new Head(seq, 0, seq.get(0).slot, random.nextDouble()));
      }
    }
    List<FuzzRecord> out = new ArrayList<>();
    while (!heads.isEmpty()) {
      Head h = heads.poll();
      FuzzRecord r = h.seq.get(h.pos).record;
      out.add(new FuzzRecord(out.size(), r.topic(), r.partition(), r.key(), r.value(), r.recordTimestamp(), r.kind(),
          r.model(), r.event(), r.note(), false));
      if (h.pos + 1 < h.seq.size()) {
        heads.add(new Head(h.seq, h.pos + 1, h.seq.get(h.pos + 1).slot, random.nextDouble()));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- contents

  /** A valid event of a valid model at time t, with the model's planted structure. */
  private Event validEvent(ValidModel m, long t) {
    int seen = eventsOfModel.merge(m.model(), 1, Integer::sum);
    String id = "r" + requestIds++;
    if (m.type() == EventType.EMBEDDING) {
      float[][] a = loadings.get(m.model());
      int d = m.dimensions();
      double[] z = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
      float[] v = new float[d];
      for (int j = 0; j < d; j++) {
        double x = 0.5 * random.nextGaussian();
        for (int k = 0; k < 3; k++) {
          x += a[j][k] * z[k];
        }
        v[j] = (float) x;
      }
      v[1] = 2 * v[0] + 1;
      v[d - 1] = 0.25f;
      return Event.embedding(m.model(), m.segment(), t, id, v);
    }
    Map<String, Object> f = new LinkedHashMap<>();
    if (m.dimensions() == 0) {
      // Categorical features only: a renamed copy (city_code) for the mask to drop, a feature with some nulls.
      int c = random.nextInt(4);
      String city = List.of("berlin", "munich", "paris", "lyon", "austin", "boston", "tokyo", "osaka")
          .get(2 * c + random.nextInt(2));
      f.put("country", List.of("DE", "FR", "US", "JP").get(c));
      f.put("city", city);
      f.put("city_code", city.substring(0, 3).toUpperCase(java.util.Locale.ROOT) + c);
      f.put("tier", seen > 5 && random.nextDouble() < 0.05 ? null : pick(List.of("high", "low")));
      return Event.features(m.model(), m.segment(), t, id, f);
    }
    double f0 = random.nextGaussian();
    f.put("f0", f0);
    f.put("f1", 2 * f0 + 0.01 * random.nextGaussian());
    double f2 = 5 + 2 * random.nextGaussian();
    f.put("f2", f2);
    f.put("f3", -f2 + 0.5 * random.nextGaussian());
    f.put("f4", seen > 5 && random.nextDouble() < 0.05 ? null : 10 * random.nextDouble());
    f.put("f5", 3.0);
    f.put("country", pick(List.of("DE", "FR", "US", "JP")));
    f.put("tier", f0 > 0 ? "high" : "low");
    return Event.features(m.model(), m.segment(), t, id, f);
  }

  /** An ordinary event of an own model (6 dimensions; or a, b, c numeric and k categorical). */
  private Event ownEvent(EventType type, String model, long t) {
    String id = "r" + requestIds++;
    if (type == EventType.EMBEDDING) {
      float[] v = new float[6];
      for (int j = 0; j < v.length; j++) {
        v[j] = (float) random.nextGaussian();
      }
      return Event.embedding(model, null, t, id, v);
    }
    Map<String, Object> f = new LinkedHashMap<>();
    double a = random.nextGaussian();
    double b = random.nextGaussian();
    f.put("a", a);
    f.put("b", b);
    f.put("c", a + 0.1 * b);
    f.put("k", pick(List.of("x", "y", "z")));
    return Event.features(model, null, t, id, f);
  }

  private FuzzRecord build(Pending p, ValidModel m) {
    MutationKind kind = p.kind;
    long t = p.slot;
    String model = p.model;
    byte[] key = model.getBytes(StandardCharsets.UTF_8);
    int partition = partition(model);
    Event base = m != null ? validEvent(m, t) : ownEvent(p.type, model, t);
    EventType type = p.type;
    return switch (kind) {
      case VALID -> rec(p, partition, key, codec.serialize(base), t, base, "");
      case GARBAGE_KEY -> {
        int choice = random.nextInt(10);
        byte[] garbage = choice < 4 ? null : randomBytes(choice < 9 ? 1 + random.nextInt(64) : 100_000);
        yield rec(p, partition, garbage, codec.serialize(base), t, base,
            garbage == null ? "null key" : garbage.length + "-byte key");
      }
      case EVOLVED_WRITER_SCHEMA -> {
        byte[] blob = randomBytes(random.nextInt(33));
        yield rec(p, partition, key, codec.encode(base, blob, null), t, base, blob.length + "-byte extra field");
      }
      case TOMBSTONE -> rec(p, partition, key, null, t, null, "");
      case EMPTY_VALUE -> rec(p, partition, key, new byte[0], t, null, "");
      case WRONG_MAGIC -> {
        int choice = random.nextInt(3);
        byte[] v;
        String note;
        if (choice == 0) {
          v = ("{\"model\":\"" + model + "\",\"timestamp\":" + t + "}").getBytes(StandardCharsets.UTF_8);
          note = "JSON";
        } else if (choice == 1) {
          v = randomBytes(1 + random.nextInt(200));
          v[0] = (byte) (1 + random.nextInt(255));
          note = "random bytes";
        } else {
          v = codec.serialize(base);
          v[0] = (byte) (1 + random.nextInt(255));
          note = String.format("magic 0x%02x", v[0] & 0xff);
        }
        yield rec(p, partition, key, v, t, null, note);
      }
      case UNKNOWN_SCHEMA_ID -> {
        int id = unknownIds[random.nextInt(unknownIds.length)];
        byte[] v = codec.serialize(base);
        v[1] = (byte) (id >>> 24);
        v[2] = (byte) (id >>> 16);
        v[3] = (byte) (id >>> 8);
        v[4] = (byte) id;
        yield rec(p, partition, key, v, t, null, "schema id " + id);
      }
      case TRUNCATED -> {
        byte[] v = codec.serialize(base);
        int length = 1 + random.nextInt(v.length - 1);
        yield rec(p, partition, key, Arrays.copyOf(v, length), t, null, "cut to " + length + " of " + v.length + " bytes");
      }
      case APPENDED_GARBAGE -> {
        byte[] v = codec.serialize(base);
        byte[] garbage = randomBytes(1 + random.nextInt(64));
        byte[] all = Arrays.copyOf(v, v.length + garbage.length);
        System.arraycopy(garbage, 0, all, v.length, garbage.length);
        yield rec(p, partition, key, all, t, null, garbage.length + " bytes appended");
      }
      case HUGE_STRING_LENGTH -> {
        List<LyingField> fields = new ArrayList<>(List.of(LyingField.MODEL, LyingField.SEGMENT, LyingField.REQUEST_ID));
        if (type == EventType.FEATURES) {
          fields.add(LyingField.FEATURE_NAME);
          fields.add(LyingField.FEATURE_VALUE);
        }
        Lie lie = new Lie(pick(fields), hugeLength());
        yield rec(p, partition, key, codec.encode(base, null, lie), t, null, lie.field() + " length " + lie.claimed());
      }
      case HUGE_COLLECTION_LENGTH -> {
        long count = hugeLength();
        // A block count of -1 is legal Avro (one item, then the block's size): not a lie. -2^40 is.
        Lie lie = new Lie(LyingField.COLLECTION, count == -1 ? -(1L << 40) : count);
        yield rec(p, partition, key, codec.encode(base, null, lie), t, null,
            (type == EventType.EMBEDDING ? "vector" : "features") + " block count " + lie.claimed());
      }
      case HUGE_BYTES_LENGTH -> {
        Lie lie = new Lie(LyingField.BLOB, hugeLength());
        yield rec(p, partition, key, codec.encode(base, randomBytes(random.nextInt(16)), lie), t, null,
            "bytes length " + lie.claimed());
      }
      case OTHER_TOPIC_SCHEMA -> {
        EventType other = type == EventType.EMBEDDING ? EventType.FEATURES : EventType.EMBEDDING;
        yield rec(p, partition, key, codec.serialize(ownEvent(other, model, t)), t, null, "a " + other.label() + " event");
      }
      case OVERSIZED -> {
        int bytes = 1_500_000 + random.nextInt(2_500_000);
        Event big = type == EventType.EMBEDDING ? base.withVector(gaussians(bytes / 4))
            : base.withFeatures(with(base.features(), "country", "X".repeat(bytes)));
        byte[] v = codec.encode(big, null, null);
        yield rec(p, partition, key, v, t, null, v.length + " bytes");
      }
      case ENORMOUS_MODEL_NAME -> {
        byte[] v = codec.encode(base.withModel("M".repeat(1 << 20)), null, null);
        yield rec(p, partition, key, v, t, null, "1 MiB model name, " + v.length + "-byte value");
      }
      case NAN, INFINITY -> {
        boolean nan = kind == MutationKind.NAN;
        if (type == EventType.EMBEDDING) {
          float[] v = base.vector().clone();
          int at = random.nextInt(v.length);
          v[at] = nan ? (random.nextBoolean() ? Float.NaN : Float.intBitsToFloat(0x7fc0_0001 + random.nextInt(1000)))
              : (random.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY);
          yield rec(p, partition, key, codec.serialize(base.withVector(v)), t, null, "vector[" + at + "] = " + v[at]);
        }
        String name = pick(List.of("f0", "f1", "f2", "f3", "f4", "f5"));
        double value = nan ? Double.NaN : (random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
        yield rec(p, partition, key, codec.serialize(base.withFeatures(with(base.features(), name, value))), t, null,
            name + " = " + value);
      }
      case NEGATIVE_TIMESTAMP -> {
        long[] choices = {-1, -5, Long.MIN_VALUE, -1 - (long) (random.nextDouble() * 1e15)};
        long ts = choices[random.nextInt(choices.length)];
        yield rec(p, partition, key, codec.serialize(base.withTimestamp(ts)), t, null, "timestamp " + ts);
      }
      case MAX_TIMESTAMP -> rec(p, partition, key, codec.serialize(base.withTimestamp(Long.MAX_VALUE)), t, null,
          "timestamp Long.MAX_VALUE");
      case YEAR_2100 -> {
        long ts = YEAR_2100 + (long) (random.nextDouble() * 86_400_000);
        yield rec(p, partition, key, codec.serialize(base.withTimestamp(ts)), t, null, "timestamp " + ts);
      }
      case ANCIENT_RECORD_TIMESTAMP -> {
        long recordTs = (long) (random.nextDouble() * 1e10);
        yield rec(p, partition, key, codec.serialize(base), recordTs, null, "record timestamp " + recordTs);
      }
      case EMPTY_MODEL -> {
        String name = pick(List.of("", " ", "\t\n"));
        yield rec(p, partition, key, codec.serialize(base.withModel(name)), t, null, "model '" + name + "'");
      }
      case WRONG_SHAPE, CORRUPT_FIRST_EVENT -> {
        if (type == EventType.EMBEDDING) {
          int d = base.vector().length;
          int wrong = random.nextBoolean() ? d + 1 + random.nextInt(5) : 1 + random.nextInt(d - 1);
          yield rec(p, partition, key, codec.serialize(base.withVector(gaussians(wrong))), t, null, wrong + " dimensions");
        }
        int choice = random.nextInt(3);
        Map<String, Object> f = switch (choice) {
          case 0 -> with(base.features(), "zz_extra", 1.0);
          case 1 -> with(base.features(), "f2", "oops");
          default -> with(base.features(), "country", 7.0);
        };
        String note = switch (choice) {
          case 0 -> "unknown numeric feature zz_extra";
          case 1 -> "numeric f2 given as a string";
          default -> "categorical country given as a number";
        };
        yield rec(p, partition, key, codec.serialize(base.withFeatures(f)), t, null, note);
      }
      case ZERO_DIMENSIONS -> rec(p, partition, key, codec.serialize(type == EventType.EMBEDDING
          ? base.withVector(new float[0]) : base.withFeatures(new LinkedHashMap<>())), t, null, "");
      case TOO_MANY_DIMENSIONS -> {
        if (type == EventType.EMBEDDING) {
          yield rec(p, partition, key, codec.encode(base.withVector(gaussians(100_000)), null, null), t, null,
              "100000 dimensions");
        }
        yield rec(p, partition, key, codec.encode(base.withFeatures(numericFeatures(17_000)), null, null), t, null,
            "17000 numeric features");
      }
      case EMPTY_FEATURE_NAME -> rec(p, partition, key, codec.serialize(base.withFeatures(with(base.features(), "", 1.0))),
          t, null, "");
      case AHEAD_50_MIN -> {
        long ts = t + 50 * MINUTE;
        yield rec(p, partition, key, codec.serialize(base.withTimestamp(ts)), t, null, "event time " + ts
            + ", record time " + t);
      }
      case BIT_FLIP -> {
        byte[] v = codec.serialize(base);
        int flips = 1 + random.nextInt(3);
        List<Integer> bits = new ArrayList<>();
        for (int i = 0; i < flips; i++) {
          int bit = random.nextInt(v.length * 8);
          v[bit / 8] ^= (byte) (1 << (bit % 8));
          bits.add(bit);
        }
        yield rec(p, partition, key, v, t, null, "bits " + bits + " of " + v.length * 8);
      }
      case HUGE_VALUES, DENORMALS -> {
        boolean huge = kind == MutationKind.HUGE_VALUES;
        if (random.nextInt(3) == 0) {
          yield rec(p, partition, key, codec.serialize(base), t, null, "ordinary values");
        }
        if (type == EventType.EMBEDDING) {
          float[] v = base.vector().clone();
          int at = random.nextInt(v.length);
          v[at] = huge ? (random.nextBoolean() ? Float.MAX_VALUE : -Float.MAX_VALUE)
              : pick(List.of(Float.MIN_VALUE, 1e-40f, -0.0f, -Float.MIN_VALUE));
          yield rec(p, partition, key, codec.serialize(base.withVector(v)), t, null, "vector[" + at + "] = " + v[at]);
        }
        String name = pick(List.of("a", "b", "c"));
        double value = huge ? (random.nextBoolean() ? 1e308 : -1e308) : pick(List.of(Double.MIN_VALUE, 1e-310, -0.0));
        yield rec(p, partition, key, codec.serialize(base.withFeatures(with(base.features(), name, value))), t, null,
            name + " = " + value);
      }
      case FUTURE_WALL_CLOCK -> {
        long ts = settings.nowMs() + 180 * MINUTE + (long) (random.nextDouble() * 10 * MINUTE);
        yield rec(p, partition, key, codec.serialize(base.withTimestamp(ts)), settings.nowMs(), null,
            "event time now + " + (ts - settings.nowMs()) / 1000 + " s");
      }
      case LARGE_NAMES -> {
        int choice = random.nextInt(type == EventType.FEATURES ? 3 : 2);
        String large = "L".repeat(600_000);
        Event e = switch (choice) {
          case 0 -> base.withModel(model + "-" + large);
          case 1 -> base.withSegment(large);
          default -> base.withFeatures(with(base.features(), large, 1.0));
        };
        byte[] k = choice == 0 ? e.model().getBytes(StandardCharsets.UTF_8) : key;
        yield rec(p, partition, k, codec.encode(e, null, null), t, null,
            "600 KB " + (choice == 0 ? "model" : choice == 1 ? "segment" : "feature") + " name");
      }
      case WIDE_NUMERIC -> {
        Event e = type == EventType.EMBEDDING ? base.withVector(gaussians(10_000)) : base.withFeatures(numericFeatures(10_000));
        yield rec(p, partition, key, codec.encode(e, null, null), t, null,
            type == EventType.EMBEDDING ? "10000 dimensions" : "10000 numeric features");
      }
      case WIDE_CATEGORICAL -> {
        Map<String, Object> f = new LinkedHashMap<>();
        for (int i = 0; i < 10_000; i++) {
          f.put(String.format("c%05d", i), pick(List.of("a", "b", "c")));
        }
        yield rec(p, partition, key, codec.encode(base.withFeatures(f), null, null), t, null, "10000 categorical features");
      }
      case MANY_MODELS -> rec(p, partition, key, codec.serialize(base), t, null, "");
    };
  }

  private FuzzRecord rec(Pending p, int partition, byte[] key, byte[] value, long recordTimestamp, Event event, String note) {
    return new FuzzRecord(-1, p.type, partition, key, value, recordTimestamp, p.kind, p.model, event, note, false);
  }

  /** Lengths and counts no record can back: Avro's own limit (2^31 - 9), just below and above it, 2^63 - 1, negative. */
  private long hugeLength() {
    long[] choices = {Integer.MAX_VALUE - 8, 1_500_000_000L, Integer.MAX_VALUE, 1L << 40, Long.MAX_VALUE, -1, -(1L << 40),
        100_000 + random.nextInt(1_000_000_000)};
    return choices[random.nextInt(choices.length)];
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private float[] gaussians(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private Map<String, Object> numericFeatures(int n) {
    Map<String, Object> f = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      f.put(String.format("n%05d", i), random.nextGaussian());
    }
    return f;
  }

  private static Map<String, Object> with(Map<String, Object> features, String name, Object value) {
    Map<String, Object> f = new LinkedHashMap<>(features);
    f.put(name, value);
    return f;
  }

  // ---------------------------------------------------------------- closers

  /**
   * An event that closes a group's windows: at {@code time}, of the group's dimension (embeddings) or with one
   * null feature (tabular: a null says nothing about a feature's type, so it fits any schema).
   */
  public static Event closer(EventType type, String model, String segment, long time, int dimensions) {
    if (type == EventType.EMBEDDING) {
      float[] v = new float[dimensions];
      Arrays.fill(v, 0.5f);
      return Event.embedding(model, segment, time, "closer", v);
    }
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("fuzz_closer", null);
    return Event.features(model, segment, time, "closer", f);
  }
}
