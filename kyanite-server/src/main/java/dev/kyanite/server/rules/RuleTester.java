package dev.kyanite.server.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.event.PipelineResult;
import dev.kyanite.core.log.EventLog;
import dev.kyanite.core.log.LogRecord;
import dev.kyanite.core.store.Endpoint;
import dev.kyanite.core.store.StoredRule;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Dry runs and backtests: evaluate rules without side effects. Nothing is stored, nothing is
 * delivered, the live metrics are not touched (a detached registry counts instead), and backtests do
 * not call custom processors (they might talk to the outside world; the report says how many calls
 * were skipped). Blocks on the store and the log: call off the event loop. Thread-safe.
 */
public final class RuleTester {
  /** Upper bound of {@code ?backtest=N}. */
  public static final int MAX_BACKTEST = 10_000;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final RuleService rules;
  private final EventLog log;
  private final Supplier<List<Endpoint>> endpoints;
  private final Clock clock;

  /**
   * @param log the event log (backtests read its tail), or {@code null} when not available
   * @param endpoints the current endpoints (to say which would be reached); may supply {@code null}
   *     when the store has no endpoints, then reports say {@code "endpoints": null}
   */
  public RuleTester(RuleService rules, EventLog log, Supplier<List<Endpoint>> endpoints, Clock clock) {
    this.rules = rules;
    this.log = log;
    this.endpoints = endpoints;
    this.clock = clock;
  }

  /** A rule to test: stored (by name) or inline; {@code null} rule means "the installed rule set". */
  private record Subject(Rule rule) {}

  private Subject subject(JsonNode request) throws InvalidRuleException, UnknownRuleException {
    JsonNode r = request.get("rule");
    if (r == null || r.isNull()) return new Subject(null);
    RulesEngine engine = rules.engine();
    if (r.isTextual()) {
      StoredRule s = rules.get(r.textValue()).orElseThrow(() -> new UnknownRuleException(r.textValue()));
      try {
        return new Subject(engine.compileStored(s.name(), s.version(), EventCodec.mapper().readTree(s.definition())));
      } catch (IOException e) {
        throw new InvalidRuleException(List.of(RuleProblem.of("/rule", "stored", "stored rule is not JSON")));
      }
    }
    String name = r.path("name").isTextual() ? r.get("name").textValue() : "dry-run";
    try {
      return new Subject(engine.compile(name, 0, r));
    } catch (InvalidRuleException e) {
      List<RuleProblem> moved = e.problems().stream()
          .map(p -> new RuleProblem("/rule" + p.pointer(), p.keyword(), p.message(), p.line(), p.column())).toList();
      throw new InvalidRuleException(moved);
    }
  }

  /** {@code POST /v1/rules/test}: runs a sample event through one rule (or the installed set). */
  public ObjectNode dryRun(JsonNode request) throws InvalidRuleException, UnknownRuleException {
    Subject s = subject(request);
    Event sample = sampleEvent(request.get("event"), clock.instant());
    RulesEngine engine = rules.engine();
    RuleMetrics scratch = RuleMetrics.detached();
    Trace trace = new Trace();
    PipelineResult r = s.rule() == null
        ? engine.current().evaluate(sample, engine.processors(), scratch, trace)
        : RuleSet.evaluateOne(s.rule(), sample, engine.processors(), scratch, trace);
    ObjectNode out = NODES.objectNode();
    if (s.rule() != null) out.set("rule", ruleRef(s.rule()));
    out.set("matched_rules", strings(trace.matched));
    out.put("dropped", r.dropped());
    out.put("dropped_by", r.droppedBy());
    if (r.deadLettered()) out.put("dead_letter", r.deadLetter());
    out.set("route_to", r.routeTo() == null ? NODES.nullNode() : strings(r.routeTo().stream().sorted().toList()));
    out.set("applied_rules", EventCodec.mapper().valueToTree(new TreeMap<>(r.appliedRules())));
    ArrayNode steps = out.putArray("actions");
    for (Trace.Step st : trace.steps) {
      ObjectNode o = steps.addObject().put("rule", st.rule()).put("kind", st.kind()).put("outcome", st.outcome());
      if (st.action() >= 0) o.put("index", st.action());
      if (st.detail() != null) o.put("detail", st.detail());
    }
    out.set("event", eventJson(r.event()));
    List<Endpoint> eps = endpoints.get();
    out.set("endpoints", eps == null ? NODES.nullNode() : strings(new EndpointPreview(eps, engine.filters()).reached(r)));
    return out;
  }

