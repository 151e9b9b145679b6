/**
 * Pure drift statistics: mergeable, deterministic quantile sketches of numeric features ({@link
 * io.featuremon.stats.drift.NumericSketch}, featuremon's own KLL plus exact moments) and the comparisons of a current
 * window against a reference — numeric ({@link io.featuremon.stats.drift.NumericDrift}: PSI, KS, Jensen–Shannon,
 * normalised Wasserstein and a sketch- and sample-size-aware verdict), categorical ({@link
 * io.featuremon.stats.drift.CategoricalDrift}), embeddings ({@link io.featuremon.stats.drift.EmbeddingDrift}) —
 * and trend tests for alerts ({@link io.featuremon.stats.drift.TrendTest}: Mann–Kendall, Theil–Sen).
 *
 * <p>Like {@code io.featuremon.stats}, nothing here imports Kafka or RocksDB (the module cannot: see there). Every measure is checked against
 * scipy/numpy on the real data by {@code scripts/drift_oracle.py}, and every verdict by statistical tests that split
 * real rows at random (no drift allowed) and shift one feature by half a standard deviation (exactly that feature).
 */
package io.featuremon.stats.drift;
