// Figure 9: metrics and the what-if (issue 12: "a year of events (say 2 million) answers
// in well under a second"; "the what-if answers in under a second for the demo plant").
//
// a. A year of events: the benchmark writes a log of `events` events (default 2,000,000)
//    straight into a SQLite database through the server's own repository
//    (server/db/sqlite.ts), decided by the shared rules (shared/rules.ts decide) on the
//    demo plant's value stream (server/demo.ts: 6 stations, 10 loops with input loops):
//    customers use finished cylinders, every station starts and finishes cards, cascades
//    use the inputs; the events are spread evenly over the 365 days up to now. Then one
//    Pullboard server starts on it (server/main.ts, on the server core) and builds its
//    metrics index from the log (server/metricsIndex.ts).
//    Timed from the load generator, over HTTP on 127.0.0.1, each request alone:
//    - the index build: server start ("listening") to the first GET /api/metrics answer
//      (that request waits for the build);
//    - GET /api/metrics for the last 7 days (the default), and for the whole year;
//    - GET /api/metrics/series for the year in 48 buckets;
//    - GET /api/risk;
//    and the server's RSS and heap once the index is built.
// b. The what-if on the demo plant: a server seeded with the demo plant
//    (PULLBOARD_SEED=demo) answers POST /api/whatif {the supplier stops for 6 hours}.
// Medians of `samples` requests each (p95 beside them); no baseline: the targets are
// absolute (1 s).
import path from 'node:path';
import { z } from 'zod';
import { loopCards } from '../../shared/board.ts';
import type { BoardState } from '../../shared/board.ts';
import type { Command } from '../../shared/commands.ts';
import { DomainError } from '../../shared/errors.ts';
import { Column, Role, StationKind } from '../../shared/names.ts';
import { decide } from '../../shared/rules.ts';
import type { BoardEvent } from '../../shared/schemas.ts';
import { SqliteRepository } from '../../server/db/sqlite.ts';
import { kanbanDemoSizing } from '../../server/demo.ts';
import type { DemoStation } from '../../server/demo.ts';
import { pullboardEnv, signIn } from '../lib/auth.ts';
import { assertLocal } from '../lib/clients.ts';
import { spawnBenchServer } from '../lib/proc.ts';
import type { Pinning } from '../lib/proc.ts';
import { percentile, median, round } from '../lib/stats.ts';
import { seededRandom } from '../../shared/random.ts';

export interface TimedRequest {
  medianMs: number;
  p95Ms: number;
  samples: number;
  bytes: number;
}

export interface MetricsFigureResult {
  events: number;
  generateSeconds: number;
  indexBuildSeconds: number | null;
  metrics7d?: TimedRequest;
  metricsYear?: TimedRequest;
  seriesYear?: TimedRequest;
  risk?: TimedRequest;
  rssMiB?: number;
  heapUsedMiB?: number;
  whatIf?: TimedRequest & { starving: number };
  error?: string;
}

export interface MetricsFigureOptions {
  pin: Pinning;
  workDir: string;
  events: number;
  samples: number;
  log: (msg: string) => void;
}

const DAY = 86_400_000;


/**
 * Writes a log of at least `events` events over the 365 days up to `endMs` into `dbFile`
 * (a new database): the demo value stream, then uses, starts and finishes.
 */
export async function generateYearLog(dbFile: string, events: number, endMs = Date.now(), log: (m: string) => void = () => undefined): Promise<number> {
  const repo = new SqliteRepository(dbFile);
  const rnd = seededRandom(20261201);
  let counter = 0;
  const startMs = endMs - 365 * DAY;
  // The clock runs with the log: event k of `events` is stamped k/events of the year in.
  let nowMs = startMs;
  const state: BoardState = { seq: 0, stations: {}, loops: {}, cards: {} };
  let batch: BoardEvent[] = [];
  let total = 0;
  const ctx = () => ({
    now: new Date(Math.min(nowMs, endMs)).toISOString(),
    actor: { kind: 'system' as const, id: 'bench', name: 'benchmark' },
    role: Role.ADMIN,
    stationIds: [],
    newId: (prefix: 'st' | 'lp' | 'cd') => `${prefix}_bench${(++counter).toString(36).padStart(7, '0')}`,
  });
  const flush = async () => {
    if (batch.length === 0) return;
    await repo.commit({ events: batch, state, idempotency: [] });
    batch = [];
  };
  const run = async (command: Command): Promise<boolean> => {
    try {
      const d = decide(state, command, ctx(), { inPlace: true });
      batch.push(...d.events);
      total += d.events.length;
      if (batch.length >= 5000) await flush();
      return true;
    } catch (err) {
      if (err instanceof DomainError) return false;
      throw err;
    }
  };
  // The demo value stream.
  const kinds: Record<DemoStation, StationKind> = {
    supplier: StationKind.SUPPLIER, machining: StationKind.PROCESS, welding: StationKind.PROCESS,
    paint: StationKind.PROCESS, assembly: StationKind.PROCESS, shipping: StationKind.CUSTOMER,
  };
  const stationIds = new Map<DemoStation, string>();
  for (const name of Object.keys(kinds) as DemoStation[]) {
    await run({ type: 'station.create', name: `Bench ${name}`, kind: kinds[name] });
    const id = Object.values(state.stations).find((s) => s.name === `Bench ${name}`)!.id;
    stationIds.set(name, id);
  }
  const loopIds = new Map<string, string>();
  for (const s of kanbanDemoSizing()) {
    await run({
      type: 'loop.create', partNumber: s.partNumber, partName: s.partName,
      supplierStationId: stationIds.get(s.from)!, consumerStationId: stationIds.get(s.to)!,
      cardCount: s.cardCount, containerQty: s.containerQty, leadTimeMinutes: s.leadTimeMinutes,
      inputLoopIds: s.inputs.map((p) => loopIds.get(p)!),
    });
    loopIds.set(s.partNumber, Object.values(state.loops).find((l) => l.partNumber === s.partNumber)!.id);
  }
  const loops = Object.values(state.loops);
  const shipping = stationIds.get('shipping')!;
  const customerLoops = loops.filter((l) => l.consumerStationId === shipping);
  let nextLog = 0;
  while (total < events) {
    nowMs = startMs + (total / events) * 365 * DAY;
    if (rnd() < 0.25) {
      const l = customerLoops[Math.floor(rnd() * customerLoops.length)]!;
      await run({ type: 'loop.consume', loopId: l.id });
      continue;
    }
    // A station works: the oldest card in process is finished, else a requested one started.
    const l = loops[Math.floor(rnd() * loops.length)]!;
    let inProgress: string | null = null;
    let requested: string | null = null;
    for (const c of loopCards(state, l.id)) {
      if (c.column === Column.IN_PROGRESS && inProgress === null) inProgress = c.id;
      if (c.column === Column.REQUESTED && requested === null) requested = c.id;
    }
    if (inProgress !== null) await run({ type: 'card.move', cardId: inProgress, to: Column.DONE });
    else if (requested !== null) await run({ type: 'card.move', cardId: requested, to: Column.IN_PROGRESS });
    if (total >= nextLog) {
      log(`  generated ${total} events`);
      nextLog += 500_000;
    }
  }
  await flush();
  repo.close();
  return total;
}

