package dev.kyanite.core.store;

import dev.kyanite.core.Health;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the server keeps besides the events themselves: API keys, schemas, endpoints, rules,
 * delivery state and attempts. Each concern is a small sub-store so that a feature and its backends
 * can grow without touching the others.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Every mutating call is durable when it returns (committed transaction).</li>
 *   <li>Implementations are thread-safe. Calls may block on I/O (JDBC): never call them from an
 *       event-loop thread; the server runs them on worker threads.</li>
 *   <li>Failures are {@link StoreException}s; a missing row is an empty {@code Optional} or
 *       {@code false}, never an exception.</li>
 *   <li>The schema is versioned and migrated forward on {@code open}.</li>
 * </ul>
 * Backends: {@code sqlite} (default, a file in the data dir, one server per data dir),
 * {@link MemoryMetadataStore} (tests). All pass {@code MetadataStoreContract}.
 */
public interface MetadataStore extends AutoCloseable {

  /** API keys (hashed). */
  KeyStore keys();

  /** Webhook endpoints. */
  default EndpointStore endpoints() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no endpoint store");
  }

  /** Delivery state per (event, endpoint): scheduled retries, dead letters, delivered pairs. */
  default DeliveryStore deliveries() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no delivery store");
  }

  /** The delivery attempts ledger. */
  default AttemptStore attempts() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no attempt store");
  }

  /**
   * Writes one batch of the delivery ledger, in order (a later state of the same delivery wins):
   * each update's delivery as by {@link DeliveryStore#upsertAll}, its attempt as by
   * {@link AttemptStore#appendAll}. Reads afterwards are the same as after those two calls. This
   * default makes exactly those two calls; a backend may instead write the batch in one transaction
   * and store the common case (delivered at the first attempt) more compactly.
   *
   * @param relaxed when true the batch must survive a crash of the process once this returns, but
   *     may be lost with a power cut (a backend may skip its disk flush): for records the server
   *     does not depend on, such as successful attempts. When false: durable as every mutating call.
   */
  default void recordDeliveries(List<DeliveryUpdate> updates, boolean relaxed) {
    List<Delivery> ds = new ArrayList<>(updates.size());
    List<Attempt> as = new ArrayList<>(updates.size());
    for (DeliveryUpdate u : updates) {
      if (u.delivery() != null) ds.add(u.delivery());
      if (u.attempt() != null) as.add(u.attempt());
    }
    if (!ds.isEmpty()) deliveries().upsertAll(ds);
    if (!as.isEmpty()) attempts().appendAll(as);
  }

  /** Business rules (versioned) and the revision nodes poll to pick up changes. */
  default RuleStore rules() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no rule store");
  }

  /** JSON Schemas per event type (versioned). */
  default SchemaStore schemas() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no schema store");
  }

  /** Event id and idempotency-key index, written by the log indexer. */
  default EventIndexStore eventIndex() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no event index");
  }

  /** Cheap reachability check used by {@code /readyz}. */
  Health check();

  @Override
  void close();
}
