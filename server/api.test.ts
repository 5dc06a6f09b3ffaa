// The HTTP API of api.md against the real server: a temporary SQLite file, real HTTP,
// real Socket.IO clients where a test must prove that nothing was broadcast.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Column, ErrorCode, EventType, StationKind } from '../shared/names.ts';
import type { BoardEvent, Card } from '../shared/schemas.ts';
import {
  Api,
  buildApiPlant,
  CardResultSchema,
  collectEvents,
  connectClient,
  ErrorBody,
  request,
  sendCommand,
  startTestServer,
  stopAllServers,
  subscribe,
} from './testing/harness.ts';
import type { EventCollector, ApiPlant, TestServer } from './testing/harness.ts';

const { REQUESTED, IN_PROGRESS, DONE } = Column;

/** The single card of a loop-created result with the given serial. */
function serial(cards: Card[], n: number): Card {
  const c = cards.find((x) => x.serial === n);
  if (!c) throw new Error(`no card ${n}`);
  return c;
}

describe('GET /api/health', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => stopAllServers());

  it('answers 200 {"status":"ok"} as JSON', async () => {
    const r = await request(server.url, 'GET', '/api/health');
    expect(r.status).toBe(200);
    expect(r.contentType).toMatch(/^application\/json/);
    expect(r.body).toEqual({ status: 'ok' });
  });
});

describe('GET /api/board on the demo plant', () => {
  let server: TestServer;
  let api: Api;
  beforeAll(async () => {
    server = await startTestServer({ seed: 'demo' });
    api = new Api(server.url);
  });
  afterAll(() => stopAllServers());

  it('returns exactly seq, stations, loops and cards, with seq the newest seq of the log', async () => {
    const r = await request(server.url, 'GET', '/api/board');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body as object).sort()).toEqual(['cards', 'loops', 'seq', 'stations']);
    const board = await api.board();
    expect(board.seq).toBeGreaterThan(0);
    expect(board.seq).toBe(await api.lastSeq());
  });

  it('shows six stations in value-stream order, from the supplier to the shipping dock', async () => {
    const { stations } = await api.board();
    expect(stations).toHaveLength(6);
    expect(stations.map((s) => s.position)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(stations[0]?.kind).toBe(StationKind.SUPPLIER);
    expect(stations.at(-1)?.kind).toBe(StationKind.CUSTOMER);
    for (const s of stations) {
      expect(Object.keys(s.wipLimits).sort()).toEqual(['done', 'inProgress']);
    }
  });

  it('shows ten loops, each with exactly its card count of cards numbered 1..N at its supplier', async () => {
    const { loops, cards, stations } = await api.board();
    expect(loops).toHaveLength(10);
    const stationIds = new Set(stations.map((s) => s.id));
    for (const loop of loops) {
      expect(stationIds.has(loop.supplierStationId)).toBe(true);
      expect(stationIds.has(loop.consumerStationId)).toBe(true);
      const mine = cards.filter((c) => c.loopId === loop.id);
      expect(mine.map((c) => c.serial).sort((a, b) => a - b)).toEqual(
        Array.from({ length: loop.cardCount }, (_, i) => i + 1),
      );
      for (const c of mine) expect(c.stationId).toBe(loop.supplierStationId);
    }
    expect(cards).toHaveLength(loops.reduce((n, l) => n + l.cardCount, 0));
  });

  it('has cards mid-flight: some requested, some in progress, some done, some past their first cycle', async () => {
    const { cards } = await api.board();
    const count = (col: Column) => cards.filter((c) => c.column === col).length;
    expect(count(REQUESTED)).toBeGreaterThan(0);
    expect(count(IN_PROGRESS)).toBeGreaterThan(0);
    expect(count(DONE)).toBeGreaterThan(0);
    expect(cards.some((c) => c.cycle > 0)).toBe(true);
  });
});

describe('GET /api/openapi.json', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => stopAllServers());

  it('is an OpenAPI 3.x document served as JSON', async () => {
    const r = await request(server.url, 'GET', '/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.contentType).toMatch(/^application\/json/);
    const doc = r.body as { openapi?: unknown; info?: { title?: unknown }; paths?: unknown };
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(typeof doc.info?.title).toBe('string');
    expect(typeof doc.paths).toBe('object');
  });

  it.each([
    ['get', '/health'],
    ['get', '/board'],
    ['post', '/stations'],
    ['patch', '/stations/{id}'],
    ['post', '/loops'],
    ['patch', '/loops/{id}'],
    ['post', '/cards/{id}/move'],
    ['post', '/cards/{id}/consume'],
    ['post', '/loops/{id}/consume'],
    ['get', '/events'],
    ['get', '/openapi.json'],
  ])('documents %s %s', async (method, route) => {
    const r = await request(server.url, 'GET', '/api/openapi.json');
    const doc = r.body as { servers?: Array<{ url: string }>; paths: Record<string, Record<string, unknown>> };
    // Paths are relative to the server URL (/api) or written out in full.
    const base = doc.servers?.[0]?.url ?? '';
    const entry = doc.paths[route] ?? doc.paths[`/api${route}`];
    expect(base === '/api' || doc.paths[`/api${route}`] !== undefined).toBe(true);
    expect(entry?.[method]).toBeDefined();
  });
});

