package dev.kyanite.core.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link EventIndexStore} in memory (tests). Thread-safe (one monitor). */
final class MemoryEventIndexStore implements EventIndexStore {
  /** partition → position → entry. */
  private final Map<Integer, TreeMap<Long, IndexedEvent>> byPosition = new HashMap<>();
  private final Map<String, List<IndexedEvent>> byId = new HashMap<>();
  private final Map<String, IndexedEvent> byKey = new HashMap<>();
  /** (partition, first) → span. */
  private final Map<List<Long>, EventSpan> spans = new HashMap<>();

  @Override
  public synchronized void putAll(List<IndexedEvent> events, List<EventSpan> newSpans) {
    for (EventSpan s : newSpans) spans.put(List.of((long) s.partition(), s.first()), s);
    for (IndexedEvent e : events) {
      IndexedEvent old = byPosition.computeIfAbsent(e.partition(), p -> new TreeMap<>()).put(e.position(), e);
      if (old != null) byId.getOrDefault(old.id(), new ArrayList<>()).remove(old);
      List<IndexedEvent> same = byId.computeIfAbsent(e.id(), i -> new ArrayList<>());
      same.add(e);
      same.sort(Comparator.comparing(IndexedEvent::receivedAt));
      if (e.idempotencyKey() != null) byKey.put(e.idempotencyKey(), e);
    }
  }

  @Override
  public synchronized List<EventSpan> spansAt(long epochMillis) {
    return spans.values().stream().filter(s -> s.minMillis() <= epochMillis && epochMillis <= s.maxMillis()).toList();
  }

  @Override
  public synchronized List<IndexedEvent> findById(String id) {
    return List.copyOf(byId.getOrDefault(id, List.of()));
  }

  @Override
  public synchronized Optional<IndexedEvent> findByIdempotencyKey(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  @Override
  public void forEachIdempotencyKey(Instant since, java.util.function.Consumer<String> action) {
    List<String> keys;
    synchronized (this) {
      keys = byKey.values().stream().filter(e -> !e.receivedAt().isBefore(since)).map(IndexedEvent::idempotencyKey).toList();
    }
    keys.forEach(action);
  }

  @Override
  public synchronized long pruneIdempotencyKeys(Instant cutoff) {
    int before = byKey.size();
    byKey.values().removeIf(e -> e.receivedAt().isBefore(cutoff));
    return before - byKey.size();
  }

  @Override
  public synchronized long pruneBelow(int partition, long position) {
    int spansBefore = spans.size();
    spans.values().removeIf(s -> s.partition() == partition && s.last() < position);
    long spansDropped = spansBefore - spans.size();
    TreeMap<Long, IndexedEvent> p = byPosition.get(partition);
    if (p == null) return spansDropped;
    Map<Long, IndexedEvent> drop = p.headMap(position, false);
    long n = drop.size();
    for (IndexedEvent e : drop.values()) {
      List<IndexedEvent> same = byId.get(e.id());
      if (same != null) {
        same.remove(e);
        if (same.isEmpty()) byId.remove(e.id());
      }
    }
    drop.clear();
    return n + spansDropped;
  }
}
