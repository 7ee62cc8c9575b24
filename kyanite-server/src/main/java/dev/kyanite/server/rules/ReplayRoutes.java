package dev.kyanite.server.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.server.Feature;
import dev.kyanite.server.ServerContext;
import dev.kyanite.server.auth.Scope;
import dev.kyanite.server.delivery.DeliveryFeature;
import dev.kyanite.server.delivery.DeliveryService;
import dev.kyanite.server.delivery.TypeGlob;
import dev.kyanite.server.edge.ContentTypes;
import dev.kyanite.server.edge.Problem;
import dev.kyanite.server.edge.Problems;
import dev.kyanite.server.schema.FieldError;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /v1/endpoints/{id}/replay} {@code {since, until?, types?, filter?}} → {@code 202} with
 * the job ({@code Location: /v1/replays/{id}}); {@code GET /v1/replays/{id}} shows progress;
 * {@code DELETE /v1/replays/{id}} cancels. All need {@code admin}.
 */
final class ReplayRoutes {
  private ReplayRoutes() {}

  static Replays mount(Router router, ServerContext ctx, RulesEngine engine) {
    Replays replays = new Replays(ctx.eventLog(), engine, engine.filters(), () -> delivery(ctx), ctx.clock());
    Handler<RoutingContext> admin = ctx.auth().require(Scope.ADMIN);
    router.post("/v1/endpoints/:id/replay").handler(ctx.bodyHandler()).handler(admin)
        .handler(ContentTypes.require("application/json")).handler(rc -> start(rc, ctx, engine, replays));
    router.get("/v1/replays/:id").handler(admin).handler(rc -> replays.find(rc.pathParam("id")).ifPresentOrElse(
        j -> json(rc, 200, j), () -> Problems.send(rc, Problems.notFound("no replay with id '" + rc.pathParam("id") + "'"))));
    router.delete("/v1/replays/:id").handler(admin).handler(rc -> {
      String id = rc.pathParam("id");
      if (!replays.cancel(id)) {
        Problems.send(rc, Problems.notFound("no replay with id '" + id + "'"));
        return;
      }
      json(rc, 202, replays.find(id).orElseThrow());
    });
    return replays;
  }

  private static DeliveryService delivery(ServerContext ctx) {
    for (Feature f : ctx.features()) {
      if (f instanceof DeliveryFeature d && d.service() != null) return d.service();
    }
    throw new IllegalStateException("replay needs the delivery feature");
  }

  private static void start(RoutingContext rc, ServerContext ctx, RulesEngine engine, Replays replays) {
    String endpointId = rc.pathParam("id");
    JsonNode body = Problems.jsonObjectBody(rc, EventCodec.exactReader());
    if (body == null) return;
    List<Map<String, Object>> errors = new ArrayList<>();
    // a misspelt member (untill) would otherwise widen the replay without a word
    body.fieldNames().forEachRemaining(name -> {
      if (!REPLAY_MEMBERS.contains(name)) errors.add(error("/" + FieldError.escape(name), "additionalProperties", "unknown member"));
    });
    Instant since = instant(body, "since", true, errors);
    Instant until = instant(body, "until", false, errors);
    List<Glob> types = null;
    JsonNode t = body == null ? null : body.get("types");
    if (t != null && !t.isNull()) {
      if (!t.isArray() || t.isEmpty()) {
        errors.add(error("/types", "type", "types is a non-empty array of type globs"));
      } else {
        types = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
          JsonNode g = t.get(i);
          if (g.isTextual() && TypeGlob.valid(g.textValue())) types.add(new Glob(g.textValue()));
          else errors.add(error("/types/" + i, "pattern", "a type glob has 1-200 letters, digits, '.', '_', '-', ':', '/' and '*'"));
        }
      }
    }
    String filter = null;
    JsonNode f = body == null ? null : body.get("filter");
    if (f != null && !f.isNull()) {
      if (!f.isTextual()) {
        errors.add(error("/filter", "type", "filter is a CEL expression string"));
      } else {
        filter = f.textValue();
        try {
          engine.filters().validate(filter);
        } catch (InvalidRuleException e) {
          Problems.send(rc, RulesFeature.invalid(e));
          return;
        }
      }
    }
    if (since != null && until != null && !until.isAfter(since)) errors.add(error("/until", "minimum", "until must be after since"));
    if (!errors.isEmpty()) {
      Problems.send(rc, Problems.invalidRequest(errors.get(0).get("pointer") + ": " + errors.get(0).get("message"), errors));
      return;
    }
    List<Glob> globs = types == null ? null : List.copyOf(types);
    String cel = filter;
    ctx.executeBlocking(() -> ctx.store().endpoints().find(endpointId)).onSuccess(found -> {
      if (found.isEmpty()) {
        Problems.send(rc, Problems.notFound("no endpoint with id '" + endpointId + "'"));
        return;
      }
      if (!found.get().enabled()) { // it would only scan the log and skip every event
        Problems.send(rc, DeliveryService.EndpointUnavailableException.disabled(endpointId).toProblem());
        return;
      }
      Optional<Replays.Job> started = replays.start(new Replays.Request(endpointId, since, until, globs, cel, found.get().rateLimit()));
      if (started.isEmpty()) {
        Problems.send(rc, Problem.of(429, "too-many-replays", "Too many replays running")
            .detail(Replays.MAX_RUNNING + " replays are running; start this one when one of them has finished")
            .header("Retry-After", "10"));
        return;
      }
      rc.response().putHeader("Location", "/v1/replays/" + started.get().id());
      json(rc, 202, started.get());
    }).onFailure(rc::fail);
  }

  private static final java.util.Set<String> REPLAY_MEMBERS = java.util.Set.of("since", "until", "types", "filter");

  private static Instant instant(JsonNode body, String field, boolean required, List<Map<String, Object>> errors) {
    JsonNode v = body == null ? null : body.get(field);
    if (v == null || v.isNull()) {
      if (required) errors.add(error("/" + field, "required", field + " is required (RFC 3339)"));
      return null;
    }
    String text = v.isTextual() ? v.textValue() : "";
    try {
      // RFC 3339: a four-digit year (Instant.parse also takes +999999999-…) and no 24:00 (STRICT)
      if (text.length() < 20 || !Character.isDigit(text.charAt(0)) || text.charAt(4) != '-') {
        throw new DateTimeParseException("not RFC 3339", text, 0);
      }
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      errors.add(error("/" + field, "format", field + " is an RFC 3339 timestamp such as 2026-11-28T00:00:00Z"));
      return null;
    }
  }

  private static Map<String, Object> error(String pointer, String keyword, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pointer", pointer);
    m.put("keyword", keyword);
    m.put("message", message);
    return m;
  }

  private static void json(RoutingContext rc, int status, Replays.Job job) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(job.json().toString());
  }
}
