package dev.kyanite.server.ingest;

import java.time.Instant;

/**
 * One event of a request on its way through ingest: either refused ({@link #rejection}) or an
 * encoded record to append, and finally its outcome. Owned by one request; handed between threads
 * only through future completion (which orders the writes).
 */
final class Item {
  final int index;
  Rejection rejection;
  /** The id and receipt time given to the event by prepare (before idempotency). */
  String eventId;
  Instant receivedAt;
  /**
   * The event's source when its id came from the client: such ids are unique only per source, so
   * the answer's {@code Location} names it ({@code ?source=}). Null for server-assigned ids.
   */
  String idSource;
  byte[] record;
  int partition;
  /** Scoped de-duplication key, or null. */
  String idemKey;
  String hash;
  boolean claimed;
  /** Outcome when accepted: the id and time of the event (the original one when replayed). */
  String acceptedId;
  Instant acceptedAt;
  boolean replayed;

  Item(int index) {
    this.index = index;
  }

  static Item rejected(int index, Rejection r) {
    Item i = new Item(index);
    i.rejection = r;
    return i;
  }

  boolean accepted() {
    return acceptedId != null;
  }

  /** Ready to append: not refused and not answered from idempotency. */
  boolean pending() {
    return rejection == null && acceptedId == null;
  }
}
