// The real entry point (server/main.ts) as a child process: it starts from the
// environment settings, answers, and on SIGTERM/SIGINT closes cleanly with exit code 0,
// keeping every acknowledged command.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killAll, spawnTs, waitForOutput } from './testing/processes.ts';
import { AS_LEAD, authHeader, signIn, TEST_ADMIN_PASSWORD } from './testing/harness.ts';

const dirs: string[] = [];

// Each test owns the servers it starts: they are killed when it ends, however it ends.
afterEach(async () => {
  await killAll();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
afterAll(killAll);

function tempDb(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pullboard-main-'));
  dirs.push(dir);
  return path.join(dir, 'nested', 'board.db');
}

/** Starts server/main.ts; `url` resolves once it logs that it listens. */
function startMain(dbFile: string, env: Record<string, string> = {}) {
  const s = spawnTs('server/main.ts', [], {
    PORT: '0',
    HOST: '127.0.0.1',
    PULLBOARD_DB: dbFile,
    PULLBOARD_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    ...env,
  });
  const url = waitForOutput(s, /listening on (http:\/\/[^ ]+)/).then(async (u) => {
    await signIn(u);
    return u;
  });
  return { child: s.child, url, exited: s.exited.then((e) => e.code), log: s.output };
}

describe('the server process', () => {
  it('starts on an empty folder, seeds the demo plant and stops cleanly on SIGTERM', async () => {
    const db = tempDb();
    const s = startMain(db);
    const url = await s.url;
    const board = (await (await fetch(`${url}/api/board`, { headers: authHeader(url) })).json()) as { stations: unknown[]; seq: number };
    expect(board.stations).toHaveLength(6);
    expect(fs.existsSync(db)).toBe(true);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.log()).toContain('stopped');
  });

  it('keeps an acknowledged command across SIGINT and a restart', async () => {
    const db = tempDb();
    const first = startMain(db, { PULLBOARD_SEED: 'none' });
    const url = await first.url;
    const res = await fetch(`${url}/api/stations`, {
      method: 'POST',
      headers: { ...authHeader(url), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Press line 2' }),
    });
    expect(res.status).toBe(201);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);

    const second = startMain(db, { PULLBOARD_SEED: 'none' });
    const url2 = await second.url;
    const board = (await (await fetch(`${url2}/api/board`, { headers: authHeader(url2) })).json()) as { seq: number; stations: { name: string }[] };
    expect(board.seq).toBe(1);
    expect(board.stations.map((s) => s.name)).toEqual(['Press line 2']);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('refuses to start with an invalid setting and says which', async () => {
    const s = startMain(tempDb(), { PULLBOARD_SEED: 'lots' });
    await expect(s.url).rejects.toThrow(/PULLBOARD_SEED/);
    expect(await s.exited).toBe(1);
  });
});

describe('closing the app', () => {
  it('commits and answers the commands already queued before it closes the database', async () => {
    const { createApp } = await import('./app.ts');
    const { silentLogger } = await import('./logger.ts');
    const { SqliteRepository } = await import('./db/sqlite.ts');
    const db = tempDb();
    const app = createApp({ dbFile: db, seed: 'none', staticDir: null, logger: silentLogger });
    const queued = ['Cut', 'Bend', 'Weld'].map((name) => app.service.submit({ type: 'station.create', name }, AS_LEAD));
    await app.close();
    const outcomes = await Promise.all(queued);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    await expect(app.service.submit({ type: 'station.create', name: 'Late' }, AS_LEAD)).rejects.toThrow(/shutting down/);
    const reopened = new SqliteRepository(db);
    const names = Object.values(reopened.loadState().stations).map((s) => s.name).sort();
    reopened.close();
    expect(names).toEqual(['Bend', 'Cut', 'Weld']);
  });
});
