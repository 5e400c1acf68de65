-- Accounts and sessions of the central server. Forward-only: never edit; add a new file.
--
-- A user's specialties (user_specialties) need the specialties table, so they live in
-- 0002 beside the rest of the configuration.

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    -- As typed (trimmed); unique regardless of case, see users_email_key.
    email         text NOT NULL CHECK (email <> ''),
    name          text NOT NULL CHECK (name <> ''),
    role          text NOT NULL
                  CHECK (role IN ('requester', 'coordinator', 'provider', 'admin', 'system')),
    -- argon2id in PHC string format. NULL: the account cannot sign in with a password
    -- (the system user, which scheduled jobs and verified callbacks act as).
    password_hash text CHECK (password_hash LIKE '$argon2id$%'),
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Opaque bearer tokens. Only SHA-256 of the token is stored: a copy of this table does
-- not let anyone sign in.
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id    uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
    revoked_at timestamptz
);
CREATE INDEX sessions_user_id ON sessions (user_id);
