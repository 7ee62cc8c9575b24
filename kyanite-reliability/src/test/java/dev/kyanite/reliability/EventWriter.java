package dev.kyanite.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client threads that ingest as fast as they can, through whatever server port is current, and
 * keep going across kills: a request that fails or gets {@code 409}/{@code 503} is retried later
 * with the same idempotency key and the same body, as a well-behaved client would. Single events
 * carry an {@code Idempotency-Key} header; batch events (1–10) carry their own {@code id}. Every
 * event has a unique {@code data.key}.
 *
 * <p>Thread-safe results: {@link #acked()} maps data key → event id for every {@code 202}.
 */
final class EventWriter implements AutoCloseable {
  /** An event not yet acknowledged: its body, and whether it goes in a batch (then {@code id} = key). */
  private record Pending(String key, boolean batch) {}

  private final Map<String, String> acked = new ConcurrentHashMap<>();
  private final Set<String> sent = ConcurrentHashMap.newKeySet();
  private final AtomicLong retries = new AtomicLong();
  private final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicLong requests = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private final List<Deque<Pending>> pendings = new ArrayList<>();
  private volatile Api api;
  private volatile boolean newEvents = true;
  private volatile boolean stop;

  private final String pad;

  EventWriter(Api api, int threadCount, String prefix) {
    this(api, threadCount, prefix, 120);
  }

  EventWriter(Api api, int threadCount, String prefix, int padBytes) {
    this.api = api;
    this.pad = "x".repeat(padBytes);
    for (int t = 0; t < threadCount; t++) {
      Deque<Pending> pending = new ArrayDeque<>();
      pendings.add(pending);
      String p = prefix + "-w" + t + "-";
      Thread th = new Thread(() -> run(p, pending), "writer-" + t);
      th.setDaemon(true);
      threads.add(th);
    }
  }

  EventWriter start() {
    threads.forEach(Thread::start);
    return this;
  }

  /** Where requests go from now on (after a restart). */
  void target(Api next) {
    this.api = next;
  }

  private void run(String prefix, Deque<Pending> pending) {
    Random rnd = new Random();
    long seq = 0;
    while (!stop) {
      List<Pending> work = new ArrayList<>();
      // a client with a backlog (the server was down) resends it before making new events, so what
      // it has sent but not had acknowledged stays small and the final drain is short
      if (!pending.isEmpty() && (rnd.nextInt(4) == 0 || !newEvents || pending.size() >= 64)) {
        Pending first = pending.poll();
        work.add(first);
        while (first.batch && !pending.isEmpty() && pending.peek().batch && work.size() < 20) work.add(pending.poll());
        retries.addAndGet(work.size());
      } else if (newEvents) {
        boolean batch = rnd.nextInt(3) == 0;
        int n = batch ? 1 + rnd.nextInt(10) : 1;
        for (int i = 0; i < n; i++) {
          Pending e = new Pending(prefix + seq++, batch);
          sent.add(e.key);
          work.add(e);
        }
      } else {
        return; // drained
      }
      boolean ok = false;
      try {
        requests.incrementAndGet();
        ok = work.get(0).batch ? sendBatch(work, pending) : sendSingle(work.get(0));
      } catch (AssertionError e) {
        failures.add(e.getMessage());
        ok = false;
      } catch (Exception e) {
        ok = false; // the server is down or died mid-request: not acknowledged
      }
      if (!ok) {
        for (Pending p : work) if (!acked.containsKey(p.key) && !pending.contains(p)) pending.add(p);
        sleep(50);
      }
    }
  }

  private boolean sendSingle(Pending e) throws Exception {
    HttpResponse<String> r = api.post("/v1/events", body(e).toString(), Map.of("Content-Type", "application/json",
        "Idempotency-Key", e.key));
    if (r.statusCode() != 202) return expectRetryable(r);
    acked.put(e.key, Api.json(r).get("id").asText());
    return true;
  }

  private boolean sendBatch(List<Pending> es, Deque<Pending> pending) throws Exception {
    ObjectNode b = Api.JSON.createObjectNode();
    ArrayNode arr = b.putArray("events");
    for (Pending e : es) arr.add(body(e));
    HttpResponse<String> r = api.post("/v1/events/batch", b.toString());
    if (r.statusCode() != 202) return expectRetryable(r);
    JsonNode j = Api.json(r);
    for (JsonNode a : j.path("accepted")) acked.put(es.get(a.get("index").asInt()).key, a.get("id").asText());
    for (JsonNode rej : j.path("rejected")) {
      int status = rej.path("status").asInt();
      if (status != 409 && status != 503) throw new AssertionError("batch item rejected: " + rej);
      pending.add(es.get(rej.get("index").asInt()));
    }
    return true;
  }

  private static boolean expectRetryable(HttpResponse<String> r) {
    if (r.statusCode() == 409 || r.statusCode() == 503) return false;
    throw new AssertionError("unexpected " + r.statusCode() + ": " + r.body());
  }

  private ObjectNode body(Pending e) {
    ObjectNode o = Api.JSON.createObjectNode().put("type", "reliability.crash");
    if (e.batch) o.put("id", e.key);
    o.putObject("data").put("key", e.key).put("pad", pad);
    return o;
  }

  /** Stops creating new events and resends every pending one until acknowledged; false on timeout. */
  boolean drain(long timeoutMillis) throws InterruptedException {
    newEvents = false;
    long deadline = System.currentTimeMillis() + timeoutMillis;
    for (Thread t : threads) t.join(Math.max(1, deadline - System.currentTimeMillis()));
    return threads.stream().noneMatch(Thread::isAlive);
  }

  Map<String, String> acked() {
    return acked;
  }

  Set<String> sent() {
    return sent;
  }

  /** Answers no well-behaved server gives (anything but 202, 409, 503). */
  List<String> failures() {
    return failures;
  }

  long retries() {
    return retries.get();
  }

  long requests() {
    return requests.get();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    for (Thread t : threads) t.join(5_000);
  }
}
