-- The compact success ledger (delivery). A delivery that succeeded at its first attempt -- nearly
-- every delivery -- is ONE row here, carrying both the delivery state and its only attempt, instead
-- of a `deliveries` row plus an `attempts` row. The store reads both places and answers exactly as
-- if the pair were in `deliveries` + `attempts`. Times are epoch nanoseconds.
--
-- Every index of this table grows at its end (append order, time, ULID event ids, a few endpoints):
-- an index at random keys -- the webhook-id is a hash -- dirties one page per row in every
-- transaction, and its cost grew with the table (measured 13 -> 35 us per row over 200k rows, ~5
-- without it). So the webhook-id lookup is a separate, deferred index, see `delivered_ids`.
CREATE TABLE delivered (
  seq            INTEGER PRIMARY KEY,  -- append order (rowid)
  created_at     INTEGER NOT NULL,
  id             TEXT NOT NULL,        -- the delivery id (webhook-id)
  id_key         INTEGER NOT NULL,     -- a 64-bit hash of id, for delivered_ids
  event_id       TEXT NOT NULL,
  endpoint_id    TEXT NOT NULL,
  event_type     TEXT NOT NULL,
  updated_at     INTEGER NOT NULL,
  attempt_id     TEXT NOT NULL,
  at             INTEGER NOT NULL,
  duration_ms    INTEGER NOT NULL,
  status         INTEGER NOT NULL,
  response_body  TEXT
);
-- GET /v1/deliveries (newest first), with and without ?endpoint=
CREATE INDEX delivered_created ON delivered(created_at, id);
CREATE INDEX delivered_endpoint ON delivered(endpoint_id, created_at, id);
-- GET /v1/events/{id}, and the triggers below: (event, endpoint) determines the webhook-id
CREATE INDEX delivered_event ON delivered(event_id, endpoint_id);

-- The webhook-id index, filled in bulk and in key order by the store (every ~20,000 rows or 10 s)
-- for the rows up to delivered_ids_state.merged_seq; lookups scan the short tail above it. Entries
-- of rows deleted later are left behind and match nothing.
CREATE TABLE delivered_ids (
  id_key  INTEGER NOT NULL,
  seq     INTEGER NOT NULL,
  PRIMARY KEY (id_key, seq)
) WITHOUT ROWID;
CREATE TABLE delivered_ids_state (merged_seq INTEGER NOT NULL);
INSERT INTO delivered_ids_state(merged_seq) VALUES (0);

-- One state per (event, endpoint) pair across both tables: the newest write wins, as INSERT OR
-- REPLACE on `deliveries` alone did, and the attempt of a replaced compact row stays in the ledger
-- as an `attempts` row. Done in triggers so the hot path is a single statement per row.
-- (Statements inside a trigger body share a line: the migration runner splits at a `;` ending a line.)
CREATE TRIGGER delivered_supersedes BEFORE INSERT ON delivered
BEGIN
  INSERT INTO attempts(id, delivery_id, event_id, endpoint_id, attempt, at, duration_ms, status, error, response_body) SELECT attempt_id, id, event_id, endpoint_id, 1, at, duration_ms, status, NULL, response_body FROM delivered WHERE event_id = NEW.event_id AND endpoint_id = NEW.endpoint_id; DELETE FROM delivered WHERE event_id = NEW.event_id AND endpoint_id = NEW.endpoint_id; DELETE FROM deliveries WHERE id = NEW.id; END;

CREATE TRIGGER deliveries_supersede_delivered BEFORE INSERT ON deliveries
BEGIN
  INSERT INTO attempts(id, delivery_id, event_id, endpoint_id, attempt, at, duration_ms, status, error, response_body) SELECT attempt_id, id, event_id, endpoint_id, 1, at, duration_ms, status, NULL, response_body FROM delivered WHERE event_id = NEW.event_id AND endpoint_id = NEW.endpoint_id; DELETE FROM delivered WHERE event_id = NEW.event_id AND endpoint_id = NEW.endpoint_id; END;
