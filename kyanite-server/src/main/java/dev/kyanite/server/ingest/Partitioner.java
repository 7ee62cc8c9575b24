package dev.kyanite.server.ingest;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses the log partition of an event: by its {@code key} when it has one (so the events of one
 * key keep their order), otherwise round robin. A pure function of the key and the partition count,
 * stable across restarts (String.hashCode is specified).
 */
final class Partitioner {
  private final int partitions;
  private final AtomicInteger next = new AtomicInteger();

  Partitioner(int partitions) {
    this.partitions = partitions;
  }

  int forKey(String key) {
    return key == null ? roundRobin() : forKey(key, partitions);
  }

  static int forKey(String key, int partitions) {
    int h = key.hashCode();
    h ^= (h >>> 16) * 0x45d9f3b; // spread: keys differing only in their last characters
    return Math.floorMod(h, partitions);
  }

  int roundRobin() {
    return partitions == 1 ? 0 : Math.floorMod(next.getAndIncrement(), partitions);
  }
}
