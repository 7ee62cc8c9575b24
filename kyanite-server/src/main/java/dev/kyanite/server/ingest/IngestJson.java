package dev.kyanite.server.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The Jackson setup for untrusted input: nesting limited to {@link #MAX_DEPTH} (a 10,000-deep
 * document fails fast instead of costing stack or heap), duplicate member names rejected (they are
 * ambiguous), floats kept exactly ({@code BigDecimal}: {@code 0.1} stays {@code 0.1} and
 * {@code 1e400} does not become {@code Infinity}).
 */
final class IngestJson {
  static final int MAX_DEPTH = 128;
  static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  static final ObjectMapper MAPPER = new ObjectMapper(FACTORY)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true)); // 12.50 keeps its zero, as the log's reader does
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  private IngestJson() {}

  /** Hex SHA-256 of {@code bytes[from, to)}. */
  static String sha256(byte[] bytes, int from, int to) {
    MessageDigest d = SHA256.get();
    d.update(bytes, from, to - from);
    return hex(d.digest());
  }

  /** Hex SHA-256 of several parts, each followed by a 0 byte (so parts cannot run together). */
  static String sha256(byte[]... parts) {
    MessageDigest d = SHA256.get();
    for (byte[] p : parts) {
      d.update(p);
      d.update((byte) 0);
    }
    return hex(d.digest());
  }

  private static String hex(byte[] h) {
    char[] c = new char[h.length * 2];
    for (int i = 0; i < h.length; i++) {
      c[2 * i] = HEX[(h[i] >> 4) & 15];
      c[2 * i + 1] = HEX[h[i] & 15];
    }
    return new String(c);
  }
}