/** A plant on an empty database, with a subscribed socket that records every broadcast. */
async function freshPlant() {
  const server = await startTestServer();
  const api = new Api(server.url);
  const plant = await buildApiPlant(api);
  const socket = await connectClient(server.url, 'watcher');
  const heard = collectEvents(socket);
  const ack = await subscribe(socket);
  expect(ack.ok).toBe(true);
  return { server, api, plant, heard };
}

/**
 * Proves a refusal changed nothing: the board is byte-identical, the log did not grow, no
 * event was broadcast, and the next successful command gets exactly the next seq.
 */
async function expectNothingChanged(
  ctx: { api: Api; plant: ApiPlant; heard: EventCollector },
  before: { board: string; lastSeq: number; heard: number },
) {
  const { api, plant, heard } = ctx;
  expect(await api.boardText()).toBe(before.board);
  expect(await api.lastSeq()).toBe(before.lastSeq);
  // A harmless reorder of the housing card: it must be the very next event.
  const housing = plant.housing.cards[0]!;
  const ok = await api.move(housing.id, (await api.card(housing.id)).column);
  expect(ok.seq).toBe(before.lastSeq + 1);
  await heard.waitForSeq(ok.seq);
  expect(heard.events.slice(before.heard).map((e) => e.seq)).toEqual([before.lastSeq + 1]);
}

async function stateOf(ctx: { api: Api; heard: EventCollector }) {
  return { board: await ctx.api.boardText(), lastSeq: await ctx.api.lastSeq(), heard: ctx.heard.events.length };
}

describe('POST /api/cards/:id/move', () => {
  let ctx: Awaited<ReturnType<typeof freshPlant>>;
  beforeEach(async () => {
    ctx = await freshPlant();
  });
  afterEach(() => stopAllServers());

  it('starts a requested card and answers with the card and the seq of its event', async () => {
    const { api, plant } = ctx;
    const consumed = await api.consumeLoop(plant.blank.loop.id);
    const started = await api.move(consumed.card.id, IN_PROGRESS);
    expect(started.card).toMatchObject({ id: consumed.card.id, column: IN_PROGRESS, version: consumed.card.version + 1 });
    expect(started.seq).toBe(consumed.seq + 1);
    const { events } = await api.events(consumed.seq);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ seq: started.seq, type: EventType.CARD_MOVED, cardId: consumed.card.id, to: IN_PROGRESS });
  });

  it('refuses a start over the hard WIP limit with 409 WIP_LIMIT_REACHED and the station, column, limit and count', async () => {
    const { api, plant } = ctx;
    const first = await api.consumeLoop(plant.shaft.loop.id);
    const second = await api.consumeLoop(plant.shaft.loop.id);
    await api.move(first.card.id, IN_PROGRESS); // Machining: 1 of 1 in progress
    const before = await stateOf(ctx);

    const r = await api.request('POST', `/api/cards/${second.card.id}/move`, { json: { to: IN_PROGRESS } });
    expect(r.status).toBe(409);
    const { error } = ErrorBody.parse(r.body);
    expect(error.code).toBe(ErrorCode.WIP_LIMIT_REACHED);
    expect(error.details).toMatchObject({ stationId: plant.machining.id, column: IN_PROGRESS, limit: 1, count: 1 });
    await expectNothingChanged(ctx, before);
  });

  it('refuses a move that skips a column with 409 INVALID_TRANSITION', async () => {
    const { api, plant } = ctx;
    const card = plant.housing.cards[0]!;
    const before = await stateOf(ctx);

    const r = await api.request('POST', `/api/cards/${card.id}/move`, { json: { to: REQUESTED } });
    expect(r.status).toBe(409);
    expect(ErrorBody.parse(r.body).error.code).toBe(ErrorCode.INVALID_TRANSITION);
    await expectNothingChanged(ctx, before);
  });

  it('refuses a stale expectedVersion with 409 VERSION_CONFLICT', async () => {
    const { api, plant } = ctx;
    const card = serial(plant.blank.cards, 1);
    await api.move(card.id, DONE, { expectedVersion: 1 }); // a reorder: version 2
    const before = await stateOf(ctx);

    const r = await api.request('POST', `/api/cards/${card.id}/move`, { json: { to: IN_PROGRESS, expectedVersion: 1 } });
    expect(r.status).toBe(409);
    const { error } = ErrorBody.parse(r.body);
    expect(error.code).toBe(ErrorCode.VERSION_CONFLICT);
    expect(error.details).toMatchObject({ cardId: card.id, expectedVersion: 1, version: 2 });
    await expectNothingChanged(ctx, before);
  });

  it('reorders inside a column: the card goes before the named card', async () => {
    const { api, plant } = ctx;
    const one = serial(plant.blank.cards, 1);
    const two = serial(plant.blank.cards, 2);
    const housing = plant.housing.cards[0]!;
    // Steel's Done column holds blank 1, blank 2, housing 1 (creation order).
    await api.move(housing.id, DONE, { beforeCardId: one.id });
    const board = await api.board();
    const steelDone = board.cards.filter((c) => c.stationId === plant.steel.id && c.column === DONE).map((c) => c.id);
    expect(steelDone).toEqual([housing.id, one.id, two.id]);
  });
});

