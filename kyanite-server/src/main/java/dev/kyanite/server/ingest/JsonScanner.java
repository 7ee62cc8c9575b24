package dev.kyanite.server.ingest;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * A one-pass, validating reader of JSON bytes for the ingest hot path: it walks a request's native
 * envelopes and batches, decodes their short strings, and checks each event's {@code data} without
 * building or copying anything, so that the client's bytes can go to the log as they came.
 *
 * <p>It refuses what {@link IngestJson#FACTORY}'s parsers refuse, and the log's reader would: bad
 * syntax (RFC 8259, nothing lenient), nesting deeper than {@link IngestJson#MAX_DEPTH}, a member
 * name twice in one object (also when spelled with escapes), numbers longer than
 * {@link #MAX_NUMBER_LENGTH} digits and names longer than {@link #MAX_NAME_BYTES} (Jackson's
 * {@code StreamReadConstraints} defaults, which the log's reader applies). It is stricter than
 * Jackson in one way: text must be valid UTF-8 (no overlong forms, no encoded surrogates), where
 * Jackson also takes UTF-16 and UTF-32 bodies. {@code JsonScannerTest} checks the agreement on
 * random and hand-picked documents.
 *
 * <p>Why not Jackson: reading {@code data} token by token with duplicate detection, then checking it
 * for non-ASCII bytes so it could be passed through, was about half of the batch ingest event loop
 * (docs/performance.md, eleventh session). Here one loop per string does what three passes did.
 *
 * <p>Not thread-safe; one scanner reads one request. Errors are {@link MalformedJsonException}s whose
 * message ends with the byte offset in the request body.
 */
final class JsonScanner {
  /** Digits in a number at most (Jackson's default {@code maxNumberLength}). */
  static final int MAX_NUMBER_LENGTH = 1000;
  /**
   * Digits in an exponent at most, leading zeros aside: the log's reader keeps decimals exactly as
   * {@code BigDecimal}s, whose scale is an {@code int} (Jackson's tokenizer takes {@code 1e9999999999},
   * its {@code BigDecimal} reader does not).
   */
  static final int MAX_EXPONENT_DIGITS = 9;
  /** Bytes in a member name at most (Jackson's default {@code maxNameLength}, counted in bytes here). */
  static final int MAX_NAME_BYTES = 50_000;
  /** Members of one object compared one by one; beyond this its names go into a set. */
  static final int LINEAR = 16;

  /** Malformed JSON; the message says what and where. */
  static final class MalformedJsonException extends IOException {
    MalformedJsonException(String message) {
      super(message);
    }
  }

  // what a string byte is: plain, or it needs a look (quote, backslash, control, non-ASCII)
  private static final byte PLAIN = 0, QUOTE = 1, ESCAPE = 2, CONTROL = 3, MULTIBYTE = 4;
  private static final byte[] STRING_BYTE = new byte[256];

  static {
    for (int c = 0; c < 0x20; c++) STRING_BYTE[c] = CONTROL;
    for (int c = 0x80; c < 0x100; c++) STRING_BYTE[c] = MULTIBYTE;
    STRING_BYTE['"'] = QUOTE;
    STRING_BYTE['\\'] = ESCAPE;
  }

  private final byte[] b;
  private final int base;
  private final int end;
  private int pos;

  // duplicate detection: the names of the open objects, as ranges of b (length >= 0) or of
  // `decoded` (length stored as ~length) for names written with escapes
  private int[] nameOff = new int[16];
  private int[] nameLen = new int[16];
  private int names;
  private byte[] decoded;
  private int decodedSize;
  // per open container: object or array, where its names start, its set once it has > LINEAR names
  private boolean[] isObject = new boolean[8];
  private int[] nameStart = new int[8];
  private Set<String>[] sets = newSets(8);
  private int open;

  /** Reads {@code b[off, off+len)}; a leading UTF-8 byte order mark is skipped, as Jackson does. */
  JsonScanner(byte[] b, int off, int len) {
    this.b = b;
    this.base = off;
    this.end = off + len;
    this.pos = off;
    if (len >= 3 && b[off] == (byte) 0xEF && b[off + 1] == (byte) 0xBB && b[off + 2] == (byte) 0xBF) pos += 3;
  }

  byte[] bytes() {
    return b;
  }

  /** The offset (in {@link #bytes()}) of the next byte to read. */
  int position() {
    return pos;
  }

  /** Skips whitespace; the next byte (0-255) without consuming it, or -1 at the end. */
  int peek() {
    int i = pos;
    if (i < end && b[i] > ' ') return b[i]; // the usual case: no whitespace (a non-ASCII byte is negative)
    while (i < end) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') break;
      i++;
    }
    pos = i;
    return i < end ? b[i] & 0xff : -1;
  }

  /** Whether only whitespace is left. */
  boolean atEnd() {
    return peek() < 0;
  }

  /** Skips whitespace and consumes {@code c} if it comes next. */
  boolean consume(char c) {
    if (peek() != c) return false;
    pos++;
    return true;
  }

  /** Skips whitespace and consumes {@code c}, which must come next. */
  void expect(char c) throws MalformedJsonException {
    int got = peek();
    if (got != c) throw unexpected(got, "'" + c + "'");
    pos++;
  }

  /**
   * Reads a member name and the colon after it (after whitespace): for the envelope's own members,
   * whose duplicates the caller checks.
   */
  String name() throws MalformedJsonException {
    int c = peek();
    if (c != '"') throw unexpected(c, "a member name in double quotes");
    int at = pos;
    String s = string();
    checkNameLength(at);
    expect(':');
    return s;
  }

  /** Reads a string value (after whitespace), decoding escapes; the next byte must be its quote. */
  String string() throws MalformedJsonException {
    int from = pos + 1;
    int flags = skipString();
    int to = pos - 1; // before the closing quote
    if (flags == 0) return new String(b, from, to - from, StandardCharsets.ISO_8859_1); // ASCII, no escapes
    if ((flags & HAS_ESCAPE) == 0) return new String(b, from, to - from, StandardCharsets.UTF_8); // checked UTF-8
    return unescape(from, to);
  }

  /**
   * The JSON string in {@code b[quote, end)} (its opening quote at {@code quote}), decoded; null if
   * that is not one well-formed string.
   */
  static String stringAt(byte[] b, int quote, int end) {
    try {
      JsonScanner s = new JsonScanner(b, quote, end - quote);
      if (s.peek() != '"') return null;
      String value = s.string();
      return s.atEnd() ? value : null;
    } catch (MalformedJsonException e) {
      return null;
    }
  }

  /**
   * Checks one value (after whitespace) and moves past it. {@code depth} is how many containers
   * hold it (the envelope object of a single event is one), for the nesting limit.
   */
  void value(int depth) throws MalformedJsonException {
    int c = peek();
    if (c != '{' && c != '[') {
      scalar(c);
      return;
    }
    int bottom = open;
    for (;;) {
      // here c is the first byte of a value, at pos
      boolean closed = false;
      if (c == '{' || c == '[') {
        if (depth + open - bottom + 1 > IngestJson.MAX_DEPTH) {
          throw error("nesting depth exceeds the maximum of " + IngestJson.MAX_DEPTH);
        }
        push(c == '{');
        pos++;
        int next = peek();
        if (next == (c == '{' ? '}' : ']')) {
          pos++;
          pop();
          closed = true;
        } else if (c == '{') {
          member();
        }
      } else {
        scalar(c);
        closed = true;
      }
      // after a complete value: close what ends here, or move to the next element or member
      while (closed) {
        if (open == bottom) return;
        boolean obj = isObject[open - 1];
        int next = peek();
        if (next == ',') {
          pos++;
          if (obj) member();
          closed = false;
        } else if (next == (obj ? '}' : ']')) {
          pos++;
          pop();
        } else {
          throw unexpected(next, obj ? "',' or '}'" : "',' or ']'");
        }
      }
      c = peek();
    }
  }

  /** A member name of an object being walked, checked against the object's others, and its colon. */
  private void member() throws MalformedJsonException {
    int c = peek();
    if (c != '"') throw unexpected(c, "a member name in double quotes");
    int at = pos;
    int from = pos + 1;
    int flags = skipString();
    int to = pos - 1;
    checkNameLength(at);
    int off = from, len = to - from;
    if ((flags & HAS_ESCAPE) != 0) { // compare what the name says, not how it is written
      off = decodedSize;
      appendDecoded(from, to);
      len = ~(decodedSize - off);
    }
    remember(off, len, at);
    expect(':');
  }

  /** Refuses the name whose opening quote is at {@code at} (and closing one before {@link #pos}) if too long. */
  private void checkNameLength(int at) throws MalformedJsonException {
    if (pos - at - 2 > MAX_NAME_BYTES) {
      pos = at;
      throw error("a member name is longer than " + MAX_NAME_BYTES + " bytes");
    }
  }

  private void remember(int off, int len, int at) throws MalformedJsonException {
    int o = open - 1;
    Set<String> set = sets[o];
    if (set != null) {
      if (!set.add(key(off, len))) throw duplicate(off, len, at);
      return;
    }
    int start = nameStart[o];
    for (int i = start; i < names; i++) {
      if (sameName(nameOff[i], nameLen[i], off, len)) throw duplicate(off, len, at);
    }
    if (names - start == LINEAR) {
      set = new HashSet<>(4 * LINEAR);
      for (int i = start; i < names; i++) set.add(key(nameOff[i], nameLen[i]));
      set.add(key(off, len));
      sets[o] = set;
      names = start; // this object's names now live in its set
      return;
    }
    if (names == nameOff.length) {
      nameOff = Arrays.copyOf(nameOff, names * 2);
      nameLen = Arrays.copyOf(nameLen, names * 2);
    }
    nameOff[names] = off;
    nameLen[names] = len;
    names++;
  }

  private boolean sameName(int offA, int lenA, int offB, int lenB) {
    byte[] a = lenA >= 0 ? b : decoded, c = lenB >= 0 ? b : decoded;
    int la = lenA >= 0 ? lenA : ~lenA, lb = lenB >= 0 ? lenB : ~lenB;
    return la == lb && Arrays.equals(a, offA, offA + la, c, offB, offB + lb);
  }

  /** A name's bytes as a set key (one char per byte: equal keys exactly when equal bytes). */
  private String key(int off, int len) {
    return len >= 0 ? new String(b, off, len, StandardCharsets.ISO_8859_1)
        : new String(decoded, off, ~len, StandardCharsets.ISO_8859_1);
  }

  private MalformedJsonException duplicate(int off, int len, int at) {
    return duplicate(len >= 0 ? new String(b, off, len, StandardCharsets.UTF_8) : new String(decoded, off, ~len, StandardCharsets.UTF_8), at);
  }

  /** The error for a member {@code name} given twice in one object, the second time at {@code at}. */
  MalformedJsonException duplicate(String name, int at) {
    return errorAt(at, "Duplicate field '" + (name.length() > 100 ? name.substring(0, 100) + "…" : name) + "'");
  }

  private void push(boolean object) {
    if (open == isObject.length) {
      isObject = Arrays.copyOf(isObject, open * 2);
      nameStart = Arrays.copyOf(nameStart, open * 2);
      sets = Arrays.copyOf(sets, open * 2);
    }
    isObject[open] = object;
    nameStart[open] = names;
    sets[open] = null;
    open++;
  }

  private void pop() {
    open--;
    names = nameStart[open];
    sets[open] = null;
    if (open == 0) decodedSize = 0;
  }

  private void scalar(int c) throws MalformedJsonException {
    switch (c) {
      case '"' -> skipString();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> number();
      default -> throw unexpected(c, "a value");
    }
  }

  private void literal(String word) throws MalformedJsonException {
    int n = word.length();
    if (end - pos < n) throw error("unrecognized token: expected '" + word + "'");
    for (int i = 1; i < n; i++) {
      if (b[pos + i] != word.charAt(i)) throw error("unrecognized token: expected '" + word + "'");
    }
    pos += n;
  }

  private void number() throws MalformedJsonException {
    int i = pos;
    if (b[i] == '-') i++;
    int intStart = i;
    if (i < end && b[i] == '0') {
      i++;
    } else if (i < end && b[i] >= '1' && b[i] <= '9') {
      while (i < end && b[i] >= '0' && b[i] <= '9') i++;
    } else {
      throw error("a number needs a digit after '-'");
    }
    int digits = i - intStart;
    boolean fraction = false;
    if (i < end && b[i] == '.') {
      int from = ++i;
      while (i < end && b[i] >= '0' && b[i] <= '9') i++;
      if (i == from) throw errorAt(i, "a number needs a digit after '.'");
      digits += i - from;
      fraction = true;
    }
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < end && (b[i] == '+' || b[i] == '-')) i++;
      int from = i;
      while (i < end && b[i] == '0') i++;
      int significant = i;
      while (i < end && b[i] >= '0' && b[i] <= '9') i++;
      if (i == from) throw errorAt(i, "a number needs a digit in its exponent");
      // an exponent beyond BigDecimal's int scale would make the record unreadable for the log's reader
      if (i - significant > MAX_EXPONENT_DIGITS) throw error("a number's exponent has more than " + MAX_EXPONENT_DIGITS + " digits");
      digits += i - from;
      fraction = true;
    }
    if (digits > MAX_NUMBER_LENGTH) {
      throw error((fraction ? "a number" : "an integer") + " is longer than " + MAX_NUMBER_LENGTH + " digits");
    }
    pos = i;
  }

  private static final int HAS_ESCAPE = 1, HAS_MULTIBYTE = 2;

  /**
   * Moves past the string whose opening quote is at {@link #pos}, checking escapes, control
   * characters and UTF-8; returns {@link #HAS_ESCAPE} and {@link #HAS_MULTIBYTE} flags.
   */
  private int skipString() throws MalformedJsonException {
    byte[] b = this.b;
    int end = this.end;
    int i = pos + 1;
    int flags = 0;
    for (;;) {
      i = plainRun(b, i, end);
      if (i >= end) throw errorAt(end, "unexpected end of input in a string");
      switch (STRING_BYTE[b[i] & 0xff]) {
        case QUOTE -> {
          pos = i + 1;
          return flags;
        }
        case ESCAPE -> {
          flags |= HAS_ESCAPE;
          i = escape(i);
        }
        case CONTROL -> throw errorAt(i, "a control character (code " + b[i] + ") must be escaped in a string");
        default -> {
          flags |= HAS_MULTIBYTE;
          i = utf8(i);
        }
      }
    }
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L, HIGH = 0x8080808080808080L;

  /**
   * The offset of the first byte from {@code i} on that is not a plain string byte (or {@code end}):
   * eight bytes at a time, since most of an event is string text. In a word, a byte is flagged if it
   * is below 0x20 (subtracting 0x20 borrows), 0x80 or above (its own high bit), or a quote or
   * backslash (XOR makes it zero, and subtracting one borrows). A borrow can flag the bytes after a
   * flagged one too, never one before it, so the lowest flagged byte is the first special one.
   */
  static int plainRun(byte[] b, int i, int end) {
    while (i + 8 <= end) {
      long w = (long) LONGS.get(b, i);
      long t = ((w - 0x20 * ONES) | ((w ^ '"' * ONES) - ONES) | ((w ^ '\\' * ONES) - ONES) | w) & HIGH;
      if (t != 0) return i + (Long.numberOfTrailingZeros(t) >>> 3);
      i += 8;
    }
    while (i < end && STRING_BYTE[b[i] & 0xff] == PLAIN) i++;
    return i;
  }

  /** Checks the escape at {@code i} (a backslash); returns the offset after it. */
  private int escape(int i) throws MalformedJsonException {
    if (i + 1 >= end) throw errorAt(end, "unexpected end of input in a string");
    switch (b[i + 1]) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
        return i + 2;
      }
      case 'u' -> {
        if (i + 6 > end) throw errorAt(end, "unexpected end of input in a \\u escape");
        for (int k = i + 2; k < i + 6; k++) {
          if (hex(b[k]) < 0) throw errorAt(k, "a \\u escape needs four hex digits");
        }
        return i + 6;
      }
      default -> throw errorAt(i, "unrecognized escape '\\" + printable(b[i + 1]) + "' in a string");
    }
  }

  /** Checks the UTF-8 sequence starting at {@code i} (RFC 3629); returns the offset after it. */
  private int utf8(int i) throws MalformedJsonException {
    int c = b[i] & 0xff;
    int n, min = 0x80, max = 0xBF; // continuation bytes, and the range of the first one
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) min = 0xA0; // overlong
      if (c == 0xED) max = 0x9F; // a surrogate
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) min = 0x90; // overlong
      if (c == 0xF4) max = 0x8F; // beyond U+10FFFF
    } else {
      throw errorAt(i, "invalid UTF-8 (byte 0x" + Integer.toHexString(c) + ")");
    }
    if (i + n >= end) throw errorAt(i, "invalid UTF-8 (a sequence cut short)");
    int first = b[i + 1] & 0xff;
    if (first < min || first > max) throw errorAt(i, "invalid UTF-8");
    for (int k = i + 2; k <= i + n; k++) {
      if ((b[k] & 0xC0) != 0x80) throw errorAt(i, "invalid UTF-8");
    }
    return i + n + 1;
  }

  /** The text of an already checked string body {@code b[from, to)} that holds escapes. */
  private String unescape(int from, int to) {
    StringBuilder sb = new StringBuilder(to - from);
    int i = from;
    while (i < to) {
      int run = i;
      while (i < to && b[i] != '\\') i++;
      if (i > run) sb.append(new String(b, run, i - run, StandardCharsets.UTF_8));
      if (i >= to) break;
      byte e = b[i + 1];
      switch (e) {
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          sb.append((char) (hex(b[i + 2]) << 12 | hex(b[i + 3]) << 8 | hex(b[i + 4]) << 4 | hex(b[i + 5])));
          i += 4;
        }
        default -> sb.append((char) e); // " \ /
      }
      i += 2;
    }
    return sb.toString();
  }

  /**
   * Appends what the checked name {@code b[from, to)} says to {@link #decoded}, in UTF-8, with a
   * lone surrogate as its 3-byte form: names written differently but equal as text get equal
   * bytes, and never the bytes of a different unescaped name (checked UTF-8 has no surrogates).
   */
  private void appendDecoded(int from, int to) {
    String s = unescape(from, to);
    int need = decodedSize + 3 * s.length();
    if (decoded == null || need > decoded.length) decoded = Arrays.copyOf(decoded == null ? new byte[0] : decoded, Math.max(64, need * 2));
    for (int k = 0; k < s.length(); k++) {
      char ch = s.charAt(k);
      if (ch < 0x80) {
        decoded[decodedSize++] = (byte) ch;
      } else if (ch < 0x800) {
        decoded[decodedSize++] = (byte) (0xC0 | ch >> 6);
        decoded[decodedSize++] = (byte) (0x80 | ch & 0x3F);
      } else if (Character.isHighSurrogate(ch) && k + 1 < s.length() && Character.isLowSurrogate(s.charAt(k + 1))) {
        int cp = Character.toCodePoint(ch, s.charAt(++k));
        decoded[decodedSize++] = (byte) (0xF0 | cp >> 18);
        decoded[decodedSize++] = (byte) (0x80 | cp >> 12 & 0x3F);
        decoded[decodedSize++] = (byte) (0x80 | cp >> 6 & 0x3F);
        decoded[decodedSize++] = (byte) (0x80 | cp & 0x3F);
      } else {
        decoded[decodedSize++] = (byte) (0xE0 | ch >> 12);
        decoded[decodedSize++] = (byte) (0x80 | ch >> 6 & 0x3F);
        decoded[decodedSize++] = (byte) (0x80 | ch & 0x3F);
      }
    }
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  MalformedJsonException unexpected(int c, String expected) {
    if (c < 0) return errorAt(end, "unexpected end of input: expected " + expected);
    return error("unexpected character '" + printable((byte) c) + "': expected " + expected);
  }

  private MalformedJsonException error(String message) {
    return errorAt(pos, message);
  }

  private MalformedJsonException errorAt(int at, String message) {
    return new MalformedJsonException(message + " (at byte " + (at - base) + ")");
  }

  /** A byte for a message: itself if printable ASCII, else its code (never echoes arbitrary bytes). */
  private static String printable(byte c) {
    return c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : "\\x" + String.format("%02x", c & 0xff);
  }

  @SuppressWarnings("unchecked")
  private static Set<String>[] newSets(int n) {
    return (Set<String>[]) new Set<?>[n];
  }
}
