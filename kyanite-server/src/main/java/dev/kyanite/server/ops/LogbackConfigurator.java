package dev.kyanite.server.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's startup configuration (found through {@code META-INF/services}): plain text at INFO
 * until {@link Logging#apply} installs the configured format and level.
 */
public final class LogbackConfigurator extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext ctx) {
    Logging.configure(ctx, Logging.Format.PLAIN, Level.INFO);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
