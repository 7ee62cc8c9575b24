package dev.kyanite.server.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.store.Endpoint;
import dev.kyanite.server.ServerContext;
import dev.kyanite.server.edge.Problem;
import dev.kyanite.server.edge.Problems;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import io.vertx.ext.web.RoutingContext;

/**
 * Handlers of the endpoints API (admin): create, list, get, patch, delete, rotate-secret. Store work
 * runs on the blocking pool; after every change the delivery engine reloads its endpoint cache
 * before the response is sent, so the next event already sees the change.
 */
final class EndpointsApi {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ServerContext ctx;
  private final DeliveryService service;
  private final DeliveryConfig cfg;
  private final SsrfGuard guard;
  private final Function<String, Optional<String>> filterCheck;

  /** @param filterCheck returns why a CEL filter is invalid, or empty when it compiles */
  EndpointsApi(ServerContext ctx, DeliveryService service, DeliveryConfig cfg, Function<String, Optional<String>> filterCheck) {
    this.ctx = ctx;
    this.service = service;
    this.cfg = cfg;
    this.guard = cfg.ssrfGuard();
    this.filterCheck = filterCheck;
  }

  void create(RoutingContext rc) {
    EndpointRequest req = parse(rc, true);
    if (req == null) return;
    reply(rc, 201, () -> {
      Problem p = check(req);
      if (p != null) return p;
      Instant now = ctx.clock().instant();
      Endpoint e = new Endpoint(Ids.endpoint(), req.url, req.eventTypes, req.description, req.rateLimit,
          maxInFlight(req), timeoutMs(req), req.retrySchedule,
          req.enabled == null || req.enabled, null, req.headers, req.filter, WebhookSigner.newSecret(RANDOM), null, null, null,
          now, now);
      ctx.store().endpoints().create(e);
      service.reloadEndpoints();
      rc.response().putHeader("Location", "/v1/endpoints/" + e.id());
      return DeliveryJson.endpoint(e, null, ctx.clock().instant()).put("secret", e.secret());
    });
  }

  void list(RoutingContext rc) {
    reply(rc, 200, () -> {
      ObjectNode o = EventCodec.mapper().createObjectNode();
      ArrayNode arr = o.putArray("endpoints");
      for (Endpoint e : ctx.store().endpoints().list()) arr.add(DeliveryJson.endpoint(e, service.lane(e.id()), ctx.clock().instant()));
      return o;
    });
  }

  void get(RoutingContext rc) {
    String id = rc.pathParam("id");
    reply(rc, 200, () -> ctx.store().endpoints().find(id).<Object>map(e -> DeliveryJson.endpoint(e, service.lane(id), ctx.clock().instant()))
        .orElseGet(() -> notFound(id)));
  }

  void secret(RoutingContext rc) {
    String id = rc.pathParam("id");
    reply(rc, 200, () -> ctx.store().endpoints().find(id).<Object>map(e -> {
      ObjectNode o = EventCodec.mapper().createObjectNode().put("secret", e.secret());
      if (e.signingSecrets(ctx.clock().instant()).size() > 1) {
        o.put("previous_secret_expires_at", e.previousSecretExpiresAt().toString());
      }
      return o;
    }).orElseGet(() -> notFound(id)));
  }

  void patch(RoutingContext rc) {
    String id = rc.pathParam("id");
    EndpointRequest req = parse(rc, false);
    if (req == null) return;
    reply(rc, 200, () -> {
      Optional<Endpoint> found = ctx.store().endpoints().find(id);
      if (found.isEmpty()) return notFound(id);
      Problem p = check(req);
      if (p != null) return p;
      Endpoint e = found.get();
      Instant now = ctx.clock().instant();
      boolean enabled = req.present.contains("enabled") ? req.enabled : e.enabled();
      boolean reEnabled = enabled && !e.enabled();
      Endpoint updated = new Endpoint(e.id(), has(req, "url") ? req.url : e.url(),
          has(req, "event_types") ? req.eventTypes : e.eventTypes(),
          req.present.contains("description") ? req.description : e.description(),
          req.present.contains("rate_limit") ? req.rateLimit : e.rateLimit(),
          has(req, "max_in_flight") ? maxInFlight(req) : e.maxInFlight(),
          has(req, "timeout_ms") ? timeoutMs(req) : e.timeoutMs(),
          req.present.contains("retry_schedule") ? req.retrySchedule : e.retrySchedule(),
          enabled, enabled ? null : (e.enabled() ? "manual" : e.disabledReason()),
          req.present.contains("headers") ? req.headers : e.headers(),
          req.present.contains("filter") ? req.filter : e.filter(),
          e.secret(), e.previousSecret(), e.previousSecretExpiresAt(), reEnabled ? null : e.failingSince(), e.createdAt(), now);
      ctx.store().endpoints().update(updated);
      service.reloadEndpoints();
      return DeliveryJson.endpoint(updated, service.lane(id), ctx.clock().instant());
    });
  }

