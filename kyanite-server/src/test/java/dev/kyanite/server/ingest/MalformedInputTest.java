package dev.kyanite.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.server.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A corpus of malformed requests sent over raw sockets: broken JSON, 10,000-deep nesting, invalid
 * UTF-8, a 100 MB body (declared and streamed), wrong content types, empty bodies, huge headers,
 * random bytes. Every one gets a clear 4xx (never a 5xx), quickly, and the server keeps serving.
 */
class MalformedInputTest {
  static TestServer s;
  static final String AUTH = "Authorization: Bearer " + TestServer.ADMIN_KEY + "\r\n";

  @BeforeAll
  static void start() {
    s = TestServer.start(Map.of("http.access-log", false));
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  record Case(String name, String path, String contentType, byte[] body, String extraHeaders) {}

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  static List<Case> corpus() {
    List<Case> c = new ArrayList<>();
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    String deepObj = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
    byte[] badUtf8 = {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, (byte) 0x28};
    for (String body : new String[] {"{", "}", "[", "{\"type\":", "\"str\"", "nul", "{\"type\":\"a.b\",\"data\":NaN}",
        "{\"type\":\"a.b\",\"data\":01}", "{\"type\":\"a.b\",\"data\":1}}", "{'type':'a.b'}", "\u0000", "{\"type\":\"a.b\",\"data\":\"\\ud800\"",
        "{\"type\":\"a.b\",\"data\":" + deep + "}", deep, deepObj, "{\"type\":\"a.b\",\"data\":" + deepObj + "}",
        // valid JSON whose exponent BigDecimal cannot hold: it was acked, and then unreadable (GET answered 500)
        "{\"type\":\"a.b\",\"data\":{\"n\":1e99999999999}}", "{\"type\":\"a.b\",\"data\":-2.5E-12345678901}",
        "{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"/s\",\"type\":\"a.b\",\"data\":{\"n\":1e99999999999}}"}) {
      c.add(new Case("json " + abbreviate(body), "/v1/events", "application/json", utf8(body), ""));
      c.add(new Case("batch " + abbreviate(body), "/v1/events/batch", "application/json", utf8(body), ""));
      c.add(new Case("ce " + abbreviate(body), "/v1/events", "application/cloudevents+json", utf8(body), ""));
      c.add(new Case("ndjson " + abbreviate(body), "/v1/events/batch", "application/x-ndjson", utf8(body + "\n" + body), ""));
    }
    c.add(new Case("invalid utf-8 in data", "/v1/events", "application/json",
        concat(utf8("{\"type\":\"a.b\",\"data\":\""), badUtf8, utf8("\"}")), ""));
    c.add(new Case("utf-16 body", "/v1/events", "application/json",
        "{\"type\":\"a.b\",\"data\":{\"name\":\"x\"}}".getBytes(StandardCharsets.UTF_16LE), ""));
    c.add(new Case("utf-16 batch", "/v1/events/batch", "application/json",
        "[{\"type\":\"a.b\",\"data\":1}]".getBytes(StandardCharsets.UTF_16), ""));
    c.add(new Case("invalid utf-8 in type", "/v1/events", "application/json",
        concat(utf8("{\"type\":\""), badUtf8, utf8("\",\"data\":1}")), ""));
    c.add(new Case("invalid utf-8 in member name", "/v1/events", "application/json",
        concat(utf8("{\""), badUtf8, utf8("\":1,\"type\":\"a.b\",\"data\":1}")), ""));
    c.add(new Case("invalid utf-8 ndjson", "/v1/events/batch", "application/x-ndjson",
        concat(utf8("{\"type\":\"a.b\",\"data\":\""), badUtf8, utf8("\"}\n")), ""));
    c.add(new Case("invalid utf-8 ce binary text", "/v1/events", "text/plain", badUtf8,
        "ce-specversion: 1.0\r\nce-id: x1\r\nce-source: /s\r\nce-type: t.x\r\n"));
    c.add(new Case("bad percent-encoding ce header", "/v1/events", "application/json", utf8("{}"),
        "ce-specversion: 1.0\r\nce-id: %zz\r\nce-source: /s\r\nce-type: t.x\r\n"));
    c.add(new Case("ce binary invalid json", "/v1/events", "application/json", utf8("{oops"),
        "ce-specversion: 1.0\r\nce-id: x2\r\nce-source: /s\r\nce-type: t.x\r\n"));
    for (String ct : new String[] {"text/plain", "application/xml", "multipart/form-data; boundary=x", "", "application/jsonx",
        "application/x-www-form-urlencoded"}) {
      c.add(new Case("content-type '" + ct + "'", "/v1/events", ct, utf8("{\"type\":\"a.b\",\"data\":1}"), ""));
      c.add(new Case("batch content-type '" + ct + "'", "/v1/events/batch", ct, utf8("[]"), ""));
    }
    for (String path : new String[] {"/v1/events", "/v1/events/batch"}) {
      for (String ct : new String[] {"application/json", "application/x-ndjson", "application/cloudevents+json",
          "application/cloudevents-batch+json"}) {
        c.add(new Case("empty " + ct + " " + path, path, ct, new byte[0], ""));
      }
    }
    c.add(new Case("huge header", "/v1/events", "application/json", utf8("{\"type\":\"a.b\",\"data\":1}"),
        "X-Huge: " + "h".repeat(64 * 1024) + "\r\n"));
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 2_000; i++) many.append("X-H").append(i).append(": v\r\n");
    c.add(new Case("many headers", "/v1/events", "application/json", utf8("{\"type\":\"a.b\",\"data\":1}"), many.toString()));
    c.add(new Case("huge idempotency key", "/v1/events", "application/json", utf8("{\"type\":\"a.b\",\"data\":1}"),
        "Idempotency-Key: " + "k".repeat(4_000) + "\r\n"));
    c.add(new Case("schema deep", "/v1/schemas/deep.schema", "application/json",
        utf8("{\"items\":".repeat(900) + "{}" + "}".repeat(900)), ""));
    c.add(new Case("schema garbage", "/v1/schemas/x", "application/json", badUtf8, ""));
    Random r = new Random(42);
    for (int i = 0; i < 100; i++) {
      byte[] b = new byte[1 + r.nextInt(300)];
      r.nextBytes(b);
      c.add(new Case("random bytes #" + i, i % 2 == 0 ? "/v1/events" : "/v1/events/batch",
          i % 3 == 0 ? "application/x-ndjson" : "application/json", b, ""));
    }
    return c;
  }

