-- The activated licence: at most one row (id 1). Activating another replaces it; a key that
-- fails verification is never written. The key is kept as sent (a signed JWS) and verified
-- again at every start, so a row edited by hand or a changed public key shows as INVALID.
CREATE TABLE licence (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    licence_key         TEXT    NOT NULL,
    -- instants as ISO-8601 text
    activated_at        TEXT    NOT NULL,
    -- the smallest expiry warning (days before expiry: 30, 7, 1, or 0 for "expired") already
    -- raised for this key; NULL when none was. Reset when another key is activated.
    warned_days         INTEGER
);
