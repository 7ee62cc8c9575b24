/** The SQLite {@link dev.kyanite.core.store.MetadataStore}: one write connection, a few readers, WAL, versioned migrations. Internal except {@link dev.kyanite.server.store.sqlite.SqliteMetadataStore}. */
package dev.kyanite.server.store.sqlite;
