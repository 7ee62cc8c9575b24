package dev.kyanite.server.ingest;

import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands work from other threads to an event loop in batches. A log writer completes all the appends
 * of one group commit in a burst; scheduling each answer with its own {@code runOnContext} wakes the
 * event loop once per answer (an eventfd write each, and on a busy core a context switch each:
 * measured about four wakeups per fsync). Here the first task of a burst schedules one drain, and
 * the rest join the queue that drain empties, so a burst costs one wakeup.
 *
 * <p>Thread-safe. Tasks run on the event loop in the order they were posted, on the root context
 * of the loop (they only write responses, which Vert.x allows from the connection's loop thread).
 */
final class ContextMailbox {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ContextMailbox.class);
  private static final Map<Context, ContextMailbox> BY_LOOP = new ConcurrentHashMap<>();

  private final Context context;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  private ContextMailbox(Context context) {
    this.context = context;
  }

  /** The mailbox of the event loop that runs {@code context}. */
  static ContextMailbox of(Context context) {
    Context root = context instanceof ContextInternal ci ? ci.unwrap() : context;
    ContextMailbox m = BY_LOOP.get(root);
    return m != null ? m : BY_LOOP.computeIfAbsent(root, ContextMailbox::new);
  }

  /** Runs {@code task} on the event loop soon; callable from any thread. */
  void post(Runnable task) {
    tasks.add(task);
    if (scheduled.compareAndSet(false, true)) context.runOnContext(v -> drain());
  }

  private void drain() {
    // cleared first: a task posted after the last poll below schedules the next drain itself
    scheduled.set(false);
    Runnable r;
    while ((r = tasks.poll()) != null) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.error("task on the event loop failed", e);
      }
    }
  }
}
