// Undo and the corrections of configuration on the real server, over Socket.IO and HTTP:
// every screen sees an undone Use, only the one who did a step may undo it, a retired
// loop and a removed station leave the board and stay gone after a restart, and bad or
// refused requests change nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { Column, ErrorCode, EventType, Role, StationKind } from '../shared/names.ts';
import {
  Api,
  CardResultSchema,
  ErrorBody,
  buildApiPlant,
  collectEvents,
  connectClient,
  restartServer,
  sendCommand,
  startTestServer,
  stopAllServers,
  subscribe,
  userToken,
} from './testing/harness.ts';

afterEach(() => stopAllServers());

describe('card.undo', () => {
  it('puts a used container back as it was, and every screen sees it', async () => {
    const server = await startTestServer();
    const api = new Api(server.url);
    const plant = await buildApiPlant(api);
    const tablet = await connectClient(server.url, 'tablet');
    const tv = await connectClient(server.url, 'tv');
    const seen = collectEvents(tv);
    await subscribe(tv);
    const card = plant.shaft.cards[0]!;
    const before = await api.card(card.id);

    const used = await sendCommand(tablet, 'card.consume', { cardId: card.id });
    if (!used.ok) throw new Error(used.error.message);
    const undone = await sendCommand(tablet, 'card.undo', { cardId: card.id, version: used.card.version });
    if (!undone.ok) throw new Error(undone.error.message);
    expect(undone.card).toMatchObject({ column: Column.DONE, rank: before.rank, cycle: before.cycle, requestedAt: before.requestedAt });

    await seen.waitForSeq(undone.seq);
    const last = seen.events.at(-1);
    expect(last).toMatchObject({ type: EventType.CARD_UNDONE, cardId: card.id, undoneSeq: used.seq, to: Column.DONE });
    expect(await api.card(card.id)).toEqual(undone.card);
    // The log keeps both steps, and the card's history names the undo.
    const history = await api.request('GET', `/api/cards/${card.id}/history`);
    expect(JSON.stringify(history.body)).toContain(EventType.CARD_UNDONE);
  });

  it('over HTTP undoes a Start with its cascade; someone else, or a second undo, is refused and changes nothing', async () => {
    const server = await startTestServer();
    const api = new Api(server.url);
    const plant = await buildApiPlant(api);
    const card = plant.shaft.cards[0]!;
    await api.consumeCard(card.id);
    const started = await api.move(card.id, Column.IN_PROGRESS);

    const other = await userToken(server.url, 'other-lead', Role.LEAD);
    const before = await api.everything();
    const byOther = await api.request('POST', `/api/cards/${card.id}/undo`, {
      json: { version: started.card.version },
      headers: { authorization: `Bearer ${other}` },
    });
    expect(byOther.status).toBe(409);
    expect(ErrorBody.parse(byOther.body).error).toMatchObject({ code: ErrorCode.INVALID_TRANSITION, message: expect.stringMatching(/^Cannot undo: only .+ can undo this step/) });
    expect(await api.everything()).toEqual(before);

    const r = await api.request('POST', `/api/cards/${card.id}/undo`, { json: { version: started.card.version } });
    expect(r.status).toBe(200);
    expect(CardResultSchema.parse(r.body).card.column).toBe(Column.REQUESTED);
    const board = await api.board();
    expect(board.cards.filter((c) => c.loopId === plant.blank.loop.id).every((c) => c.column === Column.DONE)).toBe(true);

    const again = await api.everything();
    const twice = await api.request('POST', `/api/cards/${card.id}/undo`, { json: { version: CardResultSchema.parse(r.body).card.version } });
    expect(twice.status).toBe(409);
    expect(await api.everything()).toEqual(again);

    for (const body of [{}, { version: 0 }, { version: 'x' }, { version: 1, extra: true }]) {
      const bad = await api.request('POST', `/api/cards/${card.id}/undo`, { json: body });
      expect(bad.status, JSON.stringify(body)).toBe(400);
    }
    expect((await api.request('POST', '/api/cards/cd_nothing/undo', { json: { version: 1 } })).status).toBe(404);
    expect(await api.everything()).toEqual(again);
  });
});

describe('configuration that can be corrected', () => {
  it('retires a loop and removes a station over HTTP; both stay gone after a restart', async () => {
    const server = await startTestServer();
    const api = new Api(server.url);
    const plant = await buildApiPlant(api);

    const stillUsed = await api.request('DELETE', `/api/stations/${plant.steel.id}`);
    expect(stillUsed.status).toBe(409);
    expect(ErrorBody.parse(stillUsed.body).error.message).toMatch(/Steel still has 2 loops .*retire them first/);

    for (const l of [plant.blank.loop, plant.housing.loop]) {
      const r = await api.request('DELETE', `/api/loops/${l.id}`);
      expect(r.status).toBe(200);
    }
    const removed = await api.request('DELETE', `/api/stations/${plant.steel.id}`);
    expect(removed.status).toBe(200);

    const board = await api.board();
    expect(board.stations.map((s) => [s.name, s.position])).toEqual([
      ['Machining', 0],
      ['Assembly', 1],
    ]);
    expect(board.loops.map((l) => l.partNumber)).toEqual(['SHF-200']);
    expect(board.loops[0]?.inputLoopIds).toEqual([]);
    expect(board.cards.every((c) => c.loopId === plant.shaft.loop.id)).toBe(true);

    const again = await restartServer(server);
    expect(await new Api(again.url).board()).toEqual(board);
  });

  it("changes a station's kind, refuses a WIP limit of 0 with a clear message, and a refusal changes nothing", async () => {
    const server = await startTestServer();
    const api = new Api(server.url);
    const plant = await buildApiPlant(api);
    const before = await api.everything();

    const zero = await api.request('PATCH', `/api/stations/${plant.machining.id}`, { json: { wipLimits: { inProgress: 0 } } });
    expect(zero.status).toBe(400);
    expect(zero.text).toMatch(/0 would lock the column: leave it empty for no limit/);
    const customer = await api.request('PATCH', `/api/stations/${plant.machining.id}`, { json: { kind: StationKind.CUSTOMER } });
    expect(customer.status).toBe(400);
    expect(ErrorBody.parse(customer.body).error.message).toMatch(/Machining supplies SHF-200/);
    expect(await api.everything()).toEqual(before);

    const paint = await api.station('Paint');
    const r = await api.request('PATCH', `/api/stations/${paint.id}`, { json: { kind: StationKind.SUPPLIER } });
    expect(r.status).toBe(200);
    const order = (await api.board()).stations.sort((a, b) => a.position - b.position).map((s) => s.name);
    expect(order).toEqual(['Steel', 'Paint', 'Machining', 'Assembly']);
  });
});
