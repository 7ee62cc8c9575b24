package dev.kyanite.core.store;

import java.time.Instant;
import java.util.Set;

/**
 * An API key as stored: never the secret, only its SHA-256 hash.
 *
 * @param id public identifier ({@code key_…}), safe to log and show
 * @param name human label; also the {@code source} of events ingested with the key
 * @param hash SHA-256 of the secret (32 bytes)
 * @param scopes granted scopes ({@code events:write}, {@code events:read}, {@code admin})
 * @param rateLimit requests per second allowed, or {@code null} for the server default
 * @param createdAt creation time
 * @param revokedAt revocation time, or {@code null} while active
 */
public record ApiKey(
    String id, String name, byte[] hash, Set<String> scopes, Double rateLimit, Instant createdAt, Instant revokedAt) {

  public boolean active() {
    return revokedAt == null;
  }
}
