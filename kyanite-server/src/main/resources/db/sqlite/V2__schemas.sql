-- JSON Schemas per event type (ingest). Every registration adds a version; DELETE marks every
-- version of the type deleted, so versions are never reused. The version in force of a type is its
-- highest version that is not deleted.
CREATE TABLE schemas (
  type        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  schema      TEXT NOT NULL,          -- the JSON Schema document as registered
  created_at  TEXT NOT NULL,          -- ISO-8601 instant
  deleted     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (type, version)
);
