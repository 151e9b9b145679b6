/**
 * Pure statistics: exact co-moments with batched Chan updates, correlation redundancy, eigenvalues and masks.
 *
 * <p>Nothing in this package imports Kafka or RocksDB, so every piece can be tested against a two-pass float64
 * oracle and benchmarked on its own. The Kafka Streams processors in {@code io.featuremon.topology} only move
 * bytes between stores and these types.
 */
package io.featuremon.stats;
