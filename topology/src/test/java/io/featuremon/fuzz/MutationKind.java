package io.featuremon.fuzz;

import java.util.EnumSet;
import java.util.Set;

/**
 * What the fuzzer does to a record, where it puts it and what featuremon must do with it.
 *
 * <p><b>Placement.</b> {@link Placement#MIXED} records go to a valid model: same key, same partition, in the middle
 * of its traffic, so they must leave the model's results exactly as a clean run gives them. {@link Placement#OWN}
 * records go to models of their own, because featuremon may legitimately accept them (a bit flip can give another
 * valid event, 1e308 is a finite number): their results have nothing to be compared with, only accounted for.
 *
 * <p><b>Expectation.</b> {@link Expect#CONTRIBUTES}: a valid event, it must enter its window's statistics.
 * {@link Expect#REFUSED}: it must become a dead letter. {@link Expect#EITHER}: one or the other, but never neither.
 */
public enum MutationKind {
  // Valid events, mixed into the valid models.
  VALID(Placement.MIXED, Expect.CONTRIBUTES, "a valid event"),
  GARBAGE_KEY(Placement.MIXED, Expect.CONTRIBUTES, "a valid event with a null, binary or 100 KB key"),
  EVOLVED_WRITER_SCHEMA(Placement.MIXED, Expect.CONTRIBUTES,
      "a valid event written with a newer compatible schema (one more field, bytes)"),

  // Bytes that are not a complete event of the topic's schema.
  TOMBSTONE(Placement.MIXED, Expect.REFUSED, "null value (tombstone)"),
  EMPTY_VALUE(Placement.MIXED, Expect.REFUSED, "0-byte value"),
  WRONG_MAGIC(Placement.MIXED, Expect.REFUSED, "first byte not 0x00 (JSON, random bytes, another magic)"),
  UNKNOWN_SCHEMA_ID(Placement.MIXED, Expect.REFUSED, "schema id the registry does not know (large, 0, negative)"),
  TRUNCATED(Placement.MIXED, Expect.REFUSED, "a valid event cut short"),
  APPENDED_GARBAGE(Placement.MIXED, Expect.REFUSED, "a valid event followed by random bytes"),
  HUGE_STRING_LENGTH(Placement.MIXED, Expect.REFUSED,
      "an Avro string (model, segment, requestId, feature name or value) whose length prefix claims up to 2^63 bytes"),
  HUGE_COLLECTION_LENGTH(Placement.MIXED, Expect.REFUSED,
      "the vector array or features map with a block count of up to 2^63 items"),
  HUGE_BYTES_LENGTH(Placement.MIXED, Expect.REFUSED, "the evolved schema's bytes field claiming up to 2^63 bytes"),
  OTHER_TOPIC_SCHEMA(Placement.MIXED, Expect.REFUSED, "an event of the other input topic's schema"),
  OVERSIZED(Placement.MIXED, Expect.REFUSED, "a value of 1.5 to 4 MB, above input.max.record.bytes"),
  ENORMOUS_MODEL_NAME(Placement.MIXED, Expect.REFUSED, "a 1 MiB model name (the record exceeds input.max.record.bytes)"),

