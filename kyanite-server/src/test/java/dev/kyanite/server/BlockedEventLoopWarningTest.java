package dev.kyanite.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A stalled event loop is reported with its stack at the first warning, so a 2–5 s stall can be traced. */
class BlockedEventLoopWarningTest {
  @Test
  void theFirstBlockedThreadWarningCarriesTheLoopsStack() throws Exception {
    LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger checker = lc.getLogger("io.vertx.core.impl.BlockedThreadChecker");
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    checker.addAppender(captured);
    Vertx vertx = Vertx.vertx(KyaniteServer.vertxOptions().setBlockedThreadCheckInterval(100)
        .setMaxEventLoopExecuteTime(300).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setWarningExceptionTime(300).setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS));
    try {
      // the server's own limits, scaled down above so the test takes a second, must stay equal
      VertxOptions served = KyaniteServer.vertxOptions();
      assertThat(served.getWarningExceptionTimeUnit().toNanos(served.getWarningExceptionTime()))
          .isEqualTo(served.getMaxEventLoopExecuteTimeUnit().toNanos(served.getMaxEventLoopExecuteTime()));
      CountDownLatch done = new CountDownLatch(1);
      vertx.runOnContext(v -> {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(800);
        while (System.nanoTime() < until) Thread.onSpinWait(); // a stand-in for a blocking call
        done.countDown();
      });
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      vertx.close().await();
      checker.detachAppender(captured);
    }
    assertThat(captured.list).anySatisfy(e -> {
      assertThat(e.getFormattedMessage()).contains("has been blocked");
      assertThat(e.getThrowableProxy()).as("the loop's stack").isNotNull();
      assertThat(e.getThrowableProxy().getStackTraceElementProxyArray())
          .anyMatch(f -> f.getStackTraceElement().getClassName().startsWith(BlockedEventLoopWarningTest.class.getName()));
    });
  }
}
