-- What people say about a case and what they are told (issue 5): chat messages,
-- notifications with each person's channel settings, and the scheduled reminders already
-- sent. Forward-only: never edit; add a new file.

-- Chat per case (`domain::chat`). Never part of the event log or the timeline, which
-- admins read: a message is a row of its own. `seq` comes from counters('events') under
-- the push lock, like an event's, so a pull cursor covers messages as it covers events.
CREATE TABLE chat_messages (
    id          uuid PRIMARY KEY,
    case_id     uuid NOT NULL REFERENCES cases (id),
    seq         bigint NOT NULL UNIQUE,
    author_id   uuid NOT NULL REFERENCES users (id),
    author_role text NOT NULL,
    body        text NOT NULL,
    -- `domain::Document`: the attached file, whose content is in `blobs`.
    attachment  jsonb,
    -- The attachment's content hash, for "who may read this content" (`blob_db`).
    attachment_sha256 text GENERATED ALWAYS AS (attachment ->> 'sha256') STORED,
    sent_at     timestamptz NOT NULL,
    command_id  uuid NOT NULL REFERENCES commands (command_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX chat_messages_case ON chat_messages (case_id, seq);
CREATE INDEX chat_messages_attachment ON chat_messages (attachment_sha256)
    WHERE attachment_sha256 IS NOT NULL;

-- The (kind, channel) pairs a person set; a pair without a row is on.
CREATE TABLE notification_settings (
    user_id    uuid NOT NULL REFERENCES users (id),
    kind       text NOT NULL,
    channel    text NOT NULL CHECK (channel IN ('in_app', 'desktop', 'email')),
    enabled    boolean NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, kind, channel)
);

-- In-app notifications (`domain::notice`): `seq` is the number of the event (or message)
-- that caused it, or one a scheduled reminder took from counters('events'), so each
-- person pulls theirs with the same cursor as everything else. No patient data in them.
CREATE TABLE notifications (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id),
    seq        bigint NOT NULL,
    kind       text NOT NULL,
    case_id    uuid NOT NULL REFERENCES cases (id),
    title      text NOT NULL,
    body       text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX notifications_user ON notifications (user_id, seq);

-- Every scheduled reminder sent, by its once-only key (`domain::notice::Reminder::key`):
-- a key found here is never sent again, by this server, another instance or after a
-- restart.
CREATE TABLE reminders_sent (
    key     text PRIMARY KEY,
    sent_at timestamptz NOT NULL
);
