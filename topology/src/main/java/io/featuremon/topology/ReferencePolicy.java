package io.featuremon.topology;

import io.featuremon.config.ReferenceMode;
import io.featuremon.config.ReferenceRange;

/**
 * The one place that decides what a group's reference is. Drift (the sketches and counts of {@link Reference}) and
 * the relative alert rules (the reference window's WindowStats) must compare a window with the same reference, so
 * both are replaced together, on this decision, and read together before it.
 */
final class ReferencePolicy {
  private final ReferenceMode mode;
  private final ReferenceRange range;

  ReferencePolicy(ReferenceMode mode, ReferenceRange range) {
    this.mode = mode;
    this.range = mode.drift() ? range : null;
  }

  /** The policy {@code config} sets (reference.mode, reference.from/to). */
  static ReferencePolicy of(io.featuremon.config.FeaturemonConfig config) {
    return new ReferencePolicy(config.referenceMode(), config.referenceRange());
  }

  ReferenceMode mode() {
    return mode;
  }

  boolean drift() {
    return mode.drift();
  }

  /** The configured reference range, or null: then windows themselves become references (modes window, previous). */
  ReferenceRange range() {
    return range;
  }

  /** Whether the reference comes from a profile file, never from this application's windows. */
  boolean fromProfile() {
    return mode == ReferenceMode.PROFILE;
  }

  /**
   * Whether {@code reference} can be compared with a window of {@code schema}: a reference of another shape (the
   * model changed its dimension, or its features, numeric or categorical) counts as none. A reference written before
   * references kept their names is compared by its numbers of sketches and categorical counts.
   */
  static boolean comparable(Reference reference, StateCodec.Schema schema) {
    if (reference == null || reference.sketches().length != schema.dimensions()) {
      return false;
    }
    if (reference.names() == null) {
      return schema.featureNames() == null || reference.counts().length == schema.categoricalNames().size();
    }
    return reference.names().equals(Reference.namesOf(schema));
  }

  /**
   * Whether a closing window becomes its group's reference, replacing {@code current} (null: none yet). Only a window
   * with enough events decides anything (three events make any two features look redundant); then with
   * mode=previous every such window does; with mode=window the first one does, and the first of a new shape, unless a
   * reference range is configured; a profile is never replaced.
   */
  boolean windowBecomesReference(boolean enough, Reference current, StateCodec.Schema schema) {
    if (!enough) {
      return false;
    }
    return switch (mode) {
      case PREVIOUS -> true;
      case WINDOW -> range == null && !comparable(current, schema);
      case PROFILE, NONE -> false;
    };
  }
}
