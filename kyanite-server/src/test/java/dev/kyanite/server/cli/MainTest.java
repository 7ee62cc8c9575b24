package dev.kyanite.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.server.Features;
import dev.kyanite.server.KyaniteServer;
import dev.kyanite.server.config.ConfigKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  static String captureErr(Runnable r) {
    return capture(System.err, System::setErr, r);
  }

  static String captureOut(Runnable r) {
    return capture(System.out, System::setOut, r);
  }

  private static String capture(PrintStream old, java.util.function.Consumer<PrintStream> set, Runnable r) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    set.accept(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      set.accept(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsServe() {
    String out = captureOut(() -> assertThat(Main.run("--help")).isZero());
    assertThat(out).contains("serve", "config");
  }

  @Test
  void serveHelpListsTheBasicFlags() {
    String out = captureOut(() -> assertThat(Main.run("serve", "--help")).isZero());
    assertThat(out).contains("--port", "--data-dir", "--config", "--tls-cert", "--tls-key", "--tls-self-signed", "--set");
  }

  @Test
  void invalidConfigurationExitsWithUsageErrorBeforeStarting() {
    assertThat(Main.run("serve", "--set", "http.max-body-size=lots")).isEqualTo(2);
    assertThat(Main.run("serve", "--set", "no.such.key=1")).isEqualTo(2);
  }

  @Test
  void listsOfCidrsAndRetryDelaysAreCheckedBeforeTheDataDirectoryIsTouched(@TempDir Path dir) throws Exception {
    for (String bad : new String[] {"delivery.allow-cidrs=notacidr", "delivery.allow-cidrs=10.0.0.0/33",
        "delivery.retry-schedule=5s,abc", "delivery.retry-schedule=soon"}) {
      String err = captureErr(() -> assertThat(Main.run("serve", "--data-dir", dir.toString(), "--port", "0", "--set", bad))
          .as(bad).isEqualTo(2));
      assertThat(err).as(bad).contains("invalid configuration", bad.substring(0, bad.indexOf('=')));
      try (var files = Files.list(dir)) {
        assertThat(files).as(bad).isEmpty();
      }
    }
  }

  @Test
  void configCommandPrintsEveryKey() {
    String out = captureOut(() -> assertThat(Main.run("config")).isZero());
    for (ConfigKey<?> k : KyaniteServer.configKeys(Features.all())) {
      assertThat(out).contains("`" + k.name() + "`", k.envName());
    }
  }

  @Test
  void configurationDocumentListsEveryKey() throws Exception {
    Path doc = Path.of("..", "docs", "configuration.md");
    String text = Files.readString(doc);
    for (ConfigKey<?> k : KyaniteServer.configKeys(Features.all())) {
      assertThat(text).as("docs/configuration.md documents " + k.name()).contains("`" + k.name() + "`");
    }
    String table = text.substring(text.indexOf("-->", text.indexOf("<!-- keys:begin")) + 3, text.indexOf("<!-- keys:end -->")).strip();
    assertThat(table).as("the table in docs/configuration.md is what `kyanite config` prints: run docs/regen-config.sh")
        .isEqualTo(ConfigCommand.table(KyaniteServer.configKeys(Features.all())).strip());
  }
}
