package dev.kyanite.core.log;

import dev.kyanite.core.Health;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An {@link EventLog} held in memory, for tests. Durability is {@link Durability#MEMORY}. Thread-safe
 * (one monitor). Retention drops the oldest records that every group has committed past and that
 * either exceed {@code maxRecordsPerPartition} or are older than {@code retentionAge}. It does not
 * survive the process: a new instance starts empty.
 */
public final class MemoryEventLog implements EventLog {
  private final int partitions;
  private final List<List<LogRecord>> data = new ArrayList<>();
  private final long[] start;
  private final Map<String, long[]> groups = new HashMap<>();
  private final Clock clock;
  private final long maxRecordsPerPartition;
  private final Duration retentionAge;
  private boolean closed;

  public MemoryEventLog(int partitions) {
    this(partitions, Clock.systemUTC(), Long.MAX_VALUE);
  }

  public MemoryEventLog(int partitions, Clock clock, long maxRecordsPerPartition) {
    this(partitions, clock, maxRecordsPerPartition, null);
  }

  /** A log whose retention deletes committed records older than {@code retentionAge}. */
  public MemoryEventLog(int partitions, Clock clock, Duration retentionAge) {
    this(partitions, clock, Long.MAX_VALUE, retentionAge);
  }

  private MemoryEventLog(int partitions, Clock clock, long maxRecordsPerPartition, Duration retentionAge) {
    if (partitions < 1) throw new IllegalArgumentException("partitions must be >= 1");
    this.partitions = partitions;
    this.clock = clock;
    this.maxRecordsPerPartition = maxRecordsPerPartition;
    this.retentionAge = retentionAge;
    this.start = new long[partitions];
    for (int i = 0; i < partitions; i++) data.add(new ArrayList<>());
  }

  @Override
  public int partitions() {
    return partitions;
  }

  @Override
  public synchronized CompletableFuture<AppendResult> append(int partition, List<byte[]> records) {
    checkPartition(partition);
    if (records.isEmpty()) throw new IllegalArgumentException("records must not be empty");
    if (closed) return CompletableFuture.failedFuture(new LogException(LogException.Reason.CLOSED, "log closed"));
    List<LogRecord> p = data.get(partition);
    long first = start[partition] + p.size();
    long now = clock.millis();
    for (int i = 0; i < records.size(); i++) {
      p.add(new LogRecord(partition, first + i, now, records.get(i).clone()));
    }
    notifyAll();
    return CompletableFuture.completedFuture(
        new AppendResult(partition, first, records.size(), Durability.MEMORY));
  }

  @Override
  public synchronized List<LogRecord> read(int partition, long fromPosition, int maxRecords, Duration maxWait) {
    checkOpen();
    checkPartition(partition);
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (endPosition(partition) <= fromPosition) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || closed) return List.of();
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return List.of();
      }
    }
    checkOpen();
    List<LogRecord> p = data.get(partition);
    int from = (int) (Math.max(fromPosition, start[partition]) - start[partition]);
    int to = (int) Math.min(p.size(), (long) from + maxRecords);
    return List.copyOf(p.subList(from, to));
  }

  @Override
  public synchronized long startPosition(int partition) {
    checkPartition(partition);
    return start[partition];
  }

  @Override
  public synchronized long endPosition(int partition) {
    checkPartition(partition);
    return start[partition] + data.get(partition).size();
  }

  @Override
  public synchronized void commit(String group, int partition, long nextPosition) {
    checkOpen();
    checkPartition(partition);
    groups.computeIfAbsent(group, g -> new long[partitions])[partition] = nextPosition;
  }

  @Override
  public synchronized long committed(String group, int partition) {
    checkPartition(partition);
    long[] g = groups.get(group);
    return g == null ? 0 : g[partition];
  }

  @Override
  public synchronized long enforceRetention() {
    long deleted = 0;
    for (int p = 0; p < partitions; p++) {
      long minCommitted = endPosition(p);
      for (long[] g : groups.values()) minCommitted = Math.min(minCommitted, g[p]);
      List<LogRecord> records = data.get(p);
      long excess = records.size() - maxRecordsPerPartition;
      if (retentionAge != null) {
        long cutoff = clock.millis() - retentionAge.toMillis();
        long old = 0;
        while (old < records.size() && records.get((int) old).timestampMillis() < cutoff) old++;
        excess = Math.max(excess, old);
      }
      long drop = Math.min(excess, minCommitted - start[p]);
      if (drop > 0) {
        records.subList(0, (int) drop).clear();
        start[p] += drop;
        deleted += drop;
      }
    }
    return deleted;
  }

  @Override
  public synchronized Health check() {
    return closed ? Health.down("log closed") : Health.OK;
  }

  @Override
  public synchronized void close() {
    closed = true;
    notifyAll();
  }

  private void checkOpen() {
    if (closed) throw new LogException(LogException.Reason.CLOSED, "log closed");
  }

  private void checkPartition(int partition) {
    if (partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException("partition " + partition + " out of [0, " + partitions + ")");
    }
  }
}
