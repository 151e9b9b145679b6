#!/usr/bin/env bash
# Creates featuremon's topics on the compose broker (run by the kafka-init service, from the Kafka image).
# Idempotent: --if-not-exists, so `docker compose up` may run it again.
# Names: featuremon's defaults (README, Settings: topic.*). Cleanup policies: as `featuremon run --create-topics`
# makes them (FeaturemonApp.ensureTopics): compacted where only the latest record of a key matters.
set -euo pipefail
bootstrap="${BOOTSTRAP:-kafka:19092}"
partitions="${PARTITIONS:-6}"
topics=/opt/kafka/bin/kafka-topics.sh

create() { # name partitions [--config k=v]...
  local name="$1" count="$2"
  shift 2
  "$topics" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$name" \
    --partitions "$count" --replication-factor 1 "$@"
}

# inputs (keyed by model)
create featuremon-embeddings "$partitions"
create featuremon-features "$partitions"
# latest importances per model, read whole into a global store: compacted
create featuremon-feature-importance 1 --config cleanup.policy=compact
# outputs
create featuremon-window-stats "$partitions"
create featuremon-masks "$partitions" --config cleanup.policy=compact   # latest mask per model|segment|type
create featuremon-alerts "$partitions"
create featuremon-dead-letters "$partitions"
# Apicurio Registry's storage (kafkasql): one ordered log, compacted
create kafkasql-journal 1 --config cleanup.policy=compact

echo "topics on $bootstrap:"
"$topics" --bootstrap-server "$bootstrap" --list
