package dev.kyanite.server.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.event.EventPipeline;
import dev.kyanite.core.store.StoredRule;
import dev.kyanite.server.Feature;
import dev.kyanite.server.ServerContext;
import dev.kyanite.server.ServerKeys;
import dev.kyanite.server.StartupException;
import dev.kyanite.server.auth.Scope;
import dev.kyanite.server.config.ConfigKey;
import dev.kyanite.server.edge.ContentTypes;
import dev.kyanite.server.edge.Problem;
import dev.kyanite.server.edge.Problems;
import dev.kyanite.server.ingest.EventStatusSource;
import dev.kyanite.server.ingest.IngestFeature;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Business rules: the admin API ({@code PUT/GET/DELETE /v1/rules/{name}}, {@code GET /v1/rules},
 * {@code POST /v1/rules/test}), the {@link RulesEngine} the delivery workers call for every event
 * ({@link #pipeline()}), endpoint filters ({@link #filters()}), and custom processors loaded from
 * {@code rules.plugins-dir}. Mount it before the delivery feature.
 */
public final class RulesFeature implements Feature {
  private static final String JSON = "application/json";

  private ProcessorRegistry processors;
  private RulesEngine engine;
  private RuleService service;
  private RuleTester tester;
  private Replays replays;

  @Override
  public String name() {
    return "rules";
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return RulesKeys.all();
  }

  @Override
  public String openApiResource() {
    return "openapi/rules.json";
  }

  /** What workers run for every event (the identity until this feature is mounted). */
  public EventPipeline pipeline() {
    return engine == null ? EventPipeline.identity() : engine;
  }

  /** Endpoint filter validation (at registration) and evaluation (at delivery). */
  public EndpointFilters filters() {
    return engine.filters();
  }

  @Override
  public void mount(Router router, ServerContext ctx) {
    Path dir = ctx.config().get(RulesKeys.PLUGINS_DIR);
    if (dir == null) dir = ctx.config().get(ServerKeys.DATA_DIR).resolve("plugins");
    try {
      processors = ProcessorRegistry.load(dir, ctx.config().get(RulesKeys.PROCESSOR_TIMEOUT),
          ctx.config().get(RulesKeys.PROCESSOR_FAILURE) == RulesKeys.ProcessorFailure.DEAD_LETTER);
    } catch (IOException | RuntimeException e) {
      throw new StartupException("cannot load custom processors from " + dir + ": " + e.getMessage(), e);
    }
    Expressions.Limits limits = new Expressions.Limits(ctx.config().get(RulesKeys.MAX_EXPRESSION_SIZE),
        Expressions.DEFAULT_LIMITS.maxNesting(), ctx.config().get(RulesKeys.MAX_ITERATIONS));
    engine = RulesEngine.create(processors, ctx.metrics(), limits);
    service = new RuleService(ctx.store().rules(), engine, ctx.clock());
    tester = new RuleTester(service, ctx.eventLog(), () -> {
      try {
        return ctx.store().endpoints().list();
      } catch (UnsupportedOperationException noDelivery) {
        return null; // a store without endpoints: dry runs cannot say where events would go
      }
    }, ctx.clock());

    Handler<RoutingContext> admin = ctx.auth().require(Scope.ADMIN);
    router.put("/v1/rules/:name").handler(ctx.bodyHandler()).handler(admin).handler(ContentTypes.require(JSON))
        .handler(rc -> put(rc, ctx));
    router.get("/v1/rules").handler(admin).handler(rc -> blocking(rc, ctx, () -> {
      List<ObjectNode> out = new ArrayList<>();
      for (StoredRule r : service.list()) out.add(RuleJson.of(r));
      return new Reply(200, EventCodec.mapper().createObjectNode().set("rules", EventCodec.mapper().valueToTree(out)));
    }));
    router.get("/v1/rules/:name").handler(admin).handler(rc -> blocking(rc, ctx, () -> service.get(rc.pathParam("name"))
        .map(r -> new Reply(200, RuleJson.of(r)))
        .orElseGet(() -> new Reply(Problems.notFound("no rule named '" + rc.pathParam("name") + "'")))));
    router.delete("/v1/rules/:name").handler(admin).handler(rc -> blocking(rc, ctx, () -> service.delete(rc.pathParam("name"))
        ? new Reply(204, null) : new Reply(Problems.notFound("no rule named '" + rc.pathParam("name") + "'"))));
    router.post("/v1/rules/test").handler(ctx.bodyHandler()).handler(admin).handler(ContentTypes.require(JSON))
        .handler(rc -> test(rc, ctx));
    replays = ReplayRoutes.mount(router, ctx, engine);
  }

  @Override
  public void start(ServerContext ctx) {
    service.start(ctx.config().get(RulesKeys.POLL_INTERVAL));
    if (ctx.config().get(RulesKeys.REDACT_READS)) {
      // every feature is mounted by now: wrap whatever status source (delivery's) ingest already has
      for (Feature f : ctx.features()) {
        if (f instanceof IngestFeature ingest) ingest.statusSource(redacting(ingest.statusSource(), engine));
      }
    }
  }

  /** Adds read redaction to {@code GET /v1/events/{id}} after the other status details. */
  static EventStatusSource redacting(EventStatusSource inner, RulesEngine engine) {
    return (event, partition, position, response) -> {
      inner.describe(event, partition, position, response);
      Event shown = engine.redactForRead(event);
      if (shown != event) {
        response.set("data", shown.data());
        if (shown.subject() != null) response.put("subject", shown.subject());
        else response.remove("subject");
        if (shown.extensions() != null && !shown.extensions().isEmpty()) response.set("extensions", shown.extensions());
        else response.remove("extensions");
      }
    };
  }

  @Override
  public void stop() {
    if (replays != null) replays.close();
    if (service != null) service.close();
    if (processors != null) processors.close();
  }

  private void put(RoutingContext rc, ServerContext ctx) {
    String name = rc.pathParam("name");
    JsonNode body = parse(rc);
    if (body == null) return;
    blocking(rc, ctx, () -> {
      StoredRule r = service.put(name, body);
      // the name is [A-Za-z0-9._-] (checked by put), so the path needs no escaping
      return new Reply(r.version() == 1 ? 201 : 200, RuleJson.of(r), null, "/v1/rules/" + r.name());
    });
  }

  private void test(RoutingContext rc, ServerContext ctx) {
    JsonNode body = parse(rc);
    if (body == null) return;
    String bt = rc.request().getParam("backtest");
    Integer n = null;
    if (bt != null) {
      try {
        n = Integer.parseInt(bt);
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1 || n > RuleTester.MAX_BACKTEST) {
        Problems.send(rc, Problems.badRequest("backtest must be an integer between 1 and " + RuleTester.MAX_BACKTEST));
        return;
      }
    }
    Integer count = n;
    blocking(rc, ctx, () -> new Reply(200, count == null ? tester.dryRun(body) : tester.backtest(body, count)));
  }

  /** Numbers exactly (a dry run's sample event must carry the digits a live event would). */
  private static JsonNode parse(RoutingContext rc) {
    return Problems.jsonObjectBody(rc, EventCodec.exactReader());
  }

  /** A response: JSON with a status, or a problem. */
  private record Reply(int status, JsonNode body, Problem problem, String location) {
    Reply(int status, JsonNode body) {
      this(status, body, null, null);
    }

    Reply(Problem problem) {
      this(problem.status(), null, problem, null);
    }
  }

  private static void blocking(RoutingContext rc, ServerContext ctx, Callable<Reply> work) {
    ctx.executeBlocking(() -> {
      try {
        return work.call();
      } catch (InvalidRuleException e) {
        return new Reply(invalid(e));
      } catch (RuleTester.UnknownRuleException e) {
        return new Reply(Problems.notFound(e.getMessage()));
      }
    }).onSuccess(r -> {
      if (r.problem() != null) {
        Problems.send(rc, r.problem());
      } else if (r.body() == null) {
        rc.response().setStatusCode(r.status()).end();
      } else {
        if (r.location() != null) rc.response().putHeader("Location", r.location());
        rc.response().setStatusCode(r.status()).putHeader("Content-Type", JSON).end(r.body().toString());
      }
    }).onFailure(rc::fail);
  }

  /** 400 {@code invalid-rule} with one entry per problem: pointer, keyword, message, and line/column for CEL. */
  static Problem invalid(InvalidRuleException e) {
    List<Map<String, Object>> errors = new ArrayList<>();
    for (RuleProblem p : e.problems()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("pointer", p.pointer());
      m.put("keyword", p.keyword());
      m.put("message", p.message());
      if (p.line() != null) {
        m.put("line", p.line());
        m.put("column", p.column());
      }
      errors.add(m);
    }
    return Problem.of(400, "invalid-rule", "Invalid rule").detail(e.getMessage()).with("errors", errors);
  }
}
