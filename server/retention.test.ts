// How long things are kept: idempotency keys expire after their window, the event log
// is kept whole unless a retention is set, and a subscriber behind the kept log gets a
// snapshot rather than a partial replay. Change sets come from an index, not the log, so
// pruning does not stop them; after a restart the index knows only the kept log.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Column } from '../shared/names.ts';
import { createApp } from './app.ts';
import type { App } from './app.ts';
import { silentLogger } from './logger.ts';
import { AS_LEAD } from './testing/harness.ts';

const apps: App[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function demo(): App {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pullboard-ret-'));
  dirs.push(dir);
  const app = createApp({ dbFile: path.join(dir, 'b.db'), seed: 'demo', staticDir: null, logger: silentLogger });
  apps.push(app);
  return app;
}

/** Closes the app and starts a new one on the same database (a restart). */
async function restart(app: App, dbFile: string): Promise<App> {
  await app.close();
  apps.splice(apps.indexOf(app), 1);
  const again = createApp({ dbFile, seed: 'none', staticDir: null, logger: silentLogger });
  apps.push(again);
  return again;
}

const DAY = 86_400_000;

describe('retention', () => {
  it('keeps the whole event log by default', async () => {
    const app = demo();
    const seq = app.service.seq;
    const r = await app.service.prune({ eventDays: 0, idempotencyDays: 30 }, new Date(Date.now() + 3650 * DAY));
    expect(r.events).toBe(0);
    expect(app.repo.firstSeq()).toBe(1);
    expect(app.service.eventsSince(0)).toHaveLength(seq);
  });

  it('prunes events past the retention but never the newest, and then answers old subscribers with a snapshot', async () => {
    const app = demo();
    const seq = app.service.seq;
    const r = await app.service.prune({ eventDays: 1, idempotencyDays: 30 }, new Date(Date.now() + 2 * DAY));
    expect(r.events).toBe(seq - 1);
    expect(app.repo.firstSeq()).toBe(seq);
    expect(app.service.eventsSince(0)).toBeNull(); // too old: snapshot
    expect(app.service.eventsSince(seq - 1)).toHaveLength(1);
    expect(app.service.eventsSince(seq)).toEqual([]);
    // The log goes on gap-free from where it is.
    const card = Object.values(app.service.board.cards).find((c) => c.column === Column.DONE)!;
    const out = app.service.execute({ type: 'card.move', cardId: card.id, to: Column.DONE }, AS_LEAD);
    expect(out.ok).toBe(true);
    expect(app.service.eventsSince(seq - 1)!.map((e) => e.seq)).toEqual([seq, seq + 1]);
  });

  it('forgets an idempotency key after its window, so the same key then runs again', async () => {
    const app = demo();
    const cmd = { type: 'station.create', name: 'Rework' } as const;
    const first = app.service.execute(cmd, { ...AS_LEAD, idempotencyKey: 'k1' });
    const again = app.service.execute(cmd, { ...AS_LEAD, idempotencyKey: 'k1' });
    expect(again.replayed).toBe(true);
    expect((await app.service.prune({ eventDays: 0, idempotencyDays: 30 }, new Date(Date.now() + 29 * DAY))).keys).toBe(0);
    expect((await app.service.prune({ eventDays: 0, idempotencyDays: 30 }, new Date(Date.now() + 31 * DAY))).keys).toBe(1);
    const later = app.service.execute(cmd, { ...AS_LEAD, idempotencyKey: 'k1' });
    expect(later.replayed).toBe(false);
    expect(later.ok && first.ok && later.result).not.toEqual(first.ok && first.result);
  });
});

describe('replay or snapshot', () => {
  it('replays a short gap and sends a snapshot once the gap outweighs the board', () => {
    const app = demo();
    const start = app.service.seq;
    const limit = app.service.replayLimit();
    expect(limit).toBe(200); // the demo board has 56 cards: the floor applies
    const card = Object.values(app.service.board.cards).find((c) => c.column === Column.DONE)!;
    for (let i = 0; i < limit + 1; i++) {
      const out = app.service.execute({ type: 'card.move', cardId: card.id, to: Column.DONE }, AS_LEAD);
      expect(out.ok).toBe(true);
    }
    expect(app.service.eventsSince(start + 1)).toHaveLength(limit);
    expect(app.service.eventsSince(start)).toBeNull();
  });
});

describe('change sets and retention', () => {
  it('answers change sets from before the kept log (they do not read it), until a restart rebuilds from what is kept', async () => {
    const app = demo();
    const dbFile = path.join(dirs.at(-1)!, 'b.db');
    const seq0 = app.service.seq;
    const card = Object.values(app.service.board.cards).find((c) => c.column === Column.DONE)!;
    for (let i = 0; i < 3; i++) {
      expect(app.service.execute({ type: 'card.move', cardId: card.id, to: Column.DONE }, AS_LEAD).ok).toBe(true);
    }
    app.service.prune({ eventDays: 1, idempotencyDays: 30 }, new Date(Date.now() + 2 * DAY));
    const seq = app.service.seq;
    expect(app.repo.firstSeq()).toBe(seq);
    expect(app.service.eventsSince(seq0)).toBeNull(); // the events are gone: a replay would be a snapshot
    expect(app.service.changesSince(seq0)?.cards).toEqual([app.service.board.cards[card.id]]);

    const again = await restart(app, dbFile);
    expect(again.service.changesSince(seq0)).toBeNull(); // older than the kept log: a snapshot
    expect(again.service.changesSince(seq - 1)?.cards).toEqual([again.service.board.cards[card.id]]);
  });
});
