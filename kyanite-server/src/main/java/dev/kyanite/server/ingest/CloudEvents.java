package dev.kyanite.server.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.server.schema.FieldError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CloudEvents 1.0 (JSON event format and HTTP binding) → {@link EventInput}. Required attributes
 * {@code specversion} (must be {@code 1.0}), {@code id}, {@code source}, {@code type}; optional
 * {@code subject}, {@code time}, {@code datacontenttype}, {@code dataschema}; every other attribute
 * is an extension and is kept (in {@link dev.kyanite.core.event.Event#extensions()}, with
 * {@code datacontenttype} and {@code dataschema}). The {@code partitionkey} extension is the
 * event's ordering key. {@code source} + {@code id} is the de-duplication key.
 */
final class CloudEvents {
  static final String STRUCTURED = "application/cloudevents+json";
  static final String BATCH = "application/cloudevents-batch+json";
  private static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]{1,20}");
  private static final int MAX_ATTRIBUTE_LENGTH = 2048;

  private CloudEvents() {}

  /** Reads one structured-mode event from a parser on its {@code START_OBJECT}; leaves it on the {@code END_OBJECT}. */
  static NativeEnvelope.Result readStructured(JsonParser p, String bodyHash) throws IOException {
    Attributes a = new Attributes();
    JsonNode data = null;
    String dataBase64 = null;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "data" -> data = IngestJson.MAPPER.readTree(p);
        case "data_base64" -> {
          if (v == JsonToken.VALUE_STRING) {
            dataBase64 = p.getText();
          } else {
            p.skipChildren();
            a.error("/data_base64", "type", "must be a base64 string");
          }
        }
        default -> {
          if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
            p.skipChildren();
            a.error("/" + FieldError.escape(name), "type", "a CloudEvents attribute must be a string, number or boolean");
          } else if (v != JsonToken.VALUE_NULL) {
            a.put(name, p.getText(), v == JsonToken.VALUE_STRING ? null : v);
          }
        }
      }
    }
    if (t != JsonToken.END_OBJECT) throw new IOException("unexpected token " + t);
    if (data != null && dataBase64 != null) a.error("/data_base64", "oneOf", "data and data_base64 are mutually exclusive");
    if (dataBase64 != null) {
      try {
        Base64.getDecoder().decode(dataBase64);
        data = JsonNodeFactory.instance.textNode(dataBase64);
        a.ext().put("data_base64", true);
      } catch (IllegalArgumentException e) {
        a.error("/data_base64", "contentEncoding", "is not valid base64");
      }
    }
    return a.finish(data == null ? NullNode.getInstance() : data, bodyHash, "/");
  }

  /**
   * Binary mode: attributes from {@code ce-*} headers, {@code Content-Type} as
   * {@code datacontenttype}, the body as {@code data} (parsed when JSON, a string when text, else
   * base64 with {@code data_base64: true}).
   *
   * @param headers lower-case header name → value, only the {@code ce-} ones
   */
  static NativeEnvelope.Result readBinary(Map<String, String> headers, String contentType, byte[] body, int off, int len)
      throws IOException {
    Attributes a = new Attributes();
    StringBuilder canonical = new StringBuilder();
    headers.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      String name = e.getKey().substring(3);
      String value = percentDecode(e.getValue());
      canonical.append(name).append('=').append(value).append('\n');
      if (value == null) {
        a.error("ce-" + name, "format", "invalid percent-encoding");
      } else {
        a.put(name, value, null);
      }
    });
    if (contentType != null) {
      a.put("datacontenttype", contentType, null);
      canonical.append("content-type=").append(contentType).append('\n');
    }
    JsonNode data;
    String media = contentType == null ? "application/json" : contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    if (len == 0) {
      data = NullNode.getInstance();
    } else if (media.equals("application/json") || media.endsWith("+json")) {
      try (JsonParser p = IngestJson.FACTORY.createParser(body, off, len)) {
        data = IngestJson.MAPPER.readTree(p);
        if (p.nextToken() != null) throw new IOException("trailing content after the JSON value");
      }
    } else if (media.startsWith("text/")) {
      String text = Utf8.decodeStrict(body, off, len);
      if (text == null) throw new IOException("the body is not valid UTF-8");
      data = JsonNodeFactory.instance.textNode(text);
    } else {
      byte[] copy = java.util.Arrays.copyOfRange(body, off, off + len);
      data = JsonNodeFactory.instance.textNode(Base64.getEncoder().encodeToString(copy));
      a.ext().put("data_base64", true);
    }
    String hash = IngestJson.sha256(canonical.toString().getBytes(StandardCharsets.UTF_8),
        java.util.Arrays.copyOfRange(body, off, off + len));
    return a.finish(data, hash, "ce-");
  }

  /** RFC 3986 percent-decoding of a header value as UTF-8 ({@code +} stays {@code +}); null when malformed. */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) return s;
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) return null;
        int hi = Character.digit(s.charAt(i + 1), 16), lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) return null;
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    byte[] bytes = out.toByteArray();
    return Utf8.decodeStrict(bytes, 0, bytes.length);
  }

  /** Collects attributes and errors of one CloudEvent. */
  private static final class Attributes {
    String specversion, id, source, type, subject, time, datacontenttype, dataschema;
    ObjectNode ext;
    List<FieldError> errors;

    ObjectNode ext() {
      if (ext == null) ext = JsonNodeFactory.instance.objectNode();
      return ext;
    }

    void error(String pointer, String keyword, String message) {
      if (errors == null) errors = new ArrayList<>(2);
      errors.add(new FieldError(pointer, keyword, message));
    }

    /** @param nonString the token of a non-string JSON value (number, boolean), else null */
    void put(String name, String value, JsonToken nonString) {
      switch (name) {
        case "specversion" -> specversion = value;
        case "id" -> id = value;
        case "source" -> source = value;
        case "type" -> type = value;
        case "subject" -> subject = value;
        case "time" -> time = value;
        case "datacontenttype" -> datacontenttype = value;
        case "dataschema" -> dataschema = value;
        default -> {
          if (!EXTENSION_NAME.matcher(name).matches()) {
            error("/" + FieldError.escape(name), "propertyNames", "extension attribute names are 1-20 lower-case letters or digits");
          } else if (nonString == JsonToken.VALUE_TRUE || nonString == JsonToken.VALUE_FALSE) {
            ext().put(name, nonString == JsonToken.VALUE_TRUE);
          } else if (nonString == JsonToken.VALUE_NUMBER_INT || nonString == JsonToken.VALUE_NUMBER_FLOAT) {
            ext().put(name, new java.math.BigDecimal(value));
          } else {
            ext().put(name, value);
          }
          return;
        }
      }
      if (nonString != null) error("/" + name, "type", name + " must be a string");
    }

    NativeEnvelope.Result finish(JsonNode data, String hash, String prefix) {
      String ptr = prefix.equals("/") ? "/" : prefix;
      if (specversion == null) {
        error(ptr + "specversion", "required", "specversion is required");
      } else if (!specversion.equals("1.0")) {
        error(ptr + "specversion", "const", "only CloudEvents 1.0 is supported");
      }
      requireText(ptr + "id", id);
      requireText(ptr + "source", source);
      requireText(ptr + "type", type);
      Instant t = null;
      if (time != null) {
        t = NativeEnvelope.parseTime(time);
        if (t == null) error(ptr + "time", "format", "must be an RFC 3339 date-time");
      }
      if (subject != null && subject.length() > NativeEnvelope.MAX_SUBJECT_LENGTH) error(ptr + "subject", "maxLength", "too long");
      if (subject != null && NativeEnvelope.hasLoneSurrogate(subject)) error(ptr + "subject", "type", "half a surrogate pair is not a character");
      if (datacontenttype != null) ext().put("datacontenttype", datacontenttype);
      if (dataschema != null) ext().put("dataschema", dataschema);
      String key = null;
      if (ext != null && ext.hasNonNull("partitionkey")) key = ext.get("partitionkey").asText();
      if (errors != null) {
        return new NativeEnvelope.Result(null, new Rejection(400, IngestProblems.INVALID_CLOUDEVENT,
            "Invalid CloudEvent", errors.size() == 1 ? errors.get(0).message() : errors.size() + " problems in the CloudEvent", errors));
      }
      return new NativeEnvelope.Result(new EventInput(type, id, source, subject, t, key, data, ext, id, hash), null);
    }

    private void requireText(String pointer, String value) {
      if (value == null) {
        error(pointer, "required", pointer.substring(pointer.lastIndexOf(pointer.startsWith("ce-") ? '-' : '/') + 1) + " is required");
      } else if (value.isEmpty() || value.length() > MAX_ATTRIBUTE_LENGTH || NativeEnvelope.hasControl(value)
          || NativeEnvelope.hasLoneSurrogate(value)) {
        error(pointer, "minLength", "must be a non-empty string of printable characters");
      }
    }
  }
}
