// Fault tests for the subscribe flood of issue 10: on a large board, 25 sockets x 6
// requests for the whole board crashed the server (each request built and queued its own
// copy of the snapshot until the heap ran out). Here, on a real server with a board of
// 20,000 cards built through the HTTP API, 25 real Socket.IO clients send 6 requests each
// (most wait for each answer, some send all six at once) while health checks keep
// coming. The server must stay up and answer health, answer each request with the
// correct board or RATE_LIMITED, build the snapshot once, and keep its heap bounded.
// Then a client that stops reading is cut, deterministically, instead of being queued
// for without end.
//
// The clients run in this process and parse every board they get (~0.1-0.3 s each for
// 4.6 MB here), so the rate is set to 2 a minute per socket to keep the run short: 50
// boards, 100 refusals. The shipped defaults are tested in socketLimits.test.ts.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Socket as ServerSocket } from 'socket.io';
import { ErrorCode, StationKind } from '../shared/names.ts';
import type { Ack, SubscribeAnswer } from '../shared/protocol.ts';
import { Api, WAIT_MS, connectClient, startTestServer, stopAllServers, tokenFor } from './testing/harness.ts';
import type { Client, TestServer } from './testing/harness.ts';
import { sharedSnapshots } from './snapshots.ts';
import { DEFAULT_SOCKET_LIMITS } from './socketLimits.ts';

afterAll(stopAllServers);

/** Loops of the most cards a loop may have, all between two stations. */
async function buildLargePlant(api: Api, loops: number): Promise<void> {
  const steel = await api.station('Steel', { kind: StationKind.SUPPLIER });
  const assembly = await api.station('Assembly');
  for (let i = 0; i < loops; i += 8) {
    const batch = Array.from({ length: Math.min(8, loops - i) }, (_, k) => api.loop(`PN-${String(i + k).padStart(3, '0')}`, steel, assembly, 500));
    await Promise.all(batch);
  }
}

/** Resolves once `check` holds, polling; fails after WAIT_MS (a wait, not a performance bound). */
async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + WAIT_MS;
  while (!check()) {
    if (Date.now() > end) throw new Error(`still not: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type Outcome = 'snapshot' | 'limited' | 'cut' | `wrong: ${string}`;

/**
 * GET /api/health on a connection of its own (no keep-alive: a reused connection can be
 * closed by the server's keep-alive timer just as the next request goes out, which says
 * nothing about the server). Resolves with the status, or 0 when there was no answer.
 */
function health(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/api/health`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
  });
}

/** How long a test waits for one answer under the flood (a wait, not a performance bound). */
const FLOOD_WAIT_MS = 50_000;

