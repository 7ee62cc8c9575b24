-- API keys (foundation). Only the SHA-256 hash of a secret is stored.
CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  hash        BLOB NOT NULL UNIQUE,
  scopes      TEXT NOT NULL,          -- space-separated, e.g. 'events:write events:read'
  rate_limit  REAL,                   -- requests/s; NULL = server default
  created_at  TEXT NOT NULL,          -- ISO-8601 instant
  revoked_at  TEXT                    -- NULL while active
);
