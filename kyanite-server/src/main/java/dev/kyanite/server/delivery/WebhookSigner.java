package dev.kyanite.server.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks v1 symmetric signatures (signature scheme version {@code v1}).
 *
 * <p>The signed content is {@code "{webhook-id}.{webhook-timestamp}.{body}"}; the signature is
 * {@code v1,} + base64 of its HMAC-SHA256 under the key, where the key is the base64-decoded part
 * of the secret after {@code whsec_}. During a secret rotation several signatures are sent,
 * space-separated; a receiver accepts the request if any one verifies. Thread-safe.
 */
public final class WebhookSigner {
  public static final String SECRET_PREFIX = "whsec_";
  private static final int SECRET_BYTES = 32;
  /**
   * Per thread, a Mac already initialised with each key in use: {@code init} (key schedule, inner and
   * outer pads) cost as much as signing a small body, and the same few keys sign every request. Keyed
   * by array identity (arrays do not override equals), weakly, so a rotated-out key's entry goes
   * with its array; callers keep one array per key ({@code EndpointChannel} caches them).
   */
  private static final ThreadLocal<Map<byte[], Mac>> MACS = ThreadLocal.withInitial(WeakHashMap::new);

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  });

  private WebhookSigner() {}

  /** A new random secret: {@code whsec_} + base64 of 32 random bytes. */
  public static String newSecret(SecureRandom random) {
    byte[] key = new byte[SECRET_BYTES];
    random.nextBytes(key);
    return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The HMAC key of a {@code whsec_…} secret; {@link IllegalArgumentException} if malformed. */
  public static byte[] key(String secret) {
    if (secret == null || !secret.startsWith(SECRET_PREFIX)) throw new IllegalArgumentException("secret must start with whsec_");
    byte[] key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
    if (key.length < 24) throw new IllegalArgumentException("secret must hold at least 24 bytes");
    return key;
  }

  /** {@code v1,<base64 HMAC-SHA256>} of {@code id.timestamp.body} under one key. */
  public static String sign(byte[] key, String msgId, long timestampSeconds, byte[] body) {
    Mac mac = MACS.get().computeIfAbsent(key, WebhookSigner::newMac);
    // doFinal below leaves the Mac reset and still keyed, ready for the next message
    mac.update((msgId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
    mac.update(body);
    return "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
  }

  private static Mac newMac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The {@code webhook-signature} header value: one signature per key, space-separated. */
  public static String header(List<byte[]> keys, String msgId, long timestampSeconds, byte[] body) {
    if (keys.size() == 1) return sign(keys.get(0), msgId, timestampSeconds, body);
    StringBuilder sb = new StringBuilder();
    for (byte[] k : keys) {
      if (sb.length() > 0) sb.append(' ');
      sb.append(sign(k, msgId, timestampSeconds, body));
    }
    return sb.toString();
  }

  /**
   * The {@code webhook-id} of an (event, endpoint) pair: {@code msg_} + 32 hex digits of
   * SHA-256(eventId NUL endpointId). The same pair always gets the same id, across retries,
   * restarts and replays, so receivers can de-duplicate on it.
   */
  public static String messageId(String eventId, String endpointId) {
    MessageDigest sha = SHA256.get();
    sha.update(eventId.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    sha.update(endpointId.getBytes(StandardCharsets.UTF_8));
    return "msg_" + HexFormat.of().formatHex(sha.digest(), 0, 16);
  }
}
