package io.featuremon.topology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store in the process by {@code limits.rocksdb.memory.bytes}, as Kafka
 * Streams' memory-management guide does: one LRU block cache shared by all stores, memtables charged to it through a
 * write buffer manager, and index and filter blocks kept in the cache instead of beside it. Without this, each store
 * of each task takes its own cache and memtables, so memory grows with the number of partitions.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
  /** The Streams property that carries the budget to the setter (Streams hands it every property it was given). */
  public static final String MEMORY_BYTES = "featuremon.rocksdb.memory.bytes";

  /** Share of the budget memtables may take. */
  private static final double WRITE_BUFFER_SHARE = 0.25;

  private record Shared(Cache cache, WriteBufferManager writeBuffers) {}

  // Shared per budget for the life of the JVM: stores open and close with tasks, the budget stays.
  private static final Map<Long, Shared> SHARED = new ConcurrentHashMap<>();

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Object configured = configs.get(MEMORY_BYTES);
    long bytes = configured == null ? 256L << 20 : Long.parseLong(configured.toString());
    Shared shared = SHARED.computeIfAbsent(bytes, b -> {
      Cache cache = new LRUCache(b, -1, false, 0.1);
      return new Shared(cache, new WriteBufferManager((long) (b * WRITE_BUFFER_SHARE), cache));
    });
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(shared.cache());
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(shared.writeBuffers());
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and write buffer manager are shared: closing one store must not free them.
  }
}
