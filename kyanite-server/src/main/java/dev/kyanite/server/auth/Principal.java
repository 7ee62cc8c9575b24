package dev.kyanite.server.auth;

import dev.kyanite.core.store.ApiKey;
import dev.kyanite.server.TokenBucket;

/**
 * The verified API key behind a request. Handlers read it with
 * {@link Authenticator#principal(io.vertx.ext.web.RoutingContext)}; its {@link #name()} is the
 * {@code source} of ingested events. Immutable except for its rate-limit bucket.
 */
public final class Principal {
  private final String id;
  private final String name;
  private final int scopeMask;
  private final TokenBucket bucket;
  final long verifiedAtNanos;
  /** Set by the one request that re-verifies an expired cache entry; the others keep using it meanwhile. */
  final java.util.concurrent.atomic.AtomicBoolean refreshing = new java.util.concurrent.atomic.AtomicBoolean();

  Principal(String id, String name, int scopeMask, TokenBucket bucket, long verifiedAtNanos) {
    this.id = id;
    this.name = name;
    this.scopeMask = scopeMask;
    this.bucket = bucket;
    this.verifiedAtNanos = verifiedAtNanos;
  }

  static Principal of(ApiKey key, double defaultRate, double burstSeconds, long now) {
    double rate = key.rateLimit() != null ? key.rateLimit() : defaultRate;
    TokenBucket b = rate > 0 ? new TokenBucket(rate, Math.max(1, rate * burstSeconds), now) : null;
    return new Principal(key.id(), key.name(), Scope.mask(key.scopes()), b, now);
  }

  /** The key id ({@code key_…}), or {@code admin-env} for the {@code KYANITE_ADMIN_KEY} key. */
  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  public boolean has(Scope scope) {
    return (scopeMask & scope.bit()) != 0;
  }

  /** The key's rate-limit bucket, or {@code null} when unlimited. */
  TokenBucket bucket() {
    return bucket;
  }
}
