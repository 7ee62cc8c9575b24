package dev.kyanite.server.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of JDBC work run by {@link SqliteDatabase} on a borrowed connection. */
@FunctionalInterface
interface SqlWork<T> {
  T run(Connection c) throws SQLException;
}
