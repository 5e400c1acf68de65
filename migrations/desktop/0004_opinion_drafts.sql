-- A provider's unfinished opinion, kept on this computer only (so it survives going
-- offline, closing the app and coming back). Never synced, never pushed: the server sees
-- an opinion only when it is submitted, and the draft is deleted then. Forward-only.
--
-- No foreign keys: replacing the replica (a pull from another server) deletes cases and
-- users, and a draft must never stand in the way of that.
CREATE TABLE opinion_drafts (
    user_id  TEXT NOT NULL,
    case_id  TEXT NOT NULL,
    -- The draft as the provider typed it (domain::OpinionInput, JSON), untrimmed.
    draft    TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (user_id, case_id)
);
