package dev.kyanite.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secret format and hashing of API keys. A secret is {@code kya_} + 32 random bytes in
 * unpadded base64url (43 characters); ids are {@code key_} + 12 random bytes in lowercase hex.
 * Ids are logged and shown, so their alphabet has no {@code _}: a base64url id could contain
 * {@code kya_…} and look like a secret to a scanner (one did: {@code key_kya_fZK1slzS3RJr}). Only
 * {@link #hash} of a secret is ever stored.
 */
public final class ApiKeySecrets {
  public static final String PREFIX = "kya_";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  private ApiKeySecrets() {}

  public static String newSecret() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return PREFIX + B64.encodeToString(b);
  }

  public static String newId() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return "key_" + java.util.HexFormat.of().formatHex(b);
  }

  /** SHA-256 of the secret's UTF-8 bytes (32 bytes). */
  public static byte[] hash(String secret) {
    MessageDigest md = SHA256.get();
    md.reset();
    return md.digest(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** Constant-time comparison of two hashes. */
  public static boolean sameHash(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  /** Whether a presented token could be a Kyanite secret at all (cheap pre-check, no lookup). */
  static boolean plausible(String token) {
    return token != null && token.length() >= 20 && token.length() <= 256;
  }
}
