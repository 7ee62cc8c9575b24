package dev.kyanite.core.log;

/**
 * The typed failure of an {@link EventLog} operation. Callers decide on {@link #reason()}, never on
 * the message.
 */
public class LogException extends RuntimeException {

  /** Failure classes a caller can act on. */
  public enum Reason {
    /** The disk or the configured byte budget is full; retry later, nothing was written. */
    FULL,
    /** The log was closed. */
    CLOSED,
    /** A record or batch is larger than the backend accepts. */
    TOO_LARGE,
    /** An I/O error other than a full disk; the log may recover by itself. */
    IO,
    /** The backend is temporarily unavailable (for example no broker reachable). */
    UNAVAILABLE
  }

  private final Reason reason;

  public LogException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public LogException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
