package dev.kyanite.server.ingest;

import com.fasterxml.jackson.core.JsonParser;
import dev.kyanite.server.schema.FieldError;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Turns request bytes into prepared {@link Item}s: single events and JSON batches (a
 * {@code {"events":[…]}} object or a bare array, of native or CloudEvents structured events), one
 * NDJSON line at a time. One pass of a {@link JsonScanner} over the bytes: native envelopes are
 * read by it and each event's {@code data} is checked and kept as the client's bytes, never a tree
 * (CloudEvents are delimited by it and read by Jackson). Per-event problems become rejected items;
 * problems of the request as a whole set {@link Decoded#refusal}. Runs on the event loop (CPU
 * only).
 */
final class EventDecoder {
  /** Which envelope the events use. */
  enum Format { NATIVE, CLOUDEVENTS }

  private final Ingestor ingestor;
  private final IngestSettings settings;

  EventDecoder(Ingestor ingestor) {
    this.ingestor = ingestor;
    this.settings = ingestor.settings();
  }

  /** Request-scoped facts every event of the request shares. */
  record Context(String keyName, String idempotencyKey, String traceparent, Instant now, int keylessPartition) {}

  /** One event that is the whole body (native or CloudEvents structured). */
  Item single(byte[] b, int off, int len, Format format, Context ctx) {
    if (len == 0) return Item.rejected(0, Rejection.malformed("the request body is empty"));
    try {
      JsonScanner s = new JsonScanner(b, off, len);
      if (s.peek() != '{') return Item.rejected(0, notAnObject(s, format));
      NativeEnvelope.Result r = envelope(s, 1, format);
      if (!s.atEnd()) return Item.rejected(0, Rejection.malformed("unexpected content after the event object"));
      if (r.rejection() != null) return Item.rejected(0, r.rejection());
      EventInput in = r.input();
      if (ctx.idempotencyKey() != null || in.dedupeId() != null) in = in.withHash(IngestJson.sha256(b, off, off + len)); // the whole body, as always
      return ingestor.prepare(0, in, ctx.keyName(), ctx.idempotencyKey(), ctx.traceparent(), ctx.now(), ctx.keylessPartition());
    } catch (IOException e) {
      return Item.rejected(0, Rejection.malformed(message(e)));
    }
  }

  /** A binary-mode CloudEvent (already decoded from headers and body). */
  Item prepared(int index, NativeEnvelope.Result r, Context ctx) {
    if (r.rejection() != null) return Item.rejected(index, r.rejection());
    return ingestor.prepare(index, r.input(), ctx.keyName(), ctx.idempotencyKey(), ctx.traceparent(), ctx.now(), ctx.keylessPartition());
  }

  /** A JSON batch: {@code {"events":[…]}} or {@code […]}. */
  Decoded batch(byte[] b, int off, int len, Format format, Context ctx) {
    Decoded d = new Decoded();
    if (len == 0) {
      d.refusal = Rejection.malformed("the request body is empty");
      return d;
    }
    try {
      JsonScanner s = new JsonScanner(b, off, len);
      int c = s.peek();
      boolean wrapped = c == '{' && format == Format.NATIVE;
      if (wrapped) {
        s.expect('{');
        String first = s.peek() == '"' ? s.name() : null;
        if (first == null || !first.equals("events") || s.peek() != '[') {
          // the pointer names what is wrong: an unknown first member, "events" that is not an array, or the whole body
          String ptr = first == null ? "" : first.equals("events") ? "/events" : "/" + FieldError.escape(first);
          d.refusal = invalidBatch(ptr, "a batch is {\"events\": [...]} or a JSON array of events");
          return d;
        }
      } else if (c != '[') {
        if (c >= 0) s.value(0); // malformed JSON says so before "not a batch"
        d.refusal = invalidBatch("", format == Format.NATIVE ? "a batch is {\"events\": [...]} or a JSON array of events"
            : "a CloudEvents batch is a JSON array of events");
        return d;
      }
      s.expect('[');
      int depth = wrapped ? 3 : 2; // of each event object, counting itself
      int index = 0;
      if (!s.consume(']')) {
        do {
          if (index == settings.maxBatchEvents()) {
            d.refusal = IngestProblems.batchTooLarge(settings.maxBatchEvents());
            return d;
          }
          d.items.add(element(s, depth, index, format, ctx));
          index++;
        } while (s.consume(','));
        s.expect(']');
      }
      if (wrapped && !s.consume('}')) {
        int next = s.peek();
        if (next == ',') {
          s.expect(',');
          String member = s.peek() == '"' ? s.name() : null;
          if (member != null) {
            d.refusal = invalidBatch("/" + FieldError.escape(member), "a batch object has only the member \"events\"");
            return d;
          }
        }
        throw s.unexpected(s.peek(), "'}'");
      }
      if (!s.atEnd()) throw new IOException("unexpected content after the batch");
      if (index == 0) d.refusal = invalidBatch(wrapped ? "/events" : "", "the batch has no events");
    } catch (IOException e) {
      d.refusal = Rejection.malformed(message(e));
    }
    return d;
  }

