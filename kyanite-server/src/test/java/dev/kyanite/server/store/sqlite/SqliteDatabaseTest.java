package dev.kyanite.server.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kyanite.core.store.StoreException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection strategy: two write connections (full and relaxed durability) and kept statements. */
class SqliteDatabaseTest {
  private static final String INSERT = "INSERT INTO t(x) VALUES (?)";
  private static final String INSERT_XY = "INSERT INTO t(x, y) VALUES (?, ?)";

  @TempDir
  Path dir;
  private SqliteDatabase db;

  @BeforeEach
  void open() {
    db = SqliteDatabase.open(dir.resolve("t.db"), 2);
    db.write(c -> {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE t(x INTEGER PRIMARY KEY, y TEXT)");
      }
      return null;
    });
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void writesWaitForTheDiskAndRelaxedWritesDoNot() {
    assertThat(db.<Integer>write(c -> synchronous(c))).isEqualTo(2); // FULL
    assertThat(db.<Integer>writeRelaxed(c -> synchronous(c))).isEqualTo(1); // NORMAL
    assertThat(db.<Integer>write(c -> synchronous(c))).isEqualTo(2);
  }

  @Test
  void bothWriteConnectionsAndTheReadersSeeEveryCommit() {
    db.writeRelaxed(c -> insert(c, 1));
    assertThat(db.<List<Integer>>write(c -> xs(c))).containsExactly(1);
    db.write(c -> insert(c, 2));
    assertThat(db.<List<Integer>>writeRelaxed(c -> xs(c))).containsExactly(1, 2);
    assertThat(db.<List<Integer>>read(c -> xs(c))).containsExactly(1, 2);
    db.close();
    db = SqliteDatabase.open(dir.resolve("t.db"), 2);
    assertThat(db.<List<Integer>>read(c -> xs(c))).containsExactly(1, 2);
  }

  @Test
  void aKeptStatementComesBackCleanAfterAFailedTransaction() {
    assertThatThrownBy(() -> db.<Void>writeRelaxed(c -> {
      PreparedStatement p = db.prepared(c, INSERT);
      p.setInt(1, 1);
      p.addBatch(); // never executed: the work fails first
      throw new IllegalStateException("boom");
    })).isInstanceOf(StoreException.class);
    db.<Void>writeRelaxed(c -> {
      PreparedStatement p = db.prepared(c, INSERT);
      p.setInt(1, 2);
      p.addBatch();
      p.executeBatch();
      return null;
    });
    assertThat(db.<List<Integer>>read(c -> xs(c))).containsExactly(2);
  }

  @Test
  void aKeptStatementComesBackWithoutTheParametersOfAFailedTransaction() {
    assertThatThrownBy(() -> db.<Void>write(c -> {
      PreparedStatement p = db.prepared(c, INSERT_XY);
      p.setInt(1, 1);
      p.setString(2, "stale");
      throw new IllegalStateException("boom");
    })).isInstanceOf(StoreException.class);
    db.<Void>write(c -> {
      PreparedStatement p = db.prepared(c, INSERT_XY);
      p.setInt(1, 2); // y left unbound: NULL, not the failed transaction's value
      p.executeUpdate();
      return null;
    });
    assertThat(db.<String>read(c -> {
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT coalesce(y, 'null') FROM t WHERE x = 2")) {
        r.next();
        return r.getString(1);
      }
    })).isEqualTo("null");
  }

  @Test
  void keptStatementsAreOnlyForTheConnectionOfTheRunningWork() {
    assertThatThrownBy(() -> db.<PreparedStatement>write(c -> db.read(r -> db.prepared(r, INSERT))))
        .hasRootCauseInstanceOf(IllegalStateException.class);
    java.sql.Connection full = db.<java.sql.Connection>write(c -> c);
    assertThatThrownBy(() -> db.<PreparedStatement>writeRelaxed(r -> db.prepared(full, INSERT)))
        .hasRootCauseInstanceOf(IllegalStateException.class);
    assertThat(db.<PreparedStatement>writeRelaxed(r -> db.prepared(r, INSERT))).isNotNull();
  }

  @Test
  void aWriteAndARelaxedWriteCannotNestButTheSameKindCan() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> db.<Void>write(c -> db.writeRelaxed(r -> insert(r, 1))))
        .hasMessageContaining("cannot nest");
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L); // not busy_timeout (5 s)
    assertThat(db.<List<Integer>>read(c -> xs(c))).isEmpty();
    db.<Void>writeRelaxed(c -> db.writeRelaxed(r -> insert(r, 2)));
    assertThat(db.<List<Integer>>read(c -> xs(c))).containsExactly(2);
  }

  @Test
  void aKeptStatementIsPreparedOncePerConnection() {
    PreparedStatement first = db.<PreparedStatement>write(c -> db.prepared(c, INSERT));
    assertThat(db.<PreparedStatement>write(c -> db.prepared(c, INSERT))).isSameAs(first);
    assertThat(db.<PreparedStatement>writeRelaxed(c -> db.prepared(c, INSERT))).isNotSameAs(first);
  }

  @Test
  void keptStatementsAreForWriteWorkOnly() {
    assertThatThrownBy(() -> db.<PreparedStatement>read(c -> db.prepared(c, INSERT))).isInstanceOf(IllegalStateException.class);
  }

  private static int synchronous(java.sql.Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA synchronous")) {
      r.next();
      return r.getInt(1);
    }
  }

  private Void insert(java.sql.Connection c, int x) throws SQLException {
    PreparedStatement p = db.prepared(c, INSERT);
    p.setInt(1, x);
    p.executeUpdate();
    return null;
  }

  private static List<Integer> xs(java.sql.Connection c) throws SQLException {
    List<Integer> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT x FROM t ORDER BY x")) {
      while (r.next()) out.add(r.getInt(1));
    }
    return out;
  }
}
