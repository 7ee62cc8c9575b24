-- The compact success ledger (delivery). A delivery that succeeded at its first attempt -- nearly
-- every delivery -- is ONE row here, carrying both the delivery state and its only attempt, instead
-- of a `deliveries` row plus an `attempts` row (8 B-tree inserts, two of them at random keys, were
-- the server's second biggest CPU cost per delivered event). The store reads both places and
-- answers exactly as if the pair were in `deliveries` + `attempts`. Times are epoch nanoseconds.
--
-- Keyed by (created_at, id) without a rowid so that inserts append; `id` (the webhook-id) is the
-- only index at random keys, needed by GET /v1/deliveries/{id} and by the triggers below.
CREATE TABLE delivered (
  created_at     INTEGER NOT NULL,
  id             TEXT NOT NULL,
  event_id       TEXT NOT NULL,
  endpoint_id    TEXT NOT NULL,
  event_type     TEXT NOT NULL,
  updated_at     INTEGER NOT NULL,
  attempt_id     TEXT NOT NULL,
  at             INTEGER NOT NULL,
  duration_ms    INTEGER NOT NULL,
  status         INTEGER NOT NULL,
  response_body  TEXT,
  PRIMARY KEY (created_at, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX delivered_id ON delivered(id);
-- GET /v1/events/{id}; server-assigned event ids are ULIDs, so this one appends too
CREATE INDEX delivered_event ON delivered(event_id);
-- GET /v1/deliveries?endpoint= (newest first); unfiltered listing walks the primary key
CREATE INDEX delivered_endpoint ON delivered(endpoint_id, created_at, id);

-- One state per webhook-id across both tables: the newest write wins, as with INSERT OR REPLACE on
-- `deliveries` alone, and the attempt of a replaced compact row stays in the ledger as an
-- `attempts` row. Done in triggers so the hot path is a single statement per row.
-- (Statements inside a trigger body share a line: the migration runner splits at a `;` ending a line.)
CREATE TRIGGER delivered_supersedes BEFORE INSERT ON delivered
BEGIN
  INSERT INTO attempts(id, delivery_id, event_id, endpoint_id, attempt, at, duration_ms, status, error, response_body) SELECT attempt_id, id, event_id, endpoint_id, 1, at, duration_ms, status, NULL, response_body FROM delivered WHERE id = NEW.id; DELETE FROM deliveries WHERE id = NEW.id; END;

CREATE TRIGGER deliveries_supersede_delivered BEFORE INSERT ON deliveries
BEGIN
  INSERT INTO attempts(id, delivery_id, event_id, endpoint_id, attempt, at, duration_ms, status, error, response_body) SELECT attempt_id, id, event_id, endpoint_id, 1, at, duration_ms, status, NULL, response_body FROM delivered WHERE id = NEW.id; DELETE FROM delivered WHERE id = NEW.id; END;
