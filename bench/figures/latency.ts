// Figure 1: move to all screens. One sender client sends a move; N other clients are
// subscribed; a sample is the time from the send to the moment the last of the N
// clients has the event (all clients live in this process, so one clock). Moves go one
// at a time (the next after every client has the previous one and the sender its ack),
// a few milliseconds apart, after a warm-up. The three servers run side by side and
// the samples are taken in interleaved blocks, so drift hits all three alike. The same
// procedure runs against
//   - Pullboard (server/main.ts, the 1,000-card plant): validation, rules, SQLite
//     commit with synchronous=FULL, then the broadcast;
//   - a bare Socket.IO relay (bench/servers/sio-relay.ts) that rebroadcasts the
//     received payload (a real card.moved event captured from the Pullboard run);
//   - a raw `ws` broadcast (bench/servers/ws-relay.ts) of the same bytes Socket.IO puts
//     on the wire, parsed by each receiver.
import type { WebSocket } from 'ws';
import type { BoardEvent } from '../../shared/schemas.ts';
import { closeAll, connectManySio, connectManyWs, connectSio, connectWs, emitAck } from '../lib/clients.ts';
import type { AnySocket } from '../lib/clients.ts';
import { pullboardEnv } from '../lib/auth.ts';
import { Http, afterMove, copyDatabase, movePayload, pickTogglers } from '../lib/plant.ts';
import { spawnBenchServer } from '../lib/proc.ts';
import type { Pinning, ServerProc } from '../lib/proc.ts';
import { mean, percentile, round, sleep, withTimeout } from '../lib/stats.ts';
import path from 'node:path';

export type RelayTarget = 'pullboard' | 'socketio-relay' | 'ws-relay';

/** The figures of a set of move-latency samples. */
export interface LatencySummary {
  samples: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  /** Events that arrived with another seq than the one expected (should be 0). */
  outOfOrder: number;
}

/** Summarises a sampler's latencies (figure 1 and figure 8 report them alike). */
export function summarizeLatency(lat: readonly number[], outOfOrder: number): LatencySummary {
  return {
    samples: lat.length,
    p50Ms: round(percentile(lat, 50)),
    p95Ms: round(percentile(lat, 95)),
    p99Ms: round(percentile(lat, 99)),
    meanMs: round(mean(lat)),
    maxMs: round(Math.max(...lat)),
    outOfOrder,
  };
}

export interface LatencyResult extends LatencySummary {
  target: RelayTarget;
  clients: number;
  error?: string;
}

export interface LatencyOptions {
  pin: Pinning;
  plantDb: string;
  workDir: string;
  clientCounts: number[];
  samples: Record<number, number>;
  warmup: number;
  gapMs: number;
  /** Upper bound on the time spent sampling one (target, N). */
  budgetMs: number;
  log: (msg: string) => void;
}

/** What the measuring loop needs from one target. */
export interface Driver {
  /** Adds receivers until there are `n`; each calls `onEvent(seq)` per received event. */
  grow(n: number, onEvent: (seq: number | null) => void): Promise<void>;
  /** Sends move number `i` and resolves on its ack; returns the seq its event carries. */
  send(i: number): { expectSeq: number | null; acked: Promise<void> };
  close(): Promise<void>;
}

/** A card.moved event as Pullboard broadcasts it, captured in the Pullboard run. */
let capturedEvent: BoardEvent | null = null;

function syntheticEvent(): Record<string, unknown> {
  // Used only if the Pullboard run could not capture a real event.
  const card = {
    id: 'cd_xxxxxxxxxxxx', loopId: 'lp_xxxxxxxxxxxx', serial: 1, stationId: 'st_xxxxxxxxxxxx', column: 'done',
    version: 2, cycle: 1, rank: 'a1', enteredAt: new Date().toISOString(), enteredSeq: 1, requestedAt: new Date().toISOString(),
  };
  return { seq: 1, type: 'card.moved', at: card.enteredAt, actor: 'bench-sender', cardId: card.id, loopId: card.loopId, from: 'in_progress', to: 'done', card };
}

