// Figures 2 and 4 share one Pullboard server (the 1,000-card plant):
//
// 2. Write throughput. A client takes a snapshot (seq S0) and leaves. Then 8 socket
//    clients, each subscribed like a screen and owning its own cards, send moves the way
//    the real client does (expectedVersion + idempotencyKey), one outstanding each, until
//    exactly 10,000 moves were sent, in 4 rounds. Every move is validated, decided by the
//    pull rules, committed with synchronous=FULL, broadcast to the 8 screens and
//    acknowledged. The figure is acknowledged moves per second over the rounds (each
//    without its first 5 %). Baseline: bench/servers/sqlite-insert.ts, raw single-row
//    inserts (one autocommit transaction each) with the same pragmas, on the same disk
//    and core, run before every round and once after the last (the mean is the
//    baseline), so drift of the shared disk hits both alike.
//
// 4. Catch-up. The client that left at S0 comes back: `board:subscribe {afterSeq: S0}`
//    returns the 10,000 missed events, which it applies with the shared reducer exactly
//    as the client store does (one BoardWriter for the batch). The server may instead
//    answer with a snapshot when the gap outweighs the board (its replay limit is
//    max(200, cards / 2)); `answeredWith` records which. Against: `board:subscribe {}`
//    returning a snapshot of the same board, loaded with boardFromSnapshot. Both timed
//    from the emit to the state being ready, alternating, median of several runs.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { applyEvents, boardFromSnapshot } from '../../shared/board.ts';
import type { BoardState } from '../../shared/board.ts';
import type { BoardEvent, BoardSnapshot } from '../../shared/schemas.ts';
import { closeAll, connectManySio, connectSio, emitAck } from '../lib/clients.ts';
import type { AnySocket } from '../lib/clients.ts';
import { Http, afterMove, copyDatabase, movePayload, pickTogglers } from '../lib/plant.ts';
import type { Toggler } from '../lib/plant.ts';
import { runOnServerCore, startServer } from '../lib/proc.ts';
import type { Pinning, ServerProc } from '../lib/proc.ts';
import { median, round, sleep } from '../lib/stats.ts';

export interface ThroughputResult {
  movesSent: number;
  movesAcked: number;
  refused: number;
  seconds: number;
  /** Acked moves per second, summed over the rounds (each without its first 5 %). */
  movesPerSecond: number;
  roundRates: number[];
  senders: number;
  /** Mean of the baseline runs before and after the Pullboard run. */
  baselineInsertsPerSecond: number;
  baselineRuns?: number[];
  /** Latency of one durable single-row commit on this disk, per baseline run. */
  commitLatency: { p50Ms: number; p99Ms: number }[];
  /** Server CPU time per move (user+sys of the server process during the run). */
  serverCpuMsPerMove: number | null;
  error?: string;
}

export interface CatchUpResult {
  events: number;
  cards: number;
  runs: number;
  replayMs: number;
  replayAckMs: number;
  replayApplyMs: number;
  replayBytes: number;
  snapshotMs: number;
  snapshotAckMs: number;
  snapshotApplyMs: number;
  snapshotBytes: number;
  /** Diagnostic only: applying the same events with one copy of the card map per batch. */
  batchedApplyMs: number;
  /** What the server answered the catch-up subscribe with. */
  answeredWith?: 'events' | 'snapshot';
  /** Gap below which a replay is cheaper than a snapshot (today / with a batched apply). */
  breakEvenEvents?: number;
  breakEvenEventsBatched?: number;
  error?: string;
}

export interface WritesOptions {
  pin: Pinning;
  plantDb: string;
  workDir: string;
  totalMoves: number;
  /** Rounds of moves, each preceded by a baseline round (and one baseline at the end). */
  rounds: number;
  senders: number;
  catchUpRuns: number;
  budgetMs: number;
  baselineMs: number;
  log: (msg: string) => void;
}

