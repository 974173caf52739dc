-- Notifications raised by services and by the manager itself. The original kept them in
-- memory; here they survive restarts. A repeat of the same notification (same dedupe key)
-- increments its counter instead of adding a row.
CREATE TABLE notifications (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    -- SHA-256 (hex) of service name, version, message, severity, dashboard flag and timer
    dedupe_key       TEXT    NOT NULL UNIQUE,
    service_name     TEXT    NOT NULL,
    service_version  TEXT    NOT NULL,
    message          TEXT    NOT NULL,
    severity         TEXT    NOT NULL CHECK (severity IN ('INFO', 'WARNING', 'CRITICAL')),
    dashboard        INTEGER NOT NULL CHECK (dashboard IN (0, 1)),
    -- the recipients of the latest raise, as a JSON array of strings
    emails           TEXT    NOT NULL,
    timer            INTEGER NOT NULL,
    counter          INTEGER NOT NULL,
    -- instants as ISO-8601 text with a fixed fraction (the driver's format): text order is time order
    first_raised_at  TEXT    NOT NULL,
    last_raised_at   TEXT    NOT NULL,
    frozen_until     TEXT,
    -- the counter of the latest raise whose e-mail was due: a raise finds its e-mail due when
    -- this equals the counter it stored, decided in the same statement as the count
    mailed_counter   INTEGER NOT NULL DEFAULT 0
);

-- Pages, newest first: ORDER BY last_raised_at DESC, id DESC
CREATE INDEX notifications_recent ON notifications (last_raised_at, id);
CREATE INDEX notifications_service ON notifications (service_name);
