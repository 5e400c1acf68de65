-- Sync with a central server (docs/sync.md). Forward-only.
--
-- Two layers per aggregate. The *confirmed* layer is the last snapshot the server sent
-- (tables `confirmed_*`); the *displayed* layer is the existing `patients`, `cases` and
-- `timeline` tables, which every read uses: confirmed + every command the server has not
-- confirmed yet, re-decided locally in outbox order. Standalone mode never writes the
-- confirmed layer.

CREATE TABLE confirmed_patients (
    id    TEXT PRIMARY KEY,
    state TEXT NOT NULL
);

CREATE TABLE confirmed_cases (
    id    TEXT PRIMARY KEY,
    -- The server's sequence number of the case's latest event.
    seq   INTEGER NOT NULL,
    state TEXT NOT NULL
);

-- The server's timeline of each confirmed case, in the server's order.
CREATE TABLE confirmed_timeline (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id    TEXT NOT NULL REFERENCES confirmed_cases (id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    label      TEXT NOT NULL,
    detail     TEXT,
    command_id TEXT NOT NULL
);
CREATE INDEX confirmed_timeline_case ON confirmed_timeline (case_id, id);

-- A displayed timeline line the server has not confirmed yet (its command is pending).
ALTER TABLE timeline ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;

-- The highest sequence number of the events the server accepted the command with: until
-- a pull's cursor passes it, the command's effect is not in the confirmed layer yet and
-- is re-applied on top of it like a pending one.
ALTER TABLE outbox ADD COLUMN server_seq INTEGER;
-- When the author saw a refusal and dismissed it from "needs attention".
ALTER TABLE outbox ADD COLUMN dismissed_at TEXT;

-- Document content the server has (uploaded from here, or downloaded from there).
ALTER TABLE blobs ADD COLUMN on_server INTEGER NOT NULL DEFAULT 0;
