-- Spans of the event index (ingest): events with a server-assigned id get no row in event_index;
-- their id carries the millisecond they were received, and a span says which positions of a
-- partition hold the events received within [min_ms, max_ms] (at most 1 s wide: EventSpan).
-- A lookup reads the spans containing the id's millisecond and scans their records.
CREATE TABLE event_spans (
  partition    INTEGER NOT NULL,
  first        INTEGER NOT NULL,
  last         INTEGER NOT NULL,
  min_ms       INTEGER NOT NULL,
  max_ms       INTEGER NOT NULL,
  PRIMARY KEY (partition, first)
) WITHOUT ROWID;
CREATE INDEX event_spans_min ON event_spans(min_ms);
