package dev.kyanite.bench;

import java.net.URI;
import java.time.Duration;

/**
 * What to send and how hard: the validated form of the {@code bench} options.
 *
 * @param rate requests per second over all connections; 0 means as fast as possible (closed loop)
 * @param h2Streams concurrent streams per HTTP/2 connection (HTTP/2 opens
 *     {@code ceil(connections / h2Streams)} TCP connections)
 */
record LoadSpec(
    URI url,
    String key,
    Mode mode,
    int batchSize,
    int eventSize,
    String type,
    int connections,
    double rate,
    Duration duration,
    Duration warmup,
    boolean http2,
    int h2Streams,
    boolean insecure,
    int threads,
    Duration timeout) {

  boolean https() {
    return "https".equalsIgnoreCase(url.getScheme());
  }

  String host() {
    return url.getHost();
  }

  int port() {
    return url.getPort() > 0 ? url.getPort() : https() ? 443 : 80;
  }

  /** The request path: the mode's path below the URL's base path (if any). */
  String path() {
    String base = url.getPath() == null ? "" : url.getPath();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return base + mode.path;
  }

  /** The full request URL, for display. */
  String target() {
    return url.getScheme() + "://" + host() + ":" + port() + path();
  }

  int eventsPerRequest() {
    return mode == Mode.SINGLE ? 1 : batchSize;
  }
}
