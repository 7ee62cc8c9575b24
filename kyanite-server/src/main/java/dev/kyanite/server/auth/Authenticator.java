package dev.kyanite.server.auth;

import dev.kyanite.core.store.ApiKey;
import dev.kyanite.core.store.KeyStore;
import dev.kyanite.server.TokenBucket;
import dev.kyanite.server.edge.Problems;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer API-key authentication, scope checks and per-key rate limits, as a route handler:
 * {@code router.post("/v1/x").handler(auth.require(Scope.EVENTS_WRITE)).handler(...)}.
 *
 * <p>The presented secret is hashed (SHA-256) and looked up by hash; the stored hash is compared
 * with {@link java.security.MessageDigest#isEqual}. Verified keys are cached in memory by hash, so
 * the hot path never touches the store; a miss (or an entry older than {@code auth.cache-ttl}) is
 * looked up on the blocking executor, never on the event loop (while one request re-verifies an
 * expired entry, concurrent requests keep using it). {@link #invalidate} drops a key at
 * once, so a key revoked through this process is refused on the very next request. Failed
 * lookups are not cached. Secrets are never logged.
 *
 * <p>Responses: {@code 401} + {@code WWW-Authenticate: Bearer} without a usable key, {@code 403}
 * when a scope is missing, {@code 429} + {@code Retry-After} over the key's rate. Every
 * rate-limited key's responses carry {@code RateLimit-Limit}, {@code RateLimit-Remaining} and
 * {@code RateLimit-Reset}.
 */
public final class Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
  private static final String CTX_KEY = "kyanite.principal";

  private final KeyStore keys;
  private final WorkerExecutor blocking;
  private final LongSupplier nanoTime;
  private final double defaultRate;
  private final double burstSeconds;
  private final long ttlNanos;
  private final byte[] envAdminHash;
  private final Principal envAdmin;
  private final ConcurrentHashMap<HashKey, Principal> cache = new ConcurrentHashMap<>();
  /** Bumped by every invalidation, so a lookup that raced with a revoke does not re-cache the key. */
  private final AtomicLong generation = new AtomicLong();

  /**
   * @param envAdminKey the {@code admin.key} secret accepted as admin, or {@code null}
   */
  public Authenticator(KeyStore keys, WorkerExecutor blocking, LongSupplier nanoTime, double defaultRate,
      double burstSeconds, java.time.Duration cacheTtl, String envAdminKey) {
    this.keys = keys;
    this.blocking = blocking;
    this.nanoTime = nanoTime;
    this.defaultRate = defaultRate;
    this.burstSeconds = burstSeconds;
    this.ttlNanos = cacheTtl.toNanos();
    this.envAdminHash = envAdminKey == null ? null : ApiKeySecrets.hash(envAdminKey);
    this.envAdmin = new Principal("admin-env", "admin", Scope.mask(java.util.List.of("admin")), null, 0);
  }

  /** A handler that admits only requests with a valid, active key holding {@code scope}. */
  public Handler<RoutingContext> require(Scope scope) {
    return rc -> authenticate(rc, scope);
  }

  /** The principal of an authenticated request, or {@code null} before/without authentication. */
  public static Principal principal(RoutingContext rc) {
    return rc.get(CTX_KEY);
  }

  /** Forgets a key (after revoke or update) so its next use is looked up again. */
  public void invalidate(String keyId) {
    generation.incrementAndGet();
    cache.values().removeIf(p -> p.id().equals(keyId));
  }

  private void authenticate(RoutingContext rc, Scope scope) {
    String token = bearer(rc.request().getHeader("Authorization"));
    if (!ApiKeySecrets.plausible(token)) {
      Problems.send(rc, Problems.unauthorized(token == null
          ? "send the API key as 'Authorization: Bearer <key>'" : "the API key is not valid"));
      return;
    }
    byte[] hash = ApiKeySecrets.hash(token);
    if (envAdminHash != null && ApiKeySecrets.sameHash(hash, envAdminHash)) {
      admit(rc, envAdmin, scope);
      return;
    }
    HashKey hk = new HashKey(hash);
    Principal cached = cache.get(hk);
    long now = nanoTime.getAsLong();
    if (cached != null && (now - cached.verifiedAtNanos < ttlNanos || !cached.refreshing.compareAndSet(false, true))) {
      // fresh, or expired with a re-verification already running: one lookup per key, not one per request
      admit(rc, cached, scope);
      return;
    }
    long gen = generation.get();
    blocking.<Optional<ApiKey>>executeBlocking(() -> keys.findByHash(hash), false).onComplete(ar -> {
      if (ar.failed()) {
        if (cached != null) cached.refreshing.set(false);
        LOG.error("API key lookup failed", ar.cause());
        rc.fail(ar.cause());
        return;
      }
      ApiKey k = ar.result().orElse(null);
      if (k == null || !k.active() || !ApiKeySecrets.sameHash(k.hash(), hash)) {
        cache.remove(hk);
        Problems.send(rc, Problems.unauthorized("the API key is not valid or was revoked"));
        return;
      }
      Principal p = Principal.of(k, defaultRate, burstSeconds, nanoTime.getAsLong());
      if (cached != null && cached.id().equals(p.id()) && cached.bucket() != null) {
        p = new Principal(p.id(), p.name(), Scope.mask(k.scopes()), cached.bucket(), p.verifiedAtNanos);
      }
      if (generation.get() == gen) cache.put(hk, p);
      admit(rc, p, scope);
    });
  }

  private void admit(RoutingContext rc, Principal p, Scope scope) {
    if (!p.has(scope)) {
      Problems.send(rc, Problems.forbidden(scope.wire()));
      return;
    }
    TokenBucket b = p.bucket();
    if (b != null) {
      long now = nanoTime.getAsLong();
      long r = b.tryAcquire(now);
      HttpServerResponse res = rc.response();
      res.putHeader("RateLimit-Limit", Long.toString(b.limit()));
      res.putHeader("RateLimit-Remaining", Long.toString(Math.max(0, r)));
      res.putHeader("RateLimit-Reset", Long.toString(ceilSeconds(b.nanosUntilFull(now))));
      if (r < 0) {
        Problems.send(rc, Problems.rateLimited(Math.max(1, ceilSeconds(-r))));
        return;
      }
    }
    rc.put(CTX_KEY, p);
    rc.next();
  }

  static long ceilSeconds(long nanos) {
    return (nanos + 999_999_999L) / 1_000_000_000L;
  }

  static String bearer(String header) {
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    String t = header.substring(7).trim();
    return t.isEmpty() ? null : t;
  }

  /** A SHA-256 hash as a map key. The hash is uniformly distributed, so its first bytes are a fine hashCode. */
  private static final class HashKey {
    private final byte[] h;
    private final int code;

    HashKey(byte[] h) {
      this.h = h;
      this.code = (h[0] & 0xff) << 24 | (h[1] & 0xff) << 16 | (h[2] & 0xff) << 8 | (h[3] & 0xff);
    }

    @Override
    public int hashCode() {
      return code;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof HashKey k && ApiKeySecrets.sameHash(k.h, h);
    }
  }
}