async function timed(base: string, token: string, method: string, pathname: string, body: unknown, samples: number): Promise<TimedRequest> {
  assertLocal(base);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    const res = await fetch(`${base}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    times.push(performance.now() - t);
    if (!res.ok) throw new Error(`${method} ${pathname} -> ${res.status}: ${text.slice(0, 200)}`);
    bytes = text.length;
  }
  return { medianMs: round(median(times), 1), p95Ms: round(percentile(times, 95), 1), samples, bytes };
}

export async function measureMetrics(o: MetricsFigureOptions): Promise<MetricsFigureResult> {
  const result: MetricsFigureResult = { events: 0, generateSeconds: 0, indexBuildSeconds: null };
  try {
    const db = path.join(o.workDir, 'metrics', 'board.db');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.dirname(db), { recursive: true });
    o.log(`  writing a year of ${o.events} events`);
    const g0 = performance.now();
    result.events = await generateYearLog(db, o.events, Date.now(), o.log);
    result.generateSeconds = round((performance.now() - g0) / 1000, 1);
    o.log(`  ${result.events} events in ${result.generateSeconds} s; starting a server on them`);
    const s = await spawnBenchServer({ name: 'metrics', script: 'server/main.ts', subject: true, env: pullboardEnv(db), pin: o.pin, startTimeoutMs: 600_000 });
    try {
      const b0 = performance.now();
      const token = await signIn(s.url);
      if (token === null) throw new Error('this server has no accounts');
      await timed(s.url, token, 'GET', '/api/metrics', undefined, 1);
      result.indexBuildSeconds = round((performance.now() - b0) / 1000, 1);
      o.log(`  index built: first answer after ${result.indexBuildSeconds} s`);
      const now = Date.now();
      const yearFrom = new Date(now - 365 * DAY).toISOString();
      const to = new Date(now).toISOString();
      result.metrics7d = await timed(s.url, token, 'GET', '/api/metrics', undefined, o.samples);
      result.metricsYear = await timed(s.url, token, 'GET', `/api/metrics?from=${yearFrom}&to=${to}`, undefined, o.samples);
      result.seriesYear = await timed(s.url, token, 'GET', `/api/metrics/series?from=${yearFrom}&to=${to}&buckets=48`, undefined, o.samples);
      result.risk = await timed(s.url, token, 'GET', '/api/risk', undefined, o.samples);
      const mem = await s.memory();
      result.rssMiB = round(mem.rss / 2 ** 20, 0);
      result.heapUsedMiB = round(mem.heapUsed / 2 ** 20, 0);
    } finally {
      await s.stop();
    }

    o.log('  the what-if on the demo plant');
    const demoDb = path.join(o.workDir, 'metrics-demo', 'board.db');
    mkdirSync(path.dirname(demoDb), { recursive: true });
    const d = await spawnBenchServer({ name: 'whatif-demo', script: 'server/main.ts', subject: true, env: pullboardEnv(demoDb, { PULLBOARD_SEED: 'demo' }), pin: o.pin });
    try {
      const token = await signIn(d.url);
      if (token === null) throw new Error('this server has no accounts');
      const boardRes = await fetch(`${d.url}/api/board`, { headers: { authorization: `Bearer ${token}` } });
      const board = z.object({ stations: z.array(z.object({ id: z.string(), kind: z.string() })) }).parse(await boardRes.json());
      const supplier = board.stations.find((st) => st.kind === StationKind.SUPPLIER);
      if (!supplier) throw new Error('the demo plant has no supplier');
      const body = { stationId: supplier.id, durationMinutes: 360 };
      const w = await timed(d.url, token, 'POST', '/api/whatif', body, o.samples);
      const last = await fetch(`${d.url}/api/whatif`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = z.object({ stations: z.array(z.unknown()) }).parse(await last.json());
      result.whatIf = { ...w, starving: answer.stations.length };
    } finally {
      await d.stop();
    }
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  }
  return result;
}
