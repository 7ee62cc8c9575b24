package dev.kyanite.server.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * SIGTERM/SIGINT handling that lets the process exit 0 after a graceful shutdown (a JVM shutdown
 * hook alone would exit 143). The shutdown runs once, on its own thread.
 */
final class Signals {
  private Signals() {}

  static void onTermination(Runnable shutdown) {
    AtomicBoolean once = new AtomicBoolean();
    Runnable guarded = () -> {
      if (once.compareAndSet(false, true)) shutdown.run();
    };
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), sig -> new Thread(guarded, "kyanite-shutdown").start());
      } catch (IllegalArgumentException e) {
        // signal not available on this platform: fall back to the shutdown hook below
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(guarded, "kyanite-shutdown-hook"));
  }
}
