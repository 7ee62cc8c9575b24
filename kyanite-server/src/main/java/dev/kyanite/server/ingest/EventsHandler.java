package dev.kyanite.server.ingest;

import dev.kyanite.server.edge.Problem;
import dev.kyanite.server.edge.Problems;
import dev.kyanite.server.schema.FieldError;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/events} (one native event, or CloudEvents structured / binary / batch) and
 * {@code POST /v1/events/batch} (JSON batch, bare array, NDJSON, CloudEvents batch). Reads the body
 * under the configured limits, decodes and prepares on the event loop, submits, and answers on the
 * request's context when every event has an outcome. Auth and rate limits run before these.
 */
final class EventsHandler {
  static final String JSON = "application/json";
  static final String NDJSON = "application/x-ndjson";
  static final List<String> SINGLE_TYPES = List.of(JSON, CloudEvents.STRUCTURED, CloudEvents.BATCH,
      "any type with ce-specversion (CloudEvents binary mode)");
  static final List<String> BATCH_TYPES = List.of(JSON, NDJSON, CloudEvents.BATCH);
  private static final Logger LOG = LoggerFactory.getLogger(EventsHandler.class);

  private final Ingestor ingestor;
  private final EventDecoder decoder;
  private final IngestSettings settings;
  private final Function<RoutingContext, String> keyName;
  private final IngestMetrics metrics;
  /** Built once: the refusals are constant, and the hot path must not allocate them per request. */
  private final Problem eventTooLarge;
  private final Problem requestTooLarge;

  EventsHandler(Ingestor ingestor, Function<RoutingContext, String> keyName, IngestMetrics metrics) {
    this.metrics = metrics;
    this.eventTooLarge = IngestProblems.eventTooLarge(ingestor.settings().maxEventBytes()).toProblem();
    this.requestTooLarge = Problem.of(413, "payload-too-large", "Request body too large")
        .detail("the request body exceeds ingest.max-request-bytes = " + ingestor.settings().maxRequestBytes() + " bytes")
        .with("limit_bytes", ingestor.settings().maxRequestBytes());
    this.ingestor = ingestor;
    this.decoder = new EventDecoder(ingestor);
    this.settings = ingestor.settings();
    this.keyName = keyName;
  }

  /** {@code POST /v1/events}. */
  void single(RoutingContext rc) {
    HttpServerRequest req = rc.request();
    String ct = req.getHeader("Content-Type");
    String media = media(ct);
    if (req.headers().contains("ce-specversion")) {
      binary(rc, ct);
      return;
    }
    if (CloudEvents.BATCH.equals(media)) {
      jsonBatch(rc, EventDecoder.Format.CLOUDEVENTS);
      return;
    }
    EventDecoder.Format format;
    if (JSON.equals(media)) format = EventDecoder.Format.NATIVE;
    else if (CloudEvents.STRUCTURED.equals(media)) format = EventDecoder.Format.CLOUDEVENTS;
    else {
      RequestBody.refuse(rc, Problems.unsupportedMediaType(ct, SINGLE_TYPES));
      return;
    }
    EventDecoder.Context ctx = context(rc);
    if (ctx == null) return;
    RequestBody.readAll(rc, settings.maxEventBytes(), eventTooLarge,
        (b, length) -> guarded(rc, () -> {
          Item it = decoder.single(b, 0, length, format, ctx);
          submitOne(rc, it);
        }));
  }

  private void binary(RoutingContext rc, String contentType) {
    EventDecoder.Context ctx = context(rc);
    if (ctx == null) return;
    Map<String, String> ce = new TreeMap<>();
    rc.request().headers().forEach(h -> {
      String n = h.getKey().toLowerCase(Locale.ROOT);
      if (n.startsWith("ce-")) ce.merge(n, h.getValue(), (a, b) -> a + "," + b);
    });
    RequestBody.readAll(rc, settings.maxEventBytes(), eventTooLarge,
        (b, length) -> guarded(rc, () -> {
          Item it;
          try {
            it = decoder.prepared(0, CloudEvents.readBinary(ce, contentType, b, 0, length), ctx);
          } catch (java.io.IOException e) {
            it = Item.rejected(0, Rejection.malformed(EventDecoder.message(e)));
          }
          submitOne(rc, it);
        }));
  }

  /** {@code POST /v1/events/batch}. */
  void batch(RoutingContext rc) {
    if (atomicParam(rc.request().getParam("atomic")) == null) {
      // a typo (atomic=yes) must not silently turn an all-or-nothing batch into a partial one
      RequestBody.refuse(rc, Problems.invalidRequest("atomic must be true or false", List.of(Map.of(
          "pointer", "/atomic", "keyword", "type", "message", "atomic must be true, false, 1 or 0"))));
      return;
    }
    String ct = rc.request().getHeader("Content-Type");
    String media = media(ct);
    if (JSON.equals(media)) jsonBatch(rc, EventDecoder.Format.NATIVE);
    else if (CloudEvents.BATCH.equals(media)) jsonBatch(rc, EventDecoder.Format.CLOUDEVENTS);
    else if (NDJSON.equals(media)) ndjson(rc);
    else RequestBody.refuse(rc, Problems.unsupportedMediaType(ct, BATCH_TYPES));
  }

