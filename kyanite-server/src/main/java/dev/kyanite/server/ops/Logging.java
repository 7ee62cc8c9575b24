package dev.kyanite.server.ops;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.kyanite.server.config.Config;
import dev.kyanite.server.config.ConfigKey;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Logging setup in code (no XML: faster start). Plain text lines on stdout by default, one JSON
 * object per line with {@code logging.format=json}. The access log ({@code kyanite.access}) goes
 * through a non-blocking async appender, so a slow terminal never slows requests (under extreme
 * load it drops access lines rather than block).
 */
public final class Logging {
  public enum Format { PLAIN, JSON }

  public static final ConfigKey<Format> FORMAT = ConfigKey.oneOf("logging.format", Format.class, Format.PLAIN,
      "Log line format on stdout: `plain` text or `json` (one object per line).");
  public static final ConfigKey<String> LEVEL = ConfigKey.string("logging.level", "info",
      "Root log level: trace, debug, info, warn, error.")
      .check(s -> List.of("trace", "debug", "info", "warn", "error").contains(s.toLowerCase(java.util.Locale.ROOT)),
          "one of trace|debug|info|warn|error");

  private Logging() {}

  public static List<ConfigKey<?>> keys() {
    return List.of(FORMAT, LEVEL);
  }

  /** Applies the configured format and level (no-op when Logback is not the SLF4J backend). */
  public static void apply(Config config) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      configure(ctx, config.get(FORMAT), Level.toLevel(config.get(LEVEL), Level.INFO));
    }
  }

  static void configure(LoggerContext ctx, Format format, Level level) {
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    Logger access = ctx.getLogger("kyanite.access");
    root.detachAndStopAllAppenders();
    access.detachAndStopAllAppenders();

    ConsoleAppender<ILoggingEvent> console = console(ctx, format, "console");
    root.addAppender(console);
    root.setLevel(level);

    AsyncAppender async = new AsyncAppender();
    async.setContext(ctx);
    async.setName("access-async");
    async.setNeverBlock(true);
    async.setQueueSize(8192);
    async.setDiscardingThreshold(0);
    async.addAppender(console(ctx, format, "access-console"));
    async.start();
    access.addAppender(async);
    access.setAdditive(false);
    // chatty third-party loggers
    ctx.getLogger("io.netty").setLevel(Level.WARN);
    ctx.getLogger("io.vertx").setLevel(Level.INFO);
  }

  private static ConsoleAppender<ILoggingEvent> console(LoggerContext ctx, Format format, String name) {
    Encoder<ILoggingEvent> enc;
    if (format == Format.JSON) {
      JsonEncoder j = new JsonEncoder();
      j.setContext(ctx);
      j.start();
      enc = j;
    } else {
      PatternLayoutEncoder p = new PatternLayoutEncoder();
      p.setContext(ctx);
      p.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{24} - %msg%n");
      p.start();
      enc = p;
    }
    ConsoleAppender<ILoggingEvent> c = new ConsoleAppender<>();
    c.setContext(ctx);
    c.setName(name);
    c.setEncoder(enc);
    c.start();
    return c;
  }
}
