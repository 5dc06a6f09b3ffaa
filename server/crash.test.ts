// Crash safety: the real server process is killed with SIGKILL in the middle of a
// bounded stream of commands, restarted on the same file, and every command that had
// been acknowledged is there exactly once (its Idempotency-Key replays the first
// answer and writes nothing), nothing is there twice, and the pull invariants hold.
// Traffic goes to 127.0.0.1 only; every loop is bounded.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { applyEvents, emptyBoard, snapshotOf } from '../shared/board.ts';
import type { BoardEvent, BoardSnapshot, Card, Loop, Station } from '../shared/schemas.ts';
import { killAll, killHard, processGone, spawnServer } from './testing/processes.ts';
import { authHeader } from './testing/harness.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pullboard-crash-'));
const dbFile = path.join(dir, 'board.db');

// The servers belong to this file: none outlives a test, passed, failed or timed out.
afterEach(killAll);
afterAll(async () => {
  await killAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

function start() {
  return spawnServer({ PULLBOARD_DB: dbFile, PULLBOARD_SEED: 'none' });
}

interface Sent {
  key: string;
  route: string;
  body: unknown;
  status: number;
  answer: unknown;
}

async function post(url: string, route: string, body: unknown, key: string) {
  const res = await fetch(`${url}/api${route}`, {
    method: 'POST',
    headers: { ...authHeader(url), 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown, replayed: res.headers.get('idempotent-replayed') === 'true' };
}

async function getJson<T>(url: string, route: string): Promise<T> {
  return (await (await fetch(`${url}/api${route}`, { headers: authHeader(url) })).json()) as T;
}

async function allEvents(url: string): Promise<BoardEvent[]> {
  const out: BoardEvent[] = [];
  for (;;) {
    const page = await getJson<{ events: BoardEvent[]; lastSeq: number }>(url, `/events?after=${out.length}&limit=1000`);
    out.push(...page.events);
    if (out.length >= page.lastSeq || page.events.length === 0) return out;
  }
}

describe('a server killed with SIGKILL mid-stream', () => {
  it('keeps every acknowledged command exactly once, over several crashes', async () => {
    let server = await start();
    let url = server.url;
    const s1 = (await post(url, '/stations', { name: 'Stamping' }, 'setup-1')).body as Station;
    const s2 = (await post(url, '/stations', { name: 'Assembly' }, 'setup-2')).body as Station;
    const loopRes = await post(url, '/loops', {
      partNumber: 'BR-100', supplierStationId: s1.id, consumerStationId: s2.id,
      cardCount: 40, containerQty: 10, leadTimeMinutes: 30,
    }, 'setup-3');
    expect(loopRes.status).toBe(201);
    const loop = (loopRes.body as { loop: Loop }).loop;

    const acked: Sent[] = [];
    let counter = 0;
    const rounds = 4;
    for (let round = 0; round < rounds; round++) {
      // Kill after a varying number of acknowledgements, with requests still in flight.
      const killAfter = acked.length + 15 + ((round * 37) % 40);
      let stop = false;
      const send = async (route: string, body: unknown): Promise<unknown> => {
        const key = `r${round}-${counter++}`;
        const r = await post(url, route, body, key);
        acked.push({ key, route, body, status: r.status, answer: r.body });
        return r.body;
      };
      // Stream A: the pull cycle (use, start, finish); stream B: independent creations.
      const streamA = (async () => {
        for (let i = 0; i < 200 && !stop; i++) {
          const used = (await send(`/loops/${loop.id}/consume`, {})) as { card?: Card };
          if (!used.card) continue;
          await send(`/cards/${used.card.id}/move`, { to: 'in_progress' });
          await send(`/cards/${used.card.id}/move`, { to: 'done' });
        }
      })().catch(() => undefined);
      const streamB = (async () => {
        for (let i = 0; i < 200 && !stop; i++) await send('/stations', { name: `Cell ${round}-${i}` });
      })().catch(() => undefined);
      // Bounded: if both streams end early (an error), stop waiting for acknowledgements.
      let streamsDone = false;
      void Promise.all([streamA, streamB]).then(() => (streamsDone = true));
      while (acked.length < killAfter && !streamsDone) await new Promise((r) => setTimeout(r, 1));
      expect(acked.length).toBeGreaterThanOrEqual(killAfter);
      const killedPid = server.pid;
      await killHard(server);
      stop = true;
      await Promise.all([streamA, streamB]);
      // The crash is real: the process that held the database and the port is gone
      // (the pid is the server's own, not a launcher's), and nothing answers there.
      expect(await processGone(killedPid)).toBe(true);
      await expect(fetch(`${url}/api/board`, { headers: authHeader(url) })).rejects.toThrow();

      server = await start();
      url = server.url;

      // Every acknowledged command replays its first answer and writes nothing.
      const before = await getJson<BoardSnapshot>(url, '/board');
      for (const a of acked) {
        const again = await post(url, a.route, a.body, a.key);
        expect(again.replayed).toBe(true);
        expect(again.status).toBe(a.status);
        expect(again.body).toEqual(a.answer);
      }
      const after = await getJson<BoardSnapshot>(url, '/board');
      expect(after).toEqual(before);

      // The log is gap-free, rebuilds the stored state, and holds nothing twice.
      const events = await allEvents(url);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: after.seq }, (_, i) => i + 1));
      expect(snapshotOf(applyEvents(emptyBoard, events))).toEqual(after);
      const names = after.stations.map((s) => s.name);
      expect(new Set(names).size).toBe(names.length);
      for (const a of acked) {
        if (a.route === '/stations' && a.status === 201) expect(names).toContain((a.body as { name: string }).name);
      }
      // The loop still has exactly its cards, each in one column of its supplier.
      const cards = after.cards.filter((c) => c.loopId === loop.id);
      expect(cards).toHaveLength(40);
      expect(new Set(cards.map((c) => c.serial)).size).toBe(40);
      expect(cards.every((c) => c.stationId === s1.id)).toBe(true);
    }
    expect(acked.length).toBeGreaterThan(60);
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });
});