  void delete(RoutingContext rc) {
    String id = rc.pathParam("id");
    ctx.executeBlocking(() -> {
      boolean gone = ctx.store().endpoints().delete(id);
      if (gone) {
        service.reloadEndpoints();
        service.failScheduledOfDeleted(id);
      }
      return gone;
    }).onSuccess(gone -> {
      if (gone) rc.response().setStatusCode(204).end();
      else Problems.send(rc, notFound(id));
    }).onFailure(rc::fail);
  }

  void rotateSecret(RoutingContext rc) {
    String id = rc.pathParam("id");
    reply(rc, 200, () -> {
      Optional<Endpoint> found = ctx.store().endpoints().find(id);
      if (found.isEmpty()) return notFound(id);
      Instant now = ctx.clock().instant();
      Endpoint rotated = found.get().withSecret(WebhookSigner.newSecret(RANDOM), now.plus(cfg.rotationGrace()), now);
      ctx.store().endpoints().update(rotated);
      service.reloadEndpoints();
      return DeliveryJson.endpoint(rotated, service.lane(id), ctx.clock().instant()).put("secret", rotated.secret());
    });
  }

  /** The request's {@code max_in_flight}, or the server's default when it is absent or null (create and patch alike). */
  private int maxInFlight(EndpointRequest req) {
    return req.maxInFlight != null ? req.maxInFlight : cfg.defaultMaxInFlight();
  }

  /** The request's {@code timeout_ms}, or the server's default when it is absent or null. */
  private int timeoutMs(EndpointRequest req) {
    return req.timeoutMs != null ? req.timeoutMs : (int) cfg.defaultTimeout().toMillis();
  }

  private static boolean has(EndpointRequest req, String member) {
    return req.present.contains(member);
  }

  private EndpointRequest parse(RoutingContext rc, boolean create) {
    JsonNode body;
    try {
      body = EventCodec.mapper().readTree(rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      Problems.send(rc, Problems.malformedJson(e));
      return null;
    } catch (IOException e) {
      Problems.send(rc, Problems.malformedJson(e));
      return null;
    }
    EndpointRequest req = EndpointRequest.parse(body, create);
    if (!req.valid()) {
      Problems.send(rc, Problems.invalidRequest("the endpoint is not valid", req.errors));
      return null;
    }
    return req;
  }

  /** Checks that need I/O or the rules engine (blocking): SSRF on the URL's addresses, the CEL filter. */
  private Problem check(EndpointRequest req) {
    if (req.url != null) {
      String why = ssrfRefusal(req.url);
      if (why != null) req.error("/url", "ssrf", why + " (set delivery.allow-private-targets or delivery.allow-cidrs to allow it)");
    }
    if (req.filter != null) filterCheck.apply(req.filter).ifPresent(m -> req.error("/filter", "cel", m));
    return req.valid() ? null : Problems.invalidRequest("the endpoint is not valid", req.errors);
  }

  private String ssrfRefusal(String url) {
    String host = URI.create(url).getHost();
    if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
    try {
      if (TargetResolver.isIpLiteral(host)) return guard.refusal(InetAddress.getByName(host)).orElse(null);
      guard.resolve(host);
      return null;
    } catch (SsrfGuard.SsrfRefusedException e) {
      return "the target address is not allowed: " + e.getMessage();
    } catch (UnknownHostException e) {
      return null; // may resolve later; checked again on every delivery
    }
  }

  private static Problem notFound(String id) {
    return Problems.notFound("no endpoint with id '" + id + "'");
  }

  /** Runs {@code work} on the blocking pool; a {@link Problem} result is sent as such, JSON as {@code status}. */
  private void reply(RoutingContext rc, int status, java.util.concurrent.Callable<Object> work) {
    ctx.executeBlocking(work).onSuccess(r -> {
      if (r instanceof Problem p) Problems.send(rc, p);
      else rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(r.toString());
    }).onFailure(rc::fail);
  }

}
