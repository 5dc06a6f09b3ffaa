// Hostile and broken input against the real server, for every route of api.md and every
// socket command: each is refused with the documented code and error shape, never a 5xx or
// a stack trace, and leaves the board and the event log exactly as they were.
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Column, ErrorCode, Limits } from '../shared/names.ts';
import { COMMAND_TYPES, COMMANDS } from '../shared/commands.ts';
import {
  Api,
  buildApiPlant,
  collectEvents,
  connectClient,
  emitWithoutAck,
  ErrorBody,
  sendRaw,
  startTestServer,
  stopAllServers,
  subscribe,
} from './testing/harness.ts';
import type { Client, EventCollector, ApiPlant, Reply, TestServer } from './testing/harness.ts';

let server: TestServer;
let api: Api;
let plant: ApiPlant;
let socket: Client;
let heard: EventCollector;
let boardBefore: string;
let seqBefore: number;

beforeAll(async () => {
  server = await startTestServer();
  api = new Api(server.url);
  plant = await buildApiPlant(api);
  socket = await connectClient(server.url, 'fuzzer');
  heard = collectEvents(socket);
  expect((await subscribe(socket)).ok).toBe(true);
  boardBefore = await api.boardText();
  seqBefore = await api.lastSeq();
});
afterAll(() => stopAllServers());

// Every refusal must leave the board byte-identical, the log as long, nothing broadcast,
// and nothing logged as an unexpected server error.
afterEach(async () => {
  expect(await api.boardText()).toBe(boardBefore);
  expect(await api.lastSeq()).toBe(seqBefore);
  expect(heard.events).toEqual([]);
  // Taken, not just read: a logged 500 fails the test that caused it and no other.
  expect(server.problems.splice(0)).toEqual([]);
});

