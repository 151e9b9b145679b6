/**
 * Alert rules from a YAML file and their lifecycle, independent of Kafka so they can be tested alone.
 *
 * <ul>
 *   <li>{@link io.featuremon.alerts.AlertRules} loads and validates a rules file into a
 *       {@link io.featuremon.alerts.RuleSet} (format documented there and in
 *       {@code docs/alert-rules.example.yaml});</li>
 *   <li>{@link io.featuremon.alerts.MetricSelector} picks a metric (per feature with {@code *}) out of the
 *       WindowStats JSON;</li>
 *   <li>{@link io.featuremon.alerts.AlertEngine#evaluate} turns (state, rules, closed window) into FIRING / RESOLVED
 *       {@link io.featuremon.alerts.AlertTransition}s and the next {@link io.featuremon.alerts.AlertState}, whose
 *       versioned binary form is meant for one state-store entry per (model, segment, type).</li>
 * </ul>
 *
 * <p>Nothing here imports Kafka or RocksDB; everything is deterministic (sorted maps, no clock, no randomness), so
 * the same windows give the same alerts, byte for byte. Tests:
 * {@code mvn -q -B -pl topology test -Dtest='io.featuremon.alerts.*Test'}.
 */
package io.featuremon.alerts;
