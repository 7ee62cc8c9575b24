package dev.kyanite.server.delivery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.store.Delivery;
import dev.kyanite.core.store.DeliveryPage;
import dev.kyanite.core.store.DeliveryStatus;
import dev.kyanite.server.ServerContext;
import dev.kyanite.server.edge.Problem;
import dev.kyanite.server.edge.Problems;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Handlers of the deliveries API (admin): {@code GET /v1/deliveries?endpoint=&status=&limit=&cursor=}
 * (newest first, cursor pagination), {@code GET /v1/deliveries/{id}} with its attempts, and
 * {@code POST /v1/deliveries/{id}/retry} (a failed delivery is attempted again now).
 */
final class DeliveriesApi {
  private final ServerContext ctx;
  private final DeliveryService service;

  DeliveriesApi(ServerContext ctx, DeliveryService service) {
    this.ctx = ctx;
    this.service = service;
  }

  void list(RoutingContext rc) {
    String endpoint = rc.request().getParam("endpoint");
    String statusParam = rc.request().getParam("status");
    String cursor = rc.request().getParam("cursor");
    String limitParam = rc.request().getParam("limit");
    DeliveryStatus status = null;
    int limit = 100;
    try {
      if (statusParam != null) status = DeliveryStatus.fromWire(statusParam);
    } catch (IllegalArgumentException e) {
      bad(rc, "status", "status must be one of pending, retrying, delivered, failed, filtered");
      return;
    }
    try {
      if (limitParam != null) limit = Integer.parseInt(limitParam);
      if (limit < 1 || limit > 1000) throw new NumberFormatException();
    } catch (NumberFormatException e) {
      bad(rc, "limit", "limit must be an integer from 1 to 1000");
      return;
    }
    DeliveryStatus s = status;
    int l = limit;
    ctx.executeBlocking(() -> {
      try {
        return (Object) service.store().deliveries().list(endpoint, s, cursor, l);
      } catch (IllegalArgumentException badCursor) {
        return Problems.invalidRequest("invalid query", List.of(Map.of("pointer", "/cursor", "keyword", "format",
            "message", "cursor is not one returned by this API")));
      }
    }).onSuccess(r -> {
      if (r instanceof Problem p) {
        Problems.send(rc, p);
        return;
      }
      DeliveryPage page = (DeliveryPage) r;
      ObjectNode o = EventCodec.mapper().createObjectNode();
      ArrayNode arr = o.putArray("deliveries");
      for (Delivery d : page.items()) arr.add(DeliveryJson.delivery(d));
      o.put("next_cursor", page.nextCursor());
      json(rc, 200, o);
    }).onFailure(rc::fail);
  }

  void get(RoutingContext rc) {
    String id = rc.pathParam("id");
    ctx.executeBlocking(() -> service.store().deliveries().find(id).map(d -> {
      ObjectNode o = DeliveryJson.delivery(d);
      o.set("attempts_log", DeliveryJson.attempts(service.store().attempts().forDelivery(id)));
      return o;
    })).onSuccess(o -> {
      if (o.isEmpty()) Problems.send(rc, Problems.notFound("no delivery with id '" + id + "'"));
      else json(rc, 200, o.get());
    }).onFailure(rc::fail);
  }

  void retry(RoutingContext rc) {
    String id = rc.pathParam("id");
    ctx.executeBlocking(() -> {
      try {
        Optional<Delivery> d = service.retry(id);
        return d.isEmpty() ? (Object) Problems.notFound("no delivery with id '" + id + "'") : DeliveryJson.delivery(d.get());
      } catch (DeliveryService.EndpointUnavailableException unavailable) {
        return unavailable.toProblem();
      } catch (IllegalStateException notFailed) {
        return Problem.of(409, "delivery-not-failed", "Delivery is not failed").detail(notFailed.getMessage());
      }
    }).onSuccess(r -> {
      if (r instanceof Problem p) Problems.send(rc, p);
      else json(rc, 202, (ObjectNode) r);
    }).onFailure(rc::fail);
  }

  private static void bad(RoutingContext rc, String param, String message) {
    Problems.send(rc, Problems.invalidRequest("invalid query", List.of(Map.of("pointer", "/" + param, "keyword", "format",
        "message", message))));
  }

  private static void json(RoutingContext rc, int status, ObjectNode body) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
  }
}
