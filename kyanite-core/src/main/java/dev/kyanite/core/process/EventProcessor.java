package dev.kyanite.core.process;

import dev.kyanite.core.event.Event;
import java.util.concurrent.CompletionStage;

/**
 * A custom processing step written in Java, placed in the rules pipeline by name: a rule action
 * {@code {"process":"<name>"}} hands the event to the processor whose {@link #name()} matches.
 *
 * <h2>Loading</h2>
 * Implementations are found with {@link java.util.ServiceLoader}: a jar in the server's plugins
 * directory lists them in {@code META-INF/services/dev.kyanite.core.process.EventProcessor}. They
 * need a public no-argument constructor. Each jar gets its own class loader whose parent is the
 * server's, so a plugin sees {@code kyanite-core} (and Jackson) but should bring its other
 * dependencies inside its jar.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #process} is called concurrently from several worker threads: implementations are
 *       thread-safe.</li>
 *   <li>It returns quickly, or returns an incomplete {@link CompletionStage} and completes it later
 *       (asynchronous work). Either way the server waits at most the configured processor timeout.</li>
 *   <li>It must not modify the given event's JSON in place: build a changed copy
 *       ({@code event.withData(...)} on a {@code deepCopy()}).</li>
 *   <li>A thrown exception, an exceptionally completed stage or a timeout is a processor failure:
 *       it is counted and, per server configuration, the event goes on unchanged or is
 *       dead-lettered. A processor can never stop a partition.</li>
 * </ul>
 */
public interface EventProcessor extends AutoCloseable {

  /** The name rules refer to; unique among loaded processors (letters, digits, {@code -_.}). */
  String name();

  /**
   * Processes one event.
   *
   * @return the event to continue with ({@link ProcessorResult#keep}) or a decision to drop it
   *     ({@link ProcessorResult#drop})
   */
  CompletionStage<ProcessorResult> process(Event event);

  /** Releases resources when the server stops. */
  @Override
  default void close() {}
}
