package dev.kyanite.core.store;

import java.util.List;

/** The attempts ledger. Written in batches; read per delivery or per event, oldest first. */
public interface AttemptStore {

  /** Appends the batch atomically. */
  void appendAll(List<Attempt> attempts);

  List<Attempt> forDelivery(String deliveryId);

  List<Attempt> forEvent(String eventId);

  /**
   * Forgets attempts made before {@code cutoff}, except those of deliveries still scheduled
   * ({@code pending}, {@code retrying}). May work in several short transactions.
   *
   * @return attempts forgotten
   */
  long pruneBefore(java.time.Instant cutoff);
}
