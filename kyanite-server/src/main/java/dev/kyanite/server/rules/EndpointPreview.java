package dev.kyanite.server.rules;

import dev.kyanite.core.event.PipelineResult;
import dev.kyanite.core.store.Endpoint;
import dev.kyanite.server.delivery.TypeGlob;
import java.util.ArrayList;
import java.util.List;

/**
 * Which endpoints a pipeline result would reach, for dry runs and backtests: enabled endpoints whose
 * type globs match, that the rules' {@code route} allows (by id), and whose {@code filter} passes on
 * the transformed event. A snapshot of the endpoints taken once; immutable.
 */
final class EndpointPreview {
  private record Target(Endpoint endpoint, TypeGlob types) {}

  private final List<Target> targets;
  private final EndpointFilters filters;

  EndpointPreview(List<Endpoint> endpoints, EndpointFilters filters) {
    this.targets = endpoints.stream().map(e -> new Target(e, TypeGlob.of(e.eventTypes()))).toList();
    this.filters = filters;
  }

  List<String> reached(PipelineResult r) {
    List<String> ids = new ArrayList<>();
    if (r.dropped()) return ids;
    for (Target t : targets) {
      Endpoint e = t.endpoint();
      if (!e.enabled() || !t.types().matches(r.event().type())) continue;
      if (r.routeTo() != null && !r.routeTo().contains(e.id())) continue;
      if (!filters.matches(e.filter(), r.event())) continue;
      ids.add(e.id());
    }
    return ids;
  }
}