export async function pullboardDriver(server: ServerProc): Promise<Driver> {
  // The sender and every screen are signed in with the benchmark's session.
  const http = await Http.signIn(server.url);
  const board = await http.board();
  let seq = board.seq;
  const togglers = pickTogglers(board, 20);
  const sender = await connectSio(server.url, 'bench-sender', http.token);
  const receivers: AnySocket[] = [];
  return {
    async grow(n, onEvent) {
      const more = await connectManySio(server.url, n - receivers.length, 'screen', () => ({ afterSeq: seq }), http.token);
      for (const s of more) {
        s.on('board:events', (events: BoardEvent[]) => {
          if (!capturedEvent && events[0]) capturedEvent = events[0];
          onEvent(events[0]?.seq ?? null);
        });
      }
      receivers.push(...more);
    },
    send(i) {
      const t = togglers[i % togglers.length]!;
      const expectSeq = seq + 1;
      const acked = emitAck<{ ok: boolean; seq?: number }>(sender, 'card:move', movePayload(t, `lat-${i}-${Date.now()}`)).then((ack) => {
        afterMove(t, ack);
        seq = ack.seq ?? seq + 1;
      });
      return { expectSeq, acked };
    },
    async close() {
      closeAll([sender, ...receivers]);
    },
  };
}

async function sioRelayDriver(server: ServerProc): Promise<Driver> {
  const template = () => (capturedEvent ?? syntheticEvent()) as Record<string, unknown>;
  const sender = await connectSio(server.url, 'bench-sender');
  const receivers: AnySocket[] = [];
  return {
    async grow(n, onEvent) {
      const more = await connectManySio(server.url, n - receivers.length, 'screen', () => ({}));
      for (const s of more) {
        s.on('board:events', (events: { seq?: number }[]) => onEvent(events[0]?.seq ?? null));
      }
      receivers.push(...more);
    },
    send(i) {
      const acked = emitAck(sender, 'card:move', { ...template(), seq: i + 1 }).then(() => undefined);
      return { expectSeq: i + 1, acked };
    },
    async close() {
      closeAll([sender, ...receivers]);
    },
  };
}

async function wsRelayDriver(server: ServerProc): Promise<Driver> {
  const template = () => (capturedEvent ?? syntheticEvent()) as Record<string, unknown>;
  const sender = await connectWs(server.url);
  const receivers: WebSocket[] = [];
  let ackWaiter: (() => void) | null = null;
  sender.on('message', () => {
    const w = ackWaiter;
    ackWaiter = null;
    w?.();
  });
  return {
    async grow(n, onEvent) {
      const more = await connectManyWs(server.url, n - receivers.length);
      for (const ws of more) {
        ws.on('message', (data) => {
          // The same parse a Socket.IO client does: strip the packet type, JSON.parse.
          const text = data.toString();
          const packet = JSON.parse(text.slice(2)) as [string, { seq?: number }[]];
          onEvent(packet[1]?.[0]?.seq ?? null);
        });
      }
      receivers.push(...more);
    },
    send(i) {
      // Exactly the text frame Socket.IO sends for io.to(room).emit('board:events', [event]).
      const frame = `42${JSON.stringify(['board:events', [{ ...template(), seq: i + 1 }]])}`;
      const acked = withTimeout(
        new Promise<void>((resolve) => {
          ackWaiter = resolve;
          sender.send(frame);
        }),
        15_000,
        'ws relay ack',
      );
      return { expectSeq: i + 1, acked };
    },
    async close() {
      for (const ws of [sender, ...receivers]) ws.terminate();
    },
  };
}

export interface Sampler {
  target: RelayTarget;
  server: ServerProc;
  driver: Driver;
  pending: { expectSeq: number | null; remaining: number; resolve: (t: number) => void } | null;
  outOfOrder: number;
  lat: number[];
  moveNo: number;
  error?: string;
}

async function startSampler(target: RelayTarget, opts: LatencyOptions): Promise<Sampler> {
  let server: ServerProc;
  let driver: Driver;
  if (target === 'pullboard') {
    const db = path.join(opts.workDir, 'latency', 'board.db');
    copyDatabase(opts.plantDb, db);
    server = await spawnBenchServer({ name: 'pullboard', script: 'server/main.ts', subject: true, env: pullboardEnv(db), pin: opts.pin });
    driver = await pullboardDriver(server);
  } else if (target === 'socketio-relay') {
    server = await spawnBenchServer({ name: 'socketio-relay', script: 'bench/servers/sio-relay.ts', pin: opts.pin });
    driver = await sioRelayDriver(server);
  } else {
    server = await spawnBenchServer({ name: 'ws-relay', script: 'bench/servers/ws-relay.ts', pin: opts.pin });
    driver = await wsRelayDriver(server);
  }
  return { target, server, driver, pending: null, outOfOrder: 0, lat: [], moveNo: 0 };
}

