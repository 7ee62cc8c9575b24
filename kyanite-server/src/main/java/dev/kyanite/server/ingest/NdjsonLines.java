package dev.kyanite.server.ingest;

import io.vertx.core.buffer.Buffer;

/**
 * Splits a streamed {@code application/x-ndjson} body into lines as chunks arrive, holding at most
 * one partial line (bounded by the per-event limit: a longer line is skipped up to its end and
 * reported as too large). Blank lines are ignored; {@code \r\n} endings are accepted. Not
 * thread-safe (one request, one event loop).
 */
final class NdjsonLines {
  /** Receives each line: bytes {@code [off, off + len)} of {@code bytes} (valid only during the call). */
  interface LineSink {
    void line(byte[] bytes, int off, int len);

    /** A line longer than the limit; its bytes were discarded. */
    void tooLong();
  }

  private final int maxLine;
  private final LineSink sink;
  private byte[] partial = new byte[256];
  private int partialLen;
  private boolean skipping;

  NdjsonLines(int maxLine, LineSink sink) {
    this.maxLine = maxLine;
    this.sink = sink;
  }

  void feed(Buffer chunk) {
    byte[] b = chunk.getBytes();
    int start = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] != '\n') continue;
      if (skipping) {
        skipping = false;
      } else if (partialLen == 0) {
        emit(b, start, i - start);
      } else {
        append(b, start, i - start);
        if (!skipping) emit(partial, 0, partialLen);
        skipping = false;
      }
      partialLen = 0;
      start = i + 1;
    }
    if (start < b.length && !skipping) append(b, start, b.length - start);
  }

  /** End of the body: the last line may lack its newline. */
  void end() {
    if (!skipping && partialLen > 0) emit(partial, 0, partialLen);
    partialLen = 0;
    skipping = false;
  }

  private void append(byte[] b, int off, int len) {
    if (partialLen + len > maxLine + 1) { // +1: a trailing \r
      skipping = true;
      partialLen = 0;
      sink.tooLong();
      return;
    }
    if (partialLen + len > partial.length) {
      partial = java.util.Arrays.copyOf(partial, Math.max(partial.length * 2, partialLen + len));
    }
    System.arraycopy(b, off, partial, partialLen, len);
    partialLen += len;
  }

  private void emit(byte[] b, int off, int len) {
    if (len > 0 && b[off + len - 1] == '\r') len--;
    int s = off, e = off + len;
    while (s < e && isBlank(b[s])) s++;
    while (e > s && isBlank(b[e - 1])) e--;
    if (s == e) return;
    if (e - s > maxLine) {
      sink.tooLong();
      return;
    }
    sink.line(b, s, e - s);
  }

  private static boolean isBlank(byte c) {
    return c == ' ' || c == '\t' || c == '\r';
  }
}
