package dev.kyanite.server.delivery;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Public identifiers of delivery objects. */
final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  /** {@code ep_} + 20 hex digits from a secure random source (ids are guessable-resistant). */
  static String endpoint() {
    byte[] b = new byte[10];
    RANDOM.nextBytes(b);
    return "ep_" + HexFormat.of().formatHex(b);
  }

  /** {@code att_} + 24 hex digits; unique enough for ledger rows, cheap to make. */
  static String attempt() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return "att_" + HexFormat.of().toHexDigits(r.nextLong()) + HexFormat.of().toHexDigits(r.nextInt());
  }
}
