// Limits and strict input through the real server: over HTTP and the socket, a request
// over a limit or with bad text gets its code (the limit in details) and changes nothing;
// a refused command's idempotency record stays small however large the request was.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Column, ErrorCode, StationKind } from '../shared/names.ts';
import { Api, ErrorBody, buildApiPlant, connectClient, sendCommand, startTestServer, stopAllServers } from './testing/harness.ts';
import type { TestServer } from './testing/harness.ts';

afterEach(() => stopAllServers());

/** Everything a client can read, to show a refusal changed nothing. */
function errorOf(body: unknown) {
  return ErrorBody.parse(body).error;
}

describe('plant limits over HTTP and the socket', () => {
  it('accepts stations, loops and cards up to the configured limits and refuses one more with LIMIT_REACHED (409)', async () => {
    const server = await startTestServer({ limits: { stations: 3, loops: 2, cards: 6 } });
    const api = new Api(server.url);
    const steel = await api.station('Steel', { kind: StationKind.SUPPLIER });
    const press = await api.station('Press');
    const ship = await api.station('Ship', { kind: StationKind.CUSTOMER });

    let before = await api.everything();
    const r = await api.request('POST', '/api/stations', { json: { name: 'Paint' } });
    expect(r.status).toBe(409);
    expect(errorOf(r.body)).toMatchObject({ code: ErrorCode.LIMIT_REACHED, details: { what: 'stations', limit: 3, count: 3 } });
    expect(await api.everything()).toEqual(before);

    await api.loop('P-1', steel, press, 4); // 4 cards
    before = await api.everything();
    const tooMany = await api.request('POST', '/api/loops', {
      json: { partNumber: 'P-2', supplierStationId: press.id, consumerStationId: ship.id, cardCount: 3, containerQty: 1, leadTimeMinutes: 60 },
    });
    expect(tooMany.status).toBe(409);
    expect(errorOf(tooMany.body)).toMatchObject({ code: ErrorCode.LIMIT_REACHED, details: { what: 'cards', limit: 6, count: 4, adding: 3 } });
    expect(await api.everything()).toEqual(before);
    const second = await api.loop('P-2', press, ship, 2); // exactly 6 cards

    // The socket gets the same refusal for a third loop.
    const socket = await connectClient(server.url);
    before = await api.everything();
    const ack = await sendCommand(socket, 'loop.create', {
      partNumber: 'P-3', supplierStationId: steel.id, consumerStationId: ship.id, cardCount: 1, containerQty: 1, leadTimeMinutes: 60,
    });
    expect(ack).toMatchObject({ ok: false, error: { code: ErrorCode.LIMIT_REACHED, details: { what: 'loops', limit: 2, count: 2 } } });
    const grow = await sendCommand(socket, 'loop.update', { loopId: second.loop.id, cardCount: 3 });
    expect(grow).toMatchObject({ ok: false, error: { code: ErrorCode.LIMIT_REACHED, details: { what: 'cards', limit: 6 } } });
    expect(await api.everything()).toEqual(before);
  });
});

describe('strict text and numbers', () => {
  async function refusedWithNoChange(server: TestServer, method: string, path: string, json: unknown): Promise<string> {
    const api = new Api(server.url);
    const before = await api.everything();
    const r = await api.request(method, path, { json });
    expect(r.status).toBe(400);
    const e = errorOf(r.body);
    expect(e.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(await api.everything()).toEqual(before);
    return e.message;
  }

  it('refuses broken, invisible and direction-overriding names, and keeps the log and the tables in agreement', async () => {
    const server = await startTestServer();
    for (const name of ['Weld\uD800', '\u200B\u200B\u200B', 'A\u0000B', 'Evil\u202Egnp.exe', '\u0301']) {
      await refusedWithNoChange(server, 'POST', '/api/stations', { name });
    }
    // An accepted name is stored NFC, once, the same in the board and in the log.
    const api = new Api(server.url);
    const st = await api.station('Cafe\u0301');
    expect(st.name).toBe('Caf\u00e9');
    const log = await api.events(0);
    expect(log.events.at(-1)).toMatchObject({ station: { name: 'Caf\u00e9' } });
  });

  it('refuses a lead time under a minute and a station placed after the customer end', async () => {
    const server = await startTestServer();
    const api = new Api(server.url);
    const plant = await buildApiPlant(api);
    const ship = await api.station('Ship', { kind: StationKind.CUSTOMER });
    await refusedWithNoChange(server, 'PATCH', `/api/loops/${plant.blank.loop.id}`, { leadTimeMinutes: 5e-324 });
    const message = await refusedWithNoChange(server, 'PATCH', `/api/stations/${plant.machining.id}`, { position: 99 });
    expect(message).toContain(`cannot stand after ${ship.name}`);
    await refusedWithNoChange(server, 'PATCH', `/api/stations/${ship.id}`, { position: 0 });
  });
});

describe('refusals stay small', () => {
  it('echoes a short prefix of an unknown id, and stores a refusal with an Idempotency-Key in a bounded record', async () => {
    const server = await startTestServer();
    const api = new Api(server.url);
    const plant = await buildApiPlant(api);
    const card = plant.blank.cards[0]!;
    const huge = 'x'.repeat(900_000);
    for (let i = 0; i < 5; i++) {
      const r = await api.request('POST', `/api/cards/${card.id}/move`, {
        json: { to: Column.DONE, beforeCardId: huge },
        headers: { 'Idempotency-Key': `huge-${i}` },
      });
      expect(r.status).toBe(404);
      expect(r.text.length).toBeLessThan(500);
    }
    const db = new Database(server.dbFile, { readonly: true });
    const rows = db.prepare("SELECT length(body) AS n FROM idempotency WHERE key LIKE '%huge-%'").all() as { n: number }[];
    db.close();
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(row.n).toBeLessThan(2_000);
  });
});
