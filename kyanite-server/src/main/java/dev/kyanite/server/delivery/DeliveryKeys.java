package dev.kyanite.server.delivery;

import dev.kyanite.server.config.Config;
import dev.kyanite.server.config.ConfigKey;
import dev.kyanite.server.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The {@code delivery.*} and {@code workers.*} configuration keys (documented in docs/configuration.md). */
public final class DeliveryKeys {
  private DeliveryKeys() {}

  public static final ConfigKey<Boolean> WORKERS_ENABLED = ConfigKey.bool("workers.enabled", true,
      "Run the log consumers and webhook delivery in this process. Off: events are accepted and kept in the log, "
          + "and delivered once the server runs with workers on.");
  public static final ConfigKey<Integer> WORKERS_MAX_IN_FLIGHT = ConfigKey.integer("workers.max-in-flight", 20_000,
      "Events read from one partition but not yet delivered or durably scheduled (the pipelining window).")
      .check(n -> n >= 1, ">= 1");
  public static final ConfigKey<Duration> WORKERS_COMMIT_INTERVAL = ConfigKey.duration("workers.commit-interval",
      Duration.ofSeconds(1), "How often each partition commits its consumer position (each commit rewrites and "
          + "fsyncs the offsets file; after a crash, pairs settled since the last commit are delivered again).");
  public static final ConfigKey<Boolean> ALLOW_PRIVATE = ConfigKey.bool("delivery.allow-private-targets", false,
      "Allow webhook URLs on loopback, private, link-local and other internal addresses (development, tests, "
          + "benchmarks). Off in production: such targets are refused at registration and at delivery (SSRF guard).");
  public static final ConfigKey<List<String>> ALLOW_CIDRS = ConfigKey.list("delivery.allow-cidrs", List.of(),
      "Internal address blocks webhooks may reach even though private targets are refused, e.g. `10.20.0.0/16`.")
      .check(l -> allParse(l, Cidr::parse), "CIDR blocks such as 10.20.0.0/16 or fd00::/8");
  public static final ConfigKey<List<String>> RETRY_SCHEDULE = ConfigKey.list("delivery.retry-schedule",
      List.of("5s", "5m", "30m", "2h", "5h", "10h", "10h"),
      "Delays between attempts; one retry per entry, then the delivery fails (dead letter). Endpoints may override.")
      .check(l -> allParse(l, Durations::parse), "durations such as 5s,5m,30m,2h");
  public static final ConfigKey<Double> RETRY_JITTER = ConfigKey.decimal("delivery.retry-jitter", 0.2,
      "Random spread of each retry delay (0.2 = ±20 %).").check(j -> j >= 0 && j < 1, "0 <= jitter < 1");
  public static final ConfigKey<Duration> OVERLOAD_MIN = ConfigKey.duration("delivery.overload-min-delay", Duration.ofSeconds(60),
      "Least delay before retrying after a timeout or a 429 (the receiver is overloaded).");
  public static final ConfigKey<Duration> TIMEOUT = ConfigKey.duration("delivery.timeout", Duration.ofSeconds(15),
      "Request timeout for endpoints that set no `timeout_ms`; a 2xx must arrive within it.");
  public static final ConfigKey<Integer> MAX_IN_FLIGHT = ConfigKey.integer("delivery.max-in-flight", 16,
      "Concurrent requests per endpoint for endpoints that set no `max_in_flight`.").check(n -> n >= 1, ">= 1");
  public static final ConfigKey<Long> RESPONSE_BODY_LIMIT = ConfigKey.bytes("delivery.response-body-limit", 4_096L,
      "Bytes of a receiver's response body kept in the attempts ledger (Svix keeps up to 20000).").check(n -> n >= 0 && n <= 1 << 20, "0..1MiB");
  public static final ConfigKey<Boolean> RECORD_SUCCESSES = ConfigKey.bool("delivery.ledger.record-successes", true,
      "Write successful attempts to the ledger (asynchronously, in batches). Failures are always recorded.");
  public static final ConfigKey<Integer> BREAKER_THRESHOLD = ConfigKey.integer("delivery.breaker.failures", 10,
      "Consecutive failed attempts that pause an endpoint (circuit open).").check(n -> n >= 1, ">= 1");
  public static final ConfigKey<Duration> BREAKER_COOL_DOWN = ConfigKey.duration("delivery.breaker.cool-down",
      Duration.ofSeconds(30), "First pause of an open circuit before a probe; doubles after each failed probe.");
  public static final ConfigKey<Duration> BREAKER_MAX_COOL_DOWN = ConfigKey.duration("delivery.breaker.max-cool-down",
      Duration.ofMinutes(10), "Longest pause of an open circuit.");
  public static final ConfigKey<Duration> DISABLE_AFTER = ConfigKey.duration("delivery.disable-after", Duration.ofDays(5),
      "An endpoint whose attempts keep failing for this long is disabled (`disabled_reason: failing`).");
  public static final ConfigKey<Duration> ROTATION_GRACE = ConfigKey.duration("delivery.secret-rotation-grace",
      Duration.ofHours(24), "After a secret rotation the old secret keeps signing (a second signature) this long.");
  public static final ConfigKey<Duration> SPILL_AFTER = ConfigKey.duration("delivery.park-after", Duration.ofSeconds(10),
      "A pair waiting this long for a slow endpoint is written to the store as scheduled, so the log commit moves on.");
  public static final ConfigKey<Integer> MAX_QUEUE = ConfigKey.integer("delivery.max-queue", 1_000,
      "Pairs queued in memory per endpoint. When full, the log consumer waits for room (backpressure: the log holds "
          + "the backlog) unless the endpoint is slow (see `delivery.queue-wait`); then new pairs are written to the "
          + "store.").check(n -> n >= 1, ">= 1");
  public static final ConfigKey<Duration> QUEUE_WAIT = ConfigKey.duration("delivery.queue-wait", Duration.ofSeconds(5),
      "How long the log consumer waits for a full endpoint queue to move. An endpoint that sends nothing for "
          + "this long, or (when other endpoints are enabled) whose oldest queued pair waited half of "
          + "`delivery.park-after`, is slow: its overflow is written to the store at once, so it does not hold up "
          + "other endpoints. 0 = never wait (always spill).");
  public static final ConfigKey<Duration> SCHEDULER_INTERVAL = ConfigKey.duration("delivery.scheduler-interval",
      Duration.ofMillis(200), "How often the scheduler looks for due retries (a due retry leaves within about this).");

