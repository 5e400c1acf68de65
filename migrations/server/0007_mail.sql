-- E-mail (server::mail): every mail to a user goes through this queue, written in the
-- transaction of whatever caused it and sent afterwards by the mail job over SMTP, tried
-- again after a back-off when the SMTP server fails. Forward-only: never edit; add a new file.
--
-- Mails carry no patient data (case reference numbers at most), but they do carry
-- addresses: nothing here is ever logged.
CREATE TABLE mail_queue (
    id              bigserial PRIMARY KEY,
    -- Set by callers that may enqueue the same mail more than once (a scheduled reminder
    -- after a restart): a second enqueue with the same key is a no-op. NULL: never deduped.
    dedupe_key      text UNIQUE,
    -- Whom it is for, when it is for a user (the address is copied: it is what was asked).
    user_id         uuid REFERENCES users (id),
    to_address      text NOT NULL CHECK (to_address <> ''),
    subject         text NOT NULL,
    body            text NOT NULL,
    created_at      timestamptz NOT NULL,
    -- Failed tries so far; the job gives up after the tenth.
    attempts        int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL,
    -- The class of the last failure (e.g. `smtp 451 transient`), never the server's text.
    last_error      text,
    sent_at         timestamptz,
    gave_up_at      timestamptz,
    CHECK (sent_at IS NULL OR gave_up_at IS NULL)
);

-- What the job looks at: the mails still to send, by when they are due.
CREATE INDEX mail_queue_due ON mail_queue (next_attempt_at)
    WHERE sent_at IS NULL AND gave_up_at IS NULL;
