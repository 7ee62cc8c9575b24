package dev.kyanite.core.log;

import dev.kyanite.core.Health;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A partitioned, replayable, append-only log of opaque records: the reason a {@code 202} can be
 * trusted.
 *
 * <h2>Positions and ordering</h2>
 * Each partition numbers its records with consecutive positions starting at 0 (Kafka calls them
 * offsets). Order is guaranteed within a partition only: a record appended after another record's
 * append future completed has a higher position. Records of one {@link #append(int, List)} call are
 * contiguous and atomic: after a crash either all of them are readable or none is.
 *
 * <h2>Durability</h2>
 * The future returned by {@code append} completes only when the records have reached the level the
 * backend is configured for, which {@link AppendResult#durability()} reports. For the embedded log
 * with the default policy that is {@link Durability#FSYNC}: the bytes were forced to the device and
 * survive {@code kill -9} and power loss. A completed append is visible to {@link #read} (read after
 * ack); a record is never visible to readers before its append has reached the configured level, so
 * consumers never process a record whose append later fails.
 *
 * <h2>Failures</h2>
 * Append futures complete exceptionally with a {@link LogException}; callers switch on
 * {@link LogException#reason()} (for example {@link LogException.Reason#FULL} becomes HTTP 503 with
 * {@code Retry-After}). A failed append wrote nothing that will ever be read. After {@link #close()}
 * appends, reads and commits fail with reason {@link LogException.Reason#CLOSED}, and a read blocked
 * in {@code maxWait} returns promptly. Invalid arguments (partition out of range, empty batch) throw
 * {@link IllegalArgumentException} at once.
 *
 * <h2>Threads</h2>
 * Implementations are thread-safe. {@code append} never blocks the caller on I/O, so it may be
 * called from an event loop. The returned future may complete on a backend thread (the embedded
 * log's writer): attach only non-blocking callbacks, or hop to your own context. {@link #read},
 * {@link #commit} and retention may block on I/O and must not be called from an event loop.
 */
public interface EventLog extends AutoCloseable {

  /** Number of partitions, fixed for the life of the log. */
  int partitions();

  /**
   * Appends records atomically to one partition.
   *
   * @param partition 0 ≤ partition &lt; {@link #partitions()}
   * @param records one or more payloads; the log does not interpret them and keeps no reference to
   *     the arrays once the future has completed (callers may reuse them afterwards)
   * @return completes when the batch is durable at the configured level
   */
  CompletableFuture<AppendResult> append(int partition, List<byte[]> records);

  /** Appends one record; see {@link #append(int, List)}. */
  default CompletableFuture<AppendResult> append(int partition, byte[] record) {
    return append(partition, List.of(record));
  }

  /**
   * Reads records of a partition starting at {@code fromPosition}, in position order. Returns as
   * soon as at least one record is available (a waiting reader wakes when an append completes, not
   * on a polling tick), or an empty list after {@code maxWait}. Positions
   * below {@link #startPosition(int)} (deleted by retention) are skipped: the first record returned
   * is then the oldest one retained.
   *
   * @param maxRecords upper bound on the number of records returned (≥ 1)
   */
  List<LogRecord> read(int partition, long fromPosition, int maxRecords, Duration maxWait);

  /** Position of the oldest retained record of the partition (0 until retention deletes). */
  long startPosition(int partition);

  /**
   * Position the next appended record of the partition will get (the count ever appended and
   * acknowledged): every position below it is readable unless retention deleted it.
   */
  long endPosition(int partition);

  /**
   * Durably records that consumer group {@code group} has processed the partition up to, but not
   * including, {@code nextPosition}. When this returns, a reopened log reports the new position
   * from {@link #committed}. Committing a lower position than the current one is allowed (rewind).
   * The first commit of a group makes it known to retention.
   */
  void commit(String group, int partition, long nextPosition);

  /** The last committed next-position of the group for the partition, or 0 if none. */
  long committed(String group, int partition);

  /** Records not yet processed by the group in the partition. */
  default long lag(String group, int partition) {
    return Math.max(0, endPosition(partition) - Math.max(committed(group, partition), startPosition(partition)));
  }

  /**
   * Applies retention now: deletes whole segments older than the configured retention whose
   * records every known consumer group has committed past (with no group known, age alone
   * decides). Backends may also run it on their own.
   *
   * @return number of records deleted
   */
  default long enforceRetention() {
    return 0;
  }

  /** Cheap health check: whether the log can accept appends now and why not. */
  Health check();

  /** Flushes what is pending, releases files and threads. Idempotent. */
  @Override
  void close();
}
