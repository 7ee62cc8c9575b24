package dev.kyanite.server.auth;

import dev.kyanite.server.config.ConfigKey;
import java.time.Duration;
import java.util.List;

/** Configuration of authentication and per-key rate limits. */
public final class AuthKeys {
  private AuthKeys() {}

  public static final ConfigKey<String> ADMIN_KEY = ConfigKey.string("admin.key", null,
      "An extra admin API key accepted as is (any string of 20–256 characters; a `kya_` secret is best). "
          + "When unset and the data dir has no keys, the first start creates one in `<data-dir>/admin.key`.")
      .check(s -> s.length() >= 20 && s.length() <= 256, "20 to 256 characters long").secret();

  public static final ConfigKey<Double> RATE_LIMIT = ConfigKey.decimal("auth.rate-limit", 0.0,
      "Default requests per second per API key, for keys without their own `rate_limit`. 0 = unlimited.")
      .check(d -> d >= 0, ">= 0");

  public static final ConfigKey<Double> BURST_SECONDS = ConfigKey.decimal("auth.burst-seconds", 1.0,
      "Bucket size of a key's rate limit, in seconds of its rate (burst = max(1, rate × this)).")
      .check(d -> d > 0, "> 0");

  public static final ConfigKey<Duration> CACHE_TTL = ConfigKey.duration("auth.cache-ttl", Duration.ofSeconds(30),
      "How long a verified key is trusted from memory before it is looked up in the store again. A revocation "
          + "through the API applies at once.");

  public static List<ConfigKey<?>> all() {
    return List.of(ADMIN_KEY, RATE_LIMIT, BURST_SECONDS, CACHE_TTL);
  }
}
