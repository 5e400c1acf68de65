-- The desktop replica. Forward-only: never edit a landed migration; add a new one.

CREATE TABLE users (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL CHECK (role IN ('requester', 'coordinator', 'provider', 'admin', 'system')),
    active      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE specialties (
    id          TEXT PRIMARY KEY,
    name_en     TEXT NOT NULL,
    name_ar     TEXT NOT NULL
);

-- Coordinators: the specialties they coordinate. Providers: their specialties.
CREATE TABLE user_specialties (
    user_id      TEXT NOT NULL REFERENCES users (id),
    specialty_id TEXT NOT NULL REFERENCES specialties (id),
    PRIMARY KEY (user_id, specialty_id)
);

CREATE TABLE review_types (
    id                   TEXT PRIMARY KEY,
    name_en              TEXT NOT NULL,
    name_ar              TEXT NOT NULL,
    price_minor          INTEGER NOT NULL CHECK (price_minor >= 0),
    currency             TEXT NOT NULL,
    expected_review_days INTEGER NOT NULL CHECK (expected_review_days > 0),
    specialty_id         TEXT NOT NULL REFERENCES specialties (id),
    active               INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE disease_categories (
    id           TEXT PRIMARY KEY,
    label_en     TEXT NOT NULL,
    label_ar     TEXT NOT NULL,
    specialty_id TEXT NOT NULL REFERENCES specialties (id),
    active       INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE disease_category_providers (
    category_id TEXT NOT NULL REFERENCES disease_categories (id),
    provider_id TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (category_id, provider_id)
);

CREATE TABLE patients (
    id                    TEXT PRIMARY KEY,
    owner_id              TEXT NOT NULL REFERENCES users (id),
    full_name             TEXT NOT NULL,
    date_of_birth         TEXT NOT NULL,
    sex                   TEXT NOT NULL,
    medical_record_number TEXT,
    phone                 TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX patients_owner ON patients (owner_id);

-- One row per case: the columns lists and filters need, and the whole aggregate as JSON
-- (`state`), folded by `domain` from its events. The rules read the aggregate, never SQL.
CREATE TABLE cases (
    id                  TEXT PRIMARY KEY,
    reference           TEXT UNIQUE,
    requester_id        TEXT NOT NULL REFERENCES users (id),
    patient_id          TEXT NOT NULL REFERENCES patients (id),
    review_type_id      TEXT NOT NULL REFERENCES review_types (id),
    disease_category_id TEXT NOT NULL REFERENCES disease_categories (id),
    coordinator_id      TEXT REFERENCES users (id),
    status              TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    state               TEXT NOT NULL
);
CREATE INDEX cases_status ON cases (status);
CREATE INDEX cases_updated ON cases (updated_at);

-- Document content, stored once per SHA-256.
CREATE TABLE blobs (
    sha256     TEXT PRIMARY KEY,
    size_bytes INTEGER NOT NULL,
    content    BLOB NOT NULL,
    created_at TEXT NOT NULL
);

-- Who did what, when, per case.
CREATE TABLE timeline (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id    TEXT NOT NULL REFERENCES cases (id),
    at         TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    label      TEXT NOT NULL,
    detail     TEXT,
    command_id TEXT NOT NULL
);
CREATE INDEX timeline_case ON timeline (case_id, id);

-- The authority's event log (standalone: this store is the authority).
CREATE TABLE events (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    command_id   TEXT NOT NULL,
    aggregate    TEXT NOT NULL CHECK (aggregate IN ('case', 'patient')),
    aggregate_id TEXT NOT NULL,
    at           TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    actor_role   TEXT NOT NULL,
    event        TEXT NOT NULL
);
CREATE INDEX events_aggregate ON events (aggregate_id, seq);

-- Every command the user issued, in order, with its client-made UUIDv7. Sync pushes the
-- pending ones; standalone, the in-process authority decides them as they are appended.
CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    command_id      TEXT NOT NULL UNIQUE,
    actor_id        TEXT NOT NULL,
    actor_role      TEXT NOT NULL,
    issued_at       TEXT NOT NULL,
    command         TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'refused')),
    refusal_code    TEXT,
    refusal_message TEXT,
    decided_at      TEXT
);
CREATE INDEX outbox_state ON outbox (state, seq);

-- Numbers only the authority hands out (case references; later invoices), per name.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

-- Small settings: the sync cursor, the server URL, and the like.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
