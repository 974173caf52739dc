-- Deployment jobs: every deploy, stop, start and restart of a service version, from
-- submission to its end, with why it failed. Rows outlive the versions they deployed.
CREATE TABLE deployments (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    kind             TEXT    NOT NULL CHECK (kind IN ('DEPLOY', 'STOP', 'START', 'RESTART')),
    state            TEXT    NOT NULL CHECK (state IN ('QUEUED', 'BUILDING', 'STARTING', 'STOPPING',
                                                       'RUNNING', 'STOPPED', 'FAILED', 'CANCELLED')),
    reason           TEXT,
    code             TEXT,
    service_name     TEXT    NOT NULL,
    service_version  TEXT    NOT NULL,
    -- what it deploys from, as shown to users (never with credentials)
    source           TEXT    NOT NULL,
    builder_image    TEXT,
    image            TEXT,
    -- 1 when this deployment builds or loads `image` itself (a failure removes it)
    built            INTEGER NOT NULL DEFAULT 0 CHECK (built IN (0, 1)),
    -- the version's health check as JSON, or NULL
    health_check     TEXT,
    -- the token a deploy gives its version, recorded before the token is issued, so a
    -- manager restarting after a crash revokes it
    token_id         TEXT,
    created_by       TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    started_at       TEXT,
    finished_at      TEXT,
    -- the last lines of its log as a JSON array, written when it ends
    log_tail         TEXT
);

-- One job at a time per service version: the check and the insert are one statement.
CREATE UNIQUE INDEX deployments_one_active ON deployments (service_name, service_version)
    WHERE state IN ('QUEUED', 'BUILDING', 'STARTING', 'STOPPING');
CREATE INDEX deployments_service ON deployments (service_name, id);
