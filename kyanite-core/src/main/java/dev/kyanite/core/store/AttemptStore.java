package dev.kyanite.core.store;

import java.util.List;

/** The attempts ledger. Written in batches; read per delivery or per event, oldest first. */
public interface AttemptStore {

  /** Appends the batch atomically. */
  void appendAll(List<Attempt> attempts);

  List<Attempt> forDelivery(String deliveryId);

  List<Attempt> forEvent(String eventId);
}
