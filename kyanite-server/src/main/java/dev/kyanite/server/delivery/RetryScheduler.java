package dev.kyanite.server.delivery;

import dev.kyanite.core.store.Delivery;
import dev.kyanite.core.store.DeliveryStatus;
import dev.kyanite.core.store.DeliveryStore;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends stored deliveries when they fall due: retries, pairs parked by busy lanes, manual retries.
 * One thread polls the store's due index every {@code schedulerInterval} (so a due retry leaves
 * within about that time) and hands each due row to its endpoint's lane, skipping lanes that
 * cannot take more now (paused circuit, long queue, disabled endpoint) so they never starve the
 * others. A disabled endpoint's rows wait until it is enabled again; a deleted endpoint's rows end
 * as {@code failed} ({@code endpoint_deleted}).
 *
 * <p>Rows are claimed in memory only while their attempt runs: this is a single-node scheduler.
 * After a crash every unfinished row is simply due again (at-least-once).
 */
final class RetryScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RetryScheduler.class);
  private static final int BATCH = 1_000;

  private final DeliveryStore store;
  private final EndpointRegistry registry;
  private final StoreWriter writer;
  private final Clock clock;
  private final DeliveryMetrics metrics;
  private final long intervalMillis;
  private final Set<String> claimed = ConcurrentHashMap.newKeySet();
  private final Thread thread;
  private final Object wake = new Object();
  private volatile boolean running = true;

  RetryScheduler(DeliveryStore store, EndpointRegistry registry, StoreWriter writer, Clock clock, DeliveryMetrics metrics,
      long intervalMillis) {
    this.store = store;
    this.registry = registry;
    this.writer = writer;
    this.clock = clock;
    this.metrics = metrics;
    this.intervalMillis = intervalMillis;
    this.thread = new Thread(this::run, "kyanite-delivery-scheduler");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Looks for due rows now instead of at the next tick (after a manual retry). */
  void poke() {
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  /** Deliveries claimed by running attempts. */
  int claimedCount() {
    return claimed.size();
  }

  private void run() {
    while (running) {
      try {
        tick();
      } catch (RuntimeException e) {
        LOG.warn("retry scheduler tick failed: {}", e.toString());
      }
      synchronized (wake) {
        try {
          wake.wait(intervalMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** One pass over the due rows. */
  void tick() {
    Set<String> busy = new HashSet<>();
    for (EndpointChannel c : registry.all()) if (!c.accepting()) busy.add(c.endpoint().id());
    // a disabled endpoint is paused: its rows wait, due, until it is enabled again (also after a
    // restart, when it has no lane at all); only a deleted endpoint's rows end here
    busy.addAll(registry.disabledIds());
    Instant now = clock.instant();
    List<Delivery> due = store.due(now, busy, BATCH);
    for (Delivery d : due) {
      if (busy.contains(d.endpointId()) || !claimed.add(d.id())) continue;
      Optional<EndpointChannel> lane = registry.channel(d.endpointId());
      if (lane.isEmpty() || !lane.get().endpoint().enabled()) {
        if (registry.exists(d.endpointId())) { // disabled since the list was taken: it waits
          claimed.remove(d.id());
          continue;
        }
        metrics.onFailed();
        writer.durable(new Delivery(d.id(), d.eventId(), d.endpointId(), d.eventType(), DeliveryStatus.FAILED, d.attempts(),
            null, d.lastStatus(), "endpoint_deleted", d.payload(), d.createdAt(), now), null)
            .whenComplete((v, e) -> claimed.remove(d.id()));
        continue;
      }
      EndpointChannel c = lane.get();
      if (!c.accepting()) {
        claimed.remove(d.id());
        busy.add(d.endpointId());
        continue;
      }
      c.submit(DeliveryTask.fromStore(d, () -> claimed.remove(d.id())));
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
