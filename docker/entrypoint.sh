#!/usr/bin/env bash
# featuremon image entrypoint: runs the production CLI (featuremon-topology and its runtime jars, no broker, no
# registry) with the JVM flags the ./featuremon launcher uses.
#
#   no arguments  ->  featuremon run --config "$FEATUREMON_CONFIG" [--set ... from the variables below]
#   arguments     ->  featuremon <arguments>, unchanged (e.g. `config --check --config /etc/featuremon/featuremon.properties`)
#
# Environment (each optional; a setting given here wins over the config file, as --set does):
#   FEATUREMON_HOME                 where lib/ holds the jars                   (default /opt/featuremon)
#   FEATUREMON_CONFIG               the settings file of `run`                  (default /etc/featuremon/featuremon.properties)
#   FEATUREMON_BOOTSTRAP_SERVERS    --set bootstrap.servers=...
#   FEATUREMON_SCHEMA_REGISTRY_URL  --set schema.registry.url=...
#   FEATUREMON_STATE_DIR            --set state.dir=...
#   FEATUREMON_METRICS_LISTEN       --set metrics.listen=... (the Prometheus endpoint; 0.0.0.0:9464 in a container,
#                                   whose loopback no scraper can reach)
#   FEATUREMON_REST_LISTEN          --set rest.listen=... (the REST queries; 0.0.0.0:8765 in a container)
#   FEATUREMON_REST_ADVERTISED      --set rest.advertised=... (how other instances reach this one, e.g. featuremon:8765)
#   FEATUREMON_RUN_ARGS             more arguments for `run`, split on spaces (e.g. "--status-every 10s")
#   FEATUREMON_JAVA_OPTS            JVM options (default: -XX:MaxRAMPercentage=60, heap sized from the container's limit;
#                                   RocksDB's memory is off-heap, limits.rocksdb.memory.bytes)
#   JAVA_HOME                       the JVM ($JAVA_HOME/bin/java; else java on the PATH)
set -euo pipefail

home="${FEATUREMON_HOME:-/opt/featuremon}"
if [ ! -d "$home/lib" ]; then
  echo "featuremon: $home/lib does not exist; set FEATUREMON_HOME to the directory whose lib/ holds featuremon's jars" >&2
  exit 2
fi

if [ "$#" -eq 0 ]; then
  set -- run --config "${FEATUREMON_CONFIG:-/etc/featuremon/featuremon.properties}"
  [ -n "${FEATUREMON_BOOTSTRAP_SERVERS:-}" ] && set -- "$@" --set "bootstrap.servers=$FEATUREMON_BOOTSTRAP_SERVERS"
  [ -n "${FEATUREMON_SCHEMA_REGISTRY_URL:-}" ] && set -- "$@" --set "schema.registry.url=$FEATUREMON_SCHEMA_REGISTRY_URL"
  [ -n "${FEATUREMON_STATE_DIR:-}" ] && set -- "$@" --set "state.dir=$FEATUREMON_STATE_DIR"
  [ -n "${FEATUREMON_METRICS_LISTEN:-}" ] && set -- "$@" --set "metrics.listen=$FEATUREMON_METRICS_LISTEN"
  [ -n "${FEATUREMON_REST_LISTEN:-}" ] && set -- "$@" --set "rest.listen=$FEATUREMON_REST_LISTEN"
  [ -n "${FEATUREMON_REST_ADVERTISED:-}" ] && set -- "$@" --set "rest.advertised=$FEATUREMON_REST_ADVERTISED"
  if [ -n "${FEATUREMON_RUN_ARGS:-}" ]; then
    read -r -a extra <<< "$FEATUREMON_RUN_ARGS"
    set -- "$@" "${extra[@]}"
  fi
fi

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# --add-modules: the co-moment fold's vector kernel (without it: the scalar kernel, same bits, slower).
# --enable-native-access: RocksDB's native library, without a warning on Java 24 and later.
# exec: the JVM replaces this shell (PID 1 in a container), so `docker stop`'s SIGTERM reaches run's shutdown hook,
# which closes Kafka Streams cleanly.
# shellcheck disable=SC2086
exec "$java" ${FEATUREMON_JAVA_OPTS:--XX:MaxRAMPercentage=60} --add-modules jdk.incubator.vector \
  --enable-native-access=ALL-UNNAMED -cp "$home/lib/*" io.featuremon.cli.Main "$@"
