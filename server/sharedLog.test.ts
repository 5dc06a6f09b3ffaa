// Two servers in one process on one PostgreSQL (openApp with a database URL): what one
// server decides may depend on what the other committed a moment ago. An Undo sent to B
// of a step made through A finds that step (B reads the card's history under the lock),
// and an Idempotency-Key used on A is recalled on B instead of running twice.
import path from 'node:path';
import os from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Column, StationKind } from '../shared/names.ts';
import { openApp } from './app.ts';
import type { App } from './app.ts';
import type { BoardRepository } from './db/repository.ts';
import { silentLogger } from './logger.ts';
import { Api, signIn, TEST_ADMIN_PASSWORD } from './testing/harness.ts';
import { startPostgres } from './testing/postgres.ts';
import type { TestPostgres } from './testing/postgres.ts';

/** Server processes and PostgreSQL start slowly on a busy shared machine: a bound, not a speed check. */
const SLOW = 180_000;

let cluster: TestPostgres;
beforeAll(async () => {
  cluster = await startPostgres();
});
const apps: App<BoardRepository>[] = [];
afterEach(async () => {
  for (const a of apps.splice(0).reverse()) await a.close();
});
afterAll(async () => {
  await cluster?.stop();
});

async function server(databaseUrl: string): Promise<Api> {
  const app = await openApp({ dbFile: path.join(os.tmpdir(), 'pullboard-unused.db'), databaseUrl, seed: 'none', staticDir: null, logger: silentLogger, adminPassword: TEST_ADMIN_PASSWORD });
  apps.push(app);
  const url = `http://127.0.0.1:${(await app.listen(0, '127.0.0.1')).port}`;
  await signIn(url);
  return new Api(url);
}

/** Until both servers have applied the same log (the other's commits arrive by NOTIFY). */
async function settled(a: Api, b: Api): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await a.lastSeq()) === (await b.lastSeq())) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the servers did not reach the same seq');
}

describe('two servers on one PostgreSQL, in one process', () => {
  it("undoes through one server a step made through the other, and recalls the other's Idempotency-Key answer", async () => {
    const url = await cluster.freshDatabase();
    const a = await server(url);
    const b = await server(url);
    const steel = await a.station('Steel', { kind: StationKind.SUPPLIER });
    const assembly = await a.station('Assembly');
    const { cards } = await a.loop('HSG-300', steel, assembly, 2);
    const card = cards[0]!;

    // Use through A, Undo through B: B must know the Use (made on A) to undo it.
    const used = await a.consumeCard(card.id);
    expect(used.card.column).toBe(Column.REQUESTED);
    const undo = await b.request('POST', `/api/cards/${card.id}/undo`, { json: { version: used.card.version } });
    expect(undo.status).toBe(200);
    expect(await b.card(card.id)).toMatchObject({ stationId: card.stationId, column: card.column, version: used.card.version + 1 });
    await settled(a, b);
    expect(await a.card(card.id)).toMatchObject({ stationId: card.stationId, column: card.column, version: used.card.version + 1 });

    // The same key through A, then B: one station, the same answer twice.
    const send = (api: Api) =>
      api.request('POST', '/api/stations', { json: { name: 'Rework' }, headers: { 'Idempotency-Key': 'rework-1' } });
    const first = await send(a);
    expect(first.status).toBe(201);
    const seq = await a.lastSeq();
    const again = await send(b);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await b.lastSeq()).toBe(seq);
    expect((await b.board()).stations.filter((s) => s.name === 'Rework')).toHaveLength(1);
    await settled(a, b);
    expect(await b.boardText()).toBe(await a.boardText());
  }, SLOW);
});
