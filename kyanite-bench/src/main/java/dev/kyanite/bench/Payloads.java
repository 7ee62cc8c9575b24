package dev.kyanite.bench;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Pre-built request bodies, so that the generator does no JSON work per request.
 *
 * <p>An event looks like a product event {@code {"type":"bench.event","data":{...,"pad":"..."}}}
 * and is padded to exactly the requested size in bytes when that size is at least the size of the
 * unpadded skeleton (about 150 bytes); smaller sizes yield the skeleton. A few variants differ in
 * their fields so that bodies are not all byte-identical.
 */
public final class Payloads {
  static final int VARIANTS = 16;
  private static final String FILLER = "lorem ipsum dolor sit amet consectetur adipiscing elit ";
  private static final String[] ACTIONS = {"checkout", "signup", "page_view", "refund"};

  private Payloads() {}

  /** One event of {@code size} bytes (UTF-8, ASCII only); {@code variant} changes field values. */
  static String event(String type, int size, int variant) {
    String head = "{\"type\":\"" + type + "\",\"data\":{\"user_id\":\"u_" + (100_000 + variant * 7919)
        + "\",\"action\":\"" + ACTIONS[variant % ACTIONS.length] + "\",\"amount_cents\":"
        + (1999 + variant * 113) + ",\"currency\":\"EUR\",\"items\":" + (1 + variant % 5)
        + ",\"pad\":\"";
    String tail = "\"}}";
    int padLength = Math.max(0, size - head.length() - tail.length());
    StringBuilder sb = new StringBuilder(head.length() + padLength + tail.length()).append(head);
    for (int i = 0; i < padLength; i++) {
      sb.append(FILLER.charAt((i + variant) % FILLER.length()));
    }
    return sb.append(tail).toString();
  }

  /** The request bodies to rotate through for a mode; each carries {@code batchSize} events. */
  static Buffer[] bodies(Mode mode, String type, int eventSize, int batchSize) {
    Buffer[] bodies = new Buffer[VARIANTS];
    for (int v = 0; v < VARIANTS; v++) {
      bodies[v] = Buffer.buffer(body(mode, type, eventSize, batchSize, v).getBytes(StandardCharsets.UTF_8));
    }
    return bodies;
  }

  /** One request body of {@code mode} (also what {@code DecodeBench} in kyanite-server decodes). */
  public static String body(Mode mode, String type, int eventSize, int batchSize, int variant) {
    switch (mode) {
      case SINGLE:
        return event(type, eventSize, variant);
      case BATCH: {
        StringBuilder sb = new StringBuilder("{\"events\":[");
        for (int i = 0; i < batchSize; i++) {
          sb.append(i == 0 ? "" : ",").append(event(type, eventSize, (variant + i) % VARIANTS));
        }
        return sb.append("]}").toString();
      }
      case NDJSON: {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < batchSize; i++) {
          sb.append(event(type, eventSize, (variant + i) % VARIANTS)).append('\n');
        }
        return sb.toString();
      }
      default:
        throw new IllegalArgumentException("mode " + mode);
    }
  }
}