/** Signs of a leaked stack trace or source path. */
const STACK = /\bat [\w.<>$]+ \(|\bat (?:file:\/\/)?\/|node_modules|\/work\/|\.[cm]?[jt]s:\d+|\bError: /;

/** The reply is the documented refusal: status, JSON content type, exact error shape, no stack. */
function expectRefusal(r: Reply, status: number, code: ErrorCode) {
  expect(r.status, r.text.slice(0, 300)).toBe(status);
  expect(r.contentType).toMatch(/^application\/json/);
  const body = ErrorBody.parse(r.body);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(r.text).not.toMatch(STACK);
  return body.error;
}

// ---------------------------------------------------------------- the routes

interface BodyRoute {
  name: string;
  method: 'POST' | 'PATCH';
  /** The path with a real id where the route has one. */
  path: () => string;
  /** The path with the given id in place of the real one (routes with an :id). */
  pathWith?: (id: string) => string;
  /** A body the route accepts (used to build near-misses; never sent as is). */
  valid: () => Record<string, unknown>;
}

const routes: BodyRoute[] = [
  {
    name: 'POST /api/stations',
    method: 'POST',
    path: () => '/api/stations',
    valid: () => ({ name: 'Deburr', kind: 'process', wipLimits: { inProgress: 2, done: null } }),
  },
  {
    name: 'PATCH /api/stations/:id',
    method: 'PATCH',
    path: () => `/api/stations/${plant.machining.id}`,
    pathWith: (id) => `/api/stations/${id}`,
    valid: () => ({ name: 'Machining 2', wipLimits: { inProgress: 3 } }),
  },
  {
    name: 'POST /api/loops',
    method: 'POST',
    path: () => '/api/loops',
    valid: () => ({
      partNumber: 'NEW-1',
      supplierStationId: plant.steel.id,
      consumerStationId: plant.assembly.id,
      cardCount: 2,
      containerQty: 5,
      leadTimeMinutes: 30,
    }),
  },
  {
    name: 'PATCH /api/loops/:id',
    method: 'PATCH',
    path: () => `/api/loops/${plant.blank.loop.id}`,
    pathWith: (id) => `/api/loops/${id}`,
    valid: () => ({ cardCount: 3, leadTimeMinutes: 45 }),
  },
  {
    name: 'POST /api/cards/:id/move',
    method: 'POST',
    path: () => `/api/cards/${plant.housing.cards[0]!.id}/move`,
    pathWith: (id) => `/api/cards/${id}/move`,
    valid: () => ({ to: Column.DONE }),
  },
  {
    name: 'POST /api/cards/:id/consume',
    method: 'POST',
    path: () => `/api/cards/${plant.housing.cards[0]!.id}/consume`,
    pathWith: (id) => `/api/cards/${id}/consume`,
    valid: () => ({ expectedVersion: 1 }),
  },
  {
    name: 'POST /api/loops/:id/consume',
    method: 'POST',
    path: () => `/api/loops/${plant.housing.loop.id}/consume`,
    pathWith: (id) => `/api/loops/${id}/consume`,
    valid: () => ({}),
  },
];

const JSON_TYPE = { 'content-type': 'application/json' };
/** The body with a literal "__proto__" key, which JSON.stringify cannot write. */
function withProtoKey(body: Record<string, unknown>): string {
  const inner = JSON.stringify(body).slice(1, -1);
  return `{"__proto__":{"admin":true}${inner ? `,${inner}` : ''}}`;
}
const nested = (depth: number) => `{"a":${'['.repeat(depth)}1${']'.repeat(depth)}}`;

/** Broken bodies every command route refuses with 400 VALIDATION_FAILED. */
const brokenBodies: Array<[string, (route: BodyRoute) => { raw: string | Uint8Array; headers: Record<string, string> }]> = [
  ['malformed JSON (unclosed object)', () => ({ raw: '{"name": "x"', headers: JSON_TYPE })],
  ['malformed JSON (stray comma)', () => ({ raw: '{,}', headers: JSON_TYPE })],
  ['malformed JSON (single quotes)', () => ({ raw: "{'to': 'done'}", headers: JSON_TYPE })],
  ['malformed JSON (trailing garbage)', (r) => ({ raw: `${JSON.stringify(r.valid())}xyz`, headers: JSON_TYPE })],
  ['JSON null', () => ({ raw: 'null', headers: JSON_TYPE })],
  ['a JSON array', () => ({ raw: '[]', headers: JSON_TYPE })],
  ['a JSON string', () => ({ raw: '"done"', headers: JSON_TYPE })],
  ['a JSON number', () => ({ raw: '42', headers: JSON_TYPE })],
  ['JSON true', () => ({ raw: 'true', headers: JSON_TYPE })],
  ['an extra unknown field', (r) => ({ raw: JSON.stringify({ ...r.valid(), bogus: 1 }), headers: JSON_TYPE })],
  ['a "__proto__" field', (r) => ({ raw: withProtoKey(r.valid()), headers: JSON_TYPE })],
  ['a "constructor" field', (r) => ({ raw: JSON.stringify({ ...r.valid(), constructor: { prototype: 1 } }), headers: JSON_TYPE })],
  ['valid JSON sent as text/plain', (r) => ({ raw: JSON.stringify(r.valid()), headers: { 'content-type': 'text/plain' } })],
  ['valid JSON sent as form data', (r) => ({ raw: JSON.stringify(r.valid()), headers: { 'content-type': 'application/x-www-form-urlencoded' } })],
  ['JSON nested 40 deep', () => ({ raw: nested(40), headers: JSON_TYPE })],
  ['JSON nested 100 000 deep', () => ({ raw: nested(100_000), headers: JSON_TYPE })],
  ['a charset other than UTF (koi8-r)', (r) => ({ raw: JSON.stringify(r.valid()), headers: { 'content-type': 'application/json; charset=koi8-r' } })],
  ['an unsupported Content-Encoding', (r) => ({ raw: JSON.stringify(r.valid()), headers: { ...JSON_TYPE, 'content-encoding': 'x-bogus' } })],
  ['a corrupt gzip body', () => ({ raw: 'definitely not gzip', headers: { ...JSON_TYPE, 'content-encoding': 'gzip' } })],
  ['a corrupt deflate body', () => ({ raw: 'definitely not deflate', headers: { ...JSON_TYPE, 'content-encoding': 'deflate' } })],
  ['a gzip body of broken JSON', () => ({ raw: gzipSync('{"to":'), headers: { ...JSON_TYPE, 'content-encoding': 'gzip' } })],
];

/** Wrong types, missing fields, unknown enum values and over-long names, per route. */
const wrongFields: Record<string, Array<[string, () => unknown]>> = {
  'POST /api/stations': [
    ['no fields at all', () => ({})],
    ['a numeric name', () => ({ name: 5 })],
    ['a null name', () => ({ name: null })],
    ['an empty name', () => ({ name: '' })],
    ['a blank name', () => ({ name: '   ' })],
    ['a name over the limit', () => ({ name: 'x'.repeat(Limits.NAME + 1) })],
    ['a name of 100 000 characters', () => ({ name: 'x'.repeat(100_000) })],
    ['an unknown kind', () => ({ name: 'A', kind: 'factory' })],
    ['a kind in capitals', () => ({ name: 'A', kind: 'PROCESS' })],
    ['a negative WIP limit', () => ({ name: 'A', wipLimits: { inProgress: -1 } })],
    ['a fractional WIP limit', () => ({ name: 'A', wipLimits: { inProgress: 1.5 } })],
    ['a WIP limit as a string', () => ({ name: 'A', wipLimits: { done: '3' } })],
    ['a WIP limit over the maximum', () => ({ name: 'A', wipLimits: { done: Limits.MAX_WIP_LIMIT + 1 } })],
    ['an unknown WIP column', () => ({ name: 'A', wipLimits: { requested: 3 } })],
    ['wipLimits as a number', () => ({ name: 'A', wipLimits: 5 })],
    ['a soft limit that is not a boolean', () => ({ name: 'A', softLimits: { done: 'yes' } })],
  ],
  'PATCH /api/stations/:id': [
    ['an empty name', () => ({ name: '' })],
    ['a name over the limit', () => ({ name: 'x'.repeat(Limits.NAME + 1) })],
    ['a numeric name', () => ({ name: 7 })],
    ['a negative position', () => ({ position: -1 })],
    ['a fractional position', () => ({ position: 1.5 })],
    ['a position as a string', () => ({ position: '2' })],
    ['a kind (not changeable)', () => ({ kind: 'supplier' })],
    ['an id in the body', () => ({ id: 'st_other' })],
    ['a negative WIP limit', () => ({ wipLimits: { done: -2 } })],
    ['wipLimits as an array', () => ({ wipLimits: [1, 2] })],
  ],
  'POST /api/loops': [
    ['no fields at all', () => ({})],
    ['no part number', () => ({ ...loopBody(), partNumber: undefined })],
    ['an empty part number', () => ({ ...loopBody(), partNumber: '' })],
    ['a part number over the limit', () => ({ ...loopBody(), partNumber: 'P'.repeat(Limits.PART_NUMBER + 1) })],
    ['a part name over the limit', () => ({ ...loopBody(), partName: 'n'.repeat(Limits.PART_NAME + 1) })],
    ['a numeric part number', () => ({ ...loopBody(), partNumber: 12345 })],
    ['no supplier', () => ({ ...loopBody(), supplierStationId: undefined })],
    ['a numeric supplier id', () => ({ ...loopBody(), supplierStationId: 5 })],
    ['zero cards', () => ({ ...loopBody(), cardCount: 0 })],
    ['a negative card count', () => ({ ...loopBody(), cardCount: -1 })],
    ['a fractional card count', () => ({ ...loopBody(), cardCount: 1.5 })],
    ['a card count as a string', () => ({ ...loopBody(), cardCount: '3' })],
    ['more cards than a loop may have', () => ({ ...loopBody(), cardCount: Limits.MAX_CARDS_PER_LOOP + 1 })],
    ['a container quantity of zero', () => ({ ...loopBody(), containerQty: 0 })],
    ['a zero lead time', () => ({ ...loopBody(), leadTimeMinutes: 0 })],
    ['a negative lead time', () => ({ ...loopBody(), leadTimeMinutes: -5 })],
    ['an absurd lead time', () => ({ ...loopBody(), leadTimeMinutes: 1e300 })],
    ['input loops as a string', () => ({ ...loopBody(), inputLoopIds: 'lp_1' })],
    ['input loops of numbers', () => ({ ...loopBody(), inputLoopIds: [1, 2] })],
    ['too many input loops', () => ({ ...loopBody(), inputLoopIds: Array.from({ length: 33 }, (_, i) => `lp_${i}`) })],
    ['an input loop listed twice', () => ({ ...loopBody(), supplierStationId: plant.machining.id, inputLoopIds: [plant.blank.loop.id, plant.blank.loop.id] })],
    ['the same station at both ends', () => ({ ...loopBody(), consumerStationId: plant.steel.id })],
  ],
  'PATCH /api/loops/:id': [
    ['zero cards', () => ({ cardCount: 0 })],
    ['more cards than a loop may have', () => ({ cardCount: Limits.MAX_CARDS_PER_LOOP + 1 })],
    ['a card count as a string', () => ({ cardCount: '3' })],
    ['a negative lead time', () => ({ leadTimeMinutes: -1 })],
    ['a lead time as a string', () => ({ leadTimeMinutes: '60' })],
    ['a part number (not changeable)', () => ({ partNumber: 'OTHER' })],
    ['a supplier (not changeable)', () => ({ supplierStationId: plant.assembly.id })],
    ['input loops of numbers', () => ({ inputLoopIds: [123] })],
    ['a part name over the limit', () => ({ partName: 'n'.repeat(Limits.PART_NAME + 1) })],
    ['itself as its own input', () => ({ inputLoopIds: [plant.blank.loop.id] })],
  ],
  'POST /api/cards/:id/move': [
    ['no target column', () => ({})],
    ['an unknown column', () => ({ to: 'shipped' })],
    ['a column in capitals', () => ({ to: 'DONE' })],
    ['a column label instead of its name', () => ({ to: 'In Progress' })],
    ['a numeric column', () => ({ to: 2 })],
    ['a null column', () => ({ to: null })],
    ['expectedVersion 0', () => ({ to: Column.DONE, expectedVersion: 0 })],
    ['a fractional expectedVersion', () => ({ to: Column.DONE, expectedVersion: 1.5 })],
    ['expectedVersion as a string', () => ({ to: Column.DONE, expectedVersion: '1' })],
    ['a numeric beforeCardId', () => ({ to: Column.DONE, beforeCardId: 5 })],
    ['a card placed before itself', () => ({ to: Column.DONE, beforeCardId: plant.housing.cards[0]!.id })],
  ],
  'POST /api/cards/:id/consume': [
    ['expectedVersion 0', () => ({ expectedVersion: 0 })],
    ['expectedVersion as a string', () => ({ expectedVersion: 'one' })],
    ['a negative expectedVersion', () => ({ expectedVersion: -4 })],
    ['an unknown field', () => ({ quantity: 4 })],
  ],
  'POST /api/loops/:id/consume': [
    ['a loop id in the body', () => ({ loopId: plant.blank.loop.id })],
    ['a quantity', () => ({ quantity: 1 })],
  ],
};

function loopBody() {
  return routes.find((r) => r.name === 'POST /api/loops')!.valid();
}

/** Ids that match nothing, in every form a path can carry them. */
const unknownIds: Array<[string, string]> = [
  ['a well-formed id of nothing', 'cd_doesNotExist1'],
  ['one character', 'x'],
  ['an id over the length limit', 'x'.repeat(Limits.ID + 1)],
  ['an id of 5000 characters', 'y'.repeat(5000)],
  ['an encoded NUL', '%00'],
  ['an emoji', '%F0%9F%92%A9'],
  ['an encoded path traversal', '..%2F..%2Fetc%2Fpasswd'],
  ['an SQL fragment', encodeURIComponent("'; DROP TABLE cards; --")],
  ['a lone percent sign', '%'],
  ['invalid percent-encoding', '%ZZ'],
  ['a truncated UTF-8 sequence', '%E0%A4%A'],
  ['an encoded space', '%20'],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['toString', 'toString'],
  ['hasOwnProperty', 'hasOwnProperty'],
];

describe.each(routes)('$name', (route) => {
  it.each(brokenBodies)('refuses %s with 400 VALIDATION_FAILED', async (_what, make) => {
    const { raw, headers } = make(route);
    const r = await api.request(route.method, route.path(), { raw, headers });
    expectRefusal(r, 400, ErrorCode.VALIDATION_FAILED);
  });

  it.each(wrongFields[route.name]!)('refuses %s with 400 VALIDATION_FAILED', async (_what, body) => {
    const r = await api.request(route.method, route.path(), { json: body() });
    expectRefusal(r, 400, ErrorCode.VALIDATION_FAILED);
  });

  it('refuses a body over 1 MiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const raw = JSON.stringify({ ...route.valid(), padding: 'p'.repeat(Limits.BODY_BYTES) });
    const r = await api.request(route.method, route.path(), { raw, headers: JSON_TYPE });
    expectRefusal(r, 413, ErrorCode.PAYLOAD_TOO_LARGE);
  });

  it('refuses an Idempotency-Key over 128 characters with 400 VALIDATION_FAILED, running nothing', async () => {
    // The body is valid: had the key been accepted, the command would have changed the board.
    const r = await api.request(route.method, route.path(), {
      json: route.valid(),
      headers: { 'Idempotency-Key': 'k'.repeat(129) },
    });
    expectRefusal(r, 400, ErrorCode.VALIDATION_FAILED);
  });

  if (route.pathWith) {
    const pathWith = route.pathWith;
    it.each(unknownIds)('answers 404 NOT_FOUND for %s in the path', async (_what, id) => {
      const r = await api.request(route.method, pathWith(id), { json: route.valid() });
      expectRefusal(r, 404, ErrorCode.NOT_FOUND);
    });

    it('answers 404 NOT_FOUND for the id of another kind of thing', async () => {
      const other = route.name.includes('/cards/') ? plant.blank.loop.id : plant.housing.cards[0]!.id;
      const r = await api.request(route.method, pathWith(other), { json: route.valid() });
      expectRefusal(r, 404, ErrorCode.NOT_FOUND);
    });
  }
});

