package dev.kyanite.server.rules;

import dev.kyanite.core.event.Event;
import dev.kyanite.core.process.EventProcessor;
import dev.kyanite.core.process.ProcessorResult;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loaded custom {@link EventProcessor}s, and the isolation around every call.
 *
 * <h2>Loading</h2>
 * Every {@code *.jar} in the plugins directory gets its own {@link URLClassLoader} (parent: the
 * server's class loader) and contributes the processors its {@code META-INF/services} lists;
 * processors on the server's own class path are found too. Two processors with one name fail the
 * start, naming both.
 *
 * <h2>Isolation</h2>
 * A call runs on a small pool of daemon threads (so a processor that blocks cannot hold a worker
 * beyond the timeout) with the plugin's class loader as context class loader. A call that throws,
 * completes exceptionally, returns null or does not complete within the timeout is a failure:
 * counted ({@code kyanite.rules.processor.failures{reason}}) and, per configuration, the event goes
 * on unchanged or is dead-lettered. Thread-safe.
 */
public final class ProcessorRegistry implements ProcessorCalls, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessorRegistry.class);

  private final Map<String, EventProcessor> byName;
  private final List<URLClassLoader> loaders;
  private final Duration timeout;
  private final boolean deadLetter;
  private final ThreadPoolExecutor pool;
  private volatile RuleMetrics metrics = RuleMetrics.detached();

  private ProcessorRegistry(Map<String, EventProcessor> byName, List<URLClassLoader> loaders, Duration timeout,
      boolean deadLetter, int threads) {
    this.byName = Map.copyOf(byName);
    this.loaders = loaders;
    this.timeout = timeout;
    this.deadLetter = deadLetter;
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024), r -> {
      Thread t = new Thread(r, "kyanite-processor-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    pool.allowCoreThreadTimeOut(true);
  }

  /** No processors (every {@code process} action is refused at registration). */
  public static ProcessorRegistry none() {
    return new ProcessorRegistry(Map.of(), List.of(), Duration.ofSeconds(1), false, 1);
  }

  /** These processors (tests and embedding). */
  public static ProcessorRegistry of(List<EventProcessor> processors, Duration timeout, boolean deadLetter) {
    Map<String, EventProcessor> m = new LinkedHashMap<>();
    for (EventProcessor p : processors) register(m, p, "given");
    return new ProcessorRegistry(m, List.of(), timeout, deadLetter, 4);
  }

  /**
   * Loads the processors of the jars in {@code pluginsDir} (absent or {@code null}: none) and of the
   * class path.
   */
  public static ProcessorRegistry load(Path pluginsDir, Duration timeout, boolean deadLetter) throws IOException {
    Map<String, EventProcessor> m = new LinkedHashMap<>();
    List<URLClassLoader> loaders = new ArrayList<>();
    ClassLoader parent = ProcessorRegistry.class.getClassLoader();
    for (EventProcessor p : ServiceLoader.load(EventProcessor.class, parent)) register(m, p, "class path");
    if (pluginsDir != null && Files.isDirectory(pluginsDir)) {
      List<Path> jars;
      try (Stream<Path> s = Files.list(pluginsDir)) {
        jars = s.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
      }
      try {
        for (Path jar : jars) {
          URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, parent);
          loaders.add(loader);
          ServiceLoader.load(EventProcessor.class, loader).stream()
              .filter(p -> p.type().getClassLoader() == loader) // the parent's were registered above
              .forEach(p -> register(m, p.get(), jar.getFileName().toString()));
        }
      } catch (RuntimeException | IOException e) {
        for (URLClassLoader l : loaders) l.close();
        throw e;
      }
    }
    if (!m.isEmpty()) LOG.info("custom processors loaded: {}", m.keySet());
    return new ProcessorRegistry(m, loaders, timeout, deadLetter, 4);
  }

  private static void register(Map<String, EventProcessor> m, EventProcessor p, String origin) {
    String name = p.name();
    if (name == null || !RuleCompiler.validName(name)) {
      throw new IllegalStateException("processor " + p.getClass().getName() + " from " + origin + " has an invalid name '" + name + "'");
    }
    EventProcessor old = m.putIfAbsent(name, p);
    if (old != null) {
      throw new IllegalStateException("two processors are named '" + name + "': " + old.getClass().getName()
          + " and " + p.getClass().getName() + " (from " + origin + ")");
    }
  }

  void bind(RuleMetrics metrics) {
    this.metrics = metrics;
  }

  public Set<String> names() {
    return byName.keySet();
  }

  @Override
  public boolean exists(String name) {
    return byName.containsKey(name);
  }

  @Override
  public boolean deadLetterOnFailure() {
    return deadLetter;
  }

  @Override
  public Outcome call(String name, Event event) {
    EventProcessor p = byName.get(name);
    if (p == null) {
      metrics.processorErrors.increment();
      return Outcome.failed("no processor named '" + name + "' is loaded");
    }
    CompletableFuture<ProcessorResult> f;
    try {
      f = CompletableFuture.supplyAsync(() -> invoke(p, event), pool).thenCompose(s -> s);
    } catch (RejectedExecutionException e) {
      metrics.processorErrors.increment();
      return Outcome.failed("processor pool is saturated");
    }
    try {
      ProcessorResult r = f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (r == null) {
        metrics.processorErrors.increment();
        return Outcome.failed("processor returned null");
      }
      return r.dropped() ? Outcome.dropped(r.dropReason()) : Outcome.kept(r.event());
    } catch (TimeoutException e) {
      f.cancel(true);
      metrics.processorTimeouts.increment();
      return Outcome.failed("timed out after " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      metrics.processorErrors.increment();
      Throwable c = e.getCause() instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null ? ce.getCause() : e.getCause();
      return Outcome.failed(c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(true);
      metrics.processorErrors.increment();
      return Outcome.failed("interrupted");
    }
  }

  private static CompletionStage<ProcessorResult> invoke(EventProcessor p, Event event) {
    Thread t = Thread.currentThread();
    ClassLoader before = t.getContextClassLoader();
    t.setContextClassLoader(p.getClass().getClassLoader());
    try {
      CompletionStage<ProcessorResult> s = p.process(event);
      if (s == null) throw new IllegalStateException("processor returned no CompletionStage");
      return s;
    } finally {
      t.setContextClassLoader(before);
    }
  }

  @Override
  public void close() {
    for (EventProcessor p : byName.values()) {
      try {
        p.close();
      } catch (Exception e) {
        LOG.warn("processor {} failed to close: {}", p.name(), e.toString());
      }
    }
    pool.shutdownNow();
    for (URLClassLoader l : loaders) {
      try {
        l.close();
      } catch (IOException e) {
        LOG.debug("closing plugin class loader failed", e);
      }
    }
  }
}
