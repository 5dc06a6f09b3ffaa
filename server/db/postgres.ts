// PostgreSQL implementation of the repository (node-postgres), for plants that run
// several Pullboard servers on one database. The same contract as sqlite.ts: an
// append-only event log with gap-free seq, current-state tables written in the same
// transaction, idempotency records, each card's history as a chain (card_prev / last_seq),
// prune and the log's identity. On top of that, the SharedLog port: a command group takes
// the board's lock (a transaction-scoped advisory lock), reads the events other servers
// committed since its own last seq, decides, writes and commits; every commit sends a
// NOTIFY with its last seq, which every server LISTENs to (a lost notification is caught
// by the next one: each server reads the log from its own last seq).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { PoolClient } from 'pg';
import { cardFromRow, eventFromRow, loopFromRow, stationFromRow } from './boardRows.ts';
import type { CardRow, EventRow, LoopRow, StationRow } from './boardRows.ts';
import type { BoardState } from '../../shared/board.ts';
import { EventType } from '../../shared/names.ts';
import type { BoardEvent, Card, Loop, Station } from '../../shared/schemas.ts';
import { pgMigrations } from './pgMigrations.ts';
import type { BackupInfo, BoardRepository, CommitInput, IdempotencyRecord, LockedReader, SharedLog } from './repository.ts';

/** The NOTIFY channel of committed events; the payload is the newest seq. */
export const EVENTS_CHANNEL = 'pullboard_events';
/** Advisory lock keys: the board (every command group) and schema migrations. */
const BOARD_LOCK = 7_215_001;
const MIGRATION_LOCK = 7_215_002;

/** BIGINT columns (seq) come back as numbers: seqs stay far below 2^53. */
const INT8_OID = 20;
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** A pool with the repository's type parsing, for the accounts store and tools too. */
export function newPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, types });
  // An idle connection that PostgreSQL drops (a restart, a failover, shutdown) is
  // removed by the pool, which then emits 'error'; unhandled, that would end the
  // process. The next query opens a new connection (and fails, and is answered as
  // such, if the database is really gone).
  pool.on('error', () => {});
  // The same for a connection dropped while checked out between two queries: its query
  // in flight (if any) fails on its own; the event must not end the process.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}



/** Opens a pool on the database and applies any migrations it lacks. */
export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await c.query('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
      const r = await c.query<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'");
      const current = r.rows[0] ? Number(r.rows[0].value) : 0;
      if (current > pgMigrations.length) {
        throw new Error(`database schema version ${current} is newer than this Pullboard (${pgMigrations.length}); upgrade Pullboard`);
      }
      for (let v = current; v < pgMigrations.length; v++) {
        await c.query('BEGIN');
        try {
          await c.query(pgMigrations[v]!);
          await c.query(
            "INSERT INTO meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [String(v + 1)],
          );
          await c.query('COMMIT');
        } catch (err) {
          await c.query('ROLLBACK');
          throw err;
        }
      }
      // The log's identity (see connection.ts): created once, by whichever server is first.
      await c.query("INSERT INTO meta (key, value) VALUES ('log_id', $1) ON CONFLICT (key) DO NOTHING", [randomUUID()]);
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    c.release();
  }
}

