-- Settings the manager generates for itself, e.g. the JWT signing secret.
CREATE TABLE config (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    username       TEXT    NOT NULL UNIQUE,
    password_hash  TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('ADMIN', 'USER')),
    created_at     TEXT    NOT NULL
);

-- Every token the manager issued that can still be valid: login sessions, API tokens and
-- service tokens. The token itself is never stored, only its id (the JWT's jti).
CREATE TABLE tokens (
    id            TEXT    PRIMARY KEY,
    kind          TEXT    NOT NULL CHECK (kind IN ('SESSION', 'API', 'SERVICE')),
    -- the user who owns a SESSION or API token; NULL for SERVICE tokens
    user_id       INTEGER REFERENCES users (id) ON DELETE CASCADE,
    subject       TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    issued_at     TEXT    NOT NULL,
    expires_at    TEXT,
    last_used_at  TEXT
);
CREATE INDEX tokens_user ON tokens (user_id);

-- The token a service receives in daeploy.auth; killing the service revokes it.
ALTER TABLE services ADD COLUMN token_id TEXT REFERENCES tokens (id) ON DELETE SET NULL;

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT    NOT NULL,
    actor      TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    arguments  TEXT    NOT NULL,
    outcome    TEXT    NOT NULL
);
