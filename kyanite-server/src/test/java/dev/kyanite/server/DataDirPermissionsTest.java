package dev.kyanite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The data dir holds webhook signing secrets, endpoint headers and every event: what Kyanite
 * creates there is owner-only; a data dir the operator made keeps its mode but draws a WARN when
 * group or others can get in.
 */
class DataDirPermissionsTest {
  @TempDir Path tmp;

  @BeforeAll
  static void posixOnly() {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private static TestServer start(Path dataDir) {
    return TestServer.startRaw(Map.of("data-dir", dataDir.toString(), "port", 0, "host", "127.0.0.1", "http.instances", 1));
  }

  @Test
  void whatKyaniteCreatesIsOwnerOnly() throws Exception {
    Path dataDir = tmp.resolve("srv").resolve("data");
    try (TestServer s = start(dataDir)) {
      String admin = Files.readString(dataDir.resolve("admin.key")).trim();
      assertThat(s.postJson("/v1/keys", admin, "{\"name\":\"w\",\"scopes\":[\"admin\"]}").statusCode()).isEqualTo(201);
      assertThat(mode(dataDir)).isEqualTo("rwx------");
      assertThat(mode(dataDir.resolve("log"))).isEqualTo("rwx------");
      assertThat(mode(dataDir.resolve("metadata.db"))).isEqualTo("rw-------");
      assertThat(dataDir.resolve("metadata.db-wal")).exists();
      assertThat(mode(dataDir.resolve("metadata.db-wal"))).as("SQLite copies the database file's mode").isEqualTo("rw-------");
      assertThat(mode(dataDir.resolve("kyanite.lock"))).isEqualTo("rw-------");
      assertThat(mode(dataDir.resolve("admin.key"))).isEqualTo("rw-------");
    }
  }

  @Test
  void anOperatorsDataDirKeepsItsModeButAnOpenOneIsWarnedAbout() throws Exception {
    Path open = Files.createDirectory(tmp.resolve("open"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-x---")); // whatever the umask
    List<ILoggingEvent> warnings = warningsWhile(() -> start(open));
    assertThat(mode(open)).isEqualTo("rwxr-x---");
    assertThat(warnings).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
        .contains(open.toAbsolutePath().toString(), "rwxr-x---", "chmod 700"));

    Path closed = Files.createDirectory(tmp.resolve("closed"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    assertThat(warningsWhile(() -> start(closed))).isEmpty();
  }

  private static List<ILoggingEvent> warningsWhile(Supplier<TestServer> starting) {
    Logger logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(DataDir.class);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    logger.addAppender(captured);
    try (TestServer s = starting.get()) {
      assertThat(s.get("/healthz", null).statusCode()).isEqualTo(200);
    } finally {
      logger.detachAppender(captured);
    }
    return captured.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
  }
}
