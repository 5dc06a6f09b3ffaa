// POST /api/scan and `card:scan` on the real server: every outcome, the refusals in
// words, bad bodies, that a refused scan changes nothing, and that codes are unique and
// stay the same through a restart.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatCode } from '../shared/cardCode.ts';
import { Column, ErrorCode, Role } from '../shared/names.ts';
import { CardSchema } from '../shared/schemas.ts';
import {
  Api,
  ErrorBody,
  apiToken,
  buildApiPlant,
  connectClient,
  restartServer,
  sendCommand,
  startTestServer,
  stopAllServers,
} from './testing/harness.ts';

afterEach(() => stopAllServers());

const ScanAnswer = z.strictObject({ action: z.enum(['consume', 'start', 'finish']), card: CardSchema, seq: z.number().int() });

async function scan(api: Api, body: unknown, headers: Record<string, string> = {}) {
  return api.request('POST', '/api/scan', { json: body, headers });
}

describe('POST /api/scan', () => {
  it('uses a full container at its consumer, starts a requested card and finishes it at its supplier', async () => {
    const server = await startTestServer();
    const api = new Api(server.url);
    const plant = await buildApiPlant(api);
    const card = plant.shaft.cards[0]!;

    const used = await scan(api, { code: formatCode(card.code).toLowerCase(), stationId: plant.assembly.id });
    expect(used.status).toBe(200);
    expect(ScanAnswer.parse(used.body)).toMatchObject({ action: 'consume', card: { id: card.id, column: Column.REQUESTED } });

    const started = ScanAnswer.parse((await scan(api, { code: card.code, stationId: plant.machining.id })).body);
    expect(started).toMatchObject({ action: 'start', card: { column: Column.IN_PROGRESS } });
    // The start used a blank, as the Start button does (the cascade).
    const blanks = (await api.board()).cards.filter((c) => c.loopId === plant.blank.loop.id);
    expect(blanks.filter((c) => c.column === Column.REQUESTED)).toHaveLength(1);

    const finished = ScanAnswer.parse((await scan(api, { code: card.code, stationId: plant.machining.id })).body);
    expect(finished).toMatchObject({ action: 'finish', card: { column: Column.DONE } });
    expect(finished.seq).toBe(await api.lastSeq());
  });

  it('refuses what fits no step with 409 and a reason, an unknown code with 404, a bad body with 400; none changes anything', async () => {
    const server = await startTestServer();
    const api = new Api(server.url);
    const plant = await buildApiPlant(api);
    const card = plant.shaft.cards[0]!;
    const before = await api.everything();

    const full = await scan(api, { code: card.code, stationId: plant.machining.id });
    expect(full.status).toBe(409);
    expect(ErrorBody.parse(full.body).error).toMatchObject({
      code: ErrorCode.INVALID_TRANSITION,
      message: expect.stringMatching(/^SHF-200 card 1 of 2 \(.{4}-.{4}\) is already full in Machining's Done: scan it at Assembly/),
    });
    const elsewhere = await scan(api, { code: card.code, stationId: plant.steel.id });
    expect(ErrorBody.parse(elsewhere.body).error.message).toMatch(/goes from Machining to Assembly: scan it there, not at Steel/);

    const unknown = await scan(api, { code: 'ZZZZ-ZZZZ', stationId: plant.assembly.id });
    expect(unknown.status).toBe(404);
    expect(ErrorBody.parse(unknown.body).error.code).toBe(ErrorCode.NOT_FOUND);
    const noStation = await scan(api, { code: card.code, stationId: 'st_nothing' });
    expect(noStation.status).toBe(404);

    for (const body of [{}, { code: card.code }, { stationId: plant.assembly.id }, { code: 7, stationId: plant.assembly.id }, { code: 'x'.repeat(65), stationId: plant.assembly.id }, { code: card.code, stationId: plant.assembly.id, extra: 1 }, [], 'text']) {
      const r = await scan(api, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(ErrorBody.parse(r.body).error.code).toBe(ErrorCode.VALIDATION_FAILED);
    }
    expect(await api.everything()).toEqual(before);
    expect(server.problems).toEqual([]);
  });

  it('acts as the scanner token that sent it, at its stations only, and replays with its Idempotency-Key', async () => {
    const server = await startTestServer();
    const api = new Api(server.url);
    const plant = await buildApiPlant(api);
    const card = plant.shaft.cards[0]!;
    const token = await apiToken(server.url, 'Assembly scanner', Role.OPERATOR, [plant.assembly.id]);
    const as = { authorization: `Bearer ${token}` };

    const forbidden = await api.request('POST', '/api/scan', { json: { code: card.code, stationId: plant.machining.id }, headers: as, anonymous: true });
    expect(forbidden.status).toBe(403);

    const headers = { ...as, 'Idempotency-Key': 'scan-1' };
    const first = await api.request('POST', '/api/scan', { json: { code: card.code, stationId: plant.assembly.id }, headers, anonymous: true });
    expect(first.status).toBe(200);
    const again = await api.request('POST', '/api/scan', { json: { code: card.code, stationId: plant.assembly.id }, headers, anonymous: true });
    expect(again.body).toEqual(first.body);
    const log = await api.events(0);
    const consumed = log.events.filter((e) => e.type === 'card.consumed');
    expect(consumed).toHaveLength(1);
    expect(consumed[0]!.actor).toMatchObject({ kind: 'token', name: 'Assembly scanner' });
  });
});

describe('card:scan over the socket', () => {
  it('answers as the HTTP route does', async () => {
    const server = await startTestServer();
    const api = new Api(server.url);
    const plant = await buildApiPlant(api);
    const socket = await connectClient(server.url);
    const card = plant.blank.cards[1]!;
    const ack = await sendCommand(socket, 'card.scan', { code: card.code, stationId: plant.machining.id });
    expect(ack).toMatchObject({ ok: true, action: 'consume', card: { id: card.id, column: Column.REQUESTED } });
    const refused = await sendCommand(socket, 'card.scan', { code: card.code, stationId: plant.machining.id });
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_TRANSITION } });
  });
});

describe('card codes on the board', () => {
  it('are on every card, unique in the plant, and the same after a restart', async () => {
    const first = await startTestServer();
    const api = new Api(first.url);
    await buildApiPlant(api);
    const before = (await api.board()).cards.map((c) => [c.id, c.code]);
    expect(new Set(before.map(([, code]) => code)).size).toBe(before.length);
    const second = await restartServer(first);
    const after = (await new Api(second.url).board()).cards.map((c) => [c.id, c.code]);
    expect(after).toEqual(before);
  });
});
