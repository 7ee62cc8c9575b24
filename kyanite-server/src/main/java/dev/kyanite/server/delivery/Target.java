package dev.kyanite.server.delivery;

import java.net.URI;

/**
 * A parsed endpoint URL: where to connect and what to ask for.
 *
 * @param host the host as written (name or IP literal, IPv6 without brackets)
 * @param port explicit or default port
 * @param ssl whether https
 * @param requestUri path and query ({@code /} when empty)
 */
record Target(String host, int port, boolean ssl, String requestUri) {

  static Target of(String url) {
    URI u = URI.create(url);
    boolean ssl = "https".equalsIgnoreCase(u.getScheme());
    String host = u.getHost();
    if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
    int port = u.getPort() > 0 ? u.getPort() : ssl ? 443 : 80;
    String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    String uri = u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
    return new Target(host, port, ssl, uri);
  }
}