/** Gives the database's log a new identity (after a restore or a migration its history forks). */
export async function renewPgLogId(pool: pg.Pool): Promise<string> {
  const id = randomUUID();
  await pool.query("INSERT INTO meta (key, value) VALUES ('log_id', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [id]);
  return id;
}

type Queryable = Pick<PoolClient, 'query'>;

export class PostgresRepository implements BoardRepository, SharedLog {
  private closed = false;
  private listener: pg.Client | null = null;

  private constructor(
    readonly pool: pg.Pool,
    private readonly url: string,
    private readonly id: string,
  ) {}

  /** Connects, migrates and reads the log's identity. */
  static async open(url: string, opts: { poolSize?: number } = {}): Promise<PostgresRepository> {
    const pool = newPool(url, opts.poolSize);
    try {
      await migratePostgres(pool);
      const r = await pool.query<{ value: string }>("SELECT value FROM meta WHERE key = 'log_id'");
      return new PostgresRepository(pool, url, r.rows[0]!.value);
    } catch (err) {
      await pool.end();
      throw err;
    }
  }

  logId(): string {
    return this.id;
  }

  /** The whole board as of one snapshot of the database (state and seq agree). */
  async loadState(): Promise<BoardState> {
    return inTransaction(this.pool, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (c) => {
      const seq = await lastSeqOn(c);
      const inputs = new Map<string, string[]>();
      const ins = await c.query<{ loop_id: string; input_loop_id: string }>(
        'SELECT loop_id, input_loop_id FROM loop_inputs ORDER BY loop_id, position',
      );
      for (const r of ins.rows) {
        const list = inputs.get(r.loop_id) ?? [];
        list.push(r.input_loop_id);
        inputs.set(r.loop_id, list);
      }
      const stations: Record<string, Station> = {};
      for (const r of (await c.query('SELECT * FROM stations')).rows as StationRow<boolean>[]) {
        stations[r.id] = stationFromRow(r);
      }
      const loops: Record<string, Loop> = {};
      for (const r of (await c.query('SELECT * FROM loops')).rows as LoopRow[]) {
        loops[r.id] = loopFromRow(r, inputs.get(r.id) ?? []);
      }
      const cards: Record<string, Card> = {};
      for (const r of (await c.query('SELECT * FROM cards')).rows as CardRow[]) {
        cards[r.id] = cardFromRow(r);
      }
      return { seq, stations, loops, cards };
    });
  }

  /** A commit from a single writer (tools, tests): the same lock and checks as writeLocked. */
  async commit(input: CommitInput): Promise<void> {
    const first = input.events[0]?.seq;
    await this.writeLocked(first === undefined ? Number.MAX_SAFE_INTEGER : first - 1, async (tx) => {
      if (first !== undefined && tx.missed.length > 0) throw new Error(`event seq ${first} does not follow the log's last seq`);
      return input;
    });
  }

  async writeLocked(after: number, decide: (tx: LockedReader) => Promise<CommitInput | null>): Promise<void> {
    return inTransaction(this.pool, 'BEGIN', async (c) => {
      // Every command group of every server queues here: decisions are made one at a
      // time on a board that holds every committed event.
      await c.query('SELECT pg_advisory_xact_lock($1)', [BOARD_LOCK]);
      const missed =
        after === Number.MAX_SAFE_INTEGER
          ? []
          : (await c.query<EventRow>('SELECT seq, type, at, actor, data FROM events WHERE seq > $1 ORDER BY seq', [after])).rows.map(
              eventFromRow,
            );
      const reader: LockedReader = {
        missed,
        findIdempotencies: (keys) => findIdempotenciesOn(c, keys),
        cardHistory: (cardId, limit) => cardHistoryOn(c, cardId, limit),
      };
      const input = await decide(reader);
      if (input && (input.events.length > 0 || (input.idempotency?.length ?? 0) > 0)) await this.write(c, input);
    });
  }

  /** Writes one group's events, the rows they touched and the idempotency answers. */
  private async write(c: PoolClient, input: CommitInput): Promise<void> {
    const { events, state } = input;
    // The heads of the chains of the cards these events name (read under the lock).
    const named = new Set<string>();
    for (const e of events) if ('cardId' in e) named.add(e.cardId);
    const heads = new Map<string, number>();
    if (named.size > 0) {
      const r = await c.query<{ id: string; last_seq: number | null }>('SELECT id, last_seq FROM cards WHERE id = ANY($1::text[])', [
        [...named],
      ]);
      for (const row of r.rows) if (row.last_seq !== null) heads.set(row.id, row.last_seq);
    }
    const cols = { seq: [] as number[], type: [] as string[], at: [] as string[], actor: [] as string[], data: [] as string[], prev: [] as (number | null)[] };
    for (const e of events) {
      const { seq, type, at, actor, ...data } = e;
      const cardId = 'cardId' in e ? e.cardId : null;
      cols.seq.push(seq);
      cols.type.push(type);
      cols.at.push(at);
      cols.actor.push(JSON.stringify(actor));
      cols.data.push(JSON.stringify(data));
      cols.prev.push(cardId === null ? null : (heads.get(cardId) ?? null));
      if (cardId !== null) heads.set(cardId, seq);
      if (e.type === EventType.LOOP_CREATED) for (const x of e.cards) heads.set(x.id, seq);
      if (e.type === EventType.LOOP_UPDATED) for (const x of e.addedCards) heads.set(x.id, seq);
    }
    if (events.length > 0) {
      // Gap-free: under the lock, the group must start right after the log's last seq
      // and count up by one (the primary key would refuse a seq taken twice anyway).
      const last = await lastSeqOn(c);
      events.forEach((e, i) => {
        if (e.seq !== last + 1 + i) throw new Error(`event seq ${e.seq} does not follow the log's last seq ${last + i}`);
      });
      await c.query(
        `INSERT INTO events (seq, type, at, actor, data, card_prev)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])`,
        [cols.seq, cols.type, cols.at, cols.actor, cols.data, cols.prev],
      );
    }
    // Cards moved by the group are written once each (their state after the group);
    // other rows in event order, flushing the cards first so keys resolve in order.
    const pendingCards = new Map<string, Card>();
    const flushCards = async () => {
      if (pendingCards.size > 0) await this.writeCards(c, [...pendingCards.values()], heads);
      pendingCards.clear();
    };
    for (const e of events) {
      switch (e.type) {
        case EventType.CARD_MOVED:
        case EventType.CARD_CONSUMED:
        case EventType.CARD_RETURNED:
        case EventType.CARD_UNDONE:
          pendingCards.set(e.card.id, state.cards[e.card.id] ?? e.card);
          break;
        case EventType.STATION_CREATED:
        case EventType.STATION_UPDATED:
          await flushCards();
          await this.writeStation(c, state.stations[e.station.id] ?? e.station);
          break;
        case EventType.LOOP_CREATED:
          await flushCards();
          await this.writeLoop(c, state.loops[e.loop.id] ?? e.loop);
          await this.writeCards(c, e.cards.map((x) => state.cards[x.id] ?? x), heads);
          break;
        case EventType.LOOP_UPDATED:
          await flushCards();
          if (e.removedCardIds.length > 0) await c.query('DELETE FROM cards WHERE id = ANY($1::text[])', [e.removedCardIds]);
          await this.writeLoop(c, state.loops[e.loop.id] ?? e.loop);
          await this.writeCards(c, e.addedCards.map((x) => state.cards[x.id] ?? x), heads);
          break;
        case EventType.LOOP_RETIRED:
          await flushCards();
          if (e.removedCardIds.length > 0) await c.query('DELETE FROM cards WHERE id = ANY($1::text[])', [e.removedCardIds]);
          await c.query('DELETE FROM loop_inputs WHERE loop_id = $1', [e.loop.id]);
          await c.query('DELETE FROM loops WHERE id = $1', [e.loop.id]);
          break;
        case EventType.STATION_REMOVED:
          await flushCards();
          await c.query('DELETE FROM stations WHERE id = $1', [e.station.id]);
          break;
        case EventType.ANDON_RAISED:
        case EventType.ANDON_CLEARED: {
          await flushCards();
          const st = state.stations[e.stationId];
          if (st) await this.writeStation(c, st);
          break;
        }
      }
    }
    await flushCards();
    const idem = input.idempotency ?? [];
    if (idem.length > 0) {
      const now = new Date().toISOString();
      await c.query(
        `INSERT INTO idempotency (key, fingerprint, ok, body, created_at)
         SELECT k, f, o, b, $5 FROM unnest($1::text[], $2::text[], $3::boolean[], $4::text[]) AS t (k, f, o, b)`,
        [idem.map((r) => r.key), idem.map((r) => r.fingerprint), idem.map((r) => r.ok), idem.map((r) => JSON.stringify(r.body)), now],
      );
    }
    // Delivered to every listening server when (and only if) the transaction commits.
    const newest = events[events.length - 1]?.seq;
    if (newest !== undefined) await c.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, String(newest)]);
  }

  private async writeStation(c: Queryable, st: Station): Promise<void> {
    await c.query(
      `INSERT INTO stations (id, name, kind, position, wip_in_progress, wip_done, soft_in_progress, soft_done, andon)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, position = excluded.position,
         wip_in_progress = excluded.wip_in_progress, wip_done = excluded.wip_done,
         soft_in_progress = excluded.soft_in_progress, soft_done = excluded.soft_done, andon = excluded.andon`,
      [
        st.id,
        st.name,
        st.kind,
        st.position,
        st.wipLimits.inProgress,
        st.wipLimits.done,
        st.softLimits.inProgress,
        st.softLimits.done,
        st.andon === null ? null : JSON.stringify(st.andon),
      ],
    );
  }

  private async writeLoop(c: Queryable, lp: Loop): Promise<void> {
    await c.query(
      `INSERT INTO loops (id, part_number, part_name, supplier_station_id, consumer_station_id, card_count, container_qty, lead_time_minutes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET part_number = excluded.part_number, part_name = excluded.part_name,
         supplier_station_id = excluded.supplier_station_id, consumer_station_id = excluded.consumer_station_id,
         card_count = excluded.card_count, container_qty = excluded.container_qty, lead_time_minutes = excluded.lead_time_minutes`,
      [lp.id, lp.partNumber, lp.partName, lp.supplierStationId, lp.consumerStationId, lp.cardCount, lp.containerQty, lp.leadTimeMinutes],
    );
    await c.query('DELETE FROM loop_inputs WHERE loop_id = $1', [lp.id]);
    if (lp.inputLoopIds.length > 0) {
      await c.query(
        `INSERT INTO loop_inputs (loop_id, input_loop_id, position)
         SELECT $1, i, p - 1 FROM unnest($2::text[]) WITH ORDINALITY AS t (i, p)`,
        [lp.id, lp.inputLoopIds],
      );
    }
  }

  /** Upserts cards in one statement, each with the head of its history chain. */
  private async writeCards(c: Queryable, list: Card[], heads: Map<string, number>): Promise<void> {
    if (list.length === 0) return;
    await c.query(
      `INSERT INTO cards (id, loop_id, serial, station_id, col, version, cycle, rank, entered_at, entered_seq, requested_at, last_seq)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::int[], $7::int[], $8::text[],
                            $9::text[], $10::bigint[], $11::text[], $12::bigint[])
       ON CONFLICT (id) DO UPDATE SET station_id = excluded.station_id, col = excluded.col, version = excluded.version,
         cycle = excluded.cycle, rank = excluded.rank, entered_at = excluded.entered_at, entered_seq = excluded.entered_seq,
         requested_at = excluded.requested_at, last_seq = excluded.last_seq`,
      [
        list.map((x) => x.id),
        list.map((x) => x.loopId),
        list.map((x) => x.serial),
        list.map((x) => x.stationId),
        list.map((x) => x.column),
        list.map((x) => x.version),
        list.map((x) => x.cycle),
        list.map((x) => x.rank),
        list.map((x) => x.enteredAt),
        list.map((x) => x.enteredSeq),
        list.map((x) => x.requestedAt),
        list.map((x) => heads.get(x.id) ?? null),
      ],
    );
  }

  /**
   * Fills an empty database with a board and its log (the demo seed, `npm run
   * migrate-to-pg`): the state rows as they are, then the events page by page with each
   * card's history chain rebuilt, in one transaction under the board's lock. Refuses
   * (and changes nothing) when the database already holds a board.
   */
  async importBoard(
    state: BoardState,
    pages: AsyncIterable<BoardEvent[]> | Iterable<BoardEvent[]>,
    /** More rows to write in the same transaction (accounts, idempotency: pgImport.ts). */
    within?: (c: PoolClient) => Promise<void>,
  ): Promise<{ events: number }> {
    return inTransaction(this.pool, 'BEGIN', async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [BOARD_LOCK]);
      const held = await c.query<{ n: number }>(
        'SELECT (SELECT COUNT(*) FROM events) + (SELECT COUNT(*) FROM stations) AS n',
      );
      if (Number(held.rows[0]!.n) > 0) throw new Error('the PostgreSQL database already holds a board; import needs an empty one');
      const heads = new Map<string, number>();
      for (const st of Object.values(state.stations)) await this.writeStation(c, st);
      // Loops first without inputs (an input may be a loop not written yet), then the inputs.
      for (const lp of Object.values(state.loops)) await this.writeLoop(c, { ...lp, inputLoopIds: [] });
      for (const lp of Object.values(state.loops)) if (lp.inputLoopIds.length > 0) await this.writeLoop(c, lp);
      let count = 0;
      let last = -1;
      for await (const page of pages) {
        if (page.length === 0) continue;
        const prev: (number | null)[] = [];
        for (const e of page) {
          if (last >= 0 && e.seq !== last + 1) throw new Error(`the log to import has a gap after seq ${last}`);
          last = e.seq;
          const cardId = 'cardId' in e ? e.cardId : null;
          prev.push(cardId === null ? null : (heads.get(cardId) ?? null));
          if (cardId !== null) heads.set(cardId, e.seq);
          if (e.type === EventType.LOOP_CREATED) for (const x of e.cards) heads.set(x.id, e.seq);
          if (e.type === EventType.LOOP_UPDATED) for (const x of e.addedCards) heads.set(x.id, e.seq);
        }
        await c.query(
          `INSERT INTO events (seq, type, at, actor, data, card_prev)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])`,
          [
            page.map((e) => e.seq),
            page.map((e) => e.type),
            page.map((e) => e.at),
            page.map((e) => JSON.stringify(e.actor)),
            page.map((e) => {
              const { seq: _s, type: _t, at: _a, actor: _x, ...data } = e;
              return JSON.stringify(data);
            }),
            prev,
          ],
        );
        count += page.length;
      }
      if (last >= 0 && last !== state.seq) throw new Error(`the log ends at seq ${last} but the board is at seq ${state.seq}`);
      const cards = Object.values(state.cards);
      for (let i = 0; i < cards.length; i += 1000) await this.writeCards(c, cards.slice(i, i + 1000), heads);
      if (within) await within(c);
      if (last >= 0) await c.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, String(last)]);
      return { events: count };
    });
  }

  findIdempotency(key: string): Promise<IdempotencyRecord | undefined> {
    return findIdempotencyOn(this.pool, key);
  }

  async eventsAfter(after: number, limit: number): Promise<BoardEvent[]> {
    const r = await this.pool.query<EventRow>('SELECT seq, type, at, actor, data FROM events WHERE seq > $1 ORDER BY seq LIMIT $2', [
      after,
      Math.min(limit, Number.MAX_SAFE_INTEGER),
    ]);
    return r.rows.map(eventFromRow);
  }

  cardHistory(cardId: string, limit: number): Promise<BoardEvent[]> {
    return cardHistoryOn(this.pool, cardId, limit);
  }

  async firstSeq(): Promise<number | null> {
    return (await this.pool.query<{ seq: number | null }>('SELECT MIN(seq) AS seq FROM events')).rows[0]!.seq;
  }

  lastSeq(): Promise<number> {
    return lastSeqOn(this.pool);
  }

  async pruneEvents(before: string): Promise<number> {
    const r = await this.pool.query(
      `DELETE FROM events WHERE seq < COALESCE((SELECT MIN(seq) FROM events WHERE at >= $1), (SELECT MAX(seq) FROM events))`,
      [before],
    );
    return r.rowCount ?? 0;
  }

  async pruneIdempotency(before: string): Promise<number> {
    return (await this.pool.query('DELETE FROM idempotency WHERE created_at < $1', [before])).rowCount ?? 0;
  }

  backup(): Promise<BackupInfo> {
    return Promise.reject(new Error('a PostgreSQL database is backed up with pg_dump (docs/operations.md, "PostgreSQL")'));
  }

  /**
   * LISTENs for commits on a connection of its own (reconnecting when it drops, and then
   * calling `fn` with -1 so the caller reads the log for what it may have missed).
   */
  async watch(fn: (seq: number) => void): Promise<() => Promise<void>> {
    let stopped = false;
    const connect = async (): Promise<void> => {
      const client = new pg.Client({ connectionString: this.url, types });
      client.on('notification', (m) => {
        if (m.channel === EVENTS_CHANNEL && m.payload) fn(Number(m.payload));
      });
      client.on('error', () => {
        // The connection dropped: listen again, and read the log in case a commit was missed.
        if (this.listener === client) this.listener = null;
        void client.end().catch(() => {});
        if (!stopped && !this.closed) setTimeout(() => void connect().then(() => fn(-1), () => {}), 500).unref();
      });
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      this.listener = client;
    };
    await connect();
    return async () => {
      stopped = true;
      const l = this.listener;
      this.listener = null;
      if (l) await l.end().catch(() => {});
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const l = this.listener;
    this.listener = null;
    if (l) await l.end().catch(() => {});
    await this.pool.end();
  }
}


