package dev.kyanite.server.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.kyanite.server.schema.FieldError;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Turns request bytes into prepared {@link Item}s: single events and JSON batches (a
 * {@code {"events":[…]}} object or a bare array, of native or CloudEvents structured events), one
 * NDJSON line at a time. Streaming: the envelope is read token by token and only each event's
 * {@code data} becomes a tree. Per-event problems become rejected items; problems of the request
 * as a whole set {@link Decoded#refusal}. Runs on the event loop (CPU only).
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
    try (JsonParser p = IngestJson.FACTORY.createParser(b, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Item.rejected(0, notAnObject(format));
      }
      NativeEnvelope.Result r = format == Format.NATIVE ? NativeEnvelope.read(p, null, b, off) : CloudEvents.readStructured(p, null);
      if (p.nextToken() != null) return Item.rejected(0, Rejection.malformed("unexpected content after the event object"));
      if (r.rejection() != null) return Item.rejected(0, r.rejection());
      EventInput in = r.input();
      if (ctx.idempotencyKey() != null || in.dedupeId() != null) in = in.withHash(IngestJson.sha256(b, off, off + len));
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
    try (JsonParser p = IngestJson.FACTORY.createParser(b, off, len)) {
      JsonToken t = p.nextToken();
      boolean wrapped = t == JsonToken.START_OBJECT && format == Format.NATIVE;
      if (wrapped) {
        JsonToken first = p.nextToken();
        if (first != JsonToken.FIELD_NAME || !"events".equals(p.currentName()) || p.nextToken() != JsonToken.START_ARRAY) {
          // the pointer names what is wrong: an unknown first member, "events" that is not an array, or the whole body
          String ptr = first != JsonToken.FIELD_NAME ? "" : "events".equals(p.currentName()) ? "/events" : "/" + FieldError.escape(p.currentName());
          d.refusal = invalidBatch(ptr, "a batch is {\"events\": [...]} or a JSON array of events");
          return d;
        }
      } else if (t != JsonToken.START_ARRAY) {
        d.refusal = invalidBatch("", format == Format.NATIVE ? "a batch is {\"events\": [...]} or a JSON array of events"
            : "a CloudEvents batch is a JSON array of events");
        return d;
      }
      int index = 0;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) throw new IOException("unexpected end of input inside the events array");
        if (index == settings.maxBatchEvents()) {
          d.refusal = IngestProblems.batchTooLarge(settings.maxBatchEvents());
          return d;
        }
        d.items.add(element(p, t, b, off, index, format, ctx));
        index++;
      }
      if (wrapped) {
        JsonToken after = p.nextToken();
        if (after != JsonToken.END_OBJECT) {
          d.refusal = invalidBatch(after == JsonToken.FIELD_NAME ? "/" + FieldError.escape(p.currentName()) : "",
              "a batch object has only the member \"events\"");
          return d;
        }
      }
      if (p.nextToken() != null) throw new IOException("unexpected content after the batch");
      if (index == 0) d.refusal = invalidBatch(wrapped ? "/events" : "", "the batch has no events");
    } catch (IOException e) {
      d.refusal = Rejection.malformed(message(e));
    }
    return d;
  }

  private Item element(JsonParser p, JsonToken t, byte[] b, int off, int index, Format format, Context ctx) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return Item.rejected(index, notAnObject(format));
    }
    long start = p.currentTokenLocation().getByteOffset();
    NativeEnvelope.Result r = format == Format.NATIVE ? NativeEnvelope.read(p, null, b, off) : CloudEvents.readStructured(p, null);
    long end = p.currentLocation().getByteOffset();
    if (end - start > settings.maxEventBytes()) return Item.rejected(index, IngestProblems.eventTooLarge(settings.maxEventBytes()));
    if (r.rejection() != null) return Item.rejected(index, r.rejection());
    EventInput in = r.input();
    String header = ctx.idempotencyKey() == null ? null : ctx.idempotencyKey() + "#" + index;
    if (header != null || in.dedupeId() != null) {
      in = in.withHash(IngestJson.sha256(b, off + (int) start, off + (int) end));
    }
    return ingestor.prepare(index, in, ctx.keyName(), header, ctx.traceparent(), ctx.now(), ctx.keylessPartition());
  }

  /** One NDJSON line (a native event). */
  Item line(byte[] b, int off, int len, int index, Context ctx) {
    try (JsonParser p = IngestJson.FACTORY.createParser(b, off, len)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        return Item.rejected(index, notAnObject(Format.NATIVE));
      }
      Item item = element(p, t, b, off, index, Format.NATIVE, ctx);
      if (p.nextToken() != null) return Item.rejected(index, Rejection.malformed("one event per line: unexpected content after the object"));
      return item;
    } catch (IOException e) {
      return Item.rejected(index, Rejection.malformed(message(e)));
    }
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
