package dev.kyanite.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests no proper client would send (broken framing, invalid
 * bytes in headers, oversized lines). One request per connection ({@code Connection: close} is up
 * to the caller). {@link #status} is {@code -1} when the server closed without answering.
 */
final class RawHttp {
  private RawHttp() {}

  record Response(int status, String head, String body) {}

  /** Builds a request with a body and Content-Length; headers are written exactly as given. */
  static byte[] request(String method, String target, Map<String, String> headers, byte[] body) {
    StringBuilder sb = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    boolean framed = headers.keySet().stream().map(k -> k.toLowerCase(Locale.ROOT))
        .anyMatch(k -> k.equals("content-length") || k.equals("transfer-encoding"));
    if (body != null && !framed) sb.append("Content-Length: ").append(body.length).append("\r\n");
    sb.append("Connection: close\r\n\r\n");
    byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (body == null) return head;
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  /** Sends raw bytes and reads until the server closes, the response is complete, or the timeout. */
  static Response exchange(int port, byte[] raw, int timeoutMillis) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 3_000);
      s.setSoTimeout(timeoutMillis);
      OutputStream out = s.getOutputStream();
      try {
        out.write(raw);
        out.flush();
      } catch (IOException e) {
        // the server may answer (413/431) and close before reading everything: read what it said
      }
      return read(s.getInputStream());
    }
  }

  static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] b = new byte[8192];
    int headEnd = -1;
    long contentLength = -1;
    try {
      int n;
      while ((n = in.read(b)) >= 0) {
        buf.write(b, 0, n);
        if (headEnd < 0) {
          String soFar = buf.toString(StandardCharsets.ISO_8859_1);
          headEnd = soFar.indexOf("\r\n\r\n");
          if (headEnd >= 0) {
            for (String line : soFar.substring(0, headEnd).split("\r\n")) {
              if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                contentLength = Long.parseLong(line.substring(15).trim());
              }
            }
          }
        }
        if (headEnd >= 0 && contentLength >= 0 && buf.size() >= headEnd + 4 + contentLength) break;
      }
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // timeout or reset: judge what arrived
    }
    String all = buf.toString(StandardCharsets.ISO_8859_1);
    if (!all.startsWith("HTTP/1.")) return new Response(-1, all, "");
    int sp = all.indexOf(' ');
    int status = Integer.parseInt(all.substring(sp + 1, sp + 4));
    int he = all.indexOf("\r\n\r\n");
    return new Response(status, he < 0 ? all : all.substring(0, he), he < 0 ? "" : all.substring(he + 4));
  }
}
