package dev.kyanite.server.delivery;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The webhook request body for an event (version 1 of what receivers see):
 * {@code {"id","type","time","received_at","source","subject","data"}}. {@code time} is the client's
 * time, or the receive time when the client gave none; {@code source} and {@code subject} are
 * omitted when absent. Built once per event and shared by every endpoint it goes to.
 */
public final class WebhookPayload {
  private WebhookPayload() {}

  public static byte[] encode(Event e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = EventCodec.mapper().getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", e.id());
      g.writeStringField("type", e.type());
      g.writeStringField("time", (e.time() != null ? e.time() : e.receivedAt()).toString());
      g.writeStringField("received_at", e.receivedAt().toString());
      if (e.source() != null) g.writeStringField("source", e.source());
      if (e.subject() != null) g.writeStringField("subject", e.subject());
      g.writeFieldName("data");
      EventCodec.mapper().writeTree(g, e.data());
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out.toByteArray();
  }
}
