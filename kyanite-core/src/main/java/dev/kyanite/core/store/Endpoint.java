package dev.kyanite.core.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A webhook endpoint: where matching events are delivered, and how.
 *
 * @param id public identifier ({@code ep_…})
 * @param url absolute {@code http}/{@code https} URL without credentials
 * @param eventTypes type globs ({@code order.*}, {@code *}); an event is delivered when one matches
 * @param description free text, or {@code null}
 * @param rateLimit maximum requests per second, or {@code null} for unlimited
 * @param maxInFlight maximum concurrent requests (≥ 1)
 * @param timeoutMs request timeout in milliseconds (≥ 1)
 * @param retrySchedule delays between attempts overriding the server default, or {@code null}
 * @param enabled whether events are delivered; a disabled endpoint receives nothing
 * @param disabledReason why the server disabled it ({@code gone}, {@code failing}), or {@code null}
 * @param headers extra request headers (validated: no CR/LF, no hop-by-hop or {@code webhook-*})
 * @param filter a CEL condition evaluated by the rules engine, or {@code null}
 * @param secret the current signing secret ({@code whsec_…}); never logged
 * @param previousSecret the secret before the last rotation, still signing until
 *     {@code previousSecretExpiresAt}, or {@code null}
 * @param previousSecretExpiresAt end of the rotation grace period, or {@code null}
 * @param failingSince start of the current run of failed attempts, or {@code null} when healthy
 * @param createdAt creation time
 * @param updatedAt last change
 */
public record Endpoint(
    String id,
    String url,
    List<String> eventTypes,
    String description,
    Double rateLimit,
    int maxInFlight,
    int timeoutMs,
    List<Duration> retrySchedule,
    boolean enabled,
    String disabledReason,
    Map<String, String> headers,
    String filter,
    String secret,
    String previousSecret,
    Instant previousSecretExpiresAt,
    Instant failingSince,
    Instant createdAt,
    Instant updatedAt) {

  public Endpoint {
    eventTypes = List.copyOf(eventTypes);
    retrySchedule = retrySchedule == null ? null : List.copyOf(retrySchedule);
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  /** Secrets whose signatures go into the {@code webhook-signature} header at {@code now}. */
  public List<String> signingSecrets(Instant now) {
    if (previousSecret != null && previousSecretExpiresAt != null && now.isBefore(previousSecretExpiresAt)) {
      return List.of(secret, previousSecret);
    }
    return List.of(secret);
  }

  public Endpoint withEnabled(boolean on, String reason, Instant at) {
    return new Endpoint(id, url, eventTypes, description, rateLimit, maxInFlight, timeoutMs, retrySchedule, on,
        on ? null : reason, headers, filter, secret, previousSecret, previousSecretExpiresAt,
        on ? null : failingSince, createdAt, at);
  }

  public Endpoint withSecret(String newSecret, Instant previousUntil, Instant at) {
    return new Endpoint(id, url, eventTypes, description, rateLimit, maxInFlight, timeoutMs, retrySchedule, enabled,
        disabledReason, headers, filter, newSecret, secret, previousUntil, failingSince, createdAt, at);
  }

  public Endpoint withFailingSince(Instant since) {
    return new Endpoint(id, url, eventTypes, description, rateLimit, maxInFlight, timeoutMs, retrySchedule, enabled,
        disabledReason, headers, filter, secret, previousSecret, previousSecretExpiresAt, since, createdAt, updatedAt);
  }

  /** Never prints the secrets. */
  @Override
  public String toString() {
    return "Endpoint[id=" + id + ", url=" + url + ", eventTypes=" + eventTypes + ", enabled=" + enabled + "]";
  }
}
