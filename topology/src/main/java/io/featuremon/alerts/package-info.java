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
 *       versioned binary form is meant for one state-store entry per (model, segment, type);</li>
 *   <li>{@link io.featuremon.alerts.Explanation} reads the statistics that explain an alert (a feature's KS, W1/σ,
 *       PSI; the drifted dimensions; the strongest pairs; the reference) out of the same JSON for its annotations,
 *       and {@link io.featuremon.alerts.AlertText} prints an alert record on a console.</li>
 * </ul>
 *
 * <p>Nothing here imports Kafka or RocksDB; everything is deterministic (sorted maps, no clock, no randomness), so
 * the same windows give the same alerts, byte for byte. Tests:
 * {@code mvn -q -B -pl topology test -Dtest='io.featuremon.alerts.*Test'}.
 */
package io.featuremon.alerts;
