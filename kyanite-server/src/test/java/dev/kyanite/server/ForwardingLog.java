package dev.kyanite.server;

import dev.kyanite.core.Health;
import dev.kyanite.core.log.AppendResult;
import dev.kyanite.core.log.EventLog;
import dev.kyanite.core.log.LogRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An event log that forwards every call to another: tests extend it to count or hold back what
 * one method does, and leave the rest to a real log.
 */
public class ForwardingLog implements EventLog {
  protected final EventLog inner;

  public ForwardingLog(EventLog inner) {
    this.inner = inner;
  }

  @Override
  public int partitions() {
    return inner.partitions();
  }

  @Override
  public CompletableFuture<AppendResult> append(int partition, List<byte[]> records) {
    return inner.append(partition, records);
  }

  @Override
  public List<LogRecord> read(int partition, long fromPosition, int maxRecords, Duration maxWait) {
    return inner.read(partition, fromPosition, maxRecords, maxWait);
  }

  @Override
  public long startPosition(int partition) {
    return inner.startPosition(partition);
  }

  @Override
  public long endPosition(int partition) {
    return inner.endPosition(partition);
  }

  @Override
  public void commit(String group, int partition, long nextPosition) {
    inner.commit(group, partition, nextPosition);
  }

  @Override
  public long committed(String group, int partition) {
    return inner.committed(group, partition);
  }

  @Override
  public Health check() {
    return inner.check();
  }

  @Override
  public void close() {
    inner.close();
  }
}
