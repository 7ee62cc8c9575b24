package dev.kyanite.server.delivery;

import dev.kyanite.core.store.Endpoint;
import dev.kyanite.core.store.EndpointStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The in-memory view of the endpoints the workers route to: one {@link EndpointChannel} per
 * endpoint, and per event type the list of enabled endpoints whose globs match (cached, rebuilt on
 * every reload). Reloaded from the store whenever an endpoint changes, and periodically.
 */
final class EndpointRegistry {
  private final EndpointStore store;
  private final Function<Endpoint, EndpointChannel> factory;
  private final Map<String, EndpointChannel> channels = new ConcurrentHashMap<>();
  private volatile List<EndpointChannel> enabled = List.of();
  private volatile java.util.Set<String> known = java.util.Set.of();
  private volatile java.util.Set<String> disabled = java.util.Set.of();
  private volatile Map<String, List<EndpointChannel>> byType = new ConcurrentHashMap<>();

  EndpointRegistry(EndpointStore store, Function<Endpoint, EndpointChannel> factory) {
    this.store = store;
    this.factory = factory;
  }

  /** Re-reads every endpoint (blocking store call: not on an event loop). */
  synchronized void reload() {
    Map<String, Endpoint> now = new HashMap<>();
    for (Endpoint e : store.list()) now.put(e.id(), e);
    for (var it = channels.entrySet().iterator(); it.hasNext(); ) {
      var entry = it.next();
      Endpoint e = now.get(entry.getKey());
      if (e == null) {
        it.remove();
        entry.getValue().close();
      } else {
        entry.getValue().update(e);
        if (!e.enabled()) entry.getValue().close();
      }
    }
    List<EndpointChannel> on = new ArrayList<>();
    for (Endpoint e : now.values()) {
      EndpointChannel c = channels.get(e.id());
      if (c == null && e.enabled()) {
        c = factory.apply(e);
        channels.put(e.id(), c);
      }
      if (c != null && e.enabled() && c.reopen()) on.add(c);
    }
    enabled = List.copyOf(on);
    known = java.util.Set.copyOf(now.keySet());
    java.util.Set<String> off = new java.util.HashSet<>();
    for (Endpoint e : now.values()) if (!e.enabled()) off.add(e.id());
    disabled = java.util.Set.copyOf(off);
    byType = new ConcurrentHashMap<>();
  }

  /** Whether any endpoint is enabled (a volatile read). */
  boolean anyEnabled() {
    return !enabled.isEmpty();
  }

  /** Enabled endpoints whose type globs match. */
  List<EndpointChannel> matching(String type) {
    Map<String, List<EndpointChannel>> cache = byType;
    List<EndpointChannel> hit = cache.get(type);
    if (hit != null) return hit;
    List<EndpointChannel> m = new ArrayList<>();
    for (EndpointChannel c : enabled) if (c.matches(type)) m.add(c);
    List<EndpointChannel> result = List.copyOf(m);
    if (cache.size() < 10_000) cache.put(type, result);
    return result;
  }

  /** Enabled endpoints as of the last reload. */
  int enabledCount() {
    return enabled.size();
  }

  Optional<EndpointChannel> channel(String endpointId) {
    return Optional.ofNullable(channels.get(endpointId));
  }

  /** Ids of the endpoints that exist but are disabled, as of the last reload. */
  java.util.Set<String> disabledIds() {
    return disabled;
  }

  /** Whether an endpoint with this id exists (enabled or not) as of the last reload. */
  boolean exists(String endpointId) {
    return known.contains(endpointId);
  }

  List<EndpointChannel> all() {
    return List.copyOf(channels.values());
  }
}
