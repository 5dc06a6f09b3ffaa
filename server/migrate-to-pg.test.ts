// `npm run migrate-to-pg`: a plant that ran on SQLite (demo seed, moves, a user, an
// Idempotency-Key answer) is copied by the real CLI into an empty PostgreSQL database,
// and a server started on PostgreSQL serves the same board and log, signs the same user
// in, and recalls the same idempotent answer. A second run refuses the filled database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Column, Role } from '../shared/names.ts';
import { createApp, openApp } from './app.ts';
import { silentLogger } from './logger.ts';
import { Api, request, signIn, TEST_ADMIN_PASSWORD, userToken } from './testing/harness.ts';
import { startPostgres } from './testing/postgres.ts';
import type { TestPostgres } from './testing/postgres.ts';
import { killAll, runTs } from './testing/processes.ts';

/** Server processes and PostgreSQL start slowly on a busy shared machine: a bound, not a speed check. */
const SLOW = 180_000;

let cluster: TestPostgres;
beforeAll(async () => {
  cluster = await startPostgres();
});
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await killAll();
  for (const fn of cleanups.splice(0).reverse()) await fn();
});
afterAll(async () => {
  await killAll();
  await cluster?.stop();
});

describe('npm run migrate-to-pg', () => {
  it('copies log, state, accounts and idempotency answers; PostgreSQL then serves the same plant', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pullboard-migrate-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const dbFile = path.join(dir, 'board.db');

    // The plant on SQLite.
    const lite = createApp({ dbFile, seed: 'demo', staticDir: null, logger: silentLogger, adminPassword: TEST_ADMIN_PASSWORD });
    const liteUrl = `http://127.0.0.1:${(await lite.listen(0, '127.0.0.1')).port}`;
    await signIn(liteUrl);
    const liteApi = new Api(liteUrl);
    await userToken(liteUrl, 'mia', Role.LEAD);
    const card = (await liteApi.board()).cards.find((c) => c.column === Column.DONE)!;
    const first = await request(liteUrl, 'POST', `/api/cards/${card.id}/consume`, { headers: { 'Idempotency-Key': 'use-once' } });
    expect(first.status).toBe(200);
    const board = await liteApi.boardText();
    const log = await liteApi.events(0, 100_000);
    await lite.close();

    const url = await cluster.freshDatabase();
    const out = await runTs('server/cli/migrate-to-pg.ts', [dbFile, url]);
    expect(out).toMatch(new RegExp(`migrated .* ${log.events.length} events \\(up to seq ${log.lastSeq}\\).*verified`));

    // A server on PostgreSQL: the same plant (no demo seed on a filled database).
    const pg = await openApp({ dbFile: path.join(dir, 'unused.db'), databaseUrl: url, seed: 'demo', staticDir: null, logger: silentLogger, adminPassword: TEST_ADMIN_PASSWORD });
    cleanups.push(() => pg.close());
    const pgUrl = `http://127.0.0.1:${(await pg.listen(0, '127.0.0.1')).port}`;
    await signIn(pgUrl);
    const pgApi = new Api(pgUrl);
    expect(await pgApi.boardText()).toBe(board);
    expect(await pgApi.events(0, 100_000)).toEqual(log);
    expect(fs.existsSync(path.join(dir, 'unused.db'))).toBe(false);
    // The user signs in with the same password; the stored answer of the key is recalled.
    expect(await signIn(pgUrl, 'mia', 'mia-password', false)).toMatch(/^pbs_/);
    const again = await request(pgUrl, 'POST', `/api/cards/${card.id}/consume`, { headers: { 'Idempotency-Key': 'use-once' } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await pgApi.lastSeq()).toBe(log.lastSeq);

    // Into a database that holds a board: refused, nothing changed.
    await expect(runTs('server/cli/migrate-to-pg.ts', [dbFile, url])).rejects.toThrow(/already holds a board/);
    expect(await pgApi.lastSeq()).toBe(log.lastSeq);
  }, SLOW);
});
