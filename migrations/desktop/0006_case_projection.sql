-- Reads that cost what they show (issue 14). Forward-only.
--
-- A case is its JSON (`cases.state`); the tables below project from it what SQL needs to
-- select exactly the cases a rule of `domain` would accept — who may see a case
-- (`visibility::can_see`: requester, active coordinator, the providers and their
-- assignment status), its appointments, when it becomes overdue, when its refund is due —
-- and the keys the case list sorts on, each with an index. `store::cases::save` writes
-- them with the case, in the same transaction; nothing else writes them (the patient's
-- name follows `store::patients::save`), and they go with the case (ON DELETE CASCADE).
-- Rows that exist before this migration are projected when the store opens
-- (`store::cases::reproject`, on `PRAGMA user_version`): the projection is one Rust
-- function of the case, not a second copy of it in SQL.
--
-- Times the rules compare (`*_ns`) are integers, nanoseconds since 1970 UTC, so SQL
-- compares them exactly as chrono does.

-- One narrow row per case (no JSON): what the lists show, filter and sort on. Kept apart
-- from `cases`, whose rows carry the whole aggregate, so that scanning or counting many
-- cases reads a few dozen bytes each, not their kilobytes of JSON.
CREATE TABLE case_rows (
    id                  TEXT PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    reference           TEXT,
    requester_id        TEXT NOT NULL,
    -- The active coordinator (domain Case::coordinator).
    coordinator_id      TEXT,
    status              TEXT NOT NULL,
    review_type_id      TEXT NOT NULL,
    disease_category_id TEXT NOT NULL,
    patient_id          TEXT NOT NULL,
    -- The patient's name (store::patients::save keeps it when the patient is renamed).
    patient_name        TEXT COLLATE NOCASE NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    -- domain::notice::overdue_basis: overdue once this plus the review type's expected days.
    overdue_basis_ns    INTEGER,
    -- domain::Refund::next_attempt_at of a cancelled case's open refund.
    refund_next_ns      INTEGER
);
-- The list's sort orders (each ends in the id, the keyset's tie-breaker) and the
-- selections of each role.
CREATE INDEX case_rows_updated ON case_rows (updated_at, id);
CREATE INDEX case_rows_created ON case_rows (created_at, id);
CREATE INDEX case_rows_reference ON case_rows (IFNULL(reference, ''), id);
CREATE INDEX case_rows_patient_name ON case_rows (patient_name, id);
CREATE INDEX case_rows_status ON case_rows (status, updated_at, id);
CREATE INDEX case_rows_requester ON case_rows (requester_id, updated_at, id);
CREATE INDEX case_rows_coordinator ON case_rows (coordinator_id, updated_at, id);
CREATE INDEX case_rows_patient ON case_rows (patient_id);
CREATE INDEX case_rows_refund_due ON case_rows (refund_next_ns) WHERE refund_next_ns IS NOT NULL;

-- Every provider assignment of every case, with its status.
CREATE TABLE case_providers (
    case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    provider_id TEXT NOT NULL,
    status      TEXT NOT NULL,
    PRIMARY KEY (case_id, provider_id)
);
CREATE INDEX case_providers_provider ON case_providers (provider_id, status, case_id);

-- Every appointment of every case: its parties, status, version and time.
CREATE TABLE case_appointments (
    case_id        TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    appointment_id TEXT NOT NULL,
    status         TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    invitee_id     TEXT NOT NULL,
    changed_by     TEXT NOT NULL,
    version        INTEGER NOT NULL,
    starts_ns      INTEGER NOT NULL,
    ends_ns        INTEGER NOT NULL,
    PRIMARY KEY (case_id, appointment_id)
);
CREATE INDEX case_appointments_creator ON case_appointments (created_by, status, starts_ns);
CREATE INDEX case_appointments_invitee ON case_appointments (invitee_id, status, starts_ns);
CREATE INDEX case_appointments_status ON case_appointments (status, starts_ns);

-- The unread chat badge counts messages by others after a read mark, case by case: from
-- the index alone.
CREATE INDEX chat_messages_unread ON chat_messages (case_id, ord, author_id);
