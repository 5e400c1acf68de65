-- The authoritative state: configuration, the event log, the commands already answered,
-- and the aggregates folded from the log. Forward-only: never edit; add a new file.

CREATE TABLE specialties (
    id      uuid PRIMARY KEY,
    name_en text NOT NULL,
    name_ar text NOT NULL
);

-- Coordinators: the specialties they coordinate. Providers: their specialties.
CREATE TABLE user_specialties (
    user_id      uuid NOT NULL REFERENCES users (id),
    specialty_id uuid NOT NULL REFERENCES specialties (id),
    PRIMARY KEY (user_id, specialty_id)
);

CREATE TABLE review_types (
    id                   uuid PRIMARY KEY,
    name_en              text NOT NULL,
    name_ar              text NOT NULL,
    price_minor          bigint NOT NULL CHECK (price_minor >= 0),
    currency             text NOT NULL,
    expected_review_days integer NOT NULL CHECK (expected_review_days > 0),
    specialty_id         uuid NOT NULL REFERENCES specialties (id),
    active               boolean NOT NULL DEFAULT true
);

CREATE TABLE disease_categories (
    id           uuid PRIMARY KEY,
    label_en     text NOT NULL,
    label_ar     text NOT NULL,
    specialty_id uuid NOT NULL REFERENCES specialties (id),
    active       boolean NOT NULL DEFAULT true
);

CREATE TABLE disease_category_providers (
    category_id uuid NOT NULL REFERENCES disease_categories (id),
    provider_id uuid NOT NULL REFERENCES users (id),
    PRIMARY KEY (category_id, provider_id)
);

-- Numbers only the server hands out, gap-free: the event sequence ('events'), case
-- references per year, and the configuration's version ('config': the event sequence at
-- which configuration last changed).
CREATE TABLE counters (
    name  text PRIMARY KEY,
    value bigint NOT NULL
);
INSERT INTO counters (name, value) VALUES ('events', 0), ('config', 0);

-- Every command ever answered, with its answer: a retry of the same id gets it again.
CREATE TABLE commands (
    command_id  uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id),
    issued_at   timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    command     jsonb NOT NULL,
    outcome     jsonb NOT NULL
);

-- The global log. `seq` comes from counters('events') under the push lock, so it is
-- gap-free and increases in commit order: a pull cursor never skips a late commit.
CREATE TABLE events (
    seq          bigint PRIMARY KEY,
    command_id   uuid NOT NULL REFERENCES commands (command_id) DEFERRABLE INITIALLY DEFERRED,
    aggregate    text NOT NULL CHECK (aggregate IN ('case', 'patient')),
    aggregate_id uuid NOT NULL,
    at           timestamptz NOT NULL,
    actor_id     uuid NOT NULL,
    actor_role   text NOT NULL,
    event        jsonb NOT NULL
);
CREATE INDEX events_aggregate ON events (aggregate_id, seq);

CREATE TABLE patients (
    id       uuid PRIMARY KEY,
    owner_id uuid NOT NULL REFERENCES users (id),
    state    jsonb NOT NULL,
    seq      bigint NOT NULL
);
CREATE INDEX patients_seq ON patients (seq);

CREATE TABLE cases (
    id             uuid PRIMARY KEY,
    reference      text UNIQUE,
    requester_id   uuid NOT NULL REFERENCES users (id),
    patient_id     uuid NOT NULL REFERENCES patients (id),
    coordinator_id uuid REFERENCES users (id),
    status         text NOT NULL,
    state          jsonb NOT NULL,
    seq            bigint NOT NULL
);
CREATE INDEX cases_seq ON cases (seq);

CREATE TABLE timeline (
    id         bigserial PRIMARY KEY,
    case_id    uuid NOT NULL REFERENCES cases (id),
    seq        bigint NOT NULL,
    at         timestamptz NOT NULL,
    actor_id   uuid NOT NULL,
    actor_role text NOT NULL,
    label      text NOT NULL,
    detail     text,
    command_id uuid NOT NULL
);
CREATE INDEX timeline_case ON timeline (case_id, id);

-- Who may see a case besides admins, and since which event; `granted = false` rows tell
-- a user who lost a case (a provider who declined, a replaced coordinator) to drop it.
CREATE TABLE case_access (
    case_id uuid NOT NULL REFERENCES cases (id),
    user_id uuid NOT NULL REFERENCES users (id),
    granted boolean NOT NULL,
    seq     bigint NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_access_user ON case_access (user_id, seq);

-- Document content, once per SHA-256.
CREATE TABLE blobs (
    sha256      text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes  bigint NOT NULL,
    content     bytea NOT NULL,
    uploaded_by uuid NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL
);
