package dev.kyanite.server.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves a webhook host to the address the request will connect to, through the {@link
 * SsrfGuard}: IP literals are checked at once; names are resolved on a worker thread (never on the
 * event loop), every address is checked, and the checked address is cached for {@code ttlMillis}.
 * The request then connects to that address, so the name cannot resolve differently in between.
 */
final class TargetResolver {
  private record Entry(InetAddress address, long expiresAt) {}

  private final Vertx vertx;
  private final SsrfGuard guard;
  private final long ttlMillis;
  private final Map<String, Entry> cache = new ConcurrentHashMap<>();
  /** Checked IP literals (the guard's settings are fixed for the resolver's life). */
  private final Map<String, Future<InetAddress>> literals = new ConcurrentHashMap<>();

  TargetResolver(Vertx vertx, SsrfGuard guard, long ttlMillis) {
    this.vertx = vertx;
    this.guard = guard;
    this.ttlMillis = ttlMillis;
  }

  Future<InetAddress> resolve(String host) {
    Future<InetAddress> known = literals.get(host);
    if (known != null) return known; // an IP literal checked before: the answer cannot change
    if (isIpLiteral(host)) {
      try {
        InetAddress a = InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        var why = guard.refusal(a);
        Future<InetAddress> f = why.isPresent() ? Future.failedFuture(new SsrfGuard.SsrfRefusedException(why.get()))
            : Future.succeededFuture(a);
        if (literals.size() < 10_000) literals.put(host, f);
        return f;
      } catch (UnknownHostException e) {
        return Future.failedFuture(e);
      }
    }
    Entry e = cache.get(host);
    long now = System.currentTimeMillis();
    if (e != null && e.expiresAt > now) return Future.succeededFuture(e.address);
    return vertx.executeBlocking(() -> {
      InetAddress a = guard.resolve(host);
      cache.put(host, new Entry(a, System.currentTimeMillis() + ttlMillis));
      return a;
    }, false);
  }

  static boolean isIpLiteral(String host) {
    return host.startsWith("[") || host.matches("[0-9.]+") || host.contains(":");
  }
}
