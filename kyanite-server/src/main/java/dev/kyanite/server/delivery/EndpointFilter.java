package dev.kyanite.server.delivery;

import dev.kyanite.core.event.Event;
import dev.kyanite.core.store.Endpoint;

/**
 * Evaluates an endpoint's {@code filter} (a CEL condition) against an event. The rules feature
 * provides the implementation; delivery only calls it, and only for endpoints that have a filter.
 * Implementations are thread-safe, fast (compiled programs cached per endpoint), and never throw:
 * an evaluation error means "does not match".
 */
@FunctionalInterface
public interface EndpointFilter {

  boolean matches(Endpoint endpoint, Event event);

  /** Every event passes (no rules engine). */
  static EndpointFilter acceptAll() {
    return (endpoint, event) -> true;
  }
}