  private void jsonBatch(RoutingContext rc, EventDecoder.Format format) {
    EventDecoder.Context ctx = context(rc);
    if (ctx == null) return;
    RequestBody.readAll(rc, settings.maxRequestBytes(), requestTooLarge(), (b, length) -> guarded(rc, () -> {
      submitBatch(rc, decoder.batch(b, 0, length, format, ctx));
    }));
  }

  private void ndjson(RoutingContext rc) {
    EventDecoder.Context ctx = context(rc);
    if (ctx == null) return;
    if (RequestBody.contentLength(rc.request()) > settings.maxRequestBytes()) {
      RequestBody.refuse(rc, requestTooLarge());
      return;
    }
    Decoded d = new Decoded();
    NdjsonLines lines = new NdjsonLines(settings.maxEventBytes(), new NdjsonLines.LineSink() {
      @Override
      public void line(byte[] bytes, int off, int len) {
        if (!room(d)) return;
        d.items.add(decoder.line(bytes, off, len, d.items.size(), ctx));
      }

      @Override
      public void tooLong() {
        if (!room(d)) return;
        d.items.add(Item.rejected(d.items.size(), IngestProblems.eventTooLarge(settings.maxEventBytes())));
      }
    });
    long[] total = {0};
    RequestBody.stream(rc, chunk -> {
      total[0] += chunk.length();
      if (total[0] > settings.maxRequestBytes()) return requestTooLarge();
      lines.feed(chunk);
      return d.refusal == null ? null : d.refusal.toProblem();
    }, () -> guarded(rc, () -> {
      lines.end();
      if (d.refusal == null && d.items.isEmpty()) {
        d.refusal = new Rejection(400, IngestProblems.INVALID_BATCH, "Invalid batch", "the batch has no events",
            List.of(new FieldError("", "minItems", "no event lines")));
      }
      submitBatch(rc, d);
    }));
  }

  private boolean room(Decoded d) {
    if (d.refusal != null) return false;
    if (d.items.size() >= settings.maxBatchEvents()) {
      d.refusal = IngestProblems.batchTooLarge(settings.maxBatchEvents());
      return false;
    }
    return true;
  }

  private void submitOne(RoutingContext rc, Item it) {
    if (it.rejection != null) {
      metrics.record(it);
      Problems.send(rc, it.rejection.toProblem());
      return;
    }
    ContextMailbox loop = ContextMailbox.of(Vertx.currentContext());
    ingestor.submit(List.of(it), false).whenComplete((v, err) -> loop.post(() -> {
      if (err != null) it.rejection = Ingestor.toRejection(err);
      metrics.record(it);
      Responses.single(rc, it, ingestor.durability());
    }));
  }

  private void submitBatch(RoutingContext rc, Decoded d) {
    if (d.refusal != null) {
      Problems.send(rc, d.refusal.toProblem());
      return;
    }
    boolean atomic = atomicParam(rc.request().getParam("atomic"));
    ContextMailbox loop = ContextMailbox.of(Vertx.currentContext());
    ingestor.submit(d.items, atomic).whenComplete((v, err) -> loop.post(() -> {
      if (err != null) {
        Rejection r = Ingestor.toRejection(err);
        for (Item it : d.items) if (it.pending()) it.rejection = r;
      }
      metrics.record(d.items);
      Responses.batch(rc, d.items, atomic, ingestor.durability());
    }));
  }

  /** Request-wide facts; null (and the answer sent) when the Idempotency-Key header is unusable. */
  private EventDecoder.Context context(RoutingContext rc) {
    HttpServerRequest req = rc.request();
    String key = req.getHeader("Idempotency-Key");
    if (key != null && !validKey(key)) {
      RequestBody.refuse(rc, Problem.of(400, "invalid-idempotency-key", "Invalid Idempotency-Key")
          .detail("Idempotency-Key must be 1-255 printable ASCII characters")
          .with("errors", List.of(new FieldError("Idempotency-Key", "format", "1-255 printable ASCII characters").toMap())));
      return null;
    }
    String tp = req.getHeader("traceparent");
    if (tp != null && (tp.length() > 128 || NativeEnvelope.hasControl(tp))) tp = null;
    return new EventDecoder.Context(keyName.apply(rc), key, tp, ingestor.clock().instant(), ingestor.keylessPartition());
  }

  static boolean validKey(String k) {
    if (k.isEmpty() || k.length() > 255) return false;
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      if (c < 0x20 || c > 0x7e) return false;
    }
    return true;
  }

  private Problem requestTooLarge() {
    return requestTooLarge;
  }

  /** Runs decoding; a bug there becomes a logged 500, never a hung request. */
  private static void guarded(RoutingContext rc, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.error("ingest failed unexpectedly", e);
      rc.fail(e);
    }
  }

  static String media(String contentType) {
    if (contentType == null) return null;
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  /** {@code ?atomic=}: absent, true/false (any case) or 1/0; null for anything else. */
  static Boolean atomicParam(String v) {
    if (v == null || v.equalsIgnoreCase("false") || v.equals("0")) return Boolean.FALSE;
    if (v.equalsIgnoreCase("true") || v.equals("1")) return Boolean.TRUE;
    return null;
  }
}
