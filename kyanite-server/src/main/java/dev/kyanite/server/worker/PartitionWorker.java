package dev.kyanite.server.worker;

import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.event.EventPipeline;
import dev.kyanite.core.event.PipelineResult;
import dev.kyanite.core.log.EventLog;
import dev.kyanite.core.log.LogException;
import dev.kyanite.core.log.LogRecord;
import dev.kyanite.server.delivery.DeliveryService;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one partition of the log as consumer group {@code deliveries}: decode, run the pipeline
 * (rules), route to endpoints, hand every (event, endpoint) pair to delivery — many events in flight
 * at once — and commit the partition only up to the first position with a pair that is neither
 * delivered nor durably scheduled. Runs on its own thread (log reads and commits block).
 *
 * <p>A crash between a delivery and the commit re-delivers after restart (same {@code webhook-id});
 * nothing acknowledged is skipped. A record that cannot be decoded is logged and skipped (it cannot
 * become deliverable by waiting).
 */
final class PartitionWorker implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionWorker.class);

  private final EventLog log;
  private final int partition;
  private final String group;
  private final EventPipeline pipeline;
  private final DeliveryService delivery;
  private final WorkerConfig cfg;
  private volatile boolean running = true;
  private volatile PartitionTracker tracker;
  private long committed;
  private long lastCommitNanos;

  PartitionWorker(EventLog log, int partition, String group, EventPipeline pipeline, DeliveryService delivery, WorkerConfig cfg) {
    this.log = log;
    this.partition = partition;
    this.group = group;
    this.pipeline = pipeline;
    this.delivery = delivery;
    this.cfg = cfg;
  }

  @Override
  public void run() {
    try {
      committed = Math.max(log.committed(group, partition), log.startPosition(partition));
      PartitionTracker t = new PartitionTracker(committed, cfg.maxInFlightPerPartition());
      tracker = t;
      long next = committed;
      while (running) {
        if (!t.awaitRoom(cfg.maxInFlightPerPartition(), 100)) {
          maybeCommit(false);
          continue;
        }
        // Nothing reads the events (no rules, no endpoint): one record is read, to wait for
        // appends, and the rest are passed over unread. Copying every record out of the log was
        // the worker's whole cost on an ingest-only server (0.1 µs an event under batch load).
        boolean idle = idle();
        List<LogRecord> records = log.read(partition, next, idle ? 1 : cfg.readBatch(), cfg.pollWait());
        for (LogRecord r : records) {
          if (r.position() > next) t.openSettled(r.position()); // retention removed records
          handle(t, r);
          next = r.position() + 1;
        }
        if (idle) {
          // The end first, then idle again: every record below that end was appended before the
          // second look, so a rule or endpoint that came before a record is seen and it is read.
          // Behind a pair still open (an endpoint disabled mid-delivery) the skip is bounded like
          // a read, so the tracker's window stays within the in-flight bound.
          long end = log.endPosition(partition);
          if (t.open() > 0) end = Math.min(end, next + cfg.readBatch());
          if (end > next && idle()) {
            t.openSettled(end);
            next = end;
          }
        }
        maybeCommit(false);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (LogException e) {
      if (e.reason() != LogException.Reason.CLOSED) LOG.error("partition {} worker stopped: {}", partition, e.toString());
      return;
    } catch (RuntimeException e) {
      LOG.error("partition {} worker failed", partition, e);
    }
    maybeCommit(true);
  }

  /** Whether no rule and no endpoint would read an event now. */
  private boolean idle() {
    return delivery.idle() && pipeline.passesAll();
  }

  private void handle(PartitionTracker t, LogRecord r) {
    if (idle()) {
      // nothing would read the event (no rules, no endpoint): decoding it would be the worker's
      // whole cost, about a microsecond an event on ingest-only servers
      t.open(r.position(), 0);
      return;
    }
    Event event;
    try {
      event = EventCodec.decode(r.payload());
    } catch (IllegalArgumentException e) {
      LOG.error("partition {} position {}: undecodable record skipped: {}", partition, r.position(), e.getMessage());
      t.open(r.position(), 0);
      return;
    }
    PipelineResult result = pipeline.apply(event);
    List<DeliveryService.Lane> lanes = delivery.route(result);
    long position = r.position();
    t.open(position, lanes.size());
    if (!lanes.isEmpty()) delivery.submit(result.event(), lanes, () -> t.settle(position));
  }

  private void maybeCommit(boolean force) {
    PartitionTracker t = tracker;
    if (t == null) return;
    long now = System.nanoTime();
    if (!force && now - lastCommitNanos < cfg.commitInterval().toNanos()) return;
    lastCommitNanos = now;
    long c = t.committable();
    if (c > committed) {
      try {
        log.commit(group, partition, c);
        committed = c;
      } catch (LogException e) {
        LOG.warn("partition {}: commit failed: {}", partition, e.toString());
      }
    }
  }

  /** Open positions (events read but not fully settled). */
  long inFlight() {
    PartitionTracker t = tracker;
    return t == null ? 0 : t.open();
  }

  long committedPosition() {
    return committed;
  }

  void stop() {
    running = false;
  }

}
