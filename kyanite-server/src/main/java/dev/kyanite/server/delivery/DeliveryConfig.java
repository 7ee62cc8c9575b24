package dev.kyanite.server.delivery;

import java.time.Duration;
import java.util.List;

/**
 * Tunables of the delivery engine; the server fills it from the {@code delivery.*} config keys
 * (see docs/configuration.md). {@link #defaults()} is production-safe.
 *
 * @param allowPrivateTargets deliver to private/loopback addresses (development, tests, benchmarks)
 * @param allowCidrs address blocks allowed even though they are private
 * @param retry the default retry policy (endpoints may override the schedule)
 * @param defaultTimeout request timeout for endpoints that set none
 * @param defaultMaxInFlight concurrent requests per endpoint that sets none
 * @param responseBodyLimit bytes of a response body kept in the attempts ledger
 * @param recordSuccesses whether successful attempts are written to the ledger (failures always are)
 * @param breakerThreshold consecutive failed attempts that open an endpoint's circuit
 * @param breakerCoolDown first pause of an open circuit (doubles per failed probe)
 * @param breakerMaxCoolDown longest pause
 * @param disableAfter an endpoint failing continuously this long is disabled
 * @param rotationGrace how long an old secret keeps signing after a rotation
 * @param spillAfter a live pair still queued after this long is stored as scheduled, so the log
 *     position can be committed without waiting for a slow endpoint
 * @param maxQueuePerEndpoint live pairs queued in memory per endpoint; a worker with more waits
 *     (backpressure) while the endpoint drains, else they are spilled to the store
 * @param queueWait how long a worker waits for room in a full endpoint queue; an endpoint whose
 *     oldest queued pair waited longer than this is slow, and its overflow is spilled at once
 * @param schedulerInterval how often the scheduler looks for due retries
 * @param userAgent the {@code user-agent} header
 */
public record DeliveryConfig(
    boolean allowPrivateTargets,
    List<Cidr> allowCidrs,
    RetryPolicy retry,
    Duration defaultTimeout,
    int defaultMaxInFlight,
    int responseBodyLimit,
    boolean recordSuccesses,
    int breakerThreshold,
    Duration breakerCoolDown,
    Duration breakerMaxCoolDown,
    Duration disableAfter,
    Duration rotationGrace,
    Duration spillAfter,
    int maxQueuePerEndpoint,
    Duration queueWait,
    Duration schedulerInterval,
    String userAgent) {

  public static DeliveryConfig defaults() {
    return new DeliveryConfig(false, List.of(), RetryPolicy.defaults(), Duration.ofSeconds(15), 16, 4_096, true, 10,
        Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofDays(5), Duration.ofHours(24), Duration.ofSeconds(10),
        1_000, Duration.ofSeconds(5), Duration.ofMillis(200), "Kyanite-Webhooks/1.0");
  }

  public SsrfGuard ssrfGuard() {
    return new SsrfGuard(allowPrivateTargets, allowCidrs);
  }

  public DeliveryConfig withAllowPrivateTargets(boolean allow) {
    return new DeliveryConfig(allow, allowCidrs, retry, defaultTimeout, defaultMaxInFlight, responseBodyLimit,
        recordSuccesses, breakerThreshold, breakerCoolDown, breakerMaxCoolDown, disableAfter, rotationGrace, spillAfter,
        maxQueuePerEndpoint, queueWait, schedulerInterval, userAgent);
  }

  public DeliveryConfig withRetry(RetryPolicy policy) {
    return new DeliveryConfig(allowPrivateTargets, allowCidrs, policy, defaultTimeout, defaultMaxInFlight,
        responseBodyLimit, recordSuccesses, breakerThreshold, breakerCoolDown, breakerMaxCoolDown, disableAfter,
        rotationGrace, spillAfter, maxQueuePerEndpoint, queueWait, schedulerInterval, userAgent);
  }

  public DeliveryConfig withBreaker(int threshold, Duration coolDown) {
    return new DeliveryConfig(allowPrivateTargets, allowCidrs, retry, defaultTimeout, defaultMaxInFlight,
        responseBodyLimit, recordSuccesses, threshold, coolDown, breakerMaxCoolDown, disableAfter, rotationGrace,
        spillAfter, maxQueuePerEndpoint, queueWait, schedulerInterval, userAgent);
  }

  public DeliveryConfig withSpill(Duration after, int maxQueue) {
    return new DeliveryConfig(allowPrivateTargets, allowCidrs, retry, defaultTimeout, defaultMaxInFlight,
        responseBodyLimit, recordSuccesses, breakerThreshold, breakerCoolDown, breakerMaxCoolDown, disableAfter,
        rotationGrace, after, maxQueue, queueWait, schedulerInterval, userAgent);
  }

  public DeliveryConfig withRecordSuccesses(boolean record) {
    return new DeliveryConfig(allowPrivateTargets, allowCidrs, retry, defaultTimeout, defaultMaxInFlight,
        responseBodyLimit, record, breakerThreshold, breakerCoolDown, breakerMaxCoolDown, disableAfter, rotationGrace,
        spillAfter, maxQueuePerEndpoint, queueWait, schedulerInterval, userAgent);
  }

  public DeliveryConfig withQueueWait(Duration wait) {
    return new DeliveryConfig(allowPrivateTargets, allowCidrs, retry, defaultTimeout, defaultMaxInFlight,
        responseBodyLimit, recordSuccesses, breakerThreshold, breakerCoolDown, breakerMaxCoolDown, disableAfter,
        rotationGrace, spillAfter, maxQueuePerEndpoint, wait, schedulerInterval, userAgent);
  }
}
