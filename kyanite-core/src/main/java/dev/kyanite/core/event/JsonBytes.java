package dev.kyanite.core.event;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array that JSON text is written into as UTF-8, by hand: the log's records
 * ({@link EventCodec#encode(Event, byte[], int, int)}) and ingest's answers. For a few short strings
 * a {@code JsonGenerator}'s set-up and buffer recycling cost more than the writing (a third of the
 * batch ingest event loop, once), and a {@code StringBuilder} is encoded a second time on its way
 * out. Strings are written as Jackson writes them: UTF-8, only {@code "}, {@code \\} and control
 * characters escaped; a lone surrogate becomes {@code ?}, as the JDK's encoder writes it. Not
 * thread-safe.
 */
public final class JsonBytes {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private byte[] buf;
  private int size;

  public JsonBytes(int capacity) {
    buf = new byte[capacity];
  }

  /** Appends text known to be ASCII and to need no JSON escape (punctuation, names, timestamps). */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): exactly right for ASCII
  public JsonBytes ascii(String s) {
    int n = s.length();
    ensure(n);
    s.getBytes(0, n, buf, size);
    size += n;
    return this;
  }

  /** Appends {@code s}, known to be ASCII and to need no escape, as a JSON string. */
  public JsonBytes plainString(String s) {
    return ascii('"').ascii(s).ascii('"');
  }

  public JsonBytes ascii(char c) {
    ensure(1);
    buf[size++] = (byte) c;
    return this;
  }

  public JsonBytes number(int v) {
    if (v < 0) return ascii(Integer.toString(v));
    int digits = 1;
    for (int rest = v / 10; rest > 0; rest /= 10) digits++;
    ensure(digits);
    for (int i = size + digits - 1; i >= size; i--, v /= 10) buf[i] = (byte) ('0' + v % 10); // no String per number
    size += digits;
    return this;
  }

  /** Appends {@code s} as a JSON string: quoted, escaped where JSON needs it, in UTF-8. */
  public JsonBytes string(String s) {
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

  /** Appends bytes that are already UTF-8 JSON (or fixed text such as {@code ,"id":}). */
  public JsonBytes raw(byte[] json) {
    return raw(json, 0, json.length);
  }

  public JsonBytes raw(byte[] json, int off, int len) {
    ensure(len);
    System.arraycopy(json, off, buf, size, len);
    size += len;
    return this;
  }

  private void ensure(int more) {
    if (size + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
  }

  /** Bytes written so far. */
  public int size() {
    return size;
  }

  /**
   * The internal array, whose first {@link #size} bytes are those written: for handing them on
   * without a copy. Valid until the next write (which may replace the array).
   */
  public byte[] array() {
    return buf;
  }

  /** The bytes written (the internal array itself when it is exactly full). */
  public byte[] toByteArray() {
    return size == buf.length ? buf : Arrays.copyOf(buf, size);
  }
}
