package dev.kyanite.server.delivery;

import dev.kyanite.core.store.Attempt;
import dev.kyanite.core.store.Delivery;
import dev.kyanite.core.store.DeliveryUpdate;
import dev.kyanite.core.store.MetadataStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes delivery state and the attempts ledger, in batches (group commit: one
 * transaction for everything queued since the last one).
 *
 * <ul>
 *   <li>{@link #durable} writes (scheduled retries, dead letters, spilled pairs) complete their
 *       future only once committed, and are retried until the store accepts them: a log position
 *       is committed only after its pairs are durable, so nothing may be dropped here.</li>
 *   <li>{@link #ledger} writes (successful attempts) are best effort: queued up to a bound, written
 *       within about 100 ms, dropped (and counted) when the queue is full or the store fails. A
 *       crash loses at most the last batch of success records, never an event. A batch of only
 *       such records is committed without waiting for the disk ({@code relaxed}): it survives a
 *       process crash, and a power cut can lose only success records, whose pairs were delivered.</li>
 * </ul>
 * A batch is one {@link MetadataStore#recordDeliveries} call (one transaction on SQLite). Items are
 * written in the order they were queued, so a later state of a delivery wins.
 */
final class StoreWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);
  private static final int MAX_BATCH = 5_000;
  private static final long LINGER_NANOS = 100_000_000L;

  /** A delivery state and/or an attempt; {@code done} is null for best-effort ledger items. */
  private record Item(Delivery delivery, Attempt attempt, CompletableFuture<Void> done) {}

  private final MetadataStore store;
  private final int ledgerCapacity;
  private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger ledgerQueued = new AtomicInteger();
  private final AtomicLong ledgerDropped = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger durableQueued = new java.util.concurrent.atomic.AtomicInteger();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean lingering;

  StoreWriter(MetadataStore store, int ledgerCapacity) {
    this.store = store;
    this.ledgerCapacity = ledgerCapacity;
    this.thread = new Thread(this::run, "kyanite-delivery-store");
    thread.setDaemon(true);
    thread.start();
  }

  /** Writes durably; the future completes after the commit. {@code attempt} may be null. */
  CompletableFuture<Void> durable(Delivery delivery, Attempt attempt) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    durableQueued.incrementAndGet();
    queue.add(new Item(delivery, attempt, f));
    if (lingering) LockSupport.unpark(thread); // durable writes do not wait for the ledger's linger
    return f;
  }

  /**
   * Ledger records alone are not urgent: gather them for up to {@link #LINGER_NANOS} (or until a
   * batch is full or a durable write arrives) so that a transaction carries many rows instead of
   * one — the per-transaction cost (fsync, locking) was the ledger's main CPU cost at moderate rates.
   */
  private void linger() {
    long deadline = System.nanoTime() + LINGER_NANOS;
    lingering = true;
    try {
      while (running && queue.size() < MAX_BATCH && !hasDurable()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return;
        LockSupport.parkNanos(this, Math.min(left, 10_000_000L));
      }
    } finally {
      lingering = false;
    }
  }

  private boolean hasDurable() {
    return durableQueued.get() > 0;
  }

  /** Queues a best-effort ledger write; either argument may be null. */
  void ledger(Delivery delivery, Attempt attempt) {
    if (ledgerQueued.incrementAndGet() > ledgerCapacity) {
      ledgerQueued.decrementAndGet();
      ledgerDropped.incrementAndGet();
      return;
    }
    queue.add(new Item(delivery, attempt, null));
  }

  /** Success records dropped because the ledger could not keep up. */
  long ledgerDropped() {
    return ledgerDropped.get();
  }

  private void run() {
    List<Item> batch = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        Item first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        if (first.done == null) linger();
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        int durables = 0;
        for (Item i : batch) if (i.done != null) durables++;
        durableQueued.addAndGet(-durables);
        write(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<Item> batch) throws InterruptedException {
    List<DeliveryUpdate> updates = new ArrayList<>(batch.size());
    int ledgerItems = 0;
    for (Item i : batch) {
      updates.add(new DeliveryUpdate(i.delivery, i.attempt));
      if (i.done == null) ledgerItems++;
    }
    // success records alone need not survive a power cut (see the class comment): no fsync for them
    boolean relaxed = ledgerItems == batch.size();
    for (long backoff = 50; ; backoff = Math.min(backoff * 2, 5_000)) {
      try {
        store.recordDeliveries(updates, relaxed);
        break;
      } catch (RuntimeException e) {
        if (ledgerItems == batch.size()) {
          ledgerDropped.addAndGet(ledgerItems);
          LOG.warn("dropping {} ledger records: store write failed: {}", ledgerItems, e.toString());
          break;
        }
        LOG.warn("delivery state write failed, retrying in {} ms: {}", backoff, e.toString());
        if (!running) {
          for (Item i : batch) if (i.done != null) i.done.completeExceptionally(e);
          return;
        }
        Thread.sleep(backoff);
      }
    }
    ledgerQueued.addAndGet(-ledgerItems);
    for (Item i : batch) if (i.done != null) i.done.complete(null);
  }

  /** Writes what is queued, then stops. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
