package dev.kyanite.server.store.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/** Column conversions shared by the delivery sub-stores: nullable values, epoch-nanosecond times, JSON. */
final class DeliveryColumns {
  private DeliveryColumns() {}

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  static void setInstant(PreparedStatement p, int i, Instant t) throws SQLException {
    if (t == null) p.setNull(i, Types.INTEGER);
    else p.setLong(i, nanos(t));
  }

  static Instant getInstant(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : instant(v);
  }

  static void setInt(PreparedStatement p, int i, Integer v) throws SQLException {
    if (v == null) p.setNull(i, Types.INTEGER);
    else p.setInt(i, v);
  }

  static Integer getInt(ResultSet rs, String col) throws SQLException {
    int v = rs.getInt(col);
    return rs.wasNull() ? null : v;
  }

  static String json(Object value) {
    try {
      return value == null ? null : EventCodec.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot encode column: " + e.getMessage(), e);
    }
  }

  static <T> T fromJson(String json, TypeReference<T> type) {
    try {
      return json == null ? null : EventCodec.mapper().readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new StoreException("corrupt column: " + e.getMessage(), e);
    }
  }
}
