package dev.kyanite.server;

import dev.kyanite.server.config.ConfigKey;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * A slice of the server (ingest, keys API, workers, …): the one extension point. Register a
 * feature with one line in {@link Features#all()}.
 *
 * <p>Lifecycle: {@link #configKeys()} is read before configuration is loaded; then, in list
 * order, {@link #mount} adds routes (protect them with {@code ctx.auth().require(scope)}), and
 * {@link #start} runs before the HTTP port opens. {@link #stop} runs in reverse order after the
 * listener has drained and before the log and the store close. Routes under {@code /v1} must
 * appear in the feature's OpenAPI fragment ({@link #openApiResource()}).
 */
public interface Feature {

  /** Short name for logs, e.g. {@code ingest}. */
  String name();

  /** The configuration keys this feature declares (constants in its own class). */
  default List<ConfigKey<?>> configKeys() {
    return List.of();
  }

  /**
   * Classpath resource with this feature's OpenAPI 3.1 fragment, a JSON object with {@code paths}
   * (and optionally {@code components}) merged into {@code /openapi.json}; or {@code null}.
   */
  default String openApiResource() {
    return null;
  }

  /** Adds routes. Runs on the starting thread; must not block on I/O. */
  void mount(Router router, ServerContext ctx);

  /** Starts background work (consumers, schedulers). May block. */
  default void start(ServerContext ctx) {}

  /** Stops background work; bounded in time. Must not throw. */
  default void stop() {}
}