  // Decodable events whose content must be refused.
  NAN(Placement.MIXED, Expect.REFUSED, "a NaN value"),
  INFINITY(Placement.MIXED, Expect.REFUSED, "an infinite value"),
  NEGATIVE_TIMESTAMP(Placement.MIXED, Expect.REFUSED, "event time before 1970 (-1, Long.MIN_VALUE, random)"),
  MAX_TIMESTAMP(Placement.MIXED, Expect.REFUSED, "event time Long.MAX_VALUE"),
  YEAR_2100(Placement.MIXED, Expect.REFUSED, "event time in 2100, record time now"),
  ANCIENT_RECORD_TIMESTAMP(Placement.MIXED, Expect.REFUSED,
      "Kafka record timestamp near 1970 with a current event time (a producer with a broken clock)"),
  EMPTY_MODEL(Placement.MIXED, Expect.REFUSED, "empty or blank model name"),
  WRONG_SHAPE(Placement.MIXED, Expect.REFUSED,
      "wrong dimension (embeddings); unknown feature or a feature of the other type (tabular)"),
  CORRUPT_FIRST_EVENT(Placement.MIXED, Expect.REFUSED,
      "the very first event of a valid model has the wrong shape: it must not fix the model's dimension or schema"),
  ZERO_DIMENSIONS(Placement.MIXED, Expect.REFUSED, "0-dimensional vector; event without features"),
  TOO_MANY_DIMENSIONS(Placement.MIXED, Expect.REFUSED,
      "100,000-dimensional vector; 17,000 numeric features (above input.max.dimensions)"),
  EMPTY_FEATURE_NAME(Placement.MIXED, Expect.REFUSED, "a feature named \"\""),
  AHEAD_50_MIN(Placement.MIXED, Expect.EITHER,
      "event time 50 minutes ahead of the model's traffic (record time unchanged): accepted or not, later valid"
          + " events of the model must still count"),

  // Events that may or may not be accepted: on models of their own.
  BIT_FLIP(Placement.OWN, Expect.EITHER, "1 to 3 flipped bits anywhere in a valid event"),
  HUGE_VALUES(Placement.OWN, Expect.EITHER, "values of +-1e308 (features) or +-Float.MAX_VALUE (embeddings)"),
  DENORMALS(Placement.OWN, Expect.EITHER, "subnormal values and -0.0"),
  FUTURE_WALL_CLOCK(Placement.OWN, Expect.EITHER, "event time 3 h ahead of the wall clock, record time now"),
  LARGE_NAMES(Placement.OWN, Expect.EITHER, "a 600 KB model, segment or feature name"),
  WIDE_NUMERIC(Placement.OWN, Expect.EITHER, "10,000 numeric features; a 10,000-dimensional vector"),
  WIDE_CATEGORICAL(Placement.OWN, Expect.EITHER, "10,000 categorical features"),
  MANY_MODELS(Placement.OWN, Expect.EITHER, "a valid event of a model never seen before");

  /** Where a kind's records go. */
  public enum Placement {
    /** Into a valid model's traffic. */
    MIXED,
    /** On models of their own. */
    OWN
  }

  /** What featuremon must do with a record of the kind. */
  public enum Expect {
    CONTRIBUTES,
    REFUSED,
    EITHER
  }

  private final Placement placement;
  private final Expect expect;
  private final String description;

  MutationKind(Placement placement, Expect expect, String description) {
    this.placement = placement;
    this.expect = expect;
    this.description = description;
  }

  public Placement placement() {
    return placement;
  }

  public Expect expect() {
    return expect;
  }

  public String description() {
    return description;
  }

  /** The kinds that apply to tabular events only. */
  public boolean featuresOnly() {
    return this == EMPTY_FEATURE_NAME || this == WIDE_CATEGORICAL;
  }

  /** Kinds whose records are large (hundreds of KB to MB): a few per run are enough. */
  public boolean heavy() {
    return HEAVY.contains(this);
  }

  private static final Set<MutationKind> HEAVY = EnumSet.of(OVERSIZED, ENORMOUS_MODEL_NAME, TOO_MANY_DIMENSIONS,
      LARGE_NAMES, WIDE_NUMERIC, WIDE_CATEGORICAL);

  /** Parses a comma-separated list of kind names (case-insensitive); blank gives an empty set. */
  public static Set<MutationKind> parseList(String text) {
    Set<MutationKind> kinds = EnumSet.noneOf(MutationKind.class);
    if (text == null || text.isBlank()) {
      return kinds;
    }
    for (String name : text.split(",")) {
      String trimmed = name.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      try {
        kinds.add(valueOf(trimmed.toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown mutation kind '" + trimmed + "'; known: "
            + java.util.Arrays.toString(values()), e);
      }
    }
    return kinds;
  }
}
