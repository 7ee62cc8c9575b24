package dev.kyanite.server;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owner-only permissions for what Kyanite creates in the data dir, which holds webhook signing
 * secrets and endpoint headers ({@code metadata.db}), every event ({@code log/}) and the bootstrap
 * admin key. On POSIX file systems the data dir is created {@code 700}, {@code log/} {@code 700},
 * {@code metadata.db} and the lock file {@code 600} (SQLite gives its {@code -wal} and {@code -shm}
 * files the database file's mode). Files and directories that already exist keep their mode: the
 * operator may have chosen it. A data dir that group or others can read or enter gets one WARN at
 * start. Where the file system has no POSIX permissions, nothing is set and nothing is warned.
 */
final class DataDir {
  private static final Logger LOG = LoggerFactory.getLogger(DataDir.class);
  private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OPEN_TO_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE);

  private DataDir() {}

  /**
   * Creates the data dir ({@code 700}; missing parents get the default mode) or, when it exists,
   * warns if group or others can read or enter it.
   *
   * @throws StartupException when it cannot be created
   */
  static void prepare(Path dir) {
    try {
      if (Files.isDirectory(dir)) {
        warnIfOpen(dir);
        return;
      }
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
      Files.createDirectory(dir, ownerOnly(dir, OWNER_DIR));
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) throw new StartupException("data dir " + dir.toAbsolutePath() + " exists and is not a directory");
    } catch (IOException e) {
      throw new StartupException("cannot create data dir " + dir.toAbsolutePath() + ": " + e.getMessage());
    }
  }

  /**
   * Creates {@code dir} ({@code 700}) unless it exists; its parent must exist.
   *
   * @throws StartupException when it cannot be created
   */
  static void privateDirectory(Path dir) {
    if (Files.isDirectory(dir)) return;
    try {
      Files.createDirectory(dir, ownerOnly(dir, OWNER_DIR));
    } catch (FileAlreadyExistsException raced) {
      // created meanwhile (or a file of that name, which whoever opens it will report)
    } catch (IOException e) {
      throw new StartupException("cannot create " + dir.toAbsolutePath() + ": " + e.getMessage());
    }
  }

  /**
   * Creates {@code file} empty ({@code 600}) unless it exists, so that whoever opens it next keeps that mode.
   *
   * @throws StartupException when it cannot be created
   */
  static void privateFile(Path file) {
    try {
      Files.createFile(file, ownerOnly(file, OWNER_FILE));
    } catch (FileAlreadyExistsException existing) {
      // its mode stays as it is
    } catch (IOException e) {
      throw new StartupException("cannot create " + file.toAbsolutePath() + ": " + e.getMessage());
    }
  }

  /** The file attribute "owner only" for creating {@code path}, or none where POSIX permissions do not exist. */
  static FileAttribute<?>[] ownerOnlyFile(Path path) {
    return ownerOnly(path, OWNER_FILE);
  }

  private static FileAttribute<?>[] ownerOnly(Path path, Set<PosixFilePermission> perms) {
    if (!posix(path)) return new FileAttribute<?>[0];
    return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)};
  }

  private static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static void warnIfOpen(Path dir) throws IOException {
    if (!posix(dir)) return;
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
    if (perms.stream().anyMatch(OPEN_TO_OTHERS::contains)) {
      LOG.warn("data dir {} is {}: group or others can read or enter it, and it holds webhook signing secrets,"
          + " endpoint headers and all event data; restrict it with chmod 700 {}", dir.toAbsolutePath(),
          PosixFilePermissions.toString(perms), dir.toAbsolutePath());
    }
  }
}
