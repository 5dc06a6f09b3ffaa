// Fuzzing the public edges with fast-check: thousands of random, malformed and
// near-valid payloads to every HTTP route and socket event. No answer is a 5xx, no
// answer leaks a stack trace, the server stays up, and every refused request leaves
// the board exactly as it was (same seq, same snapshot; the database matches the
// served board at the end). Localhost only; run counts are fixed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotOf } from '../shared/board.ts';
import { COLUMNS, ErrorCode, SocketEvent } from '../shared/names.ts';
import { createApp } from './app.ts';
import type { App } from './app.ts';
import { silentLogger } from './logger.ts';
import { authHeader, signIn, TEST_ADMIN_PASSWORD, tokenFor } from './testing/harness.ts';

let app: App;
let url: string;
let dir: string;
let ids: { cards: string[]; loops: string[]; stations: string[] };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pullboard-fuzz-'));
  app = createApp({ dbFile: path.join(dir, 'b.db'), seed: 'demo', staticDir: null, logger: silentLogger, adminPassword: TEST_ADMIN_PASSWORD });
  url = `http://127.0.0.1:${(await app.listen(0, '127.0.0.1')).port}`;
  await signIn(url);
  const b = app.service.board;
  ids = { cards: Object.keys(b.cards), loops: Object.keys(b.loops), stations: Object.keys(b.stations) };
});
afterAll(async () => {
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const CODES = new Set<string>(Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL));

// ---------------------------------------------------------------- generators

const anyId = () =>
  fc.oneof(
    fc.constantFrom(...ids.cards, ...ids.loops, ...ids.stations),
    fc.string({ maxLength: 80 }),
    fc.constantFrom('', '%00', '..', '../../etc/passwd', 'x'.repeat(300), '💥', '__proto__', 'constructor'),
  );
const anyValue = () =>
  fc.oneof(
    fc.anything({ maxDepth: 3 }),
    fc.string({ maxLength: 200 }),
    fc.integer(),
    fc.double(),
    fc.constantFrom(null, true, -1, 0, 1e308, '', 'done', 'requested', 'in_progress', 'customer'),
  );
/** Objects with the right field names but random values, some fields missing, some extra. */
const nearValid = (fields: string[]) =>
  fc
    .tuple(
      fc.record(Object.fromEntries(fields.map((f) => [f, anyValue()])), { requiredKeys: [] }),
      fc.option(fc.dictionary(fc.string({ maxLength: 10 }), anyValue(), { maxKeys: 2 }), { nil: undefined }),
    )
    .map(([o, extra]) => ({ ...(extra ?? {}), ...o }));
const moveBody = () =>
  fc.record(
    {
      to: fc.oneof(fc.constantFrom(...COLUMNS), anyValue()),
      beforeCardId: fc.oneof(fc.constantFrom(...ids.cards), anyValue()),
      expectedVersion: fc.oneof(fc.integer({ min: 0, max: 5 }), anyValue()),
    },
    { requiredKeys: [] },
  );

const body = () =>
  fc.oneof(
    { weight: 3, arbitrary: nearValid(['name', 'kind', 'wipLimits', 'softLimits', 'position']) },
    { weight: 3, arbitrary: nearValid(['partNumber', 'partName', 'supplierStationId', 'consumerStationId', 'cardCount', 'containerQty', 'leadTimeMinutes', 'inputLoopIds']) },
    { weight: 4, arbitrary: moveBody() },
    { weight: 2, arbitrary: fc.anything({ maxDepth: 4 }) },
  );

type Req = { method: string; route: string; raw: string | undefined; contentType: string | undefined };

const request = (): fc.Arbitrary<Req> =>
  fc
    .tuple(
      fc.constantFrom(
        ['POST', '/stations'],
        ['PATCH', '/stations/:id'],
        ['POST', '/loops'],
        ['PATCH', '/loops/:id'],
        ['POST', '/cards/:id/move'],
        ['POST', '/cards/:id/consume'],
        ['POST', '/loops/:id/consume'],
        ['GET', '/events'],
        ['GET', '/board'],
        ['DELETE', '/cards/:id'],
      ),
      anyId(),
      fc.oneof(
        { weight: 6, arbitrary: body().map((b) => JSON.stringify(b) ?? 'null') },
        { weight: 2, arbitrary: fc.string({ maxLength: 100 }) }, // mostly not JSON
        { weight: 1, arbitrary: fc.constantFrom('{', '{"to":', '[1,2', '{"name":"x"}}', '\u0000', '{"a":' + '['.repeat(200)) },
        { weight: 1, arbitrary: fc.integer({ min: 20, max: 200 }).map((d) => '['.repeat(d) + ']'.repeat(d)) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', undefined),
      fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
    )
    .map(([[method, route], id, raw, contentType, query]) => ({
      method: method!,
      route: route!.replace(':id', encodeURIComponent(id)) + (query === undefined ? '' : `?after=${encodeURIComponent(query)}&limit=${encodeURIComponent(query)}`),
      raw: method === 'GET' || method === 'DELETE' ? undefined : raw,
      contentType,
    }));

// ---------------------------------------------------------------- checks

function expectCleanError(status: number, text: string, contentType: string | null): void {
  expect(status).toBeLessThan(500);
  expect(contentType ?? '').toMatch(/application\/json/);
  expect(text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  if (status >= 400) {
    const parsed = JSON.parse(text) as { error: { code: string; message: string } };
    expect(CODES.has(parsed.error.code)).toBe(true);
    expect(typeof parsed.error.message).toBe('string');
  }
}

describe('fuzzing the HTTP API', () => {
  it('answers thousands of random requests without a 5xx, and refusals change nothing', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(request(), async (req) => {
        const before = JSON.stringify(app.service.snapshot());
        const res = await fetch(`${url}/api${req.route}`, {
          method: req.method,
          headers: { ...authHeader(url), ...(req.contentType ? { 'content-type': req.contentType } : {}) },
          body: req.raw,
        });
        const text = await res.text();
        expectCleanError(res.status, text, res.headers.get('content-type'));
        if (res.status >= 400) {
          refused++;
          expect(JSON.stringify(app.service.snapshot())).toBe(before);
        } else accepted++;
      }),
      { numRuns: 2500, seed: 20261122 },
    );
    expect(refused).toBeGreaterThan(1000);
    // The stored state equals the served state: nothing was half-applied.
    expect(snapshotOf(app.repo.loadState())).toEqual(app.service.snapshot());
    expect(accepted + refused).toBe(2500);
  });

  it('refuses a body over 1 MiB with 413 and stays up', async () => {
    const res = await fetch(`${url}/api/stations`, {
      method: 'POST',
      headers: { ...authHeader(url), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
  });
});

describe('fuzzing the socket events', () => {
  it('acknowledges random payloads on every event with ok or a documented error', async () => {
    const socket: Socket = connect(url, { transports: ['websocket'], forceNew: true, auth: { token: tokenFor(url) } });
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    const events = Object.values(SocketEvent).filter((e) => e !== SocketEvent.BOARD_EVENTS);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...events),
        fc.oneof(body(), fc.record({ cardId: anyId(), loopId: anyId(), stationId: anyId(), afterSeq: anyValue(), idempotencyKey: anyValue() }, { requiredKeys: [] }), fc.anything({ maxDepth: 3 })),
        async (event, payload) => {
          const before = JSON.stringify(app.service.snapshot());
          const ack = (await socket.timeout(5000).emitWithAck(event, payload)) as { ok: boolean; error?: { code: string } };
          if (ack.ok) return;
          expect(CODES.has(ack.error!.code)).toBe(true);
          expect(JSON.stringify(app.service.snapshot())).toBe(before);
        },
      ),
      { numRuns: 1500, seed: 7 },
    );
    // Events without an acknowledgement callback and non-object payloads do not crash it.
    socket.emit('card:move', 'garbage');
    socket.emit(SocketEvent.BOARD_SUBSCRIBE);
    const ack = (await socket.timeout(5000).emitWithAck(SocketEvent.BOARD_SUBSCRIBE, {})) as { ok: boolean };
    expect(ack.ok).toBe(true);
    socket.close();
  });

  it('drops a client that sends a payload over 1 MiB and keeps serving others', async () => {
    const socket: Socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: tokenFor(url) } });
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    const dropped = new Promise<string>((resolve) => socket.on('disconnect', (reason) => resolve(reason)));
    socket.emit('station:create', { name: 'x'.repeat(2 * 1024 * 1024) });
    expect(await dropped).toMatch(/close|disconnect/);
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
    expect(Object.values(app.service.board.stations).some((s) => s.name.startsWith('xxxx'))).toBe(false);
  });
});
