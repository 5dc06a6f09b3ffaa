// Backups of a running plant: the CLI copies the live file while commands keep
// committing, and the copy restores to a database that passes an integrity check and
// holds every event up to its seq, identical to the live log.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { applyEvents, emptyBoard, snapshotOf } from '../shared/board.ts';
import type { BoardEvent, BoardSnapshot, Card } from '../shared/schemas.ts';
import { createApp } from './app.ts';
import type { App } from './app.ts';
import { backupFileName, pruneBackups } from './backups.ts';
import { inspectBackup, restoreFile } from './db/backup.ts';
import { silentLogger } from './logger.ts';
import { killAll, runTs } from './testing/processes.ts';
import { AS_LEAD, authHeader, signIn, TEST_ADMIN_PASSWORD } from './testing/harness.ts';

const cleanups: Array<() => Promise<void> | void> = [];

// The backup CLI run by a test is killed with it if the test fails or times out.
afterEach(async () => {
  await killAll();
  for (const fn of cleanups.splice(0).reverse()) await fn();
});
afterAll(killAll);

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pullboard-backup-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(dbFile: string, seed: 'demo' | 'none' = 'demo'): Promise<{ app: App; url: string }> {
  const app = createApp({ dbFile, seed, staticDir: null, logger: silentLogger, adminPassword: TEST_ADMIN_PASSWORD });
  const addr = await app.listen(0, '127.0.0.1');
  cleanups.push(() => app.close());
  const url = `http://127.0.0.1:${addr.port}`;
  await signIn(url);
  return { app, url };
}

/** Reorders supplier cards in a bounded loop until told to stop; resolves with the count. */
async function reorderLoad(url: string, cards: Card[], until: () => boolean, max: number): Promise<number> {
  let n = 0;
  while (!until() && n < max) {
    const card = cards[n % cards.length]!;
    const res = await fetch(`${url}/api/cards/${card.id}/move`, {
      method: 'POST',
      headers: { ...authHeader(url), 'content-type': 'application/json' },
      body: JSON.stringify({ to: card.column }),
    });
    expect(res.status).toBe(200);
    n++;
  }
  return n;
}

function eventsOf(file: string): BoardEvent[] {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT seq, type, at, actor, data FROM events ORDER BY seq').all() as Array<{
      seq: number; type: string; at: string; actor: string; data: string;
    }>;
    return rows.map((r) => ({ ...JSON.parse(r.data), seq: r.seq, type: r.type, at: r.at, actor: JSON.parse(r.actor) }) as BoardEvent);
  } finally {
    db.close();
  }
}

