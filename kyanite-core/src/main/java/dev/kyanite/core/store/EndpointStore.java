package dev.kyanite.core.store;

import java.util.List;
import java.util.Optional;

/** Webhook endpoints, secrets included (they are needed to sign; never log them). */
public interface EndpointStore {

  /** Stores a new endpoint; the id must be unique. */
  void create(Endpoint endpoint);

  Optional<Endpoint> find(String id);

  /** All endpoints, oldest first. */
  List<Endpoint> list();

  /**
   * Replaces the stored endpoint with the same id.
   *
   * @return false when there is no such endpoint
   */
  boolean update(Endpoint endpoint);

  /** @return false when there is no such endpoint */
  boolean delete(String id);
}