describe('consumption', () => {
  let ctx: Awaited<ReturnType<typeof freshPlant>>;
  beforeEach(async () => {
    ctx = await freshPlant();
  });
  afterEach(() => stopAllServers());

  it("POST /api/cards/:id/consume puts the card in its supplier's Requested with cycle + 1", async () => {
    const { api, plant } = ctx;
    const card = serial(plant.blank.cards, 2);
    const r = await api.request('POST', `/api/cards/${card.id}/consume`);
    expect(r.status).toBe(200);
    const { card: back, seq } = CardResultSchema.parse(r.body);
    expect(back).toMatchObject({
      id: card.id,
      stationId: plant.steel.id,
      column: REQUESTED,
      cycle: card.cycle + 1,
      version: card.version + 1,
    });
    expect(await api.card(card.id)).toEqual(back);
    const { events, lastSeq } = await api.events(seq - 1);
    expect(lastSeq).toBe(seq);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ seq, type: EventType.CARD_CONSUMED, cardId: card.id, loopId: plant.blank.loop.id });
  });

  it('POST /api/loops/:id/consume takes the oldest full container first (FIFO)', async () => {
    const { api, plant } = ctx;
    const one = serial(plant.blank.cards, 1);
    const two = serial(plant.blank.cards, 2);
    // Card 1 goes round a cycle, so card 2 is now the older full container.
    await api.consumeCard(one.id);
    await api.move(one.id, IN_PROGRESS);
    await api.move(one.id, DONE);

    const first = await api.consumeLoop(plant.blank.loop.id);
    expect(first.card).toMatchObject({ id: two.id, column: REQUESTED, cycle: 1 });
    const second = await api.consumeLoop(plant.blank.loop.id);
    expect(second.card).toMatchObject({ id: one.id, column: REQUESTED, cycle: 2 });
    expect(second.seq).toBe(first.seq + 1);
    const { events } = await api.events(first.seq - 1);
    expect(events.map((e) => [e.type, 'cardId' in e ? e.cardId : null])).toEqual([
      [EventType.CARD_CONSUMED, two.id],
      [EventType.CARD_CONSUMED, one.id],
    ]);
  });

  it('refuses to consume a card that is not full with 409 INVALID_TRANSITION', async () => {
    const { api, plant } = ctx;
    const card = serial(plant.blank.cards, 1);
    await api.consumeCard(card.id); // now in Requested
    const before = await stateOf(ctx);

    const r = await api.request('POST', `/api/cards/${card.id}/consume`);
    expect(r.status).toBe(409);
    expect(ErrorBody.parse(r.body).error.code).toBe(ErrorCode.INVALID_TRANSITION);
    await expectNothingChanged(ctx, before);
  });

  it('refuses to consume a loop with no full container, naming the loop', async () => {
    const { api, plant } = ctx;
    await api.consumeLoop(plant.housing.loop.id); // its only card
    const before = await stateOf(ctx);

    const r = await api.request('POST', `/api/loops/${plant.housing.loop.id}/consume`);
    expect(r.status).toBe(409);
    const { error } = ErrorBody.parse(r.body);
    expect(error.code).toBe(ErrorCode.STARVED);
    expect(error.details).toMatchObject({ loopId: plant.housing.loop.id });
    await expectNothingChanged(ctx, before);
  });
});