  /**
   * {@code POST /v1/rules/test?backtest=N}: evaluates a rule alone over the last {@code n} events of
   * the log (newest by log timestamp, across partitions).
   */
  public ObjectNode backtest(JsonNode request, int n) throws InvalidRuleException, UnknownRuleException {
    Subject s = subject(request);
    if (s.rule() == null) {
      throw new InvalidRuleException(List.of(RuleProblem.of("/rule", "required", "backtest needs a rule: its name or its definition")));
    }
    if (log == null) throw new IllegalStateException("no event log");
    int limit = Math.max(1, Math.min(n, MAX_BACKTEST));
    List<LogRecord> tail = tail(limit);
    RuleMetrics scratch = RuleMetrics.detached();
    SkippingProcessors skipping = new SkippingProcessors();
    List<Endpoint> eps = endpoints.get();
    EndpointPreview preview = eps == null ? null : new EndpointPreview(eps, rules.engine().filters());
    long matched = 0, dropped = 0, changed = 0, undecodable = 0;
    Map<String, Long> routed = new TreeMap<>();
    Map<String, Long> reached = new TreeMap<>();
    for (LogRecord rec : tail) {
      Event e;
      try {
        e = EventCodec.decode(rec.payload());
      } catch (IllegalArgumentException ex) {
        undecodable++;
        continue;
      }
      PipelineResult r = RuleSet.evaluateOne(s.rule(), e, skipping, scratch, null);
      if (r.appliedRules().isEmpty()) continue;
      matched++;
      if (r.dropped()) dropped++;
      if (r.event() != e) changed++;
      if (r.routeTo() != null) for (String id : r.routeTo()) routed.merge(id, 1L, Long::sum);
      if (preview != null) for (String id : preview.reached(r)) reached.merge(id, 1L, Long::sum);
    }
    ObjectNode out = NODES.objectNode();
    out.set("rule", ruleRef(s.rule()));
    out.put("requested", n);
    out.put("scanned", tail.size() - undecodable);
    out.put("matched", matched);
    out.put("dropped", dropped);
    out.put("changed", changed);
    out.set("routed", EventCodec.mapper().valueToTree(routed));
    out.set("endpoints", preview == null ? NODES.nullNode() : EventCodec.mapper().valueToTree(reached));
    out.put("evaluation_errors", (long) (scratch.conditionErrors.count() + scratch.actionErrors.count()));
    out.put("processor_calls_skipped", skipping.skipped);
    if (undecodable > 0) out.put("undecodable", undecodable);
    return out;
  }

  /** The newest {@code limit} records across partitions (by log timestamp, then position). */
  private List<LogRecord> tail(int limit) {
    List<LogRecord> all = new ArrayList<>();
    for (int p = 0; p < log.partitions(); p++) {
      long end = log.endPosition(p);
      long from = Math.max(log.startPosition(p), end - limit);
      while (from < end) {
        List<LogRecord> batch = log.read(p, from, (int) Math.min(1000, end - from), Duration.ZERO);
        if (batch.isEmpty()) break;
        all.addAll(batch);
        from = batch.get(batch.size() - 1).position() + 1;
      }
    }
    all.sort(Comparator.comparingLong(LogRecord::timestampMillis).thenComparingLong(LogRecord::position).reversed());
    return all.size() > limit ? all.subList(0, limit) : all;
  }

  private static ObjectNode ruleRef(Rule r) {
    ObjectNode o = NODES.objectNode().put("name", r.name());
    if (r.version() > 0) o.put("version", r.version());
    return o;
  }

  private static ArrayNode strings(Iterable<String> xs) {
    ArrayNode a = NODES.arrayNode();
    xs.forEach(a::add);
    return a;
  }

  static ObjectNode eventJson(Event e) {
    ObjectNode o = NODES.objectNode().put("id", e.id()).put("type", e.type());
    if (e.source() != null) o.put("source", e.source());
    if (e.subject() != null) o.put("subject", e.subject());
    if (e.time() != null) o.put("time", e.time().toString());
    o.put("received_at", e.receivedAt().toString());
    if (e.key() != null) o.put("key", e.key());
    if (e.extensions() != null && !e.extensions().isEmpty()) o.set("extensions", e.extensions());
    o.set("data", e.data());
    return o;
  }

  /** Builds the sample event of a dry run from {@code {type, data, source?, subject?, time?, key?, id?, extensions?}}. */
  static Event sampleEvent(JsonNode ev, Instant now) throws InvalidRuleException {
    List<RuleProblem> problems = new ArrayList<>();
    if (ev == null || !ev.isObject()) {
      throw new InvalidRuleException(List.of(RuleProblem.of("/event", "required", "a sample event object {type, data, …}")));
    }
    String type = text(ev, "type", problems, true);
    String id = text(ev, "id", problems, false);
    String source = text(ev, "source", problems, false);
    String subject = text(ev, "subject", problems, false);
    String key = text(ev, "key", problems, false);
    String time = text(ev, "time", problems, false);
    Instant t = null;
    if (time != null) {
      try {
        t = Instant.parse(time);
      } catch (DateTimeParseException e) {
        problems.add(RuleProblem.of("/event/time", "format", "time is an RFC 3339 timestamp"));
      }
    }
    JsonNode ext = ev.get("extensions");
    if (ext != null && !ext.isNull() && !ext.isObject()) problems.add(RuleProblem.of("/event/extensions", "type", "extensions is an object"));
    if (!problems.isEmpty()) throw new InvalidRuleException(problems);
    JsonNode data = ev.has("data") ? ev.get("data") : NODES.nullNode();
    return new Event(id == null ? "evt_dry_run" : id, type, source, subject, t, now, key, data,
        ext == null || ext.isNull() ? null : (ObjectNode) ext, null, null);
  }

  private static String text(JsonNode ev, String field, List<RuleProblem> problems, boolean required) {
    JsonNode v = ev.get(field);
    if (v == null || v.isNull()) {
      if (required) problems.add(RuleProblem.of("/event/" + field, "required", field + " is required"));
      return null;
    }
    if (!v.isTextual() || v.textValue().isEmpty()) {
      problems.add(RuleProblem.of("/event/" + field, "type", field + " is a non-empty string"));
      return null;
    }
    return v.textValue();
  }

  /** Backtests never call processors: each call is counted and the event goes on unchanged. */
  private static final class SkippingProcessors implements ProcessorCalls {
    long skipped;

    @Override
    public boolean exists(String name) {
      return true;
    }

    @Override
    public Outcome call(String name, Event event) {
      skipped++;
      return Outcome.kept(event);
    }
  }

  /** The named rule does not exist (404). */
  public static final class UnknownRuleException extends Exception {
    public UnknownRuleException(String name) {
      super("no rule named '" + name + "'", null, false, false);
    }
  }
}
