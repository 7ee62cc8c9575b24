package dev.kyanite.server.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.store.RuleStore;
import dev.kyanite.core.store.StoredRule;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rules as a durable, live configuration: validates and stores rules, and keeps the
 * {@link RulesEngine} in step with the {@link RuleStore}.
 *
 * <ul>
 *   <li>A change through the API is compiled first (invalid rules never reach the store), made
 *       durable, and installed in the engine before the call returns: events processed afterwards
 *       see it.</li>
 *   <li>The store is also polled through {@link RuleStore#revision()} (default every 500 ms), so
 *       a rule set changed underneath (a restored database) is picked up within a second.</li>
 *   <li>A stored rule that no longer compiles (e.g. its processor is no longer loaded) is
 *       skipped with a warning; the others still run.</li>
 * </ul>
 * Methods block on the store: call them off the event loop. Thread-safe.
 */
public final class RuleService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RuleService.class);

  private final RuleStore store;
  private final RulesEngine engine;
  private final Clock clock;
  private final Object reloadLock = new Object();
  private ScheduledExecutorService poller;

  public RuleService(RuleStore store, RulesEngine engine, Clock clock) {
    this.store = store;
    this.engine = engine;
    this.clock = clock;
  }

  public RulesEngine engine() {
    return engine;
  }

  /** Loads the stored rules now and then polls for changes every {@code interval}. */
  public void start(Duration interval) {
    reload();
    poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kyanite-rules-poll");
      t.setDaemon(true);
      return t;
    });
    poller.scheduleWithFixedDelay(this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void poll() {
    try {
      if (store.revision() != engine.current().revision()) reload();
    } catch (RuntimeException e) {
      // the store may be briefly unreachable; keep the installed rules and try again next tick
      LOG.warn("rules poll failed: {}", e.toString());
    }
  }

  /** Re-reads every rule and installs the compiled set atomically. */
  public void reload() {
    synchronized (reloadLock) {
      long revision = store.revision();
      List<Rule> rules = new ArrayList<>();
      for (StoredRule s : store.list()) {
        try {
          rules.add(engine.compileStored(s.name(), s.version(), EventCodec.mapper().readTree(s.definition())));
        } catch (InvalidRuleException | IOException e) {
          LOG.warn("rule '{}' v{} is skipped (it no longer compiles here): {}", s.name(), s.version(), e.getMessage());
        }
      }
      engine.install(rules, revision);
    }
  }

  /**
   * Validates, stores and installs a rule.
   *
   * @throws InvalidRuleException when it does not compile (nothing is stored)
   */
  public StoredRule put(String name, JsonNode body) throws InvalidRuleException {
    Rule compiled = engine.compile(name, 0, body);
    StoredRule stored = store.put(name, compiled.definition().toString(), clock.instant());
    reload();
    return stored;
  }

  public boolean delete(String name) {
    boolean deleted = store.delete(name, clock.instant());
    if (deleted) reload();
    return deleted;
  }

  public Optional<StoredRule> get(String name) {
    return store.get(name);
  }

  public List<StoredRule> list() {
    return store.list();
  }

  @Override
  public void close() {
    if (poller != null) poller.shutdownNow();
  }
}
