package dev.kyanite.core.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * The opaque cursor of a delivery listing ordered newest first: the {@code (createdAt, id)} of the
 * last item returned. Shared by every backend so cursors look the same everywhere.
 *
 * @param createdAtNanos creation time of the last item, epoch nanoseconds
 * @param id id of the last item
 */
public record DeliveryCursor(long createdAtNanos, String id) {

  public static String encode(Delivery last) {
    String raw = nanos(last.createdAt()) + ":" + last.id();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a cursor; {@link IllegalArgumentException} when it is not one. */
  public static DeliveryCursor decode(String cursor) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int colon = raw.indexOf(':');
      return new DeliveryCursor(Long.parseLong(raw.substring(0, colon)), raw.substring(colon + 1));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid cursor", e);
    }
  }

  /** Whether {@code d} comes after this cursor in newest-first order. */
  public boolean before(Delivery d) {
    long t = nanos(d.createdAt());
    return t < createdAtNanos || (t == createdAtNanos && d.id().compareTo(id) < 0);
  }

  /** Epoch nanoseconds of an instant (the resolution backends store times at). */
  public static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