async function lastSeqOn(c: Queryable): Promise<number> {
  return (await c.query<{ seq: number }>('SELECT COALESCE(MAX(seq), 0)::bigint AS seq FROM events')).rows[0]!.seq;
}

async function findIdempotencyOn(c: Queryable, key: string): Promise<IdempotencyRecord | undefined> {
  const r = await c.query<{ key: string; fingerprint: string; ok: boolean; body: string }>(
    'SELECT key, fingerprint, ok, body FROM idempotency WHERE key = $1',
    [key],
  );
  const row = r.rows[0];
  return row && { key: row.key, fingerprint: row.fingerprint, ok: row.ok, body: JSON.parse(row.body) };
}

async function findIdempotenciesOn(c: Queryable, keys: readonly string[]): Promise<Map<string, IdempotencyRecord>> {
  const out = new Map<string, IdempotencyRecord>();
  if (keys.length === 0) return out;
  const r = await c.query<{ key: string; fingerprint: string; ok: boolean; body: string }>(
    'SELECT key, fingerprint, ok, body FROM idempotency WHERE key = ANY($1::text[])',
    [[...keys]],
  );
  for (const row of r.rows) out.set(row.key, { key: row.key, fingerprint: row.fingerprint, ok: row.ok, body: JSON.parse(row.body) });
  return out;
}