let clockTicks: number | null = null;
/** Clock ticks per second of /proc/PID/stat (almost always 100). */
function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User+system CPU ticks of a process from /proc (Linux); null elsewhere. */
async function cpuTicks(pid: number): Promise<number | null> {
  try {
    const fs = await import('node:fs/promises');
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime, stime (clock ticks)
  } catch {
    return null;
  }
}

interface MoveDriver {
  sockets: AnySocket[];
  /** Sends `count` moves (8 senders, one outstanding each); returns the ack times. */
  run(count: number, deadline: number): Promise<{ sent: number; ackTimes: number[]; refused: number }>;
}

async function moveDriver(server: ServerProc, board: BoardSnapshot, senders: number): Promise<MoveDriver> {
  const perSender = 6;
  const togglers = pickTogglers(board, senders * perSender);
  const sockets = await connectManySio(server.url, senders, 'tablet', () => ({ afterSeq: board.seq }));
  let keyNo = 0;
  return {
    sockets,
    async run(count, deadline) {
      let sent = 0;
      let refused = 0;
      const ackTimes: number[] = [];
      await Promise.all(
        sockets.map(async (s, k) => {
          const mine: Toggler[] = togglers.slice(k * perSender, (k + 1) * perSender);
          for (let i = 0; sent < count && performance.now() < deadline; i++) {
            sent++;
            const t = mine[i % mine.length]!;
            const ack = await emitAck(s, 'card:move', movePayload(t, `w-${k}-${keyNo++}`));
            try {
              afterMove(t, ack);
              ackTimes.push(performance.now());
            } catch {
              refused++;
            }
          }
        }),
      );
      return { sent, ackTimes, refused };
    },
  };
}

/** As the client store applies a batch: one BoardWriter, each map copied once. */
function applyOneByOne(base: BoardState, events: readonly BoardEvent[]): BoardState {
  return applyEvents(base, events.filter((e) => e.seq > base.seq));
}

/** Diagnostic: the same end state with one copy of the card map for the whole batch. */
function applyBatched(base: BoardState, events: readonly BoardEvent[]): BoardState {
  const cards = { ...base.cards };
  let seq = base.seq;
  for (const e of events) {
    if (e.type === 'card.moved' || e.type === 'card.consumed') cards[e.card.id] = e.card;
    seq = e.seq;
  }
  return { ...base, seq, cards };
}

