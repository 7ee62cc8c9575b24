package dev.kyanite.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LoggingTest {

  static String logOnce(Logging.Format format, String logger, String message) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    LoggerContext ctx = new LoggerContext();
    ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    try {
      Logging.configure(ctx, format, Level.INFO);
      ctx.getLogger(logger).info(message);
      ctx.getLogger(logger).debug("hidden");
    } finally {
      ctx.stop(); // flushes the async access appender
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void plainFormatWritesOneTextLine() {
    String out = logOnce(Logging.Format.PLAIN, "dev.kyanite.Test", "hello plain");
    assertThat(out).contains("INFO", "hello plain").doesNotContain("hidden");
    assertThat(out.lines()).hasSize(1);
  }

  @Test
  void jsonFormatWritesOneObjectPerLine() {
    String out = logOnce(Logging.Format.JSON, "dev.kyanite.Test", "hello json");
    String line = out.lines().filter(l -> l.contains("hello json")).findFirst().orElseThrow();
    JsonObject o = new JsonObject(line);
    assertThat(o.getString("message")).isEqualTo("hello json");
    assertThat(o.getString("level")).isEqualTo("INFO");
    assertThat(o.getString("loggerName")).isEqualTo("dev.kyanite.Test");
  }

  @Test
  void accessLogLinesGoThroughTheAsyncAppender() {
    String out = logOnce(Logging.Format.PLAIN, "kyanite.access", "GET /x 200");
    assertThat(out).contains("GET /x 200");
    assertThat(out.lines()).hasSize(1);
  }
}