describe('unknown ids inside a body', () => {
  it.each([
    ['an unknown supplier station', () => ({ ...loopBody(), supplierStationId: 'st_nope' })],
    ['an unknown consumer station', () => ({ ...loopBody(), consumerStationId: 'st_nope' })],
    ['an unknown input loop', () => ({ ...loopBody(), supplierStationId: plant.machining.id, inputLoopIds: ['lp_nope'] })],
    ['"constructor" as the supplier', () => ({ ...loopBody(), supplierStationId: 'constructor' })],
    ['"__proto__" as an input loop', () => ({ ...loopBody(), supplierStationId: plant.machining.id, inputLoopIds: ['__proto__'] })],
    // api.md: an id that matches nothing, whatever its form, is NOT_FOUND.
    ['an empty consumer id', () => ({ ...loopBody(), consumerStationId: '' })],
    ['a 300-character supplier id', () => ({ ...loopBody(), supplierStationId: 'x'.repeat(300) })],
  ])('POST /api/loops with %s is 404 NOT_FOUND', async (_what, body) => {
    expectRefusal(await api.request('POST', '/api/loops', { json: body() }), 404, ErrorCode.NOT_FOUND);
  });

  it.each([['cd_nope'], ['toString'], [''], ['y'.repeat(300)]])('POST /api/cards/:id/move before the unknown card %j is 404 NOT_FOUND', async (before) => {
    const card = plant.housing.cards[0]!;
    const r = await api.request('POST', `/api/cards/${card.id}/move`, { json: { to: Column.DONE, beforeCardId: before } });
    expectRefusal(r, 404, ErrorCode.NOT_FOUND);
  });

  it('PATCH /api/loops/:id with an unknown input loop is 404 NOT_FOUND', async () => {
    const r = await api.request('PATCH', `/api/loops/${plant.shaft.loop.id}`, { json: { inputLoopIds: ['lp_nope'] } });
    expectRefusal(r, 404, ErrorCode.NOT_FOUND);
  });
});