  private static String abbreviate(String s) {
    return s.length() > 30 ? s.substring(0, 30) + "…(" + s.length() + ")" : s;
  }

  @Test
  void everyMalformedRequestGetsA4xxAndTheServerKeepsServing() throws Exception {
    List<String> failures = new ArrayList<>();
    for (Case c : corpus()) {
      String method = c.path.startsWith("/v1/schemas") ? "PUT" : "POST";
      String head = method + " " + c.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTH
          + (c.contentType.isEmpty() ? "" : "Content-Type: " + c.contentType + "\r\n")
          + c.extraHeaders + "Content-Length: " + c.body.length + "\r\nConnection: close\r\n\r\n";
      int status = exchange(concat(utf8(head), c.body));
      if (status < 400 || status >= 500) failures.add(c.name + " → " + status);
    }
    assertThat(failures).isEmpty();
    assertThat(s.postJson("/v1/events", s.adminKey(), "{\"type\":\"still.alive\",\"data\":1}").statusCode()).isEqualTo(202);
  }

  @Test
  void hugeNumbersAreKeptExactly() throws Exception {
    var r = s.postJson("/v1/events", s.adminKey(), "{\"type\":\"a.b\",\"data\":[1e400,-0.0,123456789012345678901234567890.5]}");
    assertThat(r.statusCode()).isEqualTo(202);
    String id = IngestClient.json(r).get("id").asText();
    String got = s.get("/v1/events/" + id, s.adminKey()).body();
    assertThat(got).contains("123456789012345678901234567890.5");
    assertThat(got).doesNotContain("Infinity");
  }

  @Test
  void aDeclared100MegabyteBodyIsRefusedBeforeItIsRead() throws Exception {
    for (String path : new String[] {"/v1/events", "/v1/events/batch"}) {
      try (Socket sock = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
        sock.setSoTimeout(5_000);
        OutputStream out = sock.getOutputStream();
        out.write(utf8("POST " + path + " HTTP/1.1\r\nHost: x\r\n" + AUTH + "Content-Type: application/json\r\n"
            + "Content-Length: 104857600\r\n\r\n"));
        out.flush();
        assertThat(statusOf(sock.getInputStream())).isEqualTo(413);
      }
    }
  }

  @Test
  void aStreamed100MegabyteBodyIsRefusedEarlyWithBoundedMemory() throws Exception {
    for (String ct : new String[] {"application/json", "application/x-ndjson"}) {
      try (Socket sock = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
        sock.setSoTimeout(50);
        OutputStream out = sock.getOutputStream();
        InputStream in = sock.getInputStream();
        out.write(utf8("POST /v1/events/batch HTTP/1.1\r\nHost: x\r\n" + AUTH + "Content-Type: " + ct + "\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n"));
        byte[] chunk = utf8("{\"type\":\"a.b\",\"data\":\"" + "x".repeat(65_000) + "\"}\n");
        byte[] framed = concat(utf8(Integer.toHexString(chunk.length) + "\r\n"), chunk, utf8("\r\n"));
        long sent = 0;
        int status = -1;
        ByteArrayOutputStream resp = new ByteArrayOutputStream();
        while (sent < 100L * 1024 * 1024 && status < 0) {
          try {
            out.write(framed);
            sent += chunk.length;
          } catch (IOException closed) {
            break;
          }
          status = tryStatus(in, resp);
        }
        sock.setSoTimeout(5_000);
        if (status < 0) status = statusOf(new java.io.SequenceInputStream(
            new java.io.ByteArrayInputStream(resp.toByteArray()), in));
        assertThat(status).as(ct).isEqualTo(413);
        assertThat(sent).as("bytes sent before the refusal (%s)", ct).isLessThan(20L * 1024 * 1024);
      }
    }
  }

  /** Sends one request on a fresh connection and returns the response status (0 if the server closed without one). */
  private static int exchange(byte[] request) throws IOException {
    try (Socket sock = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
      sock.setSoTimeout(10_000);
      try {
        sock.getOutputStream().write(request);
        sock.getOutputStream().flush();
      } catch (IOException e) {
        // the server may answer and close before reading everything (413, 431); read what it said
      }
      return statusOf(sock.getInputStream());
    }
  }

  private static int tryStatus(InputStream in, ByteArrayOutputStream resp) throws IOException {
    byte[] b = new byte[4096];
    try {
      int n = in.read(b);
      if (n < 0) return 0;
      resp.write(b, 0, n);
    } catch (SocketTimeoutException e) {
      return -1;
    }
    String text = resp.toString(StandardCharsets.ISO_8859_1);
    int nl = text.indexOf("\r\n");
    return nl < 0 ? -1 : Integer.parseInt(text.substring(9, 12));
  }

  private static int statusOf(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    try {
      while ((c = in.read()) >= 0 && c != '\n') line.append((char) c);
    } catch (IOException e) {
      if (line.length() < 12) return 0;
    }
    if (line.length() < 12) return 0;
    return Integer.parseInt(line.substring(9, 12));
  }
}