  public static final ConfigKey<Duration> LEDGER_RETENTION = ConfigKey.duration("delivery.ledger.retention", Duration.ofDays(30),
      "Finished deliveries (delivered, failed, filtered) and attempts older than this are deleted, hourly; "
          + "scheduled retries are always kept. 0 keeps everything.");

  public static List<ConfigKey<?>> all() {
    return List.of(WORKERS_ENABLED, WORKERS_MAX_IN_FLIGHT, WORKERS_COMMIT_INTERVAL, ALLOW_PRIVATE, ALLOW_CIDRS, RETRY_SCHEDULE,
        RETRY_JITTER, OVERLOAD_MIN, TIMEOUT, MAX_IN_FLIGHT, RESPONSE_BODY_LIMIT, RECORD_SUCCESSES, BREAKER_THRESHOLD,
        BREAKER_COOL_DOWN, BREAKER_MAX_COOL_DOWN, DISABLE_AFTER, ROTATION_GRACE, SPILL_AFTER, MAX_QUEUE, QUEUE_WAIT,
        SCHEDULER_INTERVAL, LEDGER_RETENTION);
  }

  /**
   * Whether every entry parses as {@link #read} will parse it (retry delays are durations only, no
   * other bound: a schedule an earlier version ran must still start).
   */
  private static boolean allParse(List<String> entries, java.util.function.Function<String, ?> parser) {
    try {
      entries.forEach(parser::apply);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The engine settings from configuration; {@link IllegalArgumentException} naming the key when invalid. */
  public static DeliveryConfig read(Config c) {
    List<Cidr> cidrs = new ArrayList<>();
    for (String s : c.get(ALLOW_CIDRS)) {
      try {
        cidrs.add(Cidr.parse(s));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(ALLOW_CIDRS.name() + ": " + e.getMessage(), e);
      }
    }
    List<Duration> schedule = new ArrayList<>();
    for (String s : c.get(RETRY_SCHEDULE)) {
      try {
        schedule.add(Durations.parse(s));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(RETRY_SCHEDULE.name() + ": " + e.getMessage(), e);
      }
    }
    return new DeliveryConfig(c.get(ALLOW_PRIVATE), cidrs, new RetryPolicy(schedule, c.get(RETRY_JITTER), c.get(OVERLOAD_MIN)),
        c.get(TIMEOUT), c.get(MAX_IN_FLIGHT), c.get(RESPONSE_BODY_LIMIT).intValue(), c.get(RECORD_SUCCESSES),
        c.get(BREAKER_THRESHOLD), c.get(BREAKER_COOL_DOWN), c.get(BREAKER_MAX_COOL_DOWN), c.get(DISABLE_AFTER),
        c.get(ROTATION_GRACE), c.get(SPILL_AFTER), c.get(MAX_QUEUE), c.get(QUEUE_WAIT), c.get(SCHEDULER_INTERVAL), "Kyanite-Webhooks/1.0");
  }
}
