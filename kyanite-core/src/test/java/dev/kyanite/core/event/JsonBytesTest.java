package dev.kyanite.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JsonBytesTest {
  private static final ObjectMapper STRICT = new ObjectMapper();


  @Test
  void stringsReadBackAsTheyWereWritten() throws Exception {
    String[] pieces = {"evt_01ABC", "a\"b", "back\\slash", "\n\t\u0001\u001f", "Zoë", "€", "😀", "/", " ", "\u007f"};
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 5_000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int n = r.nextInt(5); n > 0; n--) sb.append(pieces[r.nextInt(pieces.length)]);
      String s = sb.toString();
      byte[] json = new JsonBytes(4).ascii("{\"v\":").string(s).ascii(",\"n\":").number(i).ascii('}').toByteArray();
      JsonNode back = STRICT.readTree(json); // Jackson refuses invalid UTF-8 and JSON
      assertThat(back.get("v").asText()).as(s).isEqualTo(s);
      assertThat(back.get("n").asInt()).isEqualTo(i);
    }
  }

  @Test
  void numbersAreWrittenAsIntegerToStringWritesThem() {
    for (int v : new int[] {0, 7, 9, 10, 99, 100, 1_000, 123_456_789, Integer.MAX_VALUE, -1, -10, Integer.MIN_VALUE}) {
      JsonBytes w = new JsonBytes(1).ascii('[').number(v).ascii(']');
      assertThat(new String(w.toByteArray(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("[" + v + "]");
      assertThat(w.size()).isEqualTo(Integer.toString(v).length() + 2);
    }
  }

  @Test
  void aLoneSurrogateIsWrittenAsTheJdkEncoderWritesIt() throws Exception {
    byte[] json = new JsonBytes(8).string("a\ud800b").toByteArray();
    assertThat(STRICT.readTree(json).asText()).isEqualTo("a?b");
  }
}
