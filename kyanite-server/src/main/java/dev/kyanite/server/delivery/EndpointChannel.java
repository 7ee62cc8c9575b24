package dev.kyanite.server.delivery;

import dev.kyanite.core.store.Attempt;
import dev.kyanite.core.store.Delivery;
import dev.kyanite.core.store.DeliveryStatus;
import dev.kyanite.core.store.Endpoint;
import dev.kyanite.server.TokenBucket;
import dev.kyanite.server.delivery.RetryPolicy.Decision;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The delivery lane of one endpoint: its own queue, at most {@code max_in_flight} requests at once,
 * its rate limit and circuit breaker. Lanes share nothing but the HTTP client and the store writer,
 * so a slow or failing endpoint never holds up another one.
 *
 * <p>Queued live pairs are spilled to the store as scheduled deliveries when they wait too long,
 * when the queue is full, or while the circuit is open — that is what lets the partition commit
 * move on. Thread-safe: state is guarded by this object's monitor; sends start outside it.
 */
final class EndpointChannel {
  /** What a lane reports to the service. */
  interface Owner {
    void disable(String endpointId, String reason);

    void failingSince(String endpointId, Instant since);

    /** Whether other endpoints are enabled (only then may a slow lane need to get out of their way). */
    default boolean othersEnabled() {
      return true;
    }
  }

  private final Vertx vertx;
  private final HttpSender sender;
  private final StoreWriter writer;
  private final DeliveryConfig cfg;
  private final Clock clock;
  private final Owner owner;
  private final DeliveryMetrics metrics;
  private final ArrayDeque<DeliveryTask> queue = new ArrayDeque<>();
  /** Live tasks whose attempt is running, oldest first (to park long-running ones). */
  private final java.util.LinkedHashSet<DeliveryTask> running = new java.util.LinkedHashSet<>();
  private final CircuitBreaker breaker;
  /**
   * The lane's own event-loop context: every request of the lane is issued from it, so requests,
   * their pooled connections and their callbacks stay on one event loop (requests issued from
   * foreign threads each got a fresh context and stalled under load).
   */
  private final io.vertx.core.Context context;
  private volatile Endpoint endpoint;
  private volatile TypeGlob glob;
  private volatile Target target;
  private volatile RetryPolicy policy;
  private volatile List<byte[]> keys;
  private volatile Instant keysValidUntil;
  private TokenBucket bucket;
  private Instant failingSince;
  private int inFlight;
  /** Consumer threads waiting for room in {@link #queue}. */
  private int waiters;
  /** Set when the lane could not take a consumer's pair in time; overflow spills without waiting. */
  private boolean slow;
  /** When the lane last moved pairs from its queue to sending (its progress). */
  private long lastSentNanos = System.nanoTime();
  private boolean pumping;
  private boolean pumpAgain;
  private boolean timerArmed;
  private boolean closed;

  EndpointChannel(Endpoint endpoint, Vertx vertx, HttpSender sender, StoreWriter writer, DeliveryConfig cfg, Clock clock,
      Owner owner, DeliveryMetrics metrics) {
    this.vertx = vertx;
    this.sender = sender;
    this.writer = writer;
    this.cfg = cfg;
    this.clock = clock;
    this.owner = owner;
    this.metrics = metrics;
    this.breaker = new CircuitBreaker(cfg.breakerThreshold(), cfg.breakerCoolDown(), cfg.breakerMaxCoolDown(), clock);
    this.context = ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext();
    this.failingSince = endpoint.failingSince();
    update(endpoint);
  }

  /** Applies a changed endpoint (URL, limits, secrets, enabled…); queued work stays queued. */
  synchronized void update(Endpoint e) {
    Endpoint old = this.endpoint;
    this.endpoint = e;
    this.glob = TypeGlob.of(e.eventTypes());
    this.target = Target.of(e.url());
    this.policy = cfg.retry().withSchedule(e.retrySchedule());
    this.keys = null;
    if (e.rateLimit() == null) bucket = null;
    else if (old == null || !e.rateLimit().equals(old.rateLimit())) bucket = new TokenBucket(e.rateLimit(), Math.max(1, e.rateLimit()), System.nanoTime());
  }

  Endpoint endpoint() {
    return endpoint;
  }

  boolean matches(String type) {
    return glob.matches(type);
  }

  /** Whether the scheduler may hand this lane stored deliveries now. */
  synchronized boolean accepting() {
    if (closed || !endpoint.enabled() || queue.size() >= 2 * maxInFlight()) return false;
    if (breaker.state() == CircuitBreaker.State.CLOSED) return true;
    Instant until = breaker.openUntil();
    return until != null && !clock.instant().isBefore(until); // lets the half-open probe through
  }

  synchronized int queued() {
    return queue.size();
  }

  synchronized CircuitBreaker.State circuit() {
    return breaker.state();
  }

