package dev.kyanite.server.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * The events of one request after decoding and {@link Ingestor#prepare}: one {@link Item} per
 * event in request order, or a refusal of the whole request.
 */
final class Decoded {
  final List<Item> items = new ArrayList<>();
  /** Set when the request as a whole is refused (malformed JSON, too many events). */
  Rejection refusal;
}