/** Back along the card's chain from its row's last_seq, in one recursive query. */
async function cardHistoryOn(c: Queryable, cardId: string, limit: number): Promise<BoardEvent[]> {
  if (limit <= 0) return [];
  const r = await c.query<EventRow>(
    `WITH RECURSIVE chain (seq, type, at, actor, data, card_prev, n) AS (
       SELECT e.seq, e.type, e.at, e.actor, e.data, e.card_prev, 1
         FROM events e JOIN cards k ON k.last_seq = e.seq WHERE k.id = $1
       UNION ALL
       SELECT e.seq, e.type, e.at, e.actor, e.data, e.card_prev, chain.n + 1
         FROM events e JOIN chain ON e.seq = chain.card_prev WHERE chain.n < $2
     )
     SELECT seq, type, at, actor, data FROM chain ORDER BY seq DESC`,
    [cardId, limit],
  );
  return r.rows.map(eventFromRow);
}

/**
 * Runs `fn` in one transaction on a connection of its own: COMMIT after it, ROLLBACK if
 * it throws. A connection that failed mid-transaction is not given back to others.
 */
async function inTransaction<T>(pool: pg.Pool, begin: string, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let failed = false;
  try {
    await c.query(begin);
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    failed = true;
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    c.release(failed ? true : undefined);
  }
}