describe('a board:subscribe flood on a 20,000-card board', () => {
  const LOOPS = 40; // x 500 cards
  const SOCKETS = 25;
  /** Of the sockets, these send all their requests at once instead of one after the other. */
  const BURSTING = 5;
  const REQUESTS = 6;
  const PER_MINUTE = 2;
  let server: TestServer;
  let api: Api;

  beforeAll(async () => {
    server = await startTestServer({ socketLimits: { subscribesPerMinute: PER_MINUTE } });
    api = new Api(server.url);
    await buildLargePlant(api, LOOPS);
  });

  it('stays up, answers health, sends the one correct snapshot or RATE_LIMITED, and keeps its heap bounded', async () => {
    const expected = await api.boardText();
    const board = JSON.parse(expected) as { seq: number; cards: unknown[] };
    expect(board.cards).toHaveLength(LOOPS * 500);
    // Two boards at once stay within what a socket may have queued (the bound plus one
    // board), so a socket sending all its requests at once is answered, not cut.
    expect(Buffer.byteLength(expected)).toBeLessThan(DEFAULT_SOCKET_LIMITS.maxSendBufferBytes);
    const snapshots = sharedSnapshots(server.app.service);
    const builtBefore = snapshots.built;

    const classify = (ack: Ack<SubscribeAnswer>): Outcome => {
      if (ack.ok) {
        if (!('snapshot' in ack)) return 'wrong: not a snapshot';
        return JSON.stringify(ack.snapshot) === expected ? 'snapshot' : 'wrong: another board';
      }
      const wait = ack.error.details?.retryAfterSeconds;
      if (ack.error.code === ErrorCode.RATE_LIMITED && typeof wait === 'number' && wait >= 1 && wait <= 60) return 'limited';
      return `wrong: ${ack.error.code} ${ack.error.message}`;
    };
    const ask = (socket: Client) => socket.timeout(FLOOD_WAIT_MS).emitWithAck('board:subscribe', {});

    const sockets = await Promise.all(Array.from({ length: SOCKETS }, (_, i) => connectClient(server.url, `flood-${i}`)));

    // The heap, sampled while the flood runs (the server runs in this process).
    let peakHeap = 0;
    let peakRss = 0;
    const sample = () => {
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakRss = Math.max(peakRss, m.rss);
    };
    const sampler = setInterval(sample, 10);
    // Health, asked again as soon as it answers, for as long as the flood runs.
    let flooding = true;
    const healthy: number[] = [];
    const polling = (async () => {
      while (flooding) healthy.push(await health(server.url));
    })();

    const steady = async (socket: Client): Promise<Outcome[]> => {
      const out: Outcome[] = [];
      for (let i = 0; i < REQUESTS; i++) out.push(classify(await ask(socket)));
      return out;
    };
    const burst = async (socket: Client): Promise<Outcome[]> => {
      const settled = await Promise.allSettled(Array.from({ length: REQUESTS }, () => ask(socket)));
      return settled.map((s): Outcome => (s.status === 'fulfilled' ? classify(s.value) : socket.disconnected ? 'cut' : `wrong: ${String(s.reason)}`));
    };
    let outcomes: Outcome[][];
    try {
      outcomes = await Promise.all(sockets.map((s, i) => (i < BURSTING ? burst(s) : steady(s))));
    } finally {
      flooding = false;
      await polling;
      clearInterval(sampler);
      sample();
    }

    // Health was answered all along, and still is.
    expect(healthy.length).toBeGreaterThan(0);
    expect(healthy.every((s) => s === 200)).toBe(true);
    expect(await health(server.url)).toBe(200);

    // Each socket, one request at a time or all at once: the first PER_MINUTE got the
    // board, the rest RATE_LIMITED (two boards at once are within what a socket may have
    // queued, so no socket was cut).
    const expectedOutcomes = [...Array<Outcome>(PER_MINUTE).fill('snapshot'), ...Array<Outcome>(REQUESTS - PER_MINUTE).fill('limited')];
    for (const o of outcomes) expect(o).toEqual(expectedOutcomes);
    expect(server.problems).toEqual([]);

    // One snapshot served them all: none was built during the flood.
    expect(snapshots.built).toBe(builtBefore);
    // The bar: the heap stayed far from running out.
    expect(peakHeap).toBeLessThan(1.5 * 1024 ** 3);
    console.info(
      `flood: ${SOCKETS} sockets x ${REQUESTS}, ${(expected.length / 1048576).toFixed(1)} MiB board; ` +
        `peak heap ${(peakHeap / 1048576).toFixed(0)} MiB, peak rss ${(peakRss / 1048576).toFixed(0)} MiB; ` +
        `${healthy.length} health answers`,
    );

    // And the server still works: a move makes a new board, which a new subscriber gets.
    const card = board.cards[0] as { id: string };
    const moved = await api.consumeCard(card.id);
    const fresh = await connectClient(server.url, 'after-flood');
    const ack = await fresh.timeout(FLOOD_WAIT_MS).emitWithAck('board:subscribe', {});
    expect(ack.ok && 'snapshot' in ack && ack.snapshot.seq).toBe(moved.seq);
    expect(ack.ok && 'snapshot' in ack && ack.snapshot.cards.find((c: { id: string }) => c.id === card.id)).toEqual(moved.card);
  });
});

describe('a client that stops reading', () => {
  let server: TestServer;

  beforeAll(async () => {
    // Small bounds so a few hundred kilobytes decide it; the rate does not get in the way.
    server = await startTestServer({ socketLimits: { maxSendBufferBytes: 256 * 1024, subscribesPerMinute: 10_000 } });
    await buildLargePlant(new Api(server.url), 8);
  });

  it('is disconnected and its connection dropped once it has more queued than the bound, while a reading client is served', async () => {
    const reader = await connectClient(server.url, 'reader');
    const first = await reader.timeout(WAIT_MS).emitWithAck('board:subscribe', {});
    expect(first.ok && 'snapshot' in first).toBe(true);
    const boardBytes = sharedSnapshots(server.app.service).current().bytes;
    expect(boardBytes).toBeGreaterThan(512 * 1024);

    // A raw engine.io/Socket.IO client over `ws`, so it can stop reading (ws pause()).
    const port = new URL(server.url).port;
    const serverSide = new Promise<ServerSocket>((resolve) => server.app.io.once('connection', resolve));
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
    const messages: string[] = [];
    ws.on('message', (data: Buffer) => messages.push(data.toString()));
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    await until(() => messages.some((m) => m.startsWith('0')), 'the engine.io handshake');
    ws.send(`40${JSON.stringify({ token: tokenFor(server.url) })}`);
    await until(() => messages.some((m) => m.startsWith('40')), 'the Socket.IO connect');
    const stalled = await serverSide;
    const reason = new Promise<string>((resolve) => stalled.once('disconnect', resolve));

    // It stops reading and asks for the board far more often than the kernel's buffers
    // and the bound together can hold (each answer is the whole board).
    ws.pause();
    for (let id = 1; id <= 300; id++) ws.send(`42${id}["board:subscribe",{}]`);

    expect(await reason).toBe('server namespace disconnect');
    await until(() => server.app.io.engine.clientsCount === 1, 'the stalled connection closed');
    expect(server.problems.some((p) => p.includes('slow or stalled'))).toBe(true);
    ws.resume();
    await closed;

    // The client that reads was left alone and is still served.
    expect(reader.connected).toBe(true);
    const again = await reader.timeout(WAIT_MS).emitWithAck('board:subscribe', {});
    expect(again.ok && 'snapshot' in again && again.snapshot.cards.length).toBe(8 * 500);
  });
});
