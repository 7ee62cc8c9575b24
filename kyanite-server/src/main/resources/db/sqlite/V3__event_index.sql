-- Event index and idempotency keys (ingest), written in batches by the log indexer
-- (consumer group 'index'). Times are epoch nanoseconds.
CREATE TABLE event_index (
  partition    INTEGER NOT NULL,
  position     INTEGER NOT NULL,
  id           TEXT NOT NULL,
  received_at  INTEGER NOT NULL,
  idem_key     TEXT,
  body_hash    TEXT,
  PRIMARY KEY (partition, position)
) WITHOUT ROWID;
CREATE INDEX event_index_id ON event_index(id);

-- Idempotency keys still inside the window; a key maps to the latest event that carried it.
CREATE TABLE idempotency_keys (
  key          TEXT PRIMARY KEY,
  event_id     TEXT NOT NULL,
  partition    INTEGER NOT NULL,
  position     INTEGER NOT NULL,
  received_at  INTEGER NOT NULL,
  body_hash    TEXT
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_received ON idempotency_keys(received_at);
