// Durability against the real SQLite file: a restarted server (a new app on the same file)
// has the same board, seq, event log and idempotency answers, the demo seed runs once,
// and a committed command is on disk before the app is closed.
import { afterEach, describe, expect, it } from 'vitest';
import { Column, ErrorCode, StationKind } from '../shared/names.ts';
import {
  Api,
  buildApiPlant,
  connectClient,
  ErrorBody,
  restartServer,
  startTestServer,
  stopAllServers,
  subscribe,
} from './testing/harness.ts';
import type { TestServer } from './testing/harness.ts';

const { REQUESTED, IN_PROGRESS, DONE } = Column;

afterEach(() => stopAllServers());

/** Everything a client can read: the board and the whole log, as served. */
async function everything(server: TestServer) {
  const api = new Api(server.url);
  const log = await api.request('GET', '/api/events?after=0&limit=1000');
  expect(log.status).toBe(200);
  return { board: await api.boardText(), log: log.text, lastSeq: await api.lastSeq() };
}

describe('a restart on the same database file', () => {
  it('shows the identical board, seq and event log after a day of demo work', async () => {
    const first = await startTestServer({ seed: 'demo' });
    const api = new Api(first.url);
    // Some work on top of the seed: Final Assembly uses a seal kit, the supplier starts on it.
    const sealKits = (await api.board()).loops.find((l) => l.partNumber === 'PU-SK50')!;
    const signal = await api.consumeLoop(sealKits.id);
    await api.move(signal.card.id, IN_PROGRESS);
    const before = await everything(first);

    const second = await restartServer(first, { seed: 'demo' });
    expect(await everything(second)).toEqual(before);
  });

  it('keeps every kind of change: station limits and order, loop resizing up and down, moves and consumptions', async () => {
    const first = await startTestServer();
    const api = new Api(first.url);
    const plant = await buildApiPlant(api);
    const patch = (path: string, json: unknown) => api.request('PATCH', path, { json });
    expect((await patch(`/api/stations/${plant.assembly.id}`, { position: 1, wipLimits: { done: 4 }, softLimits: { done: true } })).status).toBe(200);
    expect((await patch(`/api/stations/${plant.steel.id}`, { name: 'Steel & Co' })).status).toBe(200);
    expect((await patch(`/api/loops/${plant.blank.loop.id}`, { cardCount: 4, leadTimeMinutes: 12.5, partName: 'Blank Ø50' })).status).toBe(200);
    expect((await patch(`/api/loops/${plant.housing.loop.id}`, { cardCount: 3 })).status).toBe(200);
    expect((await patch(`/api/loops/${plant.housing.loop.id}`, { cardCount: 2 })).status).toBe(200);
    const signal = await api.consumeLoop(plant.shaft.loop.id);
    await api.move(signal.card.id, IN_PROGRESS); // cascade: uses a blank
    await api.move(signal.card.id, DONE);
    const loopCreated = await api.request('POST', '/api/loops', {
      json: {
        partNumber: 'SHF-210',
        partName: 'Shaft, long',
        supplierStationId: plant.machining.id,
        consumerStationId: plant.assembly.id,
        cardCount: 3,
        containerQty: 6,
        leadTimeMinutes: 75,
        inputLoopIds: [plant.blank.loop.id],
      },
    });
    expect(loopCreated.status).toBe(201);
    await api.station('Shipping', { kind: StationKind.CUSTOMER });
    const before = await everything(first);

    const second = await restartServer(first);
    expect(await everything(second)).toEqual(before);
    const board = await new Api(second.url).board();
    expect(board.stations.map((s) => s.name)).toEqual(['Steel & Co', 'Assembly', 'Machining', 'Shipping']);
    expect(board.loops.find((l) => l.id === plant.blank.loop.id)).toMatchObject({ cardCount: 4, leadTimeMinutes: 12.5 });
    expect(board.cards.filter((c) => c.loopId === plant.housing.loop.id)).toHaveLength(2);
  });

  it('does not run the demo seed a second time', async () => {
    const first = await startTestServer({ seed: 'demo' });
    const before = await everything(first);
    const second = await restartServer(first, { seed: 'demo' });
    const board = await new Api(second.url).board();
    expect(board.stations).toHaveLength(6);
    expect(board.loops).toHaveLength(10);
    expect(await everything(second)).toEqual(before);
  });

  it('continues the seq where it stopped, without a gap', async () => {
    const first = await startTestServer();
    const plant = await buildApiPlant(new Api(first.url));
    const seq = await new Api(first.url).lastSeq();

    const second = await restartServer(first);
    const api = new Api(second.url);
    const next = await api.consumeLoop(plant.blank.loop.id);
    expect(next.seq).toBe(seq + 1);
    const { events } = await api.events(0);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: seq + 1 }, (_, i) => i + 1));
  });

  it('remembers idempotency keys: the same POST answers the first answer and writes nothing', async () => {
    const first = await startTestServer();
    const plant = await buildApiPlant(new Api(first.url));
    const card = plant.housing.cards[0]!;
    const post = (server: TestServer, to: Column = IN_PROGRESS) =>
      new Api(server.url).request('POST', `/api/cards/${card.id}/move`, {
        json: { to },
        headers: { 'Idempotency-Key': 'scanner-77' },
      });
    // Done -> In Progress is a lead's step back; answered once, then replayed.
    const answer = await post(first);
    expect(answer.status).toBe(200);
    const refused = await new Api(first.url).request('POST', `/api/loops/${plant.housing.loop.id}/consume`, {
      headers: { 'Idempotency-Key': 'use-housing' },
    });
    expect(refused.status).toBe(409); // its only card is no longer full

    const second = await restartServer(first);
    const api = new Api(second.url);
    const seq = await api.lastSeq();
    const again = await post(second);
    expect(again.status).toBe(answer.status);
    expect(again.text).toBe(answer.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const refusedAgain = await api.request('POST', `/api/loops/${plant.housing.loop.id}/consume`, {
      headers: { 'Idempotency-Key': 'use-housing' },
    });
    expect(refusedAgain.status).toBe(409);
    expect(refusedAgain.text).toBe(refused.text);
    const other = await post(second, REQUESTED);
    expect(other.status).toBe(400);
    expect(ErrorBody.parse(other.body).error.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(await api.lastSeq()).toBe(seq);
  });

  it('lets a client subscribed before the restart catch up with afterSeq', async () => {
    const first = await startTestServer();
    const plant = await buildApiPlant(new Api(first.url));
    const socket = await connectClient(first.url, 'wall-tv');
    const ack = await subscribe(socket);
    if (!ack.ok || !('snapshot' in ack)) throw new Error('expected a snapshot');
    const seen = ack.snapshot.seq;

    const second = await restartServer(first);
    const api = new Api(second.url);
    const moved = await api.consumeLoop(plant.blank.loop.id);
    const again = await connectClient(second.url, 'wall-tv');
    const replay = await subscribe(again, seen);
    if (!replay.ok || !('events' in replay)) throw new Error('expected events');
    expect(replay.events.map((e) => e.seq)).toEqual([seen + 1]);
    expect(replay.events[0]).toMatchObject({ seq: moved.seq, cardId: moved.card.id });
  });
});

describe('durability before close', () => {
  it('a second app opening the file while the first still runs sees every committed command', async () => {
    const first = await startTestServer();
    const api = new Api(first.url);
    const plant = await buildApiPlant(api);
    await api.consumeLoop(plant.blank.loop.id);
    const signal = await api.consumeLoop(plant.shaft.loop.id);
    await api.move(signal.card.id, IN_PROGRESS);
    const before = await everything(first);

    // As after a crash: the first app is never closed before the file is read again.
    const reader = await startTestServer({ dbFile: first.dbFile });
    expect(await everything(reader)).toEqual(before);
  });
});
