-- Webhook endpoints, delivery state and the attempts ledger (delivery). Times are epoch nanoseconds.
CREATE TABLE endpoints (
  id                          TEXT PRIMARY KEY,
  url                         TEXT NOT NULL,
  event_types                 TEXT NOT NULL,
  description                 TEXT,
  rate_limit                  REAL,
  max_in_flight               INTEGER NOT NULL,
  timeout_ms                  INTEGER NOT NULL,
  retry_schedule_ms           TEXT,
  enabled                     INTEGER NOT NULL,
  disabled_reason             TEXT,
  headers                     TEXT NOT NULL,
  filter                      TEXT,
  secret                      TEXT NOT NULL,
  previous_secret             TEXT,
  previous_secret_expires_at  INTEGER,
  failing_since               INTEGER,
  created_at                  INTEGER NOT NULL,
  updated_at                  INTEGER NOT NULL
);

-- One row per (event, endpoint) pair that is scheduled, failed, or delivered.
CREATE TABLE deliveries (
  id               TEXT PRIMARY KEY,
  event_id         TEXT NOT NULL,
  endpoint_id      TEXT NOT NULL,
  event_type       TEXT NOT NULL,
  status           TEXT NOT NULL,
  attempts         INTEGER NOT NULL,
  next_attempt_at  INTEGER,
  last_status      INTEGER,
  last_error       TEXT,
  payload          BLOB,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
-- the scheduler's due index holds only scheduled rows, so delivered ones cost nothing there
CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX deliveries_event ON deliveries(event_id);
CREATE INDEX deliveries_endpoint ON deliveries(endpoint_id, created_at, id);
CREATE INDEX deliveries_created ON deliveries(created_at, id);

-- The attempts ledger: append-only, written in batches.
CREATE TABLE attempts (
  id             TEXT NOT NULL,
  delivery_id    TEXT NOT NULL,
  event_id       TEXT NOT NULL,
  endpoint_id    TEXT NOT NULL,
  attempt        INTEGER NOT NULL,
  at             INTEGER NOT NULL,
  duration_ms    INTEGER NOT NULL,
  status         INTEGER,
  error          TEXT,
  response_body  TEXT
);
CREATE INDEX attempts_delivery ON attempts(delivery_id, at);
CREATE INDEX attempts_event ON attempts(event_id, at);
