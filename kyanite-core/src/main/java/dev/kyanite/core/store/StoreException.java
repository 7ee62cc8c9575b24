package dev.kyanite.core.store;

/** A MetadataStore operation failed (I/O, constraint, unreachable database). */
public class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
