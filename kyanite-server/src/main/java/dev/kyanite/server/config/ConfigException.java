package dev.kyanite.server.config;

/** Invalid configuration. The message names the offending key and where its value came from. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
