package dev.kyanite.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what the generator needs from acks and deliveries without building object trees:
 * the top-level {@code id} of a single ack or a delivered event, the accepted ids of a batch ack
 * ({@code {"accepted":[{"index":0,"id":"evt_…"}],"rejected":[…]}}) and the number rejected.
 */
final class AckParser {
  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] EMPTY_REJECTED = "\"rejected\":[]".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REJECTED = "\"rejected\"".getBytes(StandardCharsets.US_ASCII);

  private AckParser() {}

  /** The top-level string field {@code id} of a JSON object, or null. */
  static String topLevelId(byte[] json) {
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("id".equals(name) && value == JsonToken.VALUE_STRING) {
          return p.getText();
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The accepted ids of a batch ack, in index order as the server lists them. */
  static List<String> acceptedIds(byte[] json) {
    List<String> ids = new ArrayList<>();
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return ids;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("accepted".equals(name) && value == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String field = p.currentName();
              JsonToken v = p.nextToken();
              if ("id".equals(field) && v == JsonToken.VALUE_STRING) {
                ids.add(p.getText());
              } else {
                p.skipChildren();
              }
            }
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      // a malformed ack yields the ids read so far; the missing ones surface as errors elsewhere
    }
    return ids;
  }

  /** How many events a batch ack rejected; 0 for an ack with {@code "rejected":[]} or none. */
  static int rejectedCount(Buffer body) {
    if (body == null) {
      return 0;
    }
    byte[] bytes = body.getBytes();
    if (indexOf(bytes, EMPTY_REJECTED) >= 0 || indexOf(bytes, REJECTED) < 0) {
      return 0;
    }
    try (JsonParser p = JSON.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return 0;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("rejected".equals(name) && value == JsonToken.START_ARRAY) {
          int n = 0;
          while (p.nextToken() != JsonToken.END_ARRAY) {
            p.skipChildren();
            n++;
          }
          return n;
        }
        p.skipChildren();
      }
    } catch (IOException e) {
      return 0;
    }
    return 0;
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
