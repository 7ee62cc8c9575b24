package dev.kyanite.log;

import dev.kyanite.core.log.AppendResult;
import java.util.concurrent.CompletableFuture;

/**
 * Completes the futures of a partition's durable appends on a thread of its own, in the order the
 * writer hands them over (one hand-off per gather).
 *
 * <p>Why not on the writer: completing a future runs the caller's callbacks, which usually wake an
 * event loop; on a busy 2-core machine each wake-up could preempt the writer mid-way through the
 * 64 acks of a gather, and the gather after it waited for all of that. Measured with {@code
 * LogBench} (64 closed-loop appenders, fsync=always), interleaved runs: see docs/performance.md.
 * Durability is unchanged: the writer hands acks over only after {@code force} returned and the
 * records were published to readers.
 *
 * <p>{@link #handOver} is called by the writer thread only; {@link #stop} after the writer stopped.
 */
final class AckCompleter {
  private static final System.Logger LOG = System.getLogger(AckCompleter.class.getName());
  private static final Acks STOP = new Acks(new CompletableFuture<?>[0], new AppendResult[0], 0);

  /** {@code futures[i]} completes with {@code results[i]}, for i below {@code count}. */
  record Acks(CompletableFuture<?>[] futures, AppendResult[] results, int count) {}

  private final AppendQueue<Acks> queue = new AppendQueue<>();
  private final Thread thread;

  AckCompleter(int partition) {
    thread = new Thread(this::loop, "kyanite-log-acks-" + partition);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Queues one gather's acks; never blocks. Writer thread. */
  void handOver(Acks acks) {
    queue.add(acks);
  }

  /** Completes everything handed over so far, then stops the thread. */
  void stop() {
    queue.add(STOP);
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @SuppressWarnings("unchecked")
  private void loop() {
    while (true) {
      Acks acks;
      try {
        acks = queue.take(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        return;
      }
      if (acks == null) continue;
      if (acks == STOP) return;
      for (int i = 0; i < acks.count(); i++) {
        try {
          ((CompletableFuture<AppendResult>) acks.futures()[i]).complete(acks.results()[i]);
        } catch (RuntimeException | Error e) { // a callback's failure must not lose the other acks
          LOG.log(System.Logger.Level.ERROR, "append callback failed", e);
        }
      }
    }
  }
}
