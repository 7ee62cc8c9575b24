package dev.kyanite.server.ingest;

import dev.kyanite.server.edge.Problem;
import dev.kyanite.server.edge.Problems;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;

/**
 * Reads request bodies under a byte limit without ever holding more than the limit: a declared
 * {@code Content-Length} over it is refused before any byte is read, a streamed body as soon as it
 * crosses it. The refusal is sent at once with {@code Connection: close}; the rest of the body is
 * discarded, never buffered, and the connection is closed shortly after (HTTP/2: the stream is
 * reset), so a 100 MB upload costs neither memory nor time.
 *
 * <p>The request must still be paused when these are called (the router pauses it before auth).
 */
final class RequestBody {
  /** Grace for the client to read the refusal before the connection is closed. */
  private static final long CLOSE_GRACE_MS = 250;

  private RequestBody() {}

  /** Chunk-wise consumer of a streamed body; returns a problem to stop reading and refuse. */
  interface ChunkSink {
    Problem chunk(Buffer chunk);
  }

  /** Consumer of a whole body: its bytes are {@code bytes[0, length)}. */
  interface BodySink {
    void body(byte[] bytes, int length);
  }

  /**
   * Reads the whole body (at most {@code limit} bytes) into one array and hands it to {@code
   * onBody}. Each chunk is copied once, into an array of the declared length when there is one:
   * gathering into a {@code Buffer} and then taking its bytes copied a batch twice more, a fifth
   * of the batch event loop's allocation (docs/performance.md, twelfth session).
   */
  static void readAll(RoutingContext rc, long limit, Problem tooLarge, BodySink onBody) {
    HttpServerRequest req = rc.request();
    long declared = contentLength(req);
    if (declared > limit) {
      refuse(rc, tooLarge);
      return;
    }
    // without a length (chunked), start small and double: the limit bounds what is held
    byte[][] body = {new byte[(int) (declared >= 0 ? declared : Math.min(limit, 8192))]};
    int[] size = {0};
    stream(rc, chunk -> {
      int n = chunk.length();
      if (size[0] + (long) n > limit) return tooLarge;
      if (size[0] + n > body[0].length) {
        body[0] = Arrays.copyOf(body[0], (int) Math.min(limit, Math.max(2L * body[0].length, size[0] + (long) n)));
      }
      chunk.getBytes(0, n, body[0], size[0]);
      size[0] += n;
      return null;
    }, () -> onBody.body(body[0], size[0]));
  }

  /** Streams the body chunk by chunk to {@code sink}; {@code onEnd} runs after the last chunk. */
  static void stream(RoutingContext rc, ChunkSink sink, Runnable onEnd) {
    HttpServerRequest req = rc.request();
    boolean[] refused = {false};
    req.handler(chunk -> {
      if (refused[0]) return;
      Problem p;
      try {
        p = sink.chunk(chunk);
      } catch (RuntimeException e) {
        refused[0] = true;
        rc.fail(e);
        return;
      }
      if (p != null) {
        refused[0] = true;
        refuse(rc, p);
      }
    });
    req.exceptionHandler(e -> refused[0] = true);
    req.endHandler(v -> {
      if (!refused[0]) onEnd.run();
    });
    req.resume();
  }

  /** Answers with the problem now and stops reading: the unread rest of the body is discarded. */
  static void refuse(RoutingContext rc, Problem p) {
    HttpServerRequest req = rc.request();
    boolean unread = !req.isEnded();
    if (unread) {
      req.handler(b -> {});
      req.endHandler(v -> {});
      req.resume();
      rc.response().putHeader("Connection", "close");
    }
    Problems.send(rc, p);
    if (unread) {
      rc.vertx().setTimer(CLOSE_GRACE_MS, t -> {
        if (req.isEnded()) return;
        if (req.version() == HttpVersion.HTTP_2) {
          rc.response().reset();
        } else {
          req.connection().close();
        }
      });
    }
  }

  static long contentLength(HttpServerRequest req) {
    String cl = req.getHeader("Content-Length");
    if (cl == null) return -1;
    try {
      return Long.parseLong(cl.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
