package dev.kyanite.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonScanner} against Jackson set up as ingest sets it up ({@link IngestJson}): the same
 * documents accepted, the same refused, the same duplicates found, the same strings decoded; and
 * invalid UTF-8 always refused (Jackson lets some through in strings it does not decode).
 */
class JsonScannerTest {

  @Test
  void agreesWithJacksonOnRandomAndMutatedDocuments() {
    SplittableRandom r = new SplittableRandom(7);
    int accepted = 0, duplicates = 0, refused = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] doc = value(r, 0).getBytes(StandardCharsets.UTF_8);
      if (i % 2 == 1) doc = mutate(r, doc);
      String ours = ours(doc, 0);
      if (!validUtf8(doc)) {
        assertThat(ours).as(show(doc)).doesNotStartWith("ok");
        continue;
      }
      String jackson = jackson(doc);
      if (jackson.startsWith("ok")) {
        assertThat(ours).as(show(doc)).isEqualTo("ok");
        accepted++;
      } else if (jackson.startsWith("Duplicate field")) {
        assertThat(ours).as(show(doc)).startsWith(jackson);
        duplicates++;
      } else {
        assertThat(ours).as(show(doc) + " (Jackson: " + jackson + ")").doesNotStartWith("ok");
        refused++;
      }
    }
    // the corpus exercises every outcome
    assertThat(accepted).isGreaterThan(1_500);
    assertThat(duplicates).isGreaterThan(1_500);
    assertThat(refused).isGreaterThan(1_500);
  }

  @Test
  void decodesStringsAsJacksonDoes() throws IOException {
    SplittableRandom r = new SplittableRandom(3);
    String[] pieces = {"a", "Zoë", "€", "😀", "\\n", "\\t", "\\\"", "\\\\", "\\/", "\\u00e9", "\\ud83d\\ude00", "\\ud800", "\\u0000", " ", "\\b\\f\\r"};
    for (int i = 0; i < 5_000; i++) {
      StringBuilder sb = new StringBuilder("\"");
      for (int n = r.nextInt(6); n > 0; n--) sb.append(pieces[r.nextInt(pieces.length)]);
      byte[] doc = sb.append('"').toString().getBytes(StandardCharsets.UTF_8);
      String expected;
      try (JsonParser p = IngestJson.FACTORY.createParser(doc)) {
        p.nextToken();
        expected = p.getText();
      }
      JsonScanner s = new JsonScanner(doc, 0, doc.length);
      assertThat(s.peek()).isEqualTo('"');
      assertThat(s.string()).as(show(doc)).isEqualTo(expected);
      assertThat(s.atEnd()).isTrue();
    }
  }

  @Test
  void nestingStopsAtTheLimitCountingTheContainersAround() {
    int max = IngestJson.MAX_DEPTH;
    assertThat(ours(nested(max), 0)).isEqualTo("ok");
    assertThat(jackson(nested(max))).startsWith("ok");
    assertThat(ours(nested(max + 1), 0)).contains("nesting depth exceeds the maximum of " + max);
    assertThat(jackson(nested(max + 1))).contains("depth");
    assertThat(ours(nested(max - 3), 3)).isEqualTo("ok");
    assertThat(ours(nested(max - 2), 3)).contains("nesting depth");
    byte[] deep = "[".repeat(10_000).getBytes(StandardCharsets.UTF_8); // fails fast, no stack
    assertThat(ours(deep, 0)).contains("nesting depth");
  }

  @Test
  void numbersAndNamesStopAtTheLengthsTheLogsReaderAccepts() {
    String digits = "1".repeat(JsonScanner.MAX_NUMBER_LENGTH);
    for (String n : new String[] {digits, "-" + digits, "0." + digits.substring(1), "1e-" + "0".repeat(990) + "111111111"}) {
      assertThat(ours(("[" + n + "]").getBytes(StandardCharsets.UTF_8), 0)).as(n).isEqualTo("ok");
      assertThat(jackson(("[" + n + "]").getBytes(StandardCharsets.UTF_8))).as(n).startsWith("ok");
      String longer = n.replaceFirst("1", "11");
      assertThat(ours(("[" + longer + "]").getBytes(StandardCharsets.UTF_8), 0)).as(longer).contains("longer than");
      assertThat(jackson(("[" + longer + "]").getBytes(StandardCharsets.UTF_8))).as(longer).doesNotStartWith("ok");
    }
    // an exponent the tokenizer takes and the log's BigDecimal reader does not
    for (String n : new String[] {"1e9999999999", "1.5E+12345678901", "-2e-10000000000"}) {
      assertThat(jackson(("[" + n + "]").getBytes(StandardCharsets.UTF_8))).as(n).doesNotStartWith("ok");
      assertThat(ours(("[" + n + "]").getBytes(StandardCharsets.UTF_8), 0)).as(n).contains("exponent");
    }
    assertThat(ours("[1e999999999,1E-000000000999999999]".getBytes(StandardCharsets.UTF_8), 0)).isEqualTo("ok");
    assertThat(jackson("[1e999999999,1E-000000000999999999]".getBytes(StandardCharsets.UTF_8))).startsWith("ok");
    String name = "n".repeat(JsonScanner.MAX_NAME_BYTES);
    assertThat(ours(("{\"" + name + "\":1}").getBytes(StandardCharsets.UTF_8), 0)).isEqualTo("ok");
    assertThat(jackson(("{\"" + name + "\":1}").getBytes(StandardCharsets.UTF_8))).startsWith("ok");
    assertThat(ours(("{\"" + name + "n\":1}").getBytes(StandardCharsets.UTF_8), 0)).contains("longer than");
    assertThat(jackson(("{\"" + name + "n\":1}").getBytes(StandardCharsets.UTF_8))).doesNotStartWith("ok");
  }

  @Test
  void namesAreComparedByWhatTheySayNotHowTheyAreWritten() {
    assertThat(ours(utf8("{\"a\":1,\"\\u0061\":2}"), 0)).startsWith("Duplicate field 'a'");
    assertThat(ours(utf8("{\"é\":1,\"\\u00e9\":2}"), 0)).startsWith("Duplicate field 'é'");
    assertThat(ours(utf8("{\"😀\":1,\"\\ud83d\\ude00\":2}"), 0)).startsWith("Duplicate field '😀'");
    assertThat(ours(utf8("{\"\\u00e9\":1,\"\\u00E9\":2}"), 0)).startsWith("Duplicate field 'é'");
    assertThat(ours(utf8("{\"\\ud800\":1,\"?\":2,\"\\ufffd\":3}"), 0)).isEqualTo("ok"); // a lone surrogate is itself
    assertThat(ours(utf8("{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":1},{\"a\":2}]}"), 0)).isEqualTo("ok");
    assertThat(ours(utf8("[{\"x\":1},{\"y\":{\"\\u0078\":1,\"x\":2}}]"), 0)).startsWith("Duplicate field 'x'");
  }

  @Test
  void bigObjectsMoveToASetAndStillFindDuplicates() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < 5_000; i++) sb.append(i == 0 ? "" : ",").append("\"m").append(i).append("\":").append(i);
    String big = sb.append('}').toString();
    assertThat(ours(utf8(big), 0)).isEqualTo("ok");
    for (int at : new int[] {1, JsonScanner.LINEAR - 1, JsonScanner.LINEAR, JsonScanner.LINEAR + 1, 4_999}) {
      String dup = big.substring(0, big.length() - 1) + ",\"m" + at + "\":0}";
      assertThat(ours(utf8(dup), 0)).as("m" + at).startsWith("Duplicate field 'm" + at + "'");
    }
    // an object that moved to a set leaves none behind for the next one at its depth
    assertThat(ours(utf8("[" + big + ",{\"m1\":1,\"m2\":2}]"), 0)).isEqualTo("ok");
  }

  @Test
  void refusesWhatIsNotUtf8() {
    String[] bad = {"\"\\xff\"", "\"\\xc0\\xaf\"", "\"\\xe0\\x80\\xaf\"", "\"\\xed\\xa0\\x80\"", "\"\\xf4\\x90\\x80\\x80\"",
        "\"\\xc3\"", "\"\\xe2\\x82\"", "\"\\x80\"", "\"\\xf8\\x88\\x80\\x80\\x80\""};
    for (String b : bad) {
      byte[] doc = bytes(b);
      assertThat(ours(doc, 0)).as(b).contains("UTF-8");
    }
    byte[] utf16 = "{\"type\":\"a.b\",\"data\":1}".getBytes(StandardCharsets.UTF_16);
    assertThat(jackson(utf16)).as("Jackson reads UTF-16").startsWith("ok");
    assertThat(ours(utf16, 0)).doesNotStartWith("ok");
    assertThat(ours(bytes("\"\\xf0\\x9f\\x98\\x80 \\xef\\xbf\\xbf \\xc2\\x80\""), 0)).isEqualTo("ok");
  }

  @Test
  void aByteOrderMarkIsSkippedAsJacksonDoes() {
    byte[] doc = bytes("\\xef\\xbb\\xbf{\"a\":1}");
    assertThat(jackson(doc)).startsWith("ok");
    assertThat(ours(doc, 0)).isEqualTo("ok");
  }

  @Test
  void errorsSayWhereWithoutEchoingBytes() {
    assertThat(ours(utf8("{\"a\":1,}"), 0)).isEqualTo("unexpected character '}': expected a member name in double quotes (at byte 7)");
    assertThat(ours(utf8("[1 2]"), 0)).isEqualTo("unexpected character '2': expected ',' or ']' (at byte 3)");
    assertThat(ours(utf8("{\"a\":tru}"), 0)).startsWith("unrecognized token");
    assertThat(ours(bytes("[\\x01]"), 0)).isEqualTo("unexpected character '\\x01': expected a value (at byte 1)");
    assertThat(ours(utf8("{\"a\":1"), 0)).isEqualTo("unexpected end of input: expected ',' or '}' (at byte 6)");
  }

  @Test
  void theEnvelopeReaderRefusesItsOwnDuplicatesEvenAfterData() {
    assertThatThrownBy(() -> NativeEnvelope.read(scanner("{\"type\":\"a.b\",\"data\":{\"type\":1},\"type\":\"c.d\"}"), 1))
        .hasMessageStartingWith("Duplicate field 'type'");
    assertThatThrownBy(() -> NativeEnvelope.read(scanner("{\"type\":\"a.b\",\"data\":1,\"zz\":1,\"zz\":2}"), 1))
        .hasMessageStartingWith("Duplicate field 'zz'");
    assertThatCode(() -> NativeEnvelope.read(scanner("{\"type\":\"a.b\",\"data\":{\"data\":{\"type\":1}}}"), 1))
        .doesNotThrowAnyException();
  }

  // --- helpers

  /** "ok", or the scanner's message for {@code doc} as one value held by {@code depth} containers. */
  static String ours(byte[] doc, int depth) {
    try {
      JsonScanner s = new JsonScanner(doc, 0, doc.length);
      s.value(depth);
      return s.atEnd() ? "ok" : "trailing content";
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  /** "ok", or Jackson's message: every value decoded (so every string's UTF-8), nothing after it. */
  static String jackson(byte[] doc) {
    try (JsonParser p = IngestJson.FACTORY.createParser(doc)) {
      if (p.nextToken() == null) return "empty";
      IngestJson.MAPPER.readTree(p);
      return p.nextToken() == null ? "ok" : "trailing content";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return e.getOriginalMessage();
    } catch (IOException | NumberFormatException e) { // the latter: a number the BigDecimal reader refuses
      return String.valueOf(e.getMessage());
    }
  }

  private static JsonScanner scanner(String s) {
    byte[] b = utf8(s);
    return new JsonScanner(b, 0, b.length);
  }

  private static byte[] nested(int depth) {
    return ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A string's chars as bytes, with {@code \xNN} for any byte. */
  private static byte[] bytes(String s) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      if (s.startsWith("\\x", i)) {
        out.write(Integer.parseInt(s.substring(i + 2, i + 4), 16));
        i += 3;
      } else {
        byte[] c = String.valueOf(s.charAt(i)).getBytes(StandardCharsets.UTF_8);
        out.write(c, 0, c.length);
      }
    }
    return out.toByteArray();
  }

  private static boolean validUtf8(byte[] doc) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(doc));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static String show(byte[] doc) {
    return new String(doc, StandardCharsets.UTF_8).replace("\u0001", "\\x01");
  }

  private static final String[] STRINGS = {"\"s\"", "\"\"", "\"Zoë\"", "\"a\\\"b\"", "\"\\u00e9\\n\"", "\"😀\""};
  private static final String[] SCALARS = {"1", "-0", "0.5", "-12.5e+3", "1E-2", "true", "false", "null"};

  /** A random value; object names drawn from few, so that about a third of the objects repeat one. */
  private static String value(SplittableRandom r, int depth) {
    if (depth > 3 || r.nextInt(4) == 0) {
      return r.nextBoolean() ? STRINGS[r.nextInt(STRINGS.length)] : SCALARS[r.nextInt(SCALARS.length)];
    }
    boolean object = depth == 0 || r.nextBoolean();
    StringBuilder sb = new StringBuilder(object ? "{" : "[");
    int n = r.nextInt(object ? 22 : 4);
    for (int i = 0; i < n; i++) {
      if (i > 0) sb.append(r.nextInt(8) == 0 ? " , " : ",");
      if (object) {
        int k = r.nextInt(n * n + 2);
        // the same name sometimes spelled with an escape, or with a non-ASCII letter
        String name = switch (r.nextInt(10)) {
          case 0 -> "\\u006b" + k;
          case 1 -> "é" + k;
          default -> "k" + k;
        };
        sb.append('"').append(name).append(r.nextBoolean() ? "\":" : "\" :\n");
      }
      sb.append(value(r, depth + 1));
    }
    return sb.append(object ? '}' : ']').toString();
  }

  private static final byte[] NOISE = bytes("{}[],:\"\\ 0-9.eE+tfnulx\\x01\\x7f\\xc3\\xa9\\xe2\\x82\\xac\\xff\\xed\\xa0");

  /** One to three random edits: a byte dropped, replaced or inserted. */
  private static byte[] mutate(SplittableRandom r, byte[] doc) {
    byte[] d = doc;
    for (int edits = 1 + r.nextInt(3); edits > 0 && d.length > 1; edits--) {
      int at = r.nextInt(d.length);
      byte noise = NOISE[r.nextInt(NOISE.length)];
      d = switch (r.nextInt(3)) {
        case 0 -> concat(d, 0, at, new byte[0], d, at + 1);
        case 1 -> concat(d, 0, at, new byte[] {noise}, d, at + 1);
        default -> concat(d, 0, at, new byte[] {noise}, d, at);
      };
    }
    return d;
  }

  private static byte[] concat(byte[] a, int from, int to, byte[] mid, byte[] c, int cFrom) {
    byte[] out = new byte[(to - from) + mid.length + (c.length - cFrom)];
    System.arraycopy(a, from, out, 0, to - from);
    System.arraycopy(mid, 0, out, to - from, mid.length);
    System.arraycopy(c, cFrom, out, to - from + mid.length, c.length - cFrom);
    return out;
  }
}
