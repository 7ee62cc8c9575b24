package dev.kyanite.core.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** In-memory {@link RuleStore} for {@link MemoryMetadataStore}. Thread-safe (one monitor). */
final class MemoryRuleStore implements RuleStore {
  private final Map<String, StoredRule> rules = new TreeMap<>();
  private final Map<String, Integer> lastVersion = new HashMap<>();
  private long revision;

  @Override
  public synchronized StoredRule put(String name, String definition, Instant at) {
    StoredRule old = rules.get(name);
    int version = lastVersion.getOrDefault(name, 0) + 1;
    StoredRule r = new StoredRule(name, version, definition, old == null ? at : old.createdAt(), at);
    rules.put(name, r);
    lastVersion.put(name, version);
    revision++;
    return r;
  }

  @Override
  public synchronized Optional<StoredRule> get(String name) {
    return Optional.ofNullable(rules.get(name));
  }

  @Override
  public synchronized List<StoredRule> list() {
    return new ArrayList<>(rules.values());
  }

  @Override
  public synchronized boolean delete(String name, Instant at) {
    if (rules.remove(name) == null) return false;
    revision++;
    return true;
  }

  @Override
  public synchronized long revision() {
    return revision;
  }
}
