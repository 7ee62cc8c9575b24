package dev.kyanite.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** API keys. Secrets never reach this interface: only their hashes. */
public interface KeyStore {

  /** Stores a new key. The id and the hash must be unique. */
  void create(ApiKey key);

  /** The key with this hash, active or revoked, if any. */
  Optional<ApiKey> findByHash(byte[] hash);

  Optional<ApiKey> findById(String id);

  /** All keys, revoked ones included, oldest first. */
  List<ApiKey> list();

  /**
   * Marks the key revoked at {@code at}.
   *
   * @return false when no active key has this id
   */
  boolean revoke(String id, Instant at);
}
