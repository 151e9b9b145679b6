package io.featuremon.rest;

import io.featuremon.topology.GroupKey;
import io.featuremon.topology.LatestState;
import java.util.List;
import java.util.Map;

/**
 * What the REST server asks of the application's state, apart from HTTP: where a group lives, what this instance
 * holds, which instances there are. {@link StreamsBackend} answers from Kafka Streams' interactive queries; the
 * HTTP layer's tests answer from maps.
 */
interface StateBackend {

  /** Thrown while an answer would be incomplete or stale: rebalancing, restoring, or the owner not known yet. */
  final class Unavailable extends Exception {
    Unavailable(String message) {
      super(message);
    }
  }

  /** The host:port of the instance whose active task holds {@code group}'s entry (maybe this one). */
  String owner(GroupKey group) throws Unavailable;

  /** The group's entry from this instance's active task; null when the group has none. */
  LatestState local(GroupKey group) throws Unavailable;

  /** Every entry of this instance's active tasks, in store key order per partition, at most {@code limit}. */
  List<Map.Entry<GroupKey, LatestState>> localAll(int limit) throws Unavailable;

  /** Every instance of the application, as host:port (this one included). */
  List<String> instances() throws Unavailable;

  /** Each instance's metadata, as the instances endpoint shows it. */
  List<Map<String, Object>> instanceMetadata() throws Unavailable;
}
