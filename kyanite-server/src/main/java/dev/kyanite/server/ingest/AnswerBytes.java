package dev.kyanite.server.ingest;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array that ingest answers are written into as UTF-8 JSON, then sent as one
 * {@link Buffer}. A batch answer has an entry per event (up to the batch limit): built in a
 * {@code StringBuilder}, turned into a {@code String} and encoded again by Vert.x, it had cost a
 * tenth of the batch ingest event loop.
 */
final class AnswerBytes {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private byte[] buf;
  private int size;

  AnswerBytes(int capacity) {
    buf = new byte[capacity];
  }

  /** Appends text known to be ASCII and to need no JSON escape (punctuation, names, timestamps). */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): exactly right for ASCII
  AnswerBytes ascii(String s) {
    int n = s.length();
    ensure(n);
    s.getBytes(0, n, buf, size);
    size += n;
    return this;
  }

  AnswerBytes ascii(char c) {
    ensure(1);
    buf[size++] = (byte) c;
    return this;
  }

  AnswerBytes number(int v) {
    return ascii(Integer.toString(v));
  }

  /** Appends {@code s} as a JSON string: quoted, escaped where JSON needs it, in UTF-8. */
  AnswerBytes string(String s) {
    int n = s.length();
    ensure(n + 2);
    buf[size++] = '"';
    int i = 0;
    // the plain ASCII run (all of every server-made id): copied without a second look
    while (i < n) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
      buf[size++] = (byte) c;
      i++;
    }
    if (i < n) escaped(s, i);
    ensure(1);
    buf[size++] = '"';
    return this;
  }

  private void escaped(String s, int from) {
    int n = s.length();
    ensure(6 * (n - from)); // the most one char can take (an escaped control character: 6 bytes), or one half of a pair (2 of 4 bytes)
    for (int i = from; i < n; i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        buf[size++] = '\\';
        buf[size++] = (byte) c;
      } else if (c < 0x20) {
        buf[size++] = '\\';
        buf[size++] = 'u';
        buf[size++] = '0';
        buf[size++] = '0';
        buf[size++] = HEX[c >> 4];
        buf[size++] = HEX[c & 15];
      } else if (c < 0x80) {
        buf[size++] = (byte) c;
      } else if (c < 0x800) {
        buf[size++] = (byte) (0xC0 | c >> 6);
        buf[size++] = (byte) (0x80 | c & 0x3F);
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        buf[size++] = (byte) (0xF0 | cp >> 18);
        buf[size++] = (byte) (0x80 | cp >> 12 & 0x3F);
        buf[size++] = (byte) (0x80 | cp >> 6 & 0x3F);
        buf[size++] = (byte) (0x80 | cp & 0x3F);
      } else if (Character.isSurrogate(c)) {
        buf[size++] = '?'; // a lone surrogate, as the JDK's UTF-8 encoder writes it
      } else {
        buf[size++] = (byte) (0xE0 | c >> 12);
        buf[size++] = (byte) (0x80 | c >> 6 & 0x3F);
        buf[size++] = (byte) (0x80 | c & 0x3F);
      }
    }
  }

  /** Appends bytes that are already UTF-8 JSON. */
  AnswerBytes utf8(byte[] json) {
    ensure(json.length);
    System.arraycopy(json, 0, buf, size, json.length);
    size += json.length;
    return this;
  }

  private void ensure(int more) {
    if (size + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
  }

  Buffer toBuffer() {
    return Buffer.buffer(size == buf.length ? buf : Arrays.copyOf(buf, size));
  }
}
