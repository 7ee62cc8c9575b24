package dev.kyanite.bench;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * One generator thread: a verticle (so one event loop) with its own connections
 * ({@link SlotConnections}): {@code concurrency} slots, each with at most one request in flight.
 *
 * <p>Closed loop (no rate): each of its {@code concurrency} slots sends the next request as soon as
 * the previous answer arrives; latency is measured from the actual send. Open loop (rate > 0): a
 * {@link Pacer} decides when each request is due; a free slot sends it, and latency is measured
 * from the intended send time, so time spent waiting for a free connection counts.
 *
 * <p>All fields are confined to the verticle's event loop.
 */
final class Generator extends VerticleBase {
  private static final long RETRY_AFTER_FAILURE_MS = 10;

  private final LoadSpec spec;
  private final int concurrency;
  private final double rate;
  private final Buffer[] bodies;
  private final Stats stats;
  private final AckListener acks;
  private final boolean readBody;

  private HttpClientAgent client;
  private SlotConnections connections;
  private Pacer pacer;
  private long timer = -1;
  private int[] idle;
  private int idleCount;
  private int inFlight;
  private int next;
  private boolean running = true;
  private Promise<Void> drained;
  private volatile Thread thread;

  /** Receives the body of every successful answer (end-to-end mode). */
  interface AckListener {
    void onAck(Buffer body, long nowNanos, boolean measured);
  }

  Generator(LoadSpec spec, int concurrency, double rate, Buffer[] bodies, Stats stats, AckListener acks) {
    this.spec = spec;
    this.concurrency = concurrency;
    this.rate = rate;
    this.bodies = bodies;
    this.stats = stats;
    this.acks = acks;
    this.readBody = acks != null || spec.mode() != Mode.SINGLE;
  }

  @Override
  public Future<?> start() {
    client = Clients.create(vertx, spec, concurrency);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add(HttpHeaders.CONTENT_TYPE, spec.mode().contentType);
    if (spec.key() != null) {
      headers.add(HttpHeaders.AUTHORIZATION, "Bearer " + spec.key());
    }
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setURI(spec.path())
        .setHeaders(headers);
    // no per-request timeout (a timer per request costs); the connection idle timeout covers it
    thread = Thread.currentThread();
    connections = new SlotConnections(client, spec, concurrency, request);
    return connections.openAll().onSuccess(v -> begin());
  }

  private void begin() {
    if (rate > 0) {
      pacer = new Pacer(System.nanoTime(), rate);
      idle = new int[concurrency];
      for (int i = 0; i < concurrency; i++) {
        idle[idleCount++] = i;
      }
      timer = vertx.setPeriodic(1, id -> pump());
    } else {
      for (int i = 0; i < concurrency; i++) {
        send(i, System.nanoTime());
      }
    }
  }

  /**
   * The measured window starts at {@code markNanos}: in open loop, requests that fell due during
   * the warm-up and were not sent yet (a backlog behind a server still warming up) are dropped
   * instead of being sent, late, inside the window; the schedule itself goes on. The
   * coordinated-omission correction still applies to every request due from the mark on.
   */
  void startMeasuring(long markNanos) {
    context.runOnContext(v -> {
      if (pacer != null) pacer.skipTo(markNanos);
    });
  }

  /** Stops sending; the future completes when the requests in flight have finished. */
  Future<Void> halt() {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> {
      running = false;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      drained = p;
      if (inFlight == 0) {
        p.tryComplete();
      }
    });
    return p.future();
  }

  /** The event-loop thread this generator runs on (for CPU accounting), once started. */
  Thread thread() {
    return thread;
  }

  @Override
  public Future<?> stop() {
    return client == null ? Future.succeededFuture() : client.close();
  }

  private void pump() {
    long now = System.nanoTime();
    while (running && idleCount > 0 && pacer.due(now)) {
      send(idle[--idleCount], pacer.take());
    }
  }

  private void send(int slot, long intendedNanos) {
    inFlight++;
    Buffer body = bodies[next++ & (Payloads.VARIANTS - 1)];
    connections.request(slot)
        .compose(req -> req.send(body))
        .onComplete(ar -> {
          if (ar.failed()) {
            failed(slot, ar.cause());
            return;
          }
          HttpClientResponse resp = ar.result();
          int status = resp.statusCode();
          if (readBody && status / 100 == 2) {
            resp.body().onComplete(b -> {
              if (b.failed()) {
                failed(slot, b.cause());
              } else {
                answered(slot, intendedNanos, status, b.result());
              }
            });
          } else {
            resp.end().onComplete(e -> answered(slot, intendedNanos, status, null));
          }
        });
  }

  private void answered(int slot, long intendedNanos, int status, Buffer body) {
    long now = System.nanoTime();
    inFlight--;
    if (status / 100 == 2) {
      int events = spec.eventsPerRequest();
      if (spec.mode() != Mode.SINGLE) {
        int rejected = AckParser.rejectedCount(body);
        if (rejected > 0) {
          stats.rejected(rejected);
          events -= rejected;
        }
      }
      boolean measured = stats.measuring();
      stats.success(intendedNanos, now, events, pacer != null);
      if (acks != null) {
        acks.onAck(body, now, measured);
      }
    } else {
      stats.error(Integer.toString(status));
    }
    sendNext(slot, now, false);
  }

  private void failed(int slot, Throwable cause) {
    inFlight--;
    stats.error(classify(cause));
    sendNext(slot, System.nanoTime(), true);
  }

  private void sendNext(int slot, long now, boolean afterFailure) {
    if (!running) {
      if (inFlight == 0 && drained != null) {
        drained.tryComplete();
      }
      return;
    }
    if (pacer != null) {
      if (pacer.due(now)) {
        send(slot, pacer.take());
      } else {
        idle[idleCount++] = slot;
      }
    } else if (afterFailure) {
      // do not spin on a refused connection; the slot comes back shortly
      inFlight++;
      vertx.setTimer(RETRY_AFTER_FAILURE_MS, t -> {
        inFlight--;
        sendNext(slot, System.nanoTime(), false);
      });
    } else {
      send(slot, now);
    }
  }

  static String classify(Throwable t) {
    if (t instanceof ConnectException || t.getCause() instanceof ConnectException) {
      return "connect";
    }
    if (t instanceof TimeoutException || String.valueOf(t.getMessage()).contains("timeout")
        || t.getClass().getSimpleName().contains("Timeout")) {
      return "timeout";
    }
    if (t instanceof StreamResetException) {
      return "reset";
    }
    if (t.getClass().getSimpleName().contains("Closed")) {
      return "closed";
    }
    return t.getClass().getSimpleName();
  }
}