describe('cascade', () => {
  let ctx: Awaited<ReturnType<typeof freshPlant>>;
  beforeEach(async () => {
    ctx = await freshPlant();
  });
  afterEach(() => stopAllServers());

  it('starting a card consumes one full container of its input loop: card.consumed then card.moved, consecutive seqs', async () => {
    const { api, plant, heard } = ctx;
    const signal = await api.consumeLoop(plant.shaft.loop.id);
    const started = await api.move(signal.card.id, IN_PROGRESS);
    expect(started.seq).toBe(signal.seq + 2);

    const { events } = await api.events(signal.seq);
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [signal.seq + 1, EventType.CARD_CONSUMED],
      [signal.seq + 2, EventType.CARD_MOVED],
    ]);
    const [consumed, moved] = events as [BoardEvent, BoardEvent];
    const blankIds = plant.blank.cards.map((c) => c.id);
    expect(consumed).toMatchObject({ loopId: plant.blank.loop.id, causedByCardId: signal.card.id });
    expect(blankIds).toContain((consumed as { cardId: string }).cardId);
    expect(moved).toMatchObject({ cardId: signal.card.id, from: REQUESTED, to: IN_PROGRESS });
    // The used blank's card is a replenishment signal at Steel.
    const blankCard = await api.card((consumed as { cardId: string }).cardId);
    expect(blankCard).toMatchObject({ stationId: plant.steel.id, column: REQUESTED, cycle: 1 });
    // Both events of the one command are broadcast together.
    await heard.waitForSeq(started.seq);
    expect(heard.batches.at(-1)?.map((e) => e.seq)).toEqual([signal.seq + 1, signal.seq + 2]);
  });

  it('refuses a start whose input loop is empty with 409 STARVED naming the loop, and changes nothing', async () => {
    const { api, plant } = ctx;
    await api.consumeLoop(plant.blank.loop.id);
    await api.consumeLoop(plant.blank.loop.id); // blank: no full container left
    const signal = await api.consumeLoop(plant.shaft.loop.id);
    const before = await stateOf(ctx);

    const r = await api.request('POST', `/api/cards/${signal.card.id}/move`, { json: { to: IN_PROGRESS } });
    expect(r.status).toBe(409);
    const { error } = ErrorBody.parse(r.body);
    expect(error.code).toBe(ErrorCode.STARVED);
    expect(error.details).toMatchObject({ loopId: plant.blank.loop.id });
    await expectNothingChanged(ctx, before);
  });
});