describe('backup and restore', () => {
  it('takes a backup of a running server under load that restores to every event up to its seq', async () => {
    const dir = tempDir();
    const live = path.join(dir, 'live.db');
    const { app, url } = await start(live);
    const board = (await (await fetch(`${url}/api/board`, { headers: authHeader(url) })).json()) as BoardSnapshot;
    const movable = board.cards.slice(0, 10);

    let backupDone = false;
    const load = reorderLoad(url, movable, () => backupDone, 3000);
    // Let some load happen first, then back up from a separate process, as an operator would.
    while (app.service.seq < board.seq + 50) await new Promise((r) => setTimeout(r, 5));
    const backupFile = path.join(dir, 'backups', 'b.db');
    const output = await runTs('server/cli/backup.ts', [backupFile], { PULLBOARD_DB: live });
    backupDone = true;
    const moves = await load;
    expect(output).toMatch(/integrity ok/);

    const info = inspectBackup(backupFile);
    expect(info.seq).toBeGreaterThanOrEqual(board.seq + 50);
    expect(app.service.seq).toBe(board.seq + moves);

    // Every event up to the backup's seq, gap-free and identical to the live log.
    const backed = eventsOf(backupFile);
    expect(backed.map((e) => e.seq)).toEqual(Array.from({ length: info.seq }, (_, i) => i + 1));
    expect(backed).toEqual(app.repo.eventsAfter(0, info.seq));

    // Restore into a fresh location and start on it: the state is the log's state.
    const restored = path.join(dir, 'restored', 'pullboard.db');
    restoreFile(backupFile, restored);
    const again = await start(restored, 'demo');
    expect(again.app.service.seq).toBe(info.seq);
    const fromLog = snapshotOf(applyEvents(emptyBoard, backed));
    const snap = (await (await fetch(`${again.url}/api/board`, { headers: authHeader(again.url) })).json()) as BoardSnapshot;
    expect(snap).toEqual(fromLog);
  });

  it('refuses to restore over a database a running server has open', async () => {
    const dir = tempDir();
    const live = path.join(dir, 'live.db');
    const { app } = await start(live);
    const backup = path.join(dir, 'b.db');
    await app.repo.backup(backup);
    expect(() => restoreFile(backup, live)).toThrow(/in use/);
  });

  it('refuses a backup file that is not a Pullboard database', () => {
    const dir = tempDir();
    const bogus = path.join(dir, 'bogus.db');
    fs.writeFileSync(bogus, 'not a database at all');
    expect(() => restoreFile(bogus, path.join(dir, 'x.db'))).toThrow();
    expect(fs.existsSync(path.join(dir, 'x.db'))).toBe(false);
  });

  it('keeps only the newest scheduled backups', () => {
    const dir = tempDir();
    const names = ['pullboard-2026-01-01.db', 'pullboard-2026-01-02.db', 'pullboard-2026-01-03.db', 'other.txt'];
    for (const n of names) fs.writeFileSync(path.join(dir, n), '');
    const removed = pruneBackups(dir, 2);
    expect(removed.map((f) => path.basename(f))).toEqual(['pullboard-2026-01-01.db']);
    expect(fs.readdirSync(dir).sort()).toEqual(['other.txt', 'pullboard-2026-01-02.db', 'pullboard-2026-01-03.db']);
  });

  it('names scheduled backups so that they sort oldest first and pruning finds them', () => {
    const dir = tempDir();
    const times = ['2026-01-02T09:00:00.000Z', '2026-01-10T08:59:59.999Z', '2026-01-10T09:00:00.000Z'];
    const names = times.map((t) => backupFileName(new Date(t)));
    expect(names[0]).toBe('pullboard-2026-01-02T09-00-00-000Z.db');
    for (const n of names) fs.writeFileSync(path.join(dir, n), '');
    expect(pruneBackups(dir, 1).map((f) => path.basename(f))).toEqual(names.slice(0, 2).reverse());
    expect(fs.readdirSync(dir)).toEqual([names[2]]);
  });

  it('refuses to overwrite an existing file with an in-process backup', async () => {
    const dir = tempDir();
    const { app } = await start(path.join(dir, 'live.db'), 'none');
    const taken = path.join(dir, 'nested', 'b.db');
    const info = await app.repo.backup(taken);
    expect(info).toEqual({ file: taken, seq: app.service.seq, bytes: fs.statSync(taken).size });
    await expect(app.repo.backup(taken)).rejects.toThrow(/already exists/);
  });
});

describe('a restored log', () => {
  it('gets a new identity, so a screen that followed the old history past the backup reloads instead of appending', async () => {
    const { connectClient, subscribe } = await import('./testing/harness.ts');
    const dir = tempDir();
    const live = path.join(dir, 'live.db');
    const first = await start(live);
    const screen = await connectClient(first.url, 'tv');
    const before = await subscribe(screen);
    if (!before.ok) throw new Error('subscribe failed');
    const oldLog = before.logId!;
    expect(oldLog).toMatch(/^[0-9a-f-]{36}$/);

    const backup = path.join(dir, 'b.db');
    await first.app.repo.backup(backup);
    // The old history goes on past the backup: the screen follows it to seq S.
    const card = Object.values(first.app.service.board.cards)[0]!;
    for (let i = 0; i < 5; i++) first.app.service.execute({ type: 'card.move', cardId: card.id, to: card.column }, AS_LEAD);
    const screenSeq = first.app.service.seq;
    screen.close();
    await first.app.close();

    restoreFile(backup, live);
    const second = await start(live);
    expect(second.app.service.logId).not.toBe(oldLog);
    // The new history outgrows the screen's seq with different events.
    for (let i = 0; i < 10; i++) second.app.service.execute({ type: 'card.move', cardId: card.id, to: card.column }, AS_LEAD);
    expect(second.app.service.seq).toBeGreaterThan(screenSeq);

    const again = await connectClient(second.url, 'tv');
    const stale = await subscribe(again, screenSeq, oldLog);
    expect(stale.ok && 'snapshot' in stale).toBe(true);
    const same = await subscribe(again, screenSeq, second.app.service.logId);
    expect(same.ok && 'events' in same && same.events.length).toBe(second.app.service.seq - screenSeq);
    again.close();
  });
});
