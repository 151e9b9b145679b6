/**
 * Pure statistics: exact co-moments with batched Chan updates, correlation redundancy, eigenvalues and masks.
 *
 * <p>Nothing in this package imports Kafka or RocksDB, so every piece can be tested against a two-pass float64
 * oracle and benchmarked on its own. That holds by construction: the module featuremon-stats has no run-time
 * dependency at all (ejml and datasketches-java are test-scope cross-checks), and its enforcer rule fails the build
 * if Kafka or RocksDB ever joins its dependencies.
 * The Kafka Streams processors in {@code io.featuremon.topology} (featuremon-topology) only move bytes between
 * stores and these types.
 */
package io.featuremon.stats;