describe('GET /api/events', () => {
  it.each([
    'after=abc',
    'after=-1',
    'after=1.5',
    'after=1e400',
    'after=1&after=2',
    'limit=0',
    'limit=-3',
    'limit=abc',
    'limit=2.5',
    'limit=Infinity',
    'after=%ZZ',
  ])('refuses ?%s with 400 VALIDATION_FAILED', async (query) => {
    expectRefusal(await api.request('GET', `/api/events?${query}`), 400, ErrorCode.VALIDATION_FAILED);
  });

  it('answers a well-formed query with 200 (the control case)', async () => {
    const r = await api.request('GET', '/api/events?after=0&limit=2');
    expect(r.status).toBe(200);
    expect((r.body as { events: unknown[] }).events).toHaveLength(2);
  });
});

describe('requests outside the interface', () => {
  it.each([
    ['GET', '/api/nope'],
    ['DELETE', `/api/stations/x`],
    ['PUT', '/api/board'],
    ['GET', '/api/%E0'],
    ['POST', '/api/health'],
  ])('%s %s is 404 NOT_FOUND as JSON', async (method, path) => {
    expectRefusal(await api.request(method, path), 404, ErrorCode.NOT_FOUND);
  });

  it('refuses a command without a credential with 401 UNAUTHENTICATED, running nothing', async () => {
    const r = await api.request('POST', `/api/loops/${plant.housing.loop.id}/consume`, { anonymous: true });
    expectRefusal(r, 401, ErrorCode.UNAUTHENTICATED);
  });

  it('refuses a command with an unknown bearer token with 401 UNAUTHENTICATED, running nothing', async () => {
    const r = await api.request('POST', `/api/loops/${plant.housing.loop.id}/consume`, {
      headers: { authorization: 'Bearer pbs_not-a-real-session' },
    });
    expectRefusal(r, 401, ErrorCode.UNAUTHENTICATED);
  });
});