describe('GET /api/events', () => {
  let server: TestServer;
  let api: Api;
  let total: number;
  beforeAll(async () => {
    server = await startTestServer();
    api = new Api(server.url);
    const plant = await buildApiPlant(api);
    // Reorders are cheap events: enough of them to need three pages of 500.
    const card = plant.housing.cards[0]!;
    const socket = await connectClient(server.url);
    for (let i = 0; i < 1100; i++) {
      const ack = await sendCommand(socket, 'card.move', { cardId: card.id, to: DONE });
      if (!ack.ok) throw new Error(ack.error.message);
    }
    total = (await api.board()).seq;
  });
  afterAll(() => stopAllServers());

  it('holds more than 1000 events for these tests', () => {
    expect(total).toBeGreaterThan(1100);
  });

  it('returns the first 500 events by default, oldest first, and lastSeq of the whole log', async () => {
    const page = await api.events();
    expect(page.events.map((e) => e.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(page.lastSeq).toBe(total);
  });

  it('clamps a limit over 1000 to 1000', async () => {
    const page = await api.events(0, 5000);
    expect(page.events).toHaveLength(1000);
    expect(page.events.at(-1)?.seq).toBe(1000);
  });

  it('pages on from after=N with limit=L: events N+1..N+L', async () => {
    const page = await api.events(37, 5);
    expect(page.events.map((e) => e.seq)).toEqual([38, 39, 40, 41, 42]);
    expect(page.lastSeq).toBe(total);
  });

  it('reads the whole log gap-free when a client pages until it reaches lastSeq', async () => {
    const seqs: number[] = [];
    let after = 0;
    for (;;) {
      const page = await api.events(after, 300);
      seqs.push(...page.events.map((e) => e.seq));
      if (page.events.length === 0 || page.events.at(-1)!.seq >= page.lastSeq) break;
      after = page.events.at(-1)!.seq;
    }
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it('returns no events, and the same lastSeq, after the newest seq or beyond it', async () => {
    expect(await api.events(total)).toEqual({ events: [], lastSeq: total });
    expect(await api.events(total + 1000)).toEqual({ events: [], lastSeq: total });
  });

  it('gives every event seq, type, at and actor', async () => {
    const { events } = await api.events(0, 20);
    for (const e of events) {
      expect(Number.isInteger(e.seq)).toBe(true);
      expect(typeof e.type).toBe('string');
      expect(Number.isNaN(Date.parse(e.at))).toBe(false);
      expect(e.actor.name.length).toBeGreaterThan(0);
      expect(['user', 'device', 'token', 'system']).toContain(e.actor.kind);
    }
  });
});

describe('Idempotency-Key', () => {
  let ctx: Awaited<ReturnType<typeof freshPlant>>;
  beforeEach(async () => {
    ctx = await freshPlant();
  });
  afterEach(() => stopAllServers());

  it('answers the same POST twice with the same status and body, writing one event', async () => {
    const { api, plant } = ctx;
    const card = serial(plant.blank.cards, 1);
    const seq0 = await api.lastSeq();
    const send = () =>
      api.request('POST', `/api/cards/${card.id}/consume`, { headers: { 'Idempotency-Key': 'scan-0001' } });
    const first = await send();
    const second = await send();
    expect(first.status).toBe(200);
    expect(second.status).toBe(first.status);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await api.lastSeq()).toBe(seq0 + 1);
    expect((await api.card(card.id)).cycle).toBe(1);
  });

  it('creates one station for a repeated POST /api/stations with a key, answering 201 both times', async () => {
    const { api } = ctx;
    const send = () =>
      api.request('POST', '/api/stations', { json: { name: 'Paint' }, headers: { 'Idempotency-Key': 'make-paint' } });
    const first = await send();
    const second = await send();
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.text).toBe(first.text);
    expect((await api.board()).stations.filter((s) => s.name === 'Paint')).toHaveLength(1);
  });

  it('refuses the same key with a different body with 400 and writes nothing', async () => {
    const { api, plant } = ctx;
    const one = serial(plant.blank.cards, 1);
    const headers = { 'Idempotency-Key': 'move-1' };
    await api.request('POST', `/api/cards/${one.id}/move`, { json: { to: DONE }, headers });
    const before = await stateOf(ctx);

    const r = await api.request('POST', `/api/cards/${one.id}/move`, { json: { to: IN_PROGRESS }, headers });
    expect(r.status).toBe(400);
    expect(ErrorBody.parse(r.body).error.code).toBe(ErrorCode.VALIDATION_FAILED);
    await expectNothingChanged(ctx, before);
  });

  it('replays a refusal: the same key gets the same 409 again', async () => {
    const { api, plant } = ctx;
    const card = plant.housing.cards[0]!;
    const send = () =>
      api.request('POST', `/api/cards/${card.id}/move`, { json: { to: REQUESTED }, headers: { 'Idempotency-Key': 'skip' } });
    const first = await send();
    const before = await stateOf(ctx);
    const second = await send();
    expect(first.status).toBe(409);
    expect(second.status).toBe(409);
    expect(second.text).toBe(first.text);
    await expectNothingChanged(ctx, before);
  });

  it('replays over the socket too: the same idempotencyKey gets the same ack and one event', async () => {
    const { api, plant, server } = ctx;
    const card = serial(plant.blank.cards, 2);
    const socket = await connectClient(server.url, 'tablet');
    const seq0 = await api.lastSeq();
    const payload = { cardId: card.id, idempotencyKey: 'tablet-42' };
    const first = await sendCommand(socket, 'card.consume', payload);
    const second = await sendCommand(socket, 'card.consume', payload);
    expect(first.ok).toBe(true);
    expect(second).toEqual(first);
    expect(await api.lastSeq()).toBe(seq0 + 1);
  });

  it('replays across transports: a key first used over HTTP answers the same over the socket', async () => {
    const { api, plant, server } = ctx;
    const card = serial(plant.blank.cards, 1);
    const seq0 = await api.lastSeq();
    const http = await api.request('POST', `/api/cards/${card.id}/move`, {
      json: { to: DONE },
      headers: { 'Idempotency-Key': 'retry-me' },
    });
    expect(http.status).toBe(200);
    const socket = await connectClient(server.url);
    const ack = await sendCommand(socket, 'card.move', { cardId: card.id, to: DONE, idempotencyKey: 'retry-me' });
    expect(ack).toEqual({ ok: true, ...(http.body as object) });
    expect(await api.lastSeq()).toBe(seq0 + 1);
  });
});
