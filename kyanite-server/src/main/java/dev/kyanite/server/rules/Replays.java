package dev.kyanite.server.rules;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.event.EventPipeline;
import dev.kyanite.core.event.PipelineResult;
import dev.kyanite.core.log.EventLog;
import dev.kyanite.core.log.LogRecord;
import dev.kyanite.server.delivery.DeliveryService;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replay jobs: re-deliver the events still in the log to one endpoint.
 *
 * <p>A job scans every partition from its oldest retained record up to the end as it was when the
 * job started, and selects events whose {@code received_at} is in {@code [since, until)}, whose type
 * matches one of {@code types} (if given) and whose {@code filter} (CEL, if given) is true. Each
 * selected event runs through the current rules (so redaction and transforms apply as for live
 * traffic) and goes to the endpoint through the normal delivery path — same lanes, same rate limit,
 * same {@code webhook-id} (derived from the event and endpoint ids) — only if the rules and the
 * endpoint's own globs and filter would deliver it there. At most {@link #MAX_OUTSTANDING} events of
 * a job are in delivery at once, so a replay queues behind the endpoint's limit instead of flooding
 * it. Jobs live in memory (lost on restart; the latest {@link #MAX_KEPT} are kept) and run on one
 * daemon thread each, at most {@link #MAX_RUNNING} at once. Thread-safe.
 */
public final class Replays implements AutoCloseable {
  static final int MAX_OUTSTANDING = 64;
  /** Jobs running at once; more are refused until one ends. */
  static final int MAX_RUNNING = 4;
  /** Jobs kept for {@code GET /v1/replays/{id}}, running or finished. */
  static final int MAX_KEPT = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(Replays.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * What to replay. {@code until}, {@code types} and {@code filter} may be null; {@code rate} is the
   * endpoint's rate limit (requests/s) the job paces itself to, or null for none.
   */
  public record Request(String endpointId, Instant since, Instant until, List<Glob> types, String filter, Double rate) {}

  /** A job's progress. */
  public static final class Job {
    final String id;
    final Request request;
    final Instant createdAt;
    final AtomicLong scanned = new AtomicLong();
    final AtomicLong matched = new AtomicLong();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong settled = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    volatile String status = "running";
    volatile Instant finishedAt;
    volatile boolean cancelled;

    Job(String id, Request request, Instant createdAt) {
      this.id = id;
      this.request = request;
      this.createdAt = createdAt;
    }

    public String id() {
      return id;
    }

    ObjectNode json() {
      ObjectNode o = JsonNodeFactory.instance.objectNode().put("id", id).put("endpoint_id", request.endpointId())
          .put("status", status).put("since", request.since().toString());
      if (request.until() != null) o.put("until", request.until().toString());
      if (request.types() != null) o.set("types", EventCodec.mapper().valueToTree(request.types().stream().map(Glob::pattern).toList()));
      if (request.filter() != null) o.put("filter", request.filter());
      o.put("scanned", scanned.get()).put("matched", matched.get()).put("sent", sent.get())
          .put("settled", settled.get()).put("skipped", skipped.get()).put("created_at", createdAt.toString());
      if (finishedAt != null) o.put("finished_at", finishedAt.toString());
      return o;
    }
  }

  private final EventLog log;
  private final EventPipeline pipeline;
  private final EndpointFilters filters;
  private final Supplier<DeliveryService> delivery;
  private final Clock clock;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "kyanite-replay");
    t.setDaemon(true);
    return t;
  });

  Replays(EventLog log, EventPipeline pipeline, EndpointFilters filters, Supplier<DeliveryService> delivery, Clock clock) {
    this.log = log;
    this.pipeline = pipeline;
    this.filters = filters;
    this.delivery = delivery;
    this.clock = clock;
  }

  /**
   * Starts a job; the request was validated by the caller (endpoint exists, filter compiles).
   *
   * @return the job, or empty when {@link #MAX_RUNNING} jobs are running already (each holds a
   *     thread and reads the whole log)
   */
  public synchronized Optional<Job> start(Request request) {
    // a cancelled job whose thread has not stopped yet no longer counts
    if (jobs.values().stream().filter(j -> !j.cancelled && j.finishedAt == null).count() >= MAX_RUNNING) return Optional.empty();
    forgetOldFinished();
    String id = "rpl_" + HexFormat.of().formatHex(bytes());
    Job job = new Job(id, request, clock.instant());
    jobs.put(id, job);
    threads.execute(() -> run(job));
    return Optional.of(job);
  }

  /** Keeps at most {@link #MAX_KEPT} jobs in memory, forgetting the finished ones that ended first. */
  private void forgetOldFinished() {
    int over = jobs.size() + 1 - MAX_KEPT;
    if (over <= 0) return;
    jobs.values().stream().filter(j -> j.finishedAt != null)
        .sorted(java.util.Comparator.comparing((Job j) -> j.finishedAt)).limit(over).toList()
        .forEach(j -> jobs.remove(j.id));
  }

  private static byte[] bytes() {
    byte[] b = new byte[10];
    RANDOM.nextBytes(b);
    return b;
  }

  public Optional<Job> find(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** @return false when there is no such job */
  public boolean cancel(String id) {
    Job j = jobs.get(id);
    if (j == null) return false;
    j.cancelled = true;
    return true;
  }

  private void run(Job job) {
    Semaphore outstanding = new Semaphore(MAX_OUTSTANDING);
    long started = System.nanoTime();
    Request q = job.request;
    try {
      DeliveryService service = delivery.get();
      for (int p = 0; p < log.partitions() && !job.cancelled; p++) {
        long end = log.endPosition(p);
        long next = log.startPosition(p);
        while (next < end && !job.cancelled) {
          List<LogRecord> batch = log.read(p, next, (int) Math.min(500, end - next), Duration.ZERO);
          if (batch.isEmpty()) break;
          for (LogRecord r : batch) {
            if (r.position() >= end || job.cancelled) break;
            next = r.position() + 1;
            job.scanned.incrementAndGet();
            Event e;
            try {
              e = EventCodec.decode(r.payload());
            } catch (IllegalArgumentException bad) {
              continue;
            }
            if (!selected(q, e)) continue;
            job.matched.incrementAndGet();
            PipelineResult result = pipeline.apply(e);
            List<DeliveryService.Lane> lanes = service.route(result).stream()
                .filter(l -> l.endpointId().equals(q.endpointId())).toList();
            if (lanes.isEmpty()) {
              job.skipped.incrementAndGet();
              continue;
            }
            pace(job, q.rate(), started);
            while (!job.cancelled && !outstanding.tryAcquire(200, TimeUnit.MILLISECONDS)) {
              // the endpoint is slower than the replay: wait for deliveries to settle
            }
            if (job.cancelled) break;
            job.sent.incrementAndGet();
            service.submit(result.event(), lanes, () -> {
              job.settled.incrementAndGet();
              outstanding.release();
            });
          }
        }
      }
      job.status = job.cancelled ? "cancelled" : "completed";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      job.status = "cancelled";
    } catch (RuntimeException e) {
      LOG.warn("replay {} failed: {}", job.id, e.toString());
      job.status = "failed";
    }
    job.finishedAt = clock.instant();
  }

  /**
   * Keeps a job at or below the endpoint's rate limit on its own, so that even when delivery parks
   * a backlog the replay does not run ahead of what the endpoint accepts.
   */
  private static void pace(Job job, Double rate, long startedNanos) throws InterruptedException {
    if (rate == null || rate <= 0) return;
    long due = startedNanos + (long) (job.sent.get() / rate * 1e9);
    long wait;
    while (!job.cancelled && (wait = due - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(Math.min(wait, 100_000_000L));
    }
  }

  private boolean selected(Request q, Event e) {
    if (e.receivedAt().isBefore(q.since())) return false;
    if (q.until() != null && !e.receivedAt().isBefore(q.until())) return false;
    if (q.types() != null && q.types().stream().noneMatch(g -> g.matches(e.type()))) return false;
    return q.filter() == null || filters.matches(q.filter(), e);
  }

  @Override
  public void close() {
    jobs.values().forEach(j -> j.cancelled = true);
    threads.shutdownNow();
  }
}
