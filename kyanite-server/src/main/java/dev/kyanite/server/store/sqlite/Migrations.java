package dev.kyanite.server.store.sqlite;

import dev.kyanite.core.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A tiny forward-only migration runner. Migrations are classpath resources
 * {@code db/sqlite/V<n>__<name>.sql} (numbers are pre-assigned per feature, see TEAM.md); every
 * one not yet recorded in {@code schema_migrations} is applied in version order, each in its own
 * transaction. Applied versions are tracked as a set, not a maximum, so a lower number that lands
 * later is still applied. Statements are separated by a {@code ;} at the end of a line; lines
 * starting with {@code --} are comments.
 */
final class Migrations {
  static final String DIR = "db/sqlite/";
  private static final Pattern NAME = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");

  private Migrations() {}

  /** @return the versions applied by this call */
  static Set<Integer> apply(SqliteDatabase db) {
    TreeMap<Integer, String> available = discover();
    return db.write(c -> {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            + "name TEXT NOT NULL, applied_at TEXT NOT NULL)");
      }
      c.commit();
      Set<Integer> done = new HashSet<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version FROM schema_migrations")) {
        while (rs.next()) done.add(rs.getInt(1));
      }
      Set<Integer> applied = new HashSet<>();
      for (var e : available.entrySet()) {
        if (done.contains(e.getKey())) continue;
        run(c, e.getKey(), e.getValue());
        c.commit();
        applied.add(e.getKey());
      }
      return applied;
    });
  }

  private static void run(Connection c, int version, String file) throws SQLException {
    String sql = read(DIR + file);
    try (Statement s = c.createStatement()) {
      for (String stmt : sql.split(";\\s*(\\r?\\n|$)")) {
        String body = stripComments(stmt);
        if (!body.isBlank()) s.executeUpdate(body);
      }
    } catch (SQLException e) {
      throw new SQLException("migration " + file + " failed: " + e.getMessage(), e);
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?,?,?)")) {
      p.setInt(1, version);
      p.setString(2, file);
      p.setString(3, Instant.now().toString());
      p.executeUpdate();
    }
  }

  private static String stripComments(String stmt) {
    StringBuilder b = new StringBuilder();
    for (String line : stmt.split("\\r?\\n")) {
      if (!line.trim().startsWith("--")) b.append(line).append('\n');
    }
    return b.toString();
  }

  /** Version → file name of every migration on the classpath (a directory or the shaded jar). */
  static TreeMap<Integer, String> discover() {
    TreeMap<Integer, String> out = new TreeMap<>();
    URL marker = Migrations.class.getClassLoader().getResource(DIR + "V1__keys.sql");
    if (marker == null) throw new StoreException("migration resources not found under " + DIR);
    try {
      if (marker.getProtocol().equals("jar")) {
        JarURLConnection conn = (JarURLConnection) marker.openConnection();
        conn.setUseCaches(false);
        try (var jar = conn.getJarFile()) {
          Enumeration<JarEntry> en = jar.entries();
          while (en.hasMoreElements()) {
            String n = en.nextElement().getName();
            if (n.startsWith(DIR)) add(out, n.substring(DIR.length()));
          }
        }
      } else {
        try (Stream<Path> files = Files.list(Path.of(marker.toURI()).getParent())) {
          files.forEach(f -> add(out, f.getFileName().toString()));
        }
      }
    } catch (IOException | URISyntaxException e) {
      throw new StoreException("cannot list migrations: " + e.getMessage(), e);
    }
    return out;
  }

  private static void add(TreeMap<Integer, String> out, String file) {
    Matcher m = NAME.matcher(file);
    if (!m.matches()) return;
    String prev = out.put(Integer.parseInt(m.group(1)), file);
    if (prev != null) throw new StoreException("two migrations with version " + m.group(1) + ": " + prev + ", " + file);
  }

  private static String read(String resource) {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new StoreException("missing migration resource " + resource);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StoreException("cannot read " + resource, e);
    }
  }
}
