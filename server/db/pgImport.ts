// Moving a plant from its SQLite file to PostgreSQL (`npm run migrate-to-pg`): the board
// state and the whole event log (same seqs, same log identity, so screens and outside
// tools carry on from their seq), the idempotency records (tablets replaying offline
// commands), the accounts (users, sessions, devices, pairings, API tokens) and the
// install secrets (the badge pepper: badge hashes only match with it), all in one
// PostgreSQL transaction into an empty database. Then verified: the board PostgreSQL
// serves must equal SQLite's, and its log must read back identical.
import type Database from 'better-sqlite3';
import { snapshotOf } from '../../shared/board.ts';
import { PostgresRepository } from './postgres.ts';
import { SqliteRepository } from './sqlite.ts';

export interface MigrationReport {
  events: number;
  seq: number;
  cards: number;
  users: number;
  logId: string;
}

/** Rows of a SQLite table, as they are. */
function rows(db: Database.Database, table: string): Array<Record<string, unknown>> {
  return db.prepare(`SELECT * FROM ${table}`).all() as Array<Record<string, unknown>>;
}

/** SQLite keeps booleans as 0/1; PostgreSQL's columns are boolean. */
const BOOLEAN_COLUMNS: Record<string, readonly string[]> = {
  users: ['disabled'],
  pairings: ['delivered'],
  idempotency: ['ok'],
};

/** Tables copied row by row, in an order that keeps references valid. */
const TABLES = ['users', 'sessions', 'devices', 'pairings', 'api_tokens', 'idempotency'] as const;

const PAGE = 5000;

export async function migrateSqliteToPostgres(file: string, url: string): Promise<MigrationReport> {
  const from = new SqliteRepository(file);
  let to: PostgresRepository | null = null;
  try {
    to = await PostgresRepository.open(url);
    const state = from.loadState();
    const first = from.firstSeq();
    const pages = function* (): Generator<ReturnType<SqliteRepository['eventsAfter']>> {
      for (let after = first === null ? state.seq : first - 1; after < state.seq; ) {
        const page = from.eventsAfter(after, PAGE);
        if (page.length === 0) return;
        yield page;
        after = page.at(-1)!.seq;
      }
    };
    const meta = rows(from.db, 'meta').filter((r) => r.key === 'log_id' || String(r.key).startsWith('secret:'));
    const { events } = await to.importBoard(state, pages(), async (c) => {
      for (const table of TABLES) {
        for (const r of rows(from.db, table)) {
          const cols = Object.keys(r);
          const values = cols.map((k) => (BOOLEAN_COLUMNS[table]?.includes(k) ? r[k] === 1 : r[k]));
          await c.query(
            `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
            values,
          );
        }
      }
      // The same log identity (the same history, so screens keep their seq) and secrets.
      for (const r of meta) {
        await c.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [r.key, r.value]);
      }
    });
    await to.close();
    // Verified on a new connection: what a server would load.
    to = await PostgresRepository.open(url);
    const loaded = await to.loadState();
    if (JSON.stringify(snapshotOf(loaded)) !== JSON.stringify(snapshotOf(state))) {
      throw new Error('verification failed: the board in PostgreSQL differs from the SQLite board');
    }
    for (let after = first === null ? state.seq : first - 1; after < state.seq; after += PAGE) {
      const a = JSON.stringify(from.eventsAfter(after, PAGE));
      const b = JSON.stringify(await to.eventsAfter(after, PAGE));
      if (a !== b) throw new Error(`verification failed: the log in PostgreSQL differs from SQLite's after seq ${after}`);
    }
    if (to.logId() !== from.logId()) throw new Error('verification failed: the log identity was not carried over');
    const users = (from.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
    return { events, seq: state.seq, cards: Object.keys(state.cards).length, users, logId: to.logId() };
  } finally {
    from.close();
    await to?.close();
  }
}
