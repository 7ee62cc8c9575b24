package dev.kyanite.core.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** In-memory endpoint, delivery and attempt stores for {@link MemoryMetadataStore}. Thread-safe. */
final class MemoryDeliveryStores {
  private MemoryDeliveryStores() {}

  static final class Endpoints implements EndpointStore {
    private final Map<String, Endpoint> byId = new LinkedHashMap<>();

    @Override
    public synchronized void create(Endpoint endpoint) {
      if (byId.putIfAbsent(endpoint.id(), endpoint) != null) throw new StoreException("duplicate endpoint id " + endpoint.id());
    }

    @Override
    public synchronized Optional<Endpoint> find(String id) {
      return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized List<Endpoint> list() {
      return new ArrayList<>(byId.values());
    }

    @Override
    public synchronized boolean update(Endpoint endpoint) {
      return byId.replace(endpoint.id(), endpoint) != null;
    }

    @Override
    public synchronized boolean delete(String id) {
      return byId.remove(id) != null;
    }
  }

  static final class Deliveries implements DeliveryStore {
    private static final Comparator<Delivery> NEWEST_FIRST =
        Comparator.comparing(Delivery::createdAt).thenComparing(Delivery::id).reversed();
    private final Map<String, Delivery> byId = new HashMap<>();

    @Override
    public synchronized void upsertAll(List<Delivery> deliveries) {
      for (Delivery d : deliveries) {
        if (d.status() == DeliveryStatus.FILTERED) byId.putIfAbsent(d.id(), d);
        else byId.put(d.id(), d);
      }
    }

    @Override
    public synchronized Optional<Delivery> find(String id) {
      return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized List<Delivery> due(Instant now, Set<String> excludedEndpoints, int limit) {
      return byId.values().stream()
          .filter(d -> d.status().scheduled() && !d.nextAttemptAt().isAfter(now))
          .filter(d -> !excludedEndpoints.contains(d.endpointId()))
          .sorted(Comparator.comparing(Delivery::nextAttemptAt).thenComparing(Delivery::id))
          .limit(limit)
          .toList();
    }

    @Override
    public synchronized List<Delivery> byEvent(String eventId) {
      return byId.values().stream().filter(d -> d.eventId().equals(eventId))
          .sorted(Comparator.comparing(Delivery::endpointId)).toList();
    }

    @Override
    public synchronized DeliveryPage list(String endpointId, DeliveryStatus status, String cursor, int limit) {
      DeliveryCursor after = cursor == null ? null : DeliveryCursor.decode(cursor);
      List<Delivery> items = byId.values().stream()
          .filter(d -> endpointId == null || d.endpointId().equals(endpointId))
          .filter(d -> status == null || d.status() == status)
          .filter(d -> after == null || after.before(d))
          .sorted(NEWEST_FIRST)
          .limit(limit + 1L)
          .toList();
      if (items.size() <= limit) return new DeliveryPage(items, null);
      List<Delivery> page = items.subList(0, limit);
      return new DeliveryPage(List.copyOf(page), DeliveryCursor.encode(page.get(limit - 1)));
    }

    @Override
    public synchronized long failScheduled(String endpointId, String reason, Instant now) {
      long n = 0;
      for (Map.Entry<String, Delivery> e : byId.entrySet()) {
        Delivery d = e.getValue();
        if (!d.endpointId().equals(endpointId) || !d.status().scheduled()) continue;
        e.setValue(new Delivery(d.id(), d.eventId(), d.endpointId(), d.eventType(), DeliveryStatus.FAILED, d.attempts(),
            null, d.lastStatus(), reason, d.payload(), d.createdAt(), now));
        n++;
      }
      return n;
    }

    @Override
    public synchronized long countScheduled() {
      return byId.values().stream().filter(d -> d.status().scheduled()).count();
    }

    @Override
    public synchronized long pruneFinishedBefore(Instant cutoff) {
      int before = byId.size();
      byId.values().removeIf(d -> !d.status().scheduled() && d.createdAt().isBefore(cutoff));
      return before - byId.size();
    }
  }

  static final class Attempts implements AttemptStore {
    private final List<Attempt> all = new ArrayList<>();
    private final DeliveryStore deliveries;

    Attempts(DeliveryStore deliveries) {
      this.deliveries = deliveries;
    }

    @Override
    public synchronized long pruneBefore(Instant cutoff) {
      int before = all.size();
      all.removeIf(a -> a.at().isBefore(cutoff)
          && deliveries.find(a.deliveryId()).map(d -> !d.status().scheduled()).orElse(true));
      return before - all.size();
    }

    @Override
    public synchronized void appendAll(List<Attempt> attempts) {
      all.addAll(attempts);
    }

    @Override
    public synchronized List<Attempt> forDelivery(String deliveryId) {
      return all.stream().filter(a -> a.deliveryId().equals(deliveryId)).sorted(ORDER).toList();
    }

    @Override
    public synchronized List<Attempt> forEvent(String eventId) {
      return all.stream().filter(a -> a.eventId().equals(eventId)).sorted(ORDER).toList();
    }

    private static final Comparator<Attempt> ORDER = Comparator.comparing(Attempt::at).thenComparing(Attempt::attempt);
  }
}
