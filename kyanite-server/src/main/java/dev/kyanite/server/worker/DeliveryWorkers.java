package dev.kyanite.server.worker;

import dev.kyanite.core.event.EventPipeline;
import dev.kyanite.core.log.EventLog;
import dev.kyanite.server.delivery.DeliveryService;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@link PartitionWorker} thread per log partition, all in consumer group
 * {@link WorkerConfig#group()}. Start after the delivery service; stop before it (stopping commits
 * what is settled).
 */
public final class DeliveryWorkers implements AutoCloseable {
  private final List<PartitionWorker> workers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final EventLog log;
  private final WorkerConfig cfg;

  public DeliveryWorkers(EventLog log, EventPipeline pipeline, DeliveryService delivery, WorkerConfig cfg) {
    this.log = log;
    this.cfg = cfg;
    for (int p = 0; p < log.partitions(); p++) {
      workers.add(new PartitionWorker(log, p, cfg.group(), pipeline, delivery, cfg));
    }
  }

  public void start() {
    for (PartitionWorker w : workers) {
      Thread t = new Thread(w, "kyanite-worker-" + threads.size());
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Events read from the log whose pairs are not all settled yet, over all partitions. */
  public long inFlight() {
    return workers.stream().mapToLong(PartitionWorker::inFlight).sum();
  }

  /** Records the group has not committed yet, per partition. */
  public long[] lag() {
    long[] lag = new long[log.partitions()];
    for (int p = 0; p < lag.length; p++) lag[p] = log.lag(cfg.group(), p);
    return lag;
  }

  /** Stops reading and commits what is settled. Pairs still in flight are redelivered after restart. */
  @Override
  public void close() {
    workers.forEach(PartitionWorker::stop);
    for (Thread t : threads) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
