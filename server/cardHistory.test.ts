// A card's history (GET /api/cards/:id/history) against the log itself: it must be
// exactly the card's events from /api/events, newest first, across group commits,
// cascades, a restart, and a database upgraded from before the history chain (schema 7,
// with its index) or from before accounts (schema 5, with actors that are plain names).
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Column } from '../shared/names.ts';
import { BoardEventSchema } from '../shared/schemas.ts';
import type { BoardEvent } from '../shared/schemas.ts';
import { Api, buildApiPlant, startTestServer, stopAllServers } from './testing/harness.ts';
import type { TestServer } from './testing/harness.ts';

const { IN_PROGRESS, DONE } = Column;

afterEach(() => stopAllServers());

const HistorySchema = z.object({ cardId: z.string(), events: z.array(BoardEventSchema) });

async function historyOf(api: Api, cardId: string): Promise<BoardEvent[]> {
  const r = await api.request('GET', `/api/cards/${encodeURIComponent(cardId)}/history`);
  expect(r.status).toBe(200);
  return HistorySchema.parse(r.body).events;
}

/** The oracle: every event of the log that names the card, newest first. */
async function fromLog(api: Api, cardId: string): Promise<BoardEvent[]> {
  const page = await api.events(0, 1000);
  return page.events.filter((e) => 'cardId' in e && e.cardId === cardId).reverse();
}

/** Some work on every card of the test plant: uses, starts (with cascades), finishes, some at once. */
async function work(api: Api, rounds: number): Promise<string[]> {
  const plant = await buildApiPlant(api);
  for (let i = 0; i < rounds; i++) {
    const signal = await api.consumeLoop(plant.shaft.loop.id);
    await api.move(signal.card.id, IN_PROGRESS); // uses a blank: a second card's event in the same command
    const [blankSignal, housingSignal] = await Promise.all([
      api.consumeLoop(plant.blank.loop.id).catch(() => null),
      api.consumeLoop(plant.housing.loop.id),
    ]);
    await Promise.all([
      api.move(signal.card.id, DONE),
      api.move(housingSignal.card.id, IN_PROGRESS).then(() => api.move(housingSignal.card.id, DONE)),
    ]);
    for (const c of (await api.board()).cards) {
      if (c.column !== DONE && c.id !== blankSignal?.card.id) {
        if (c.column !== IN_PROGRESS) await api.move(c.id, IN_PROGRESS);
        await api.move(c.id, DONE);
      }
    }
  }
  return (await api.board()).cards.map((c) => c.id);
}

async function expectHistoriesMatchLog(api: Api, cardIds: string[]): Promise<number> {
  let events = 0;
  for (const id of cardIds) {
    const expected = await fromLog(api, id);
    expect(await historyOf(api, id)).toEqual(expected);
    events += expected.length;
  }
  return events;
}

describe("a card's history", () => {
  it('is every event that names the card, newest first, with who did it, before and after a restart', async () => {
    const first = await startTestServer();
    const api = new Api(first.url);
    const cardIds = await work(api, 3);
    const counted = await expectHistoriesMatchLog(api, cardIds);
    expect(counted).toBeGreaterThan(20);
    const one = await historyOf(api, cardIds[0]!);
    expect(one.length).toBeGreaterThan(0);
    for (const e of one) expect(e.actor).toMatchObject({ kind: 'user', name: 'admin' });

    // After a restart the chain goes on from where the stored heads say it ended.
    first.app.close();
    const second = await startTestServer({ dbFile: first.dbFile });
    const again = new Api(second.url);
    await expectHistoriesMatchLog(again, cardIds);
    const card = await again.card(cardIds[0]!);
    if (card.column === DONE) await again.consumeCard(card.id);
    await again.move(card.id, IN_PROGRESS);
    const after = await historyOf(again, card.id);
    expect(after.length).toBeGreaterThan(one.length);
    expect(after).toEqual(await fromLog(again, card.id));
  });

  it('answers 404 for a card the loop no longer has, and an empty history for a card never moved', async () => {
    const server = await startTestServer();
    const api = new Api(server.url);
    const plant = await buildApiPlant(api);
    const [kept, dropped] = plant.blank.cards;
    await api.move(dropped!.id, IN_PROGRESS).catch(() => undefined);
    const r = await api.request('PATCH', `/api/loops/${plant.blank.loop.id}`, { json: { cardCount: 1 } });
    expect(r.status).toBe(200);
    const gone = (await api.board()).cards.some((c) => c.id === dropped!.id) ? kept! : dropped!;
    expect((await api.request('GET', `/api/cards/${gone.id}/history`)).status).toBe(404);
    const untouched = plant.housing.cards[0]!;
    expect(await historyOf(api, untouched.id)).toEqual([]);
  });
});

/** Stops the server but keeps its file, for rewriting into an older schema. */
async function stopKeepingFile(server: TestServer): Promise<string> {
  await server.app.close();
  return server.dbFile;
}

describe('upgrading a database', () => {
  it('from schema 7 (history by index) builds the chain of every card from the log', async () => {
    const first = await startTestServer();
    const api = new Api(first.url);
    const cardIds = await work(api, 2);
    const expected = new Map<string, BoardEvent[]>();
    for (const id of cardIds) expected.set(id, await fromLog(api, id));
    const file = await stopKeepingFile(first);

    // Back to what schema 7 wrote: no chain columns, the index on the card instead.
    const db = new Database(file);
    db.exec(`ALTER TABLE events DROP COLUMN card_prev; ALTER TABLE cards DROP COLUMN last_seq;
      CREATE INDEX events_by_card ON events (card_id, seq); PRAGMA user_version = 7;`);
    db.close();

    const second = await startTestServer({ dbFile: file });
    const again = new Api(second.url);
    for (const id of cardIds) expect(await historyOf(again, id)).toEqual(expected.get(id));
    const indexes = new Database(file, { readonly: true });
    const names = indexes.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'").all();
    indexes.close();
    expect(names).toEqual([]);
  });

  it('from schema 5 (before accounts): plain-name actors become legacy actors, and the log stays append-only', async () => {
    const first = await startTestServer();
    const api = new Api(first.url);
    const cardIds = await work(api, 1);
    const expected = new Map<string, BoardEvent[]>();
    for (const id of cardIds) expected.set(id, await fromLog(api, id));
    const file = await stopKeepingFile(first);

    // Back to what schema 5 wrote: actors are the names clients chose; no card column.
    const db = new Database(file);
    db.exec(`ALTER TABLE events DROP COLUMN card_prev; ALTER TABLE cards DROP COLUMN last_seq;
      ALTER TABLE events DROP COLUMN card_id;
      DROP TRIGGER events_append_only;
      UPDATE events SET actor = 'line-lead';
      CREATE TRIGGER events_append_only BEFORE UPDATE ON events
      BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
      PRAGMA user_version = 5;`);
    db.close();

    const second = await startTestServer({ dbFile: file });
    const again = new Api(second.url);
    const legacy = { kind: 'system', id: 'legacy', name: 'line-lead' };
    for (const id of cardIds) {
      expect(await historyOf(again, id)).toEqual(expected.get(id)!.map((e) => ({ ...e, actor: legacy })));
    }
    const check = new Database(file);
    expect(() => check.exec("UPDATE events SET actor = 'someone else'")).toThrow(/append-only/);
    check.close();
  });
});
