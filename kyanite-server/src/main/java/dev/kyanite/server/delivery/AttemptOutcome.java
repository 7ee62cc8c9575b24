package dev.kyanite.server.delivery;

/**
 * What one attempt produced: an HTTP status, or an error before any status was received.
 *
 * @param status the HTTP status, or 0 when no response was received
 * @param error the error class when there was no response ({@link #TIMEOUT}, {@link #CONNECTION},
 *     {@link #TLS}, {@link #DNS}, {@link #SSRF_REFUSED}), or {@code null}
 */
public record AttemptOutcome(int status, String error) {
  public static final String TIMEOUT = "timeout";
  public static final String CONNECTION = "connection";
  public static final String TLS = "tls";
  public static final String DNS = "dns";
  public static final String SSRF_REFUSED = "ssrf_refused";

  public static AttemptOutcome http(int status) {
    return new AttemptOutcome(status, null);
  }

  public static AttemptOutcome error(String errorClass) {
    return new AttemptOutcome(0, errorClass);
  }

  public boolean success() {
    return status >= 200 && status < 300;
  }

  /** The receiver says it is overloaded: timeouts and {@code 429}. */
  public boolean overload() {
    return TIMEOUT.equals(error) || status == 429;
  }

  /** Error class for the ledger: the error, {@code http} for a non-2xx status, null on success. */
  public String errorClass() {
    if (error != null) return error;
    return success() ? null : "http";
  }
}