// ---------------------------------------------------------------- socket commands

const commandNames = COMMAND_TYPES.map((t) => COMMANDS[t].event);

/** An ack of the documented failure shape, with one of the expected codes. */
function expectFailedAck(ack: unknown, codes: ErrorCode[] = [ErrorCode.VALIDATION_FAILED]) {
  const a = ack as { ok?: unknown; error?: unknown };
  expect(a.ok).toBe(false);
  const { error } = ErrorBody.parse({ error: a.error });
  expect(codes).toContain(error.code);
  expect(JSON.stringify(ack)).not.toMatch(STACK);
}

describe('socket commands with garbage payloads', () => {
  const garbage: Array<[string, unknown]> = [
    ['null', null],
    ['a number', 42],
    ['a string', 'card:move'],
    ['an array', [1, 2, 3]],
    ['an empty object', {}],
    ['a boolean', true],
    ['an object of wrong types', { cardId: 5, loopId: [], stationId: {}, name: 9, to: 'nowhere', partNumber: false }],
    ['an unknown field besides valid ids', { cardId: 'cd_x', loopId: 'lp_x', stationId: 'st_x', bogus: 1 }],
    ['a numeric idempotencyKey', { idempotencyKey: 12 }],
    ['an over-long idempotencyKey', { idempotencyKey: 'k'.repeat(129) }],
    ['a deeply nested object', JSON.parse(nested(200))],
  ];

  describe.each(commandNames)("'%s'", (event) => {
    it.each(garbage)('acks %s with ok:false VALIDATION_FAILED', async (_what, payload) => {
      expectFailedAck(await sendRaw(socket, event, payload));
    });

    it('acks a call with no payload at all with ok:false VALIDATION_FAILED', async () => {
      const ack = await sendRaw(socket, event, undefined);
      expectFailedAck(ack);
    });

    it('survives a call without an ack callback and keeps answering', async () => {
      emitWithoutAck(socket, event, { nonsense: true });
      emitWithoutAck(socket, event);
      emitWithoutAck(socket, event, null, 'extra', 3);
      expect(await subscribe(socket, seqBefore)).toMatchObject({ ok: true, events: [] });
    });
  });

  it.each([
    ['card:move', { cardId: 'cd_nope', to: Column.DONE }],
    ['card:move', { cardId: '__proto__', to: Column.DONE }],
    ['card:consume', { cardId: 'constructor' }],
    ['loop:consume', { loopId: 'lp_nope' }],
    ['loop:update', { loopId: 'toString', cardCount: 2 }],
    ['station:update', { stationId: 'valueOf', name: 'x' }],
    ['loop:create', { partNumber: 'P', supplierStationId: 'st_nope', consumerStationId: 'st_nope2', cardCount: 1, containerQty: 1, leadTimeMinutes: 1 }],
  ] as const)("'%s' with an unknown id %j acks ok:false NOT_FOUND", async (event, payload) => {
    expectFailedAck(await sendRaw(socket, event, payload), [ErrorCode.NOT_FOUND]);
  });

  it.each([
    ['card:move', { cardId: 'x'.repeat(Limits.ID + 1), to: Column.DONE }],
    ['card:move', { cardId: '', to: Column.DONE }],
  ] as const)("'%s' with a malformed id acks ok:false (VALIDATION_FAILED or NOT_FOUND)", async (event, payload) => {
    expectFailedAck(await sendRaw(socket, event, payload), [ErrorCode.VALIDATION_FAILED, ErrorCode.NOT_FOUND]);
  });

  it('ignores an unknown socket event and keeps answering', async () => {
    emitWithoutAck(socket, 'card:delete', { cardId: plant.housing.cards[0]!.id });
    emitWithoutAck(socket, 'board:events', [{ seq: 999, type: 'card.moved' }]);
    expect(await subscribe(socket, seqBefore)).toMatchObject({ ok: true, events: [] });
  });
});

