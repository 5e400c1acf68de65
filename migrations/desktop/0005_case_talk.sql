-- Chat, notifications and the marks that make badges (issue 5). Forward-only.
--
-- No foreign keys, as for opinion drafts: replacing the replica must never be blocked by
-- a message or a notification.

-- Chat messages of the cases this computer's users may read. `pending` rows are this
-- computer's own messages the server has not accepted yet (standalone: never pending);
-- `seq` is the authority's order (NULL while pending). `ord` is the order of arrival
-- here, which the unread marks compare with.
CREATE TABLE chat_messages (
    ord         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    case_id     TEXT NOT NULL,
    seq         INTEGER,
    author_id   TEXT NOT NULL,
    author_role TEXT NOT NULL,
    body        TEXT NOT NULL,
    -- domain::Document as JSON, or NULL.
    attachment  TEXT,
    sent_at     TEXT NOT NULL,
    pending     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX chat_messages_case ON chat_messages (case_id, ord);

-- How far each user has read each case's chat (a chat_messages.ord).
CREATE TABLE chat_reads (
    user_id  TEXT NOT NULL,
    case_id  TEXT NOT NULL,
    read_ord INTEGER NOT NULL,
    PRIMARY KEY (user_id, case_id)
);

-- Which version of an appointment each user has seen (domain Appointment.version).
CREATE TABLE appointment_reads (
    user_id        TEXT NOT NULL,
    appointment_id TEXT NOT NULL,
    version        INTEGER NOT NULL,
    PRIMARY KEY (user_id, appointment_id)
);

-- The notification centre: each user's notices (pulled from the server, or standalone
-- made here). `shown` is set once a desktop notification was attempted for it.
CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at    TEXT,
    shown      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notifications_user ON notifications (user_id, created_at);

-- The (kind, channel) pairs each user turned off; everything else is on.
CREATE TABLE notification_settings (
    user_id TEXT NOT NULL,
    kind    TEXT NOT NULL,
    channel TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, channel)
);

-- Standalone scheduled jobs: the reminders already sent, by their once-only key.
CREATE TABLE reminders_sent (
    key     TEXT PRIMARY KEY,
    sent_at TEXT NOT NULL
);
