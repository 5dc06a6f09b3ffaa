// Figures 2 and 4 share one Pullboard server (the 1,000-card plant):
//
// 2. Write throughput. After figure 4a's moves, 8 socket
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
// 4. Catch-up, as Pullboard's screens do it: `board:subscribe {afterSeq, logId,
//    changes: true}`, answered with the change set since afterSeq (shared/changes.ts)
//    or, when that would not be smaller, a snapshot; applied by the client's own store
//    (receiveChanges / loadSnapshot) holding the screen's old board. Against:
//    `board:subscribe {}`, a snapshot of the same board loaded by the same store
//    (loadSnapshot). Both are timed from the emit until the store holds the new board,
//    alternating, median of several runs; the bytes are those of the answer (its JSON),
//    and the end states must be equal. The shared reducer's apply alone (applyChanges /
//    boardFromSnapshot) and the round trip of an up-to-date screen are recorded too.
//    4a. After 100 missed events, each a move of a different card (no compaction at all:
//        the worst case for 100 events). Measured before figure 2's moves.
//    4b. After figure 2's 10,000 moves (8 senders x 6 cards: 48 cards touched, a line
//        working the same cards over and over).
//    4b worst case. Then every card of the board is moved once (about 1,000 events), and
//        a screen that missed the last 10,000 events catches up: every card touched.
//    For comparison, each also records once what a caller that does not opt in gets for
//    the same afterSeq (the missed events, or a snapshot past the replay limit).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { applyEvents, boardFromSnapshot, snapshotOf } from '../../shared/board.ts';
import type { BoardState } from '../../shared/board.ts';
import { applyChanges } from '../../shared/changes.ts';
import type { BoardChanges } from '../../shared/changes.ts';
import { createPullboardStore } from '../../client/src/store/store.ts';
import type { BoardEvent, BoardSnapshot } from '../../shared/schemas.ts';
import { pullboardEnv } from '../lib/auth.ts';
import { closeAll, connectManySio, connectSio, emitAck } from '../lib/clients.ts';
import type { AnySocket } from '../lib/clients.ts';
import { Http, afterMove, copyDatabase, movePayload, pickTogglers } from '../lib/plant.ts';
import type { Toggler } from '../lib/plant.ts';
import { runOnServerCore, spawnBenchServer } from '../lib/proc.ts';
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
  /** '4a', '4b' or '4b-worst'. */
  figure: string;
  what: string;
  events: number;
  cards: number;
  /** Distinct cards the missed events touched. */
  touchedCards: number;
  runs: number;
  /** What the server answered the opted-in catch-up with. */
  answeredWith?: 'changes' | 'snapshot';
  /** Objects in the change set (cards, stations, loops, removed ids). */
  changeObjects?: number;
  catchUpMs: number;
  catchUpAckMs: number;
  catchUpApplyMs: number;
  catchUpBytes: number;
  snapshotMs: number;
  snapshotAckMs: number;
  snapshotApplyMs: number;
  snapshotBytes: number;
  /** Once, for comparison: what a caller that does not opt in gets for the same afterSeq. */
  legacy?: { answeredWith: 'events' | 'snapshot'; bytes: number; ms: number };
  /** The floor: the same catch-up by a screen already up to date (an empty change set), median. */
  upToDateMs?: number;
  /**
   * The apply with the shared reducer alone (applyChanges / boardFromSnapshot), without
   * the store's bookkeeping; the figure's apply is the store's (receiveChanges /
   * loadSnapshot, which also keeps unchanged objects' identity).
   */
  reducerApplyMs?: { catchUp: number; snapshot: number };
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
export function ticksPerSecond(): number {
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
export async function cpuTicks(pid: number): Promise<number | null> {
  try {
    const fs = await import('node:fs/promises');
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime, stime (clock ticks)
  } catch {
    return null;
  }
}

export interface MoveDriver {
  sockets: AnySocket[];
  /** Sends `count` moves (each sender one outstanding); returns the ack times. */
  run(count: number, deadline: number): Promise<{ sent: number; ackTimes: number[]; refused: number }>;
}

/** `senders` subscribed sockets, each owning `perSender` cards of `board` (figure 2: 8 x 6). */
export async function moveDriver(server: ServerProc, token: string | null, board: BoardSnapshot, senders: number, perSender = 6): Promise<MoveDriver> {
  const togglers = pickTogglers(board, senders * perSender);
  const sockets = await connectManySio(server.url, senders, 'tablet', () => ({ afterSeq: board.seq }), token);
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

type SubscribeAck = { ok: boolean; logId?: string; snapshot?: BoardSnapshot; changes?: BoardChanges; events?: BoardEvent[] };

/**
 * Figure 4's measurement for one gap: the screen whose board is `base` catches up
 * (`changes: true`), alternating with a snapshot load, `runs` times each.
 */
async function measureCatchUp(
  client: AnySocket,
  figure: string,
  what: string,
  base: BoardState,
  logId: string | undefined,
  runs: number,
  log: (msg: string) => void,
): Promise<CatchUpResult> {
  const r: CatchUpResult = {
    figure, what, events: 0, cards: Object.keys(base.cards).length, touchedCards: 0, runs: 0,
    catchUpMs: NaN, catchUpAckMs: NaN, catchUpApplyMs: NaN, catchUpBytes: 0,
    snapshotMs: NaN, snapshotAckMs: NaN, snapshotApplyMs: NaN, snapshotBytes: 0,
  };
  try {
    const payload = { afterSeq: base.seq, ...(logId ? { logId } : {}) };
    const baseSnapshot = snapshotOf(base);
    /** A screen's store holding `base` (made outside the timed part). */
    const screenAt = () => {
      const store = createPullboardStore();
      store.getState().loadSnapshot(baseSnapshot);
      return store;
    };
    const catchUp: { total: number; ack: number; apply: number; reducer: number }[] = [];
    const snap: { total: number; ack: number; apply: number; reducer: number }[] = [];
    const floor: number[] = [];
    let caughtUp: BoardState | null = null;
    let loaded: BoardState | null = null;
    // Unmeasured rounds first: the first calls of each path in the server and in this
    // process run cold (not yet compiled by the JIT); a screen meets a warm server.
    for (let i = 0; i < 10; i++) {
      const res = await emitAck<SubscribeAck>(client, 'board:subscribe', { ...payload, changes: true }, 60_000);
      if (res.changes) screenAt().getState().receiveChanges(res.changes);
      screenAt().getState().loadSnapshot((await emitAck<SubscribeAck>(client, 'board:subscribe', {}, 60_000)).snapshot!);
    }
    for (let i = 0; i < runs; i++) {
      {
        const store = screenAt();
        const a = performance.now();
        const res = await emitAck<SubscribeAck>(client, 'board:subscribe', { ...payload, changes: true }, 60_000);
        const b = performance.now();
        if (!res.ok) throw new Error('the catch-up subscribe was refused');
        if (res.changes) {
          if (store.getState().receiveChanges(res.changes).gap) throw new Error(`${figure}: the change set does not follow the screen's board`);
        } else {
          store.getState().loadSnapshot(res.snapshot!);
        }
        const c = performance.now();
        caughtUp = store.getState().confirmed;
        // The shared reducer alone on the same answer (without the store's bookkeeping).
        const d = performance.now();
        if (res.changes) applyChanges(base, res.changes);
        else boardFromSnapshot(res.snapshot!);
        catchUp.push({ total: c - a, ack: b - a, apply: c - b, reducer: performance.now() - d });
        if (i === 0) {
          r.answeredWith = res.changes ? 'changes' : 'snapshot';
          r.catchUpBytes = Buffer.byteLength(JSON.stringify(res));
          if (res.changes) {
            const ch = res.changes;
            r.changeObjects = ch.stations.length + ch.loops.length + ch.cards.length +
              ch.removed.stations.length + ch.removed.loops.length + ch.removed.cards.length;
          }
        }
      }
      await sleep(20);
      {
        const store = screenAt();
        const a = performance.now();
        const res = await emitAck<SubscribeAck>(client, 'board:subscribe', {}, 60_000);
        const b = performance.now();
        if (!res.ok || !res.snapshot) throw new Error('snapshot subscribe failed');
        store.getState().loadSnapshot(res.snapshot);
        const c = performance.now();
        loaded = store.getState().confirmed;
        const d = performance.now();
        boardFromSnapshot(res.snapshot);
        snap.push({ total: c - a, ack: b - a, apply: c - b, reducer: performance.now() - d });
        if (i === 0) r.snapshotBytes = Buffer.byteLength(JSON.stringify(res));
      }
      await sleep(20);
      {
        const a = performance.now();
        const res = await emitAck<SubscribeAck>(client, 'board:subscribe', { afterSeq: loaded.seq, ...(logId ? { logId } : {}), changes: true }, 60_000);
        if (!res.ok || !res.changes) throw new Error('an up-to-date catch-up was not answered with changes');
        applyChanges(loaded, res.changes);
        floor.push(performance.now() - a);
      }
      await sleep(20);
    }
    if (!caughtUp || !loaded || JSON.stringify(snapshotOf(caughtUp)) !== JSON.stringify(snapshotOf(loaded))) {
      throw new Error(`${figure}: the caught-up board is not the snapshot's board`);
    }
    r.events = loaded.seq - base.seq;
    r.touchedCards = Object.keys(loaded.cards).filter((id) => loaded!.cards[id]!.version !== base.cards[id]?.version).length;
    r.runs = catchUp.length;
    r.catchUpMs = round(median(catchUp.map((x) => x.total)));
    r.catchUpAckMs = round(median(catchUp.map((x) => x.ack)));
    r.catchUpApplyMs = round(median(catchUp.map((x) => x.apply)));
    r.snapshotMs = round(median(snap.map((x) => x.total)));
    r.snapshotAckMs = round(median(snap.map((x) => x.ack)));
    r.snapshotApplyMs = round(median(snap.map((x) => x.apply)));
    r.upToDateMs = round(median(floor));
    r.reducerApplyMs = { catchUp: round(median(catchUp.map((x) => x.reducer)), 3), snapshot: round(median(snap.map((x) => x.reducer)), 3) };
    // What an outside tool gets for the same gap (it does not opt in).
    const a = performance.now();
    const res = await emitAck<SubscribeAck>(client, 'board:subscribe', payload, 60_000);
    const legacyEnd = res.events ? applyEvents(base, res.events) : boardFromSnapshot(res.snapshot!);
    r.legacy = {
      answeredWith: res.events ? 'events' : 'snapshot',
      bytes: Buffer.byteLength(JSON.stringify(res)),
      ms: round(performance.now() - a),
    };
    if (legacyEnd.seq !== loaded.seq) throw new Error(`${figure}: the replay ended at seq ${legacyEnd.seq}, not ${loaded.seq}`);
    log(
      `  ${figure} catch-up of ${r.events} events (${r.touchedCards} cards touched): ${r.answeredWith} ${r.catchUpMs} ms, ` +
        `${round(r.catchUpBytes / 1024, 1)} KB; snapshot ${r.snapshotMs} ms, ${round(r.snapshotBytes / 1024, 1)} KB`,
    );
  } catch (err) {
    r.error = err instanceof Error ? err.message : String(err);
    log(`  ${figure} catch-up failed: ${r.error}`);
  }
  return r;
}

/** The board at `seq`: `from` with the logged events up to `seq` applied (GET /api/events). */
async function boardAt(http: Http, from: BoardState, seq: number): Promise<BoardState> {
  let board = from;
  while (board.seq < seq) {
    const page = await http.request<{ events: BoardEvent[] }>('GET', `/events?after=${board.seq}&limit=${Math.min(1000, seq - board.seq)}`);
    if (page.events.length === 0) throw new Error(`the log has no events after ${board.seq}`);
    board = applyEvents(board, page.events);
  }
  return board;
}

/** Moves every card of the board once, over HTTP (consume a full one, start or finish the others). */
async function touchEveryCard(http: Http): Promise<number> {
  const board = await http.board();
  for (const c of board.cards) {
    if (c.column === 'done') await http.request('POST', `/cards/${c.id}/consume`, {});
    else await http.request('POST', `/cards/${c.id}/move`, { to: c.column === 'requested' ? 'in_progress' : 'done' });
  }
  return board.cards.length;
}

export async function measureWrites(opts: WritesOptions): Promise<{ throughput: ThroughputResult; catchUp: CatchUpResult[] }> {
  const db = path.join(opts.workDir, 'writes', 'board.db');
  copyDatabase(opts.plantDb, db);
  const throughput: ThroughputResult = {
    movesSent: 0, movesAcked: 0, refused: 0, seconds: 0, movesPerSecond: NaN, roundRates: [], senders: opts.senders,
    baselineInsertsPerSecond: NaN, commitLatency: [], serverCpuMsPerMove: null,
  };
  const catchUp: CatchUpResult[] = [];
  const failed = (figure: string, what: string, error: string): CatchUpResult => ({
    figure, what, events: 0, cards: 0, touchedCards: 0, runs: 0, catchUpMs: NaN, catchUpAckMs: NaN, catchUpApplyMs: NaN,
    catchUpBytes: 0, snapshotMs: NaN, snapshotAckMs: NaN, snapshotApplyMs: NaN, snapshotBytes: 0, error,
  });

  const baselines: number[] = [];
  let server: ServerProc | undefined;
  const sockets: AnySocket[] = [];
  try {
    server = await spawnBenchServer({ name: 'pullboard', script: 'server/main.ts', subject: true, env: pullboardEnv(db), pin: opts.pin });
    // Every client below is signed in with the benchmark's session.
    const http = await Http.signIn(server.url);
    const token = http.token;

    // The screen that will miss the events: subscribes, keeps its snapshot, leaves.
    const first = await connectSio(server.url, 'tv-away', token);
    const sub0 = await emitAck<{ ok: boolean; snapshot: BoardSnapshot; logId?: string }>(first, 'board:subscribe', {});
    first.close();
    const s0 = sub0.snapshot;
    const logId = sub0.logId;
    const back = await connectSio(server.url, 'tv-back', token);
    sockets.push(back);

    // ---- figure 4a: 100 moves, each of a different card, then the catch-up.
    try {
      const mover = await connectSio(server.url, 'mover', token);
      sockets.push(mover);
      let key = 0;
      for (const t of pickTogglers(s0, 100)) afterMove(t, await emitAck(mover, 'card:move', movePayload(t, `c-${key++}`)));
      catchUp.push(await measureCatchUp(back, '4a', '100 missed events, 100 cards', boardFromSnapshot(s0), logId, opts.catchUpRuns, opts.log));
    } catch (err) {
      catchUp.push(failed('4a', '100 missed events, 100 cards', err instanceof Error ? err.message : String(err)));
    }
    const s1 = await http.board();

    // ---- figure 2: rounds of moves interleaved with rounds of the raw-insert baseline
    // (B P B P B P B P B), so that drift of the shared disk hits both alike.
    const driver = await moveDriver(server, token, s1, opts.senders);
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

    // ---- figure 4b: the screen that left before figure 2's moves catches up.
    const b1 = boardFromSnapshot(s1);
    const gap = (await http.request<{ lastSeq: number }>('GET', `/events?after=${s1.seq}&limit=1`)).lastSeq - s1.seq;
    catchUp.push(await measureCatchUp(back, '4b', `${gap} missed events (figure 2's moves)`, b1, logId, opts.catchUpRuns, opts.log));

    // ---- figure 4b, worst case: every card moved once, and a screen that missed the
    // last `gap` events (so every card is touched) catches up.
    try {
      const moved = await touchEveryCard(http);
      const last = (await http.request<{ lastSeq: number }>('GET', `/events?after=0&limit=1`)).lastSeq;
      const base = await boardAt(http, b1, last - gap);
      catchUp.push(
        await measureCatchUp(back, '4b-worst', `${gap} missed events, every card touched (${moved} moved once)`, base, logId, opts.catchUpRuns, opts.log),
      );
    } catch (err) {
      catchUp.push(failed('4b-worst', 'every card touched', err instanceof Error ? err.message : String(err)));
    }
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    opts.log(`  writes/catch-up failed: ${msg}`);
    if (Number.isNaN(throughput.movesPerSecond)) throughput.error = msg;
    for (const f of ['4a', '4b', '4b-worst']) if (!catchUp.some((c) => c.figure === f)) catchUp.push(failed(f, '', msg));
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
