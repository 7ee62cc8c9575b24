package dev.kyanite.server.ingest;

import dev.kyanite.core.event.JsonBytes;
import dev.kyanite.core.event.Timestamps;
import dev.kyanite.server.edge.Problem;
import dev.kyanite.server.edge.Problems;
import dev.kyanite.server.schema.FieldError;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes ingest answers: the single-event ack, the batch result, and problems. */
final class Responses {
  private Responses() {}

  private static final byte[] ITEM_INDEX = "{\"index\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ITEM_ID = ",\"id\":".getBytes(StandardCharsets.US_ASCII);

  /** {@code 202 {"id","received_at","durability"}} with {@code Location}, or the item's problem. */
  static void single(RoutingContext rc, Item it, String durability) {
    if (!it.accepted()) {
      Problems.send(rc, it.rejection.toProblem());
      return;
    }
    HttpServerResponse res = rc.response();
    if (res.ended()) return;
    JsonBytes body = new JsonBytes(128).ascii("{\"id\":").string(it.acceptedId)
        .ascii(",\"received_at\":\"").ascii(Timestamps.format(it.acceptedAt)).ascii("\",\"durability\":").string(durability).ascii('}');
    res.setStatusCode(202)
        .putHeader("Content-Type", "application/json")
        .putHeader("Location", location(it.acceptedId, it.idSource));
    if (it.replayed) res.putHeader("Idempotent-Replayed", "true");
    res.end(wrap(body));
  }

  /**
   * {@code 202} with per-index {@code accepted} and {@code rejected} lists when at least one event
   * was accepted (and the batch is not atomic-and-failed); otherwise the first rejection's problem
   * with every rejection under {@code rejected}.
   */
  static void batch(RoutingContext rc, List<Item> items, boolean atomic, String durability) {
    // the accepted list is written directly: a map per event and a generic encoder cost more
    // than the rest of a batch's answer (one entry per event, up to the batch limit)
    // (the answer's body is built as the list is: unused when the answer is a problem)
    JsonBytes body = new JsonBytes(96 + 100 * items.size()).ascii("{\"accepted\":[");
    int acceptedCount = 0;
    List<Map<String, Object>> rejected = new ArrayList<>();
    Item firstRejected = null;
    boolean allReplayed = true;
    Instant at = null;
    byte[] atText = null;
    for (Item it : items) {
      if (it.accepted()) {
        if (acceptedCount++ > 0) body.ascii(',');
        if (it.acceptedAt != at) { // the events of a request share one receipt time: its text is made once
          at = it.acceptedAt;
          atText = (",\"received_at\":\"" + Timestamps.format(at) + '"').getBytes(StandardCharsets.US_ASCII);
        }
        body.raw(ITEM_INDEX).number(it.index).raw(ITEM_ID).string(it.acceptedId).raw(atText);
        if (it.replayed) body.ascii(",\"replayed\":true");
        else allReplayed = false;
        body.ascii('}');
      } else if (it.rejection != null) {
        if (firstRejected == null) firstRejected = it;
        rejected.add(rejection(it.index, it.rejection));
      }
    }
    if (firstRejected != null && (atomic || acceptedCount == 0)) {
      Rejection r = firstRejected.rejection;
      String detail = atomic
          ? rejected.size() + " of " + items.size() + " events were refused, so none was accepted (atomic batch); first: " + r.detail()
          : "none of the " + items.size() + " events was accepted; first: " + r.detail();
      Problem p = Problem.of(r.status(), r.slug(), r.title()).detail(detail).with("rejected", rejected);
      if (r.retryAfter() != null) p = p.header("Retry-After", r.retryAfter());
      Problems.send(rc, p);
      return;
    }
    HttpServerResponse res = rc.response();
    if (res.ended()) return;
    res.setStatusCode(202).putHeader("Content-Type", "application/json");
    if (allReplayed && acceptedCount > 0) res.putHeader("Idempotent-Replayed", "true");
    body.ascii("],\"rejected\":");
    if (rejected.isEmpty()) body.ascii("[]");
    else body.raw(io.vertx.core.json.Json.encodeToBuffer(rejected).getBytes());
    body.ascii(",\"durability\":").string(durability).ascii('}');
    res.end(wrap(body));
  }

  /**
   * The body as a buffer over the writer's own array: {@code Buffer.buffer(byte[])} copies it, and
   * with {@code toByteArray} a batch's answer had been copied twice before Netty's own copy.
   */
  private static Buffer wrap(JsonBytes body) {
    return BufferInternal.buffer(Unpooled.wrappedBuffer(body.array(), 0, body.size()));
  }

  private static Map<String, Object> rejection(int index, Rejection r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("index", index);
    m.put("status", r.status());
    m.put("type", Problem.TYPE_PREFIX + r.slug());
    m.put("title", r.title());
    if (r.detail() != null) m.put("detail", r.detail());
    if (!r.errors().isEmpty()) m.put("errors", FieldError.toMaps(r.errors()));
    return m;
  }

  /**
   * Where {@code GET} finds the event: {@code /v1/events/{id}}, plus {@code ?source=} when the id
   * came from the client ({@code source} non-null), since two sources may use the same id.
   */
  static String location(String id, String source) {
    String path = "/v1/events/" + encode(id);
    return source == null ? path : path + "?source=" + encode(source);
  }

  private static String encode(String s) {
    return urlSafe(s) ? s : URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static boolean urlSafe(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.')) return false;
    }
    return true;
  }
}