export async function measureWrites(opts: WritesOptions): Promise<{ throughput: ThroughputResult; catchUp: CatchUpResult }> {
  const db = path.join(opts.workDir, 'writes', 'board.db');
  copyDatabase(opts.plantDb, db);
  const throughput: ThroughputResult = {
    movesSent: 0, movesAcked: 0, refused: 0, seconds: 0, movesPerSecond: NaN, roundRates: [], senders: opts.senders,
    baselineInsertsPerSecond: NaN, commitLatency: [], serverCpuMsPerMove: null,
  };
  const catchUp: CatchUpResult = {
    events: 0, cards: 0, runs: 0, replayMs: NaN, replayAckMs: NaN, replayApplyMs: NaN, replayBytes: 0,
    snapshotMs: NaN, snapshotAckMs: NaN, snapshotApplyMs: NaN, snapshotBytes: 0, batchedApplyMs: NaN,
  };

  const baselines: number[] = [];
  let server: ServerProc | undefined;
  const sockets: AnySocket[] = [];
  try {
    server = await startServer({ name: 'pullboard', script: 'server/main.ts', env: { PULLBOARD_DB: db, PULLBOARD_SEED: 'none' }, pin: opts.pin });
    const http = new Http(server.url);

    // The client that will miss the events: subscribes, keeps its snapshot, leaves.
    const first = await connectSio(server.url, 'tv-away');
    const sub0 = await emitAck<{ ok: boolean; snapshot: BoardSnapshot }>(first, 'board:subscribe', {});
    first.close();
    const s0 = sub0.snapshot;
    catchUp.cards = s0.cards.length;

    // ---- figure 2: rounds of moves interleaved with rounds of the raw-insert baseline
    // (B P B P B P B P B), so that drift of the shared disk hits both alike.
    const driver = await moveDriver(server, s0, opts.senders);
    sockets.push(...driver.sockets);
    const deadline = performance.now() + opts.budgetMs;
    const perRound = Math.ceil(opts.totalMoves / opts.rounds);
    let moveMs = 0;
    let moveCount = 0;
    const cpu0 = await cpuTicks(server.pid);
    for (let r = 0; r < opts.rounds && throughput.movesSent < opts.totalMoves; r++) {
      await rawInsertBaseline(opts, `round ${r + 1}`, baselines, throughput);
      const run = await driver.run(Math.min(perRound, opts.totalMoves - throughput.movesSent), deadline);
      throughput.movesSent += run.sent;
      throughput.movesAcked += run.ackTimes.length;
      throughput.refused += run.refused;
      // Sustained rate: from the 5th percentile ack of the round to its last (no ramp-up).
      const acks = run.ackTimes;
      const lo = Math.floor(acks.length * 0.05);
      if (acks.length - lo > 10) {
        const ms = acks.at(-1)! - acks[lo]!;
        const rate = (acks.length - 1 - lo) / (ms / 1000);
        throughput.roundRates.push(round(rate, 0));
        moveMs += ms;
        moveCount += acks.length - 1 - lo;
        opts.log(`  pullboard round ${r + 1}: ${round(rate, 0)} moves/s`);
      }
    }
    const cpu1 = await cpuTicks(server.pid);
    await rawInsertBaseline(opts, 'last', baselines, throughput);
    throughput.seconds = round(moveMs / 1000, 3);
    if (moveCount > 0) throughput.movesPerSecond = round(moveCount / (moveMs / 1000), 0);
    if (cpu0 !== null && cpu1 !== null && throughput.movesAcked > 0) {
      throughput.serverCpuMsPerMove = round(((cpu1 - cpu0) * 1000) / ticksPerSecond() / throughput.movesAcked, 3);
    }
    opts.log(`  pullboard: ${throughput.movesAcked} moves acked, sustained ${throughput.movesPerSecond}/s`);

    // ---- figure 4
    const page = await http.request<{ lastSeq: number }>('GET', `/events?after=${s0.seq}&limit=1`);
    catchUp.events = page.lastSeq - s0.seq;
    const base = boardFromSnapshot(s0);
    const client = await connectSio(server.url, 'tv-back');
    sockets.push(client);
    const replay: { total: number; ack: number; apply: number }[] = [];
    const snap: { total: number; ack: number; apply: number }[] = [];
    const batched: number[] = [];
    let replayEnd: BoardState | null = null;
    let snapEnd: BoardState | null = null;
    for (let r = 0; r < opts.catchUpRuns; r++) {
      {
        const a = performance.now();
        const res = await emitAck<{ ok: boolean; events?: BoardEvent[]; snapshot?: BoardSnapshot }>(
          client, 'board:subscribe', { afterSeq: s0.seq }, 60_000,
        );
        const b = performance.now();
        if (!res.ok) throw new Error('the catch-up subscribe was refused');
        // The server may answer a far-behind client with a snapshot instead (its choice).
        catchUp.answeredWith = res.events ? 'events' : 'snapshot';
        replayEnd = res.events ? applyOneByOne(base, res.events) : boardFromSnapshot(res.snapshot!);
        const c = performance.now();
        replay.push({ total: c - a, ack: b - a, apply: c - b });
        if (r === 0) catchUp.replayBytes = Buffer.byteLength(JSON.stringify(res));
        if (res.events) {
          const d = performance.now();
          applyBatched(base, res.events);
          batched.push(performance.now() - d);
        }
      }
      await sleep(50);
      {
        const a = performance.now();
        const res = await emitAck<{ ok: boolean; snapshot?: BoardSnapshot }>(client, 'board:subscribe', {}, 60_000);
        const b = performance.now();
        if (!res.ok || !res.snapshot) throw new Error('snapshot subscribe failed');
        snapEnd = boardFromSnapshot(res.snapshot);
        const c = performance.now();
        snap.push({ total: c - a, ack: b - a, apply: c - b });
        if (r === 0) catchUp.snapshotBytes = Buffer.byteLength(JSON.stringify(res));
      }
      await sleep(50);
    }
    if (replayEnd && snapEnd && (replayEnd.seq !== snapEnd.seq || Object.keys(replayEnd.cards).length !== Object.keys(snapEnd.cards).length)) {
      throw new Error(`replay ended at seq ${replayEnd.seq}, snapshot at ${snapEnd.seq}: not the same board`);
    }
    catchUp.runs = replay.length;
    catchUp.replayMs = round(median(replay.map((x) => x.total)));
    catchUp.replayAckMs = round(median(replay.map((x) => x.ack)));
    catchUp.replayApplyMs = round(median(replay.map((x) => x.apply)));
    catchUp.snapshotMs = round(median(snap.map((x) => x.total)));
    catchUp.snapshotAckMs = round(median(snap.map((x) => x.ack)));
    catchUp.snapshotApplyMs = round(median(snap.map((x) => x.apply)));
    catchUp.batchedApplyMs = round(median(batched));
    if (catchUp.answeredWith === 'events' && catchUp.events > 0) {
      // Gap (in events) at which a replay costs as much as a snapshot, at the measured
      // per-event costs: as the client applies events today, and with a batched apply.
      const perEvent = median(replay.map((x) => x.total)) / catchUp.events;
      const perEventBatched = (median(replay.map((x) => x.ack)) + median(batched)) / catchUp.events;
      const snapMs = median(snap.map((x) => x.total));
      catchUp.breakEvenEvents = Math.round(snapMs / perEvent);
      catchUp.breakEvenEventsBatched = Math.round(snapMs / perEventBatched);
    }
    opts.log(`  catch-up of ${catchUp.events} events: ${catchUp.replayMs} ms (answer ${catchUp.replayAckMs} + apply ${catchUp.replayApplyMs}); snapshot ${catchUp.snapshotMs} ms`);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    opts.log(`  writes/catch-up failed: ${msg}`);
    if (Number.isNaN(throughput.movesPerSecond)) throughput.error = msg;
    catchUp.error = msg;
  } finally {
    closeAll(sockets);
    await server?.stop();
  }

  if (baselines.length > 0) throughput.baselineInsertsPerSecond = round(baselines.reduce((a, b) => a + b, 0) / baselines.length, 0);
  throughput.baselineRuns = baselines.map((b) => round(b, 0));
  return { throughput, catchUp };
}

/** Baseline for figure 2: same disk (same folder), same core, same pragmas. */
async function rawInsertBaseline(opts: WritesOptions, when: string, into: number[], throughput: ThroughputResult): Promise<void> {
  try {
    const out = await runOnServerCore(
      opts.pin,
      'bench/servers/sqlite-insert.ts',
      { PB_SQLITE_FILE: path.join(opts.workDir, 'writes', `raw-insert-${when}.db`), PB_DURATION_MS: String(opts.baselineMs) },
      opts.baselineMs + 30_000,
    );
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as { perSecond: number; p50Ms: number; p99Ms: number };
    into.push(r.perSecond);
    throughput.commitLatency.push({ p50Ms: round(r.p50Ms, 3), p99Ms: round(r.p99Ms, 3) });
    opts.log(`  raw better-sqlite3 single-row inserts (${when}): ${round(r.perSecond, 0)}/s (commit p50 ${round(r.p50Ms, 2)} ms, p99 ${round(r.p99Ms, 2)} ms)`);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    opts.log(`  raw insert baseline (${when}) failed: ${msg}`);
    throughput.error = (throughput.error ? `${throughput.error}; ` : '') + `baseline ${when}: ${msg}`;
  }
}
