package dev.kyanite.server.admin;

import dev.kyanite.core.store.ApiKey;
import dev.kyanite.core.store.KeyStore;
import dev.kyanite.server.StartupException;
import dev.kyanite.server.auth.ApiKeySecrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First-start bootstrap: when no {@code admin.key} is configured and the store holds no key at
 * all, create an admin key and write its secret to {@code <data-dir>/admin.key} with mode 600
 * (created with that mode, so it is never readable by others, even briefly). Logs the path, never
 * the key.
 */
final class AdminBootstrap {
  static final String FILE = "admin.key";
  private static final Logger LOG = LoggerFactory.getLogger(AdminBootstrap.class);

  private AdminBootstrap() {}

  /** @return the file written, or {@code null} when nothing was bootstrapped */
  static Path run(KeyStore keys, Path dataDir, boolean adminKeyConfigured, Clock clock) {
    if (adminKeyConfigured || !keys.list().isEmpty()) return null;
    String secret = ApiKeySecrets.newSecret();
    Path file = dataDir.resolve(FILE);
    try {
      Files.deleteIfExists(file);
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(file, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StartupException("cannot write the bootstrap admin key to " + file.toAbsolutePath() + ": " + e.getMessage());
    }
    ApiKey key = new ApiKey(ApiKeySecrets.newId(), "admin", ApiKeySecrets.hash(secret), Set.of("admin"), null,
        clock.instant(), null);
    keys.create(key);
    LOG.info("created the first admin API key {}; its secret is in {} (mode 600). Use it as 'Authorization: Bearer <key>'",
        key.id(), file.toAbsolutePath());
    return file;
  }
}
