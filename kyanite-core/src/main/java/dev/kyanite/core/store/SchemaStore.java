package dev.kyanite.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * JSON Schemas per event type, versioned: every {@link #put} adds a version, the highest one is the
 * one in force. The store does not interpret the schema text (the server checks it before storing).
 */
public interface SchemaStore {

  /**
   * Stores a new version of the schema of {@code type}: the highest version ever used for the type
   * plus one, starting at 1 (versions are never reused, not even after {@link #delete}).
   */
  StoredSchema put(String type, String schema, Instant at);

  /** The version in force for the type, if a schema is registered. */
  Optional<StoredSchema> latest(String type);

  /** The versions in force of every registered type, ordered by type. */
  List<StoredSchema> listLatest();

  /**
   * Unregisters the type's schema (all versions): events of the type are then treated as having no
   * schema.
   *
   * @return false when no schema was registered for the type
   */
  boolean delete(String type);
}
