// PostgreSQL schema migrations: the same tables as SQLite's migrations.ts reaches after
// all of its steps (the shipped SQLite history is not replayed here; PostgreSQL starts at
// today's schema). Applied in order at start, each in its own transaction, under an
// advisory lock so servers starting together do not race; the meta row 'schema_version'
// records the last one applied. Never edit a shipped migration: append a new one.
export const pgMigrations: readonly string[] = [
  /* 1: event log (append-only, gap-free seq, card history chain), current state,
     idempotency, accounts */ `
  CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE events (
    seq       BIGINT PRIMARY KEY,
    type      TEXT NOT NULL,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    data      TEXT NOT NULL,
    card_prev BIGINT
  );
  CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION 'the event log is append-only'; END $$;
  CREATE TRIGGER events_append_only BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();

  CREATE TABLE stations (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('process', 'supplier', 'customer')),
    position         INTEGER NOT NULL,
    wip_in_progress  INTEGER,
    wip_done         INTEGER,
    soft_in_progress BOOLEAN NOT NULL DEFAULT FALSE,
    soft_done        BOOLEAN NOT NULL DEFAULT FALSE,
    andon            TEXT
  );
  CREATE TABLE loops (
    id                  TEXT PRIMARY KEY,
    part_number         TEXT NOT NULL,
    part_name           TEXT NOT NULL,
    supplier_station_id TEXT NOT NULL REFERENCES stations (id),
    consumer_station_id TEXT NOT NULL REFERENCES stations (id),
    card_count          INTEGER NOT NULL CHECK (card_count >= 1),
    container_qty       INTEGER NOT NULL CHECK (container_qty >= 1),
    lead_time_minutes   DOUBLE PRECISION NOT NULL CHECK (lead_time_minutes > 0)
  );
  CREATE TABLE loop_inputs (
    loop_id       TEXT NOT NULL REFERENCES loops (id),
    input_loop_id TEXT NOT NULL REFERENCES loops (id),
    position      INTEGER NOT NULL,
    PRIMARY KEY (loop_id, input_loop_id)
  );
  CREATE TABLE cards (
    id           TEXT PRIMARY KEY,
    loop_id      TEXT NOT NULL REFERENCES loops (id),
    serial       INTEGER NOT NULL,
    station_id   TEXT NOT NULL REFERENCES stations (id),
    col          TEXT NOT NULL CHECK (col IN ('requested', 'in_progress', 'done')),
    version      INTEGER NOT NULL,
    cycle        INTEGER NOT NULL,
    rank         TEXT NOT NULL,
    entered_at   TEXT NOT NULL,
    entered_seq  BIGINT NOT NULL,
    requested_at TEXT,
    last_seq     BIGINT,
    UNIQUE (loop_id, serial)
  );
  CREATE INDEX cards_by_column ON cards (station_id, col, rank);
  CREATE TABLE idempotency (
    key         TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    ok          BOOLEAN NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL
  );
  CREATE INDEX idempotency_by_time ON idempotency (created_at);

  CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL,
    role          TEXT NOT NULL,
    station_ids   TEXT NOT NULL,
    password_hash TEXT,
    badge_hash    TEXT UNIQUE,
    pin_hash      TEXT,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
  );
  -- User names compare without case, like SQLite's COLLATE NOCASE.
  CREATE UNIQUE INDEX users_by_name ON users (lower(username));
  CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    method       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    idle_minutes INTEGER
  );
  CREATE INDEX sessions_by_user ON sessions (user_id);
  CREATE TABLE devices (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    station_ids  TEXT NOT NULL,
    token_hash   TEXT UNIQUE,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    last_seen_at TEXT,
    revoked_at   TEXT
  );
  CREATE TABLE pairings (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    device_id   TEXT REFERENCES devices (id),
    delivered   BOOLEAN NOT NULL DEFAULT FALSE
  );
  CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    station_ids  TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
  );
  `,
];
