-- Business rules (rules). A deleted rule keeps its row as a tombstone (definition NULL) so that
-- versions keep increasing across delete + re-create. `revision` is the value of the store-wide
-- change counter at this row's last change; MAX(revision) is what every node polls.
CREATE TABLE rules (
  name        TEXT PRIMARY KEY,
  version     INTEGER NOT NULL,
  definition  TEXT,                   -- rule JSON; NULL once deleted
  created_at  TEXT,                   -- ISO-8601 instant of the current incarnation; NULL once deleted
  updated_at  TEXT NOT NULL,          -- ISO-8601 instant of the last change
  revision    INTEGER NOT NULL
);
CREATE INDEX rules_revision ON rules(revision);