describe("'board:subscribe' with garbage payloads", () => {
  it.each([
    ['a negative afterSeq', { afterSeq: -1 }],
    ['a fractional afterSeq', { afterSeq: 1.5 }],
    ['afterSeq as a string', { afterSeq: '3' }],
    ['an unknown field', { afterSeq: 1, all: true }],
    ['a number', 7],
    ['a string', 'all'],
    ['an array', [1]],
  ])('acks %s with ok:false VALIDATION_FAILED', async (_what, payload) => {
    expectFailedAck(await sendRaw(socket, 'board:subscribe', payload));
  });

  it('treats a null payload as a plain subscribe and answers a snapshot', async () => {
    const ack = (await sendRaw(socket, 'board:subscribe', null)) as { ok: boolean; snapshot?: { seq: number } };
    expect(ack.ok).toBe(true);
    expect(ack.snapshot?.seq).toBe(seqBefore);
  });

  it('keeps the server alive after a subscribe without an ack callback', async () => {
    emitWithoutAck(socket, 'board:subscribe', { afterSeq: 0 });
    emitWithoutAck(socket, 'board:subscribe');
    const fresh = await connectClient(server.url, 'after-garbage');
    expect(await subscribe(fresh, seqBefore)).toMatchObject({ ok: true, events: [] });
    const health = await api.request('GET', '/api/health');
    expect(health.status).toBe(200);
  });
});
