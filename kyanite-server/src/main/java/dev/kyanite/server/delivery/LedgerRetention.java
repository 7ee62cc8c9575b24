package dev.kyanite.server.delivery;

import dev.kyanite.core.store.MetadataStore;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the delivery ledger bounded ({@code delivery.ledger.retention}): once at start and then
 * every hour, deletes finished deliveries and attempts older than the retention, in short
 * transactions on the delivery admin thread (never on an event loop). Scheduled retries and their
 * attempts are kept whatever their age. Without it the ledger grows by a row per delivered event,
 * forever.
 */
final class LedgerRetention {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerRetention.class);
  static final Duration EVERY = Duration.ofHours(1);

  private final MetadataStore store;
  private final Duration retention;
  private final Clock clock;
  private Vertx vertx;
  private long timer = -1;

  LedgerRetention(MetadataStore store, Duration retention, Clock clock) {
    this.store = store;
    this.retention = retention;
    this.clock = clock;
  }

  /** Prunes now and then every {@link #EVERY} on {@code blocking}; nothing when retention is 0 (keep everything). */
  void start(Vertx vertx, Executor blocking) {
    if (retention.isZero()) return;
    this.vertx = vertx;
    blocking.execute(this::pruneNow);
    timer = vertx.setPeriodic(EVERY.toMillis(), id -> blocking.execute(this::pruneNow));
  }

  /** Whether pruning is scheduled. */
  boolean scheduled() {
    return timer >= 0;
  }

  void stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    timer = -1;
  }

  /** Prunes now (blocking); returns deliveries and attempts deleted. */
  long pruneNow() {
    Instant cutoff = clock.instant().minus(retention);
    try {
      long deliveries = store.deliveries().pruneFinishedBefore(cutoff);
      long attempts = store.attempts().pruneBefore(cutoff);
      if (deliveries + attempts > 0) {
        LOG.info("delivery ledger retention: deleted {} deliveries and {} attempts from before {}", deliveries, attempts, cutoff);
      }
      return deliveries + attempts;
    } catch (RuntimeException e) {
      LOG.warn("delivery ledger retention failed (next try in {}): {}", EVERY, e.toString());
      return 0;
    }
  }
}