  /**
   * Queues a pair. A live pair (from a log consumer thread) meeting a full queue waits for room —
   * backpressure: the consumer stops reading and the log keeps the backlog — as long as the lane is
   * merely busy. A slow lane gets the pair spilled to the store instead, so that it never holds up
   * the consumer and with it the other endpoints: slow means it sent nothing for {@code queue-wait},
   * or (with other endpoints enabled) its oldest queued pair has waited more than half of
   * {@code park-after}; it then stays slow until it drains to half its queue. Never waits on an
   * event loop.
   */
  void submit(DeliveryTask t) {
    boolean spill;
    synchronized (this) {
      int max = cfg.maxQueuePerEndpoint();
      if (t.live && !closed && !slow && queue.size() >= max) awaitRoom(max);
      spill = closed || (t.live && queue.size() >= max);
      t.enqueuedNanos = System.nanoTime();
      if (!spill) queue.add(t);
    }
    if (spill) park(List.of(t), clock.instant());
    else pump();
  }

  /**
   * Waits (monitor held, released while waiting) for room while the lane makes progress; marks the
   * lane slow when it sent nothing for queue-wait or — when there are other endpoints to keep going
   * — its oldest queued pair is older than half of park-after. (Spilling a lone endpoint's backlog
   * would help nobody: the log already holds it, and the store is the slower place for it.)
   */
  private void awaitRoom(int max) {
    long limit = cfg.queueWait().toNanos();
    if (limit <= 0 || io.vertx.core.Context.isOnEventLoopThread()) return;
    long slowAge = cfg.spillAfter().toNanos() / 2;
    waiters++;
    try {
      while (!closed && queue.size() >= max) {
        long now = System.nanoTime();
        DeliveryTask oldest = queue.peek();
        boolean lagging = oldest != null && now - oldest.enqueuedNanos > slowAge && owner.othersEnabled();
        if (now - lastSentNanos > limit || lagging) {
          slow = true;
          return;
        }
        wait(Math.max(1, limit / 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      waiters--;
    }
  }

  /**
   * After pairs left the queue for sending: once it is down to half, the lane is no longer slow and
   * waiting consumers wake (hysteresis: one wake-up per many pairs, not per pair). Monitor held.
   */
  private void drained() {
    if (queue.size() <= cfg.maxQueuePerEndpoint() / 2) {
      slow = false;
      if (waiters > 0) notifyAll();
    }
  }

  /**
   * Parks live pairs that waited longer than {@code spillAfter} (run periodically): queued ones are
   * moved to the store; running ones get a store row due only after their attempt's timeout (so
   * the scheduler does not send them twice) while the attempt goes on. Either way the pair settles
   * and the partition commit can move past it.
   */
  void spillStale() {
    long limit = System.nanoTime() - cfg.spillAfter().toNanos();
    List<DeliveryTask> stale = new ArrayList<>();
    Instant now = clock.instant();
    synchronized (this) {
      queue.removeIf(t -> {
        boolean old = t.live && t.enqueuedNanos < limit;
        if (old) stale.add(t);
        return old;
      });
      Instant after = now.plusMillis(timeoutMs(endpoint)).plusSeconds(1);
      for (DeliveryTask t : running) {
        if (t.startedNanos >= limit) break;
        if (t.parkedInFlight) continue;
        t.parkedInFlight = true;
        // enqueued under the lock: ordered before the write of the attempt's own outcome
        settleAfter(writer.durable(t.parked(endpoint.id(), after, now), null), t);
      }
    }
    if (!stale.isEmpty()) park(stale, now);
  }

  private long timeoutMs(Endpoint ep) {
    return ep.timeoutMs() > 0 ? ep.timeoutMs() : cfg.defaultTimeout().toMillis();
  }

  /** Stops the lane (endpoint deleted or disabled): queued pairs are parked for the scheduler to settle. */
  void close() {
    List<DeliveryTask> rest;
    synchronized (this) {
      closed = true;
      rest = new ArrayList<>(queue);
      queue.clear();
      if (waiters > 0) notifyAll();
    }
    if (!rest.isEmpty()) park(rest, clock.instant());
  }

  /** Re-opens a lane closed by a disable; returns true. */
  synchronized boolean reopen() {
    closed = false;
    return true;
  }

  private int maxInFlight() {
    return Math.max(1, endpoint.maxInFlight());
  }

  private void pump() {
    synchronized (this) {
      if (pumping) {
        pumpAgain = true;
        return;
      }
      pumping = true;
    }
    try {
      while (true) {
        List<DeliveryTask> send = new ArrayList<>();
        List<DeliveryTask> parked = null;
        Instant parkUntil = null;
        long waitNanos = 0;
        synchronized (this) {
          pumpAgain = false;
          int max = maxInFlight();
          while (inFlight < max && !queue.isEmpty()) {
            long now = System.nanoTime();
            if (bucket != null && (waitNanos = bucket.nanosUntilToken(now)) > 0) break;
            if (!breaker.tryAcquire()) {
              parked = new ArrayList<>(queue);
              queue.clear();
              Instant until = breaker.openUntil();
              parkUntil = until != null ? until : clock.instant().plus(cfg.breakerCoolDown());
              break;
            }
            if (bucket != null) bucket.tryAcquire(now);
            DeliveryTask next = queue.poll();
            next.startedNanos = System.nanoTime();
            if (next.live) running.add(next);
            send.add(next);
            inFlight++;
          }
          if (!send.isEmpty()) lastSentNanos = System.nanoTime();
          if (!send.isEmpty() || parked != null) drained();
          if (waitNanos > 0 && !timerArmed && !queue.isEmpty()) {
            timerArmed = true;
          } else {
            waitNanos = 0;
          }
        }
        if (parked != null) park(parked, parkUntil);
        if (waitNanos > 0) {
          vertx.setTimer(Math.max(1, waitNanos / 1_000_000), id -> {
            synchronized (this) {
              timerArmed = false;
            }
            pump();
          });
        }
        if (!send.isEmpty()) {
          if (Vertx.currentContext() == context) {
            for (DeliveryTask t : send) start(t);
          } else {
            context.runOnContext(v -> {
              for (DeliveryTask t : send) start(t);
            });
          }
        }
        synchronized (this) {
          if (!pumpAgain) {
            pumping = false;
            return;
          }
        }
      }
    } catch (RuntimeException | Error e) {
      synchronized (this) {
        pumping = false;
      }
      throw e;
    }
  }

  private void start(DeliveryTask t) {
    Endpoint ep = endpoint;
    metrics.attemptStarted();
    sender.send(target, ep.headers(), signingKeys(ep), timeoutMs(ep), t)
        .onComplete(ar -> onResult(t, ep, ar.result()));
  }

  private List<byte[]> signingKeys(Endpoint ep) {
    Instant now = clock.instant();
    List<byte[]> k = keys;
    Instant until = keysValidUntil;
    if (k == null || (until != null && !now.isBefore(until))) {
      k = ep.signingSecrets(now).stream().map(WebhookSigner::key).toList();
      keysValidUntil = k.size() > 1 ? ep.previousSecretExpiresAt() : null;
      keys = k;
    }
    return k;
  }

  private void onResult(DeliveryTask t, Endpoint ep, AttemptResult r) {
    Instant now = clock.instant();
    AttemptOutcome o = r.outcome();
    Decision d = policy.nextDelay(t.attempt, o, r.retryAfter(), () -> ThreadLocalRandom.current().nextDouble());
    Instant reportFailing = null;
    boolean clearFailing = false;
    boolean disableForFailing = false;
    boolean parkedInFlight;
    synchronized (this) {
      inFlight--;
      running.remove(t);
      parkedInFlight = t.parkedInFlight;
      if (o.success()) {
        breaker.onSuccess();
        clearFailing = failingSince != null;
        failingSince = null;
      } else {
        breaker.onFailure();
        if (failingSince == null) {
          failingSince = now;
          reportFailing = now;
        } else if (Duration.between(failingSince, now).compareTo(cfg.disableAfter()) >= 0) {
          disableForFailing = true;
        }
      }
    }
    if (clearFailing) owner.failingSince(ep.id(), null);
    if (reportFailing != null) owner.failingSince(ep.id(), reportFailing);
    metrics.attemptFinished(o, r.durationMs());
    Integer status = o.status() == 0 ? null : o.status();
    boolean keepBody = !o.success() || cfg.recordSuccesses();
    Attempt attempt = new Attempt(Ids.attempt(), t.msgId, t.eventId, ep.id(), t.attempt, r.startedAt(), r.durationMs(), status,
        o.errorClass(), keepBody ? r.responseBody() : null);
    switch (d.kind()) {
      case DELIVERED -> {
        Delivery row = t.row(ep.id(), DeliveryStatus.DELIVERED, t.attempt, null, status, null, now);
        metrics.onDelivered();
        if (t.live && !parkedInFlight) {
          if (cfg.recordSuccesses()) writer.ledger(row, attempt);
          t.settle();
        } else {
          settleAfter(writer.durable(row, attempt), t);
        }
      }
      case RETRY -> settleAfter(writer.durable(
          t.row(ep.id(), DeliveryStatus.RETRYING, t.attempt, now.plus(d.delay()), status, o.errorClass(), now), attempt), t);
      case FAILED -> {
        metrics.onFailed();
        settleAfter(writer.durable(t.row(ep.id(), DeliveryStatus.FAILED, t.attempt, null, status, o.errorClass(), now), attempt), t);
      }
      case DISABLE_ENDPOINT -> {
        metrics.onFailed();
        settleAfter(writer.durable(t.row(ep.id(), DeliveryStatus.FAILED, t.attempt, null, status, "gone", now), attempt), t);
        close(); // stop sending at once; the store and the registry follow
        owner.disable(ep.id(), "gone");
      }
    }
    if (disableForFailing) {
      close();
      owner.disable(ep.id(), "failing");
    }
    pump();
  }

  private void park(List<DeliveryTask> tasks, Instant until) {
    Instant now = clock.instant();
    String id = endpoint.id();
    metrics.parked(tasks.size());
    for (DeliveryTask t : tasks) settleAfter(writer.durable(t.parked(id, until, now), null), t);
  }

  private static void settleAfter(java.util.concurrent.CompletableFuture<Void> durable, DeliveryTask t) {
    // not settled on failure (only at shutdown): the log position stays uncommitted and is redelivered
    durable.thenRun(t::settle);
  }
}