  /** One event of a batch or an NDJSON line, starting at the scanner's next byte. */
  private Item element(JsonScanner s, int depth, int index, Format format, Context ctx) throws IOException {
    if (s.peek() != '{') {
      s.value(depth - 1);
      return Item.rejected(index, notAnObject(format));
    }
    int start = s.position();
    NativeEnvelope.Result r = envelope(s, depth, format);
    int end = s.position();
    if (end - start > settings.maxEventBytes()) return Item.rejected(index, IngestProblems.eventTooLarge(settings.maxEventBytes()));
    if (r.rejection() != null) return Item.rejected(index, r.rejection());
    EventInput in = r.input();
    String header = ctx.idempotencyKey() == null ? null : ctx.idempotencyKey() + "#" + index;
    if (header != null || in.dedupeId() != null) in = in.withHash(IngestJson.sha256(s.bytes(), start, end));
    return ingestor.prepare(index, in, ctx.keyName(), header, ctx.traceparent(), ctx.now(), ctx.keylessPartition());
  }

  /**
   * The envelope at the scanner's next {@code '{'}: native events are read by the scanner itself;
   * a CloudEvent is checked and delimited by it, then read by Jackson (CloudEvents are not the hot
   * path, and their reader builds trees for extensions anyway).
   */
  private static NativeEnvelope.Result envelope(JsonScanner s, int depth, Format format) throws IOException {
    if (format == Format.NATIVE) return NativeEnvelope.read(s, depth);
    int start = s.position();
    s.value(depth - 1);
    try (JsonParser p = IngestJson.FACTORY.createParser(s.bytes(), start, s.position() - start)) {
      p.nextToken();
      return CloudEvents.readStructured(p, null);
    }
  }

  /** One NDJSON line (a native event). */
  Item line(byte[] b, int off, int len, int index, Context ctx) {
    try {
      JsonScanner s = new JsonScanner(b, off, len);
      if (s.peek() != '{') return Item.rejected(index, notAnObject(s, Format.NATIVE));
      Item item = element(s, 1, index, Format.NATIVE, ctx);
      if (!s.atEnd()) return Item.rejected(index, Rejection.malformed("one event per line: unexpected content after the object"));
      return item;
    } catch (IOException e) {
      return Item.rejected(index, Rejection.malformed(message(e)));
    }
  }

  /** "Not an object" for a body that is some other JSON value; malformed JSON says so instead. */
  private static Rejection notAnObject(JsonScanner s, Format format) throws IOException {
    if (s.peek() >= 0) {
      s.value(0);
      if (!s.atEnd()) throw new IOException("unexpected content after the first value");
    }
    return notAnObject(format);
  }

  private static Rejection notAnObject(Format format) {
    return new Rejection(400, format == Format.NATIVE ? IngestProblems.INVALID_EVENT : IngestProblems.INVALID_CLOUDEVENT,
        format == Format.NATIVE ? "Invalid event envelope" : "Invalid CloudEvent", "an event is a JSON object",
        List.of(new FieldError("", "type", "must be an object")));
  }

  private static Rejection invalidBatch(String pointer, String message) {
    return new Rejection(400, IngestProblems.INVALID_BATCH, "Invalid batch", message,
        List.of(new FieldError(pointer, "type", message)));
  }

  /** Jackson's message without its source excerpt (which would echo the client's bytes back). */
  static String message(IOException e) {
    return dev.kyanite.server.edge.Problems.jsonMessage(e);
  }
}
