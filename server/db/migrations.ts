// Versioned schema migrations, applied in order at start inside one transaction each;
// PRAGMA user_version records the last one applied. Never edit a shipped migration:
// append a new one.
export const migrations: readonly string[] = [
  /* 1: event log, current state, idempotency */ `
  CREATE TABLE events (
    seq   INTEGER PRIMARY KEY,
    type  TEXT NOT NULL,
    at    TEXT NOT NULL,
    actor TEXT NOT NULL,
    data  TEXT NOT NULL
  );
  CREATE TRIGGER events_append_only BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

  CREATE TABLE stations (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('process', 'supplier', 'customer')),
    position        INTEGER NOT NULL,
    wip_in_progress INTEGER,
    wip_done        INTEGER,
    soft_in_progress INTEGER NOT NULL DEFAULT 0,
    soft_done       INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE loops (
    id                  TEXT PRIMARY KEY,
    part_number         TEXT NOT NULL,
    part_name           TEXT NOT NULL,
    supplier_station_id TEXT NOT NULL REFERENCES stations(id),
    consumer_station_id TEXT NOT NULL REFERENCES stations(id),
    card_count          INTEGER NOT NULL CHECK (card_count >= 1),
    container_qty       INTEGER NOT NULL CHECK (container_qty >= 1),
    lead_time_minutes   REAL NOT NULL CHECK (lead_time_minutes > 0)
  );

  CREATE TABLE loop_inputs (
    loop_id       TEXT NOT NULL REFERENCES loops(id),
    input_loop_id TEXT NOT NULL REFERENCES loops(id),
    position      INTEGER NOT NULL,
    PRIMARY KEY (loop_id, input_loop_id)
  );

  CREATE TABLE cards (
    id           TEXT PRIMARY KEY,
    loop_id      TEXT NOT NULL REFERENCES loops(id),
    serial       INTEGER NOT NULL,
    station_id   TEXT NOT NULL REFERENCES stations(id),
    col          TEXT NOT NULL CHECK (col IN ('requested', 'in_progress', 'done')),
    version      INTEGER NOT NULL,
    cycle        INTEGER NOT NULL,
    rank         TEXT NOT NULL,
    entered_at   TEXT NOT NULL,
    entered_seq  INTEGER NOT NULL,
    requested_at TEXT,
    UNIQUE (loop_id, serial)
  );
  CREATE INDEX cards_by_column ON cards (station_id, col, rank);

  CREATE TABLE idempotency (
    key         TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    status      INTEGER NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL
  );
  `,
  /* 2: the andon call in force at a station (JSON), null when none */ `
  ALTER TABLE stations ADD COLUMN andon TEXT;
  `,
  /* 3: facts about the database itself (the identity of its event log) */ `
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  /* 4: an idempotency record says whether the command succeeded, not an HTTP status */ `
  ALTER TABLE idempotency RENAME COLUMN status TO ok;
  UPDATE idempotency SET ok = CASE WHEN ok < 400 THEN 1 ELSE 0 END;
  `,
  /* 5: accounts: users, their sessions, paired devices, pairing requests, API tokens.
     Secrets are stored as hashes only (passwords and PINs with scrypt, random tokens
     and badge ids with SHA-256). */ `
  CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role          TEXT NOT NULL,
    station_ids   TEXT NOT NULL,
    password_hash TEXT,
    badge_hash    TEXT UNIQUE,
    pin_hash      TEXT,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
  );
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
    delivered   INTEGER NOT NULL DEFAULT 0
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
  /* 6: an event's actor is {kind, id, name} (JSON); the names recorded before accounts
     existed were chosen by the client, so they become "legacy" actors. The rewrite
     lifts the append-only trigger for its one UPDATE and puts it back. (Edited after it
     shipped: as first written it ran into that trigger, so it never completed on a log
     that had events; no database can have passed it in the old form with rows to change.) */ `
  DROP TRIGGER events_append_only;
  UPDATE events SET actor = json_object('kind', 'system', 'id', 'legacy', 'name', actor)
    WHERE CASE WHEN json_valid(actor) THEN json_type(actor) <> 'object' ELSE 1 END;
  CREATE TRIGGER events_append_only BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
  `,
  /* 7: a card's history (who moved it, when) by an index on the card an event names */ `
  ALTER TABLE events ADD COLUMN card_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.cardId')) VIRTUAL;
  CREATE INDEX events_by_card ON events (card_id, seq);
  `,
  /* 8: a card's history as a chain instead of an index. The index of migration 7 put
     each move's entry on its card's own index page, one more page for every commit to
     write (about 6 KiB a move, measured with bench/write-bytes.ts). Now an event that
     names a card keeps the seq of that card's previous event (card_prev, in the row that
     is appended anyway) and the card's row keeps its newest event (last_seq, in the row
     that the move rewrites anyway): the history is read by following the chain back.
     The chain of the events already logged is built from the index, which then goes. */ `
  ALTER TABLE events ADD COLUMN card_prev INTEGER;
  ALTER TABLE cards ADD COLUMN last_seq INTEGER;
  DROP TRIGGER events_append_only;
  UPDATE events SET card_prev = chain.prev
    FROM (SELECT seq, LAG(seq) OVER (PARTITION BY card_id ORDER BY seq) AS prev
            FROM events WHERE card_id IS NOT NULL) AS chain
    WHERE events.seq = chain.seq AND chain.prev IS NOT NULL;
  CREATE TRIGGER events_append_only BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
  UPDATE cards SET last_seq = (SELECT MAX(seq) FROM events WHERE card_id = cards.id);
  DROP INDEX events_by_card;
  `,
];
