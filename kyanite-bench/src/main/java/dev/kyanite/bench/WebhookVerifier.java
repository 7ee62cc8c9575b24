package dev.kyanite.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies Standard Webhooks v1 signatures, independently of the server's signer.
 *
 * <p>Signed content is {@code "{webhook-id}.{webhook-timestamp}.{body}"}; the key is the
 * base64-decoded part of the secret after {@code whsec_}; {@code webhook-signature} is a
 * space-separated list of {@code v1,<base64 HMAC-SHA256>} entries (several during a secret
 * rotation), and one match is enough. The timestamp must be within the tolerance (the reference
 * verifiers use 5 minutes) of the injected clock. Thread-safe: each thread gets its own {@link Mac}.
 */
public final class WebhookVerifier {
  /** The outcome of one verification. */
  public enum Result { OK, MISSING_HEADER, BAD_TIMESTAMP, BAD_SIGNATURE }

  static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);
  private static final String PREFIX = "whsec_";

  private final SecretKeySpec key;
  private final Clock clock;
  private final Duration tolerance;
  private final ThreadLocal<Mac> macs;

  public WebhookVerifier(String secret, Clock clock, Duration tolerance) {
    String encoded = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
    this.key = new SecretKeySpec(Base64.getDecoder().decode(encoded), "HmacSHA256");
    this.clock = clock;
    this.tolerance = tolerance;
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  public WebhookVerifier(String secret) {
    this(secret, Clock.systemUTC(), DEFAULT_TOLERANCE);
  }

  /** The {@code v1,<base64>} signature of a message. */
  public String sign(String msgId, long timestampSeconds, byte[] body) {
    return "v1," + Base64.getEncoder().encodeToString(mac(msgId, Long.toString(timestampSeconds), body));
  }

  public Result verify(String msgId, String timestamp, byte[] body, String signatureHeader) {
    if (msgId == null || timestamp == null || signatureHeader == null) {
      return Result.MISSING_HEADER;
    }
    long ts;
    try {
      ts = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return Result.BAD_TIMESTAMP;
    }
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - ts) > tolerance.getSeconds()) {
      return Result.BAD_TIMESTAMP;
    }
    byte[] expected = mac(msgId, timestamp.trim(), body);
    for (String entry : signatureHeader.trim().split(" +")) {
      int comma = entry.indexOf(',');
      if (comma < 0 || !"v1".equals(entry.substring(0, comma))) {
        continue;
      }
      byte[] given;
      try {
        given = Base64.getDecoder().decode(entry.substring(comma + 1));
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (MessageDigest.isEqual(expected, given)) {
        return Result.OK;
      }
    }
    return Result.BAD_SIGNATURE;
  }

  private byte[] mac(String msgId, String timestamp, byte[] body) {
    Mac mac = macs.get();
    mac.update((msgId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
    return mac.doFinal(body);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