export function onEventOf(s: Sampler): (seq: number | null) => void {
  return (seq) => {
    const t = performance.now();
    const p = s.pending;
    if (!p) return;
    if (p.expectSeq !== null && seq !== p.expectSeq) s.outOfOrder++;
    if (--p.remaining === 0) {
      s.pending = null;
      p.resolve(t);
    }
  };
}

/** One sample: send a move, wait until all `n` receivers have its event and its ack. */
export async function sampleOnce(s: Sampler, n: number, keep: boolean): Promise<void> {
  let resolveAll: (t: number) => void = () => {};
  const all = new Promise<number>((resolve) => (resolveAll = resolve));
  const t0 = performance.now();
  const { expectSeq, acked } = s.driver.send(s.moveNo++);
  // Set synchronously after the send: no event can arrive before this tick ends.
  s.pending = { expectSeq, remaining: n, resolve: resolveAll };
  const tAll = await withTimeout(all, 15_000, `a move to reach ${n} clients (${s.target})`);
  await acked;
  if (keep) s.lat.push(tAll - t0);
}

/**
 * Runs figure 1 for all three targets at once: their servers run side by side (idle when
 * not measured), each with its own N receivers, and the samples are taken in
 * interleaved blocks (target order rotating per block), so that drift of the shared
 * machine during the run hits subject and baselines alike.
 */
export async function measureLatency(opts: LatencyOptions & { blocks: number }): Promise<LatencyResult[]> {
  const targets: RelayTarget[] = ['pullboard', 'socketio-relay', 'ws-relay'];
  const results: LatencyResult[] = [];
  const samplers: Sampler[] = [];
  const fail = (target: RelayTarget, n: number, msg: string) =>
    results.push({ target, clients: n, samples: 0, p50Ms: NaN, p95Ms: NaN, p99Ms: NaN, meanMs: NaN, maxMs: NaN, outOfOrder: 0, error: msg });
  try {
    // Pullboard first: the relays rebroadcast a real event captured from it.
    for (const t of targets) {
      try {
        samplers.push(await startSampler(t, opts));
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        opts.log(`  ${t}: failed to start: ${msg}`);
        for (const n of opts.clientCounts) fail(t, n, msg);
      }
    }
    for (const n of [...opts.clientCounts].sort((a, b) => a - b)) {
      const live = samplers.filter((s) => !s.error);
      for (const s of live) {
        try {
          await s.driver.grow(n, onEventOf(s));
          s.lat = [];
          s.outOfOrder = 0;
          // Warm-up (not kept); Pullboard's also captures the event the relays send.
          for (let i = 0; i < opts.warmup; i++) await sampleOnce(s, n, false);
        } catch (err) {
          s.error = err instanceof Error ? err.message : String(err);
        }
      }
      await sleep(300);
      const want = opts.samples[n] ?? 200;
      const perBlock = Math.ceil(want / opts.blocks);
      const started = performance.now();
      for (let b = 0; b < opts.blocks && performance.now() - started < opts.budgetMs; b++) {
        const order = live.map((_, i) => live[(i + b) % live.length]!);
        for (const s of order) {
          if (s.error) continue;
          try {
            for (let i = 0; i < perBlock && s.lat.length < want; i++) {
              await sampleOnce(s, n, true);
              await sleep(opts.gapMs);
            }
          } catch (err) {
            s.error = err instanceof Error ? err.message : String(err);
          }
        }
      }
      for (const s of samplers) {
        if (results.some((r) => r.target === s.target && r.clients === n)) continue;
        if (s.error) {
          opts.log(`  ${s.target} N=${n}: failed: ${s.error}`);
          fail(s.target, n, s.error);
          continue;
        }
        const r: LatencyResult = { target: s.target, clients: n, ...summarizeLatency(s.lat, s.outOfOrder) };
        opts.log(`  ${s.target} N=${n}: p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms (${r.samples} samples)`);
        results.push(r);
      }
    }
  } finally {
    for (const s of samplers) {
      await s.driver.close();
      await s.server.stop();
    }
  }
  return results;
}
