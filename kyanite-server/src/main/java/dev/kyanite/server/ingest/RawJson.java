package dev.kyanite.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One JSON value as a range of the request's bytes, already parsed once (so well formed, within
 * the nesting limit, without duplicate members). Ingest writes it to the log as is: building a tree
 * and serialising it again cost about a tenth of the single-event event loop.
 */
record RawJson(byte[] bytes, int off, int len) {

  /** The range if it is pure ASCII (so trivially valid UTF-8), else null. */
  static RawJson ifAscii(byte[] bytes, int off, int len) {
    for (int i = off, end = off + len; i < end; i++) {
      if (bytes[i] < 0) return null;
    }
    return new RawJson(bytes, off, len);
  }

  JsonNode parse() {
    try {
      return IngestJson.MAPPER.readTree(bytes, off, len);
    } catch (IOException e) {
      throw new UncheckedIOException("raw JSON that parsed before no longer parses", e);
    }
  }
}
