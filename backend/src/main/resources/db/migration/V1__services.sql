-- One row per deployed service version. Later migrations add users, tokens and
-- notifications as tables of their own and reference services by id.
CREATE TABLE services (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    version     TEXT    NOT NULL,
    image       TEXT    NOT NULL,
    port        INTEGER NOT NULL,
    main        INTEGER NOT NULL DEFAULT 0 CHECK (main IN (0, 1)),
    -- The deploy options (env, command, volumes, labels, restart policy, limits) as JSON,
    -- so a lost container can be re-created as it was deployed.
    spec        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    UNIQUE (name, version)
);

-- At most one main version per service name.
CREATE UNIQUE INDEX services_one_main ON services (name) WHERE main = 1;
