// The socket's bounds and the shared snapshot, on real servers with real Socket.IO clients
// over 127.0.0.1: connections per address (refused at the handshake), subscribes per
// socket and per address (RATE_LIMITED with retryAfterSeconds), the client's address
// through a trusted proxy only, one snapshot per seq for HTTP and every subscriber (and
// a new one after a commit), the encoder writing exactly what the stock one would, and
// the settings read from the environment.
import { io } from 'socket.io-client';
import { Encoder, PacketType } from 'socket.io-parser';
import type { Packet } from 'socket.io-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { Column, ErrorCode } from '../shared/names.ts';
import type { Ack, SubscribeAnswer } from '../shared/protocol.ts';
import {
  Api,
  WAIT_MS,
  buildApiPlant,
  connectClient,
  sendRaw,
  startTestServer,
  stopAllServers,
  subscribe,
  tokenFor,
} from './testing/harness.ts';
import type { Client } from './testing/harness.ts';
import { SharedAnswerEncoder, attachSharedFrame, sharedSnapshots, wsTextHeader } from './snapshots.ts';
import { DEFAULT_SOCKET_LIMITS, readSocketLimits } from './socketLimits.ts';

afterEach(() => stopAllServers());

/** Resolves once `check` holds, polling; fails after WAIT_MS (a wait, not a performance bound). */
async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + WAIT_MS;
  while (!check()) {
    if (Date.now() > end) throw new Error(`still not: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A socket.io-client of our own (headers, transport), resolved connected or with the refusal's data. */
function open(
  url: string,
  opts: { token?: string | undefined; headers?: Record<string, string>; transport?: 'websocket' | 'polling' } = {},
): Promise<{ socket: Client; refused: null } | { socket: Client; refused: unknown }> {
  const socket: Client = io(url, {
    transports: [opts.transport ?? 'websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: opts.headers ?? {},
    auth: { token: opts.token ?? tokenFor(url) },
  });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, refused: null }));
    socket.once('connect_error', (err) => {
      socket.disconnect();
      resolve({ socket, refused: 'data' in err ? err.data : err.message });
    });
  });
}

const opened: Client[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.disconnect();
});
async function connected(url: string, opts: Parameters<typeof open>[1] = {}): Promise<Client> {
  const r = await open(url, opts);
  opened.push(r.socket);
  if (r.refused !== null) throw new Error(`refused: ${JSON.stringify(r.refused)}`);
  return r.socket;
}

function expectRateLimited(ack: unknown, message?: RegExp): void {
  expect(ack).toMatchObject({ ok: false, error: { code: ErrorCode.RATE_LIMITED } });
  const error = (ack as { error: { message: string; details: { retryAfterSeconds: unknown } } }).error;
  expect(error.details.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  expect(error.details.retryAfterSeconds).toBeLessThanOrEqual(60);
  if (message) expect(error.message).toMatch(message);
}

// ---------------------------------------------------------------- connections per address

describe('connections per address', () => {
  it('refuses the next handshake from an address at its cap with RATE_LIMITED, and lets one in again when a socket leaves', async () => {
    const s = await startTestServer({ socketLimits: { maxConnectionsPerAddress: 3 } });
    const first = await connected(s.url);
    await connected(s.url);
    // A handshake refused for its credential takes no place.
    const bad = await open(s.url, { token: 'pbs_not-a-token' });
    expect(bad.refused).toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
    await connected(s.url);

    const over = await open(s.url);
    expect(over.refused).toMatchObject({
      code: ErrorCode.RATE_LIMITED,
      details: { maxConnections: 3, retryAfterSeconds: 5 },
    });
    expect((over.refused as { message: string }).message).toMatch(/at most 3 per address.*PULLBOARD_MAX_CONNECTIONS_PER_ADDRESS/);

    first.disconnect();
    await until(() => s.app.io.of('/').sockets.size === 2, 'the server saw the socket leave');
    const again = await connected(s.url);
    expect((await subscribe(again)).ok).toBe(true);
    expect(s.problems).toEqual([]);
  });

  it('counts the address the request came from through a trusted proxy, and only then', async () => {
    const behind = await startTestServer({ socketLimits: { maxConnectionsPerAddress: 2 }, trustProxy: 'loopback' });
    const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
    await connected(behind.url, from('10.0.0.1'));
    await connected(behind.url, from('10.0.0.1'));
    expect((await open(behind.url, from('10.0.0.1'))).refused).toMatchObject({ code: ErrorCode.RATE_LIMITED, details: { address: '10.0.0.1' } });
    // Another tablet behind the same proxy has places of its own.
    await connected(behind.url, from('10.0.0.2'));

    // Without a trusted proxy the header is anybody's to write: it is not read.
    const direct = await startTestServer({ socketLimits: { maxConnectionsPerAddress: 2 } });
    await connected(direct.url, from('10.0.0.1'));
    await connected(direct.url, from('10.0.0.2'));
    expect((await open(direct.url, from('10.0.0.3'))).refused).toMatchObject({ code: ErrorCode.RATE_LIMITED, details: { address: '127.0.0.1' } });
  });

  it(`lets ${DEFAULT_SOCKET_LIMITS.maxConnectionsPerAddress} sockets in from one address by default, and refuses one more`, async () => {
    const s = await startTestServer();
    const cap = DEFAULT_SOCKET_LIMITS.maxConnectionsPerAddress;
    for (let i = 0; i < cap; i += 20) {
      await Promise.all(Array.from({ length: Math.min(20, cap - i) }, () => connected(s.url)));
    }
    const over = await open(s.url);
    expect(over.refused).toMatchObject({ code: ErrorCode.RATE_LIMITED, details: { maxConnections: cap } });
  });
});

// ---------------------------------------------------------------- subscribes per socket and per address

describe('board:subscribe rate', () => {
  it(`answers ${DEFAULT_SOCKET_LIMITS.subscribesPerMinute} subscribes a minute per socket by default, then RATE_LIMITED; other sockets and commands go on`, async () => {
    const s = await startTestServer();
    const api = new Api(s.url);
    const plant = await buildApiPlant(api);
    const socket = await connectClient(s.url, 'eager');
    // Requests refused for their payload cost nothing.
    for (let i = 0; i < 5; i++) expect(await sendRaw(socket, 'board:subscribe', { afterSeq: -1 })).toMatchObject({ error: { code: ErrorCode.VALIDATION_FAILED } });
    for (let i = 0; i < DEFAULT_SOCKET_LIMITS.subscribesPerMinute; i++) {
      const ack = await subscribe(socket, i % 2 === 0 ? undefined : await api.lastSeq());
      expect(ack.ok, `request ${i + 1}`).toBe(true);
    }
    expectRateLimited(await subscribe(socket), /from this screen/);
    expectRateLimited(await subscribe(socket, 0));

    // The limit is the socket's: another one from the same address is answered.
    const other = await connectClient(s.url, 'calm');
    expect(await subscribe(other)).toMatchObject({ ok: true, snapshot: { seq: await api.lastSeq() } });
    // And the limited socket is still connected, subscribed and able to move cards.
    const card = plant.housing.cards[0]!;
    const heard = new Promise<number>((resolve) => socket.once('board:events', (events) => resolve(events[0]!.seq)));
    const moved = await socket.timeout(WAIT_MS).emitWithAck('card:move', { cardId: card.id, to: Column.IN_PROGRESS });
    expect(moved).toMatchObject({ ok: true });
    expect(await heard).toBe(await api.lastSeq());
  });

  it('limits the subscribes of all the sockets of one address together, per address', async () => {
    const s = await startTestServer({ socketLimits: { subscribesPerMinute: 100, subscribesPerMinutePerAddress: 5 }, trustProxy: 'loopback' });
    const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
    const a = await connected(s.url, from('10.0.0.1'));
    const b = await connected(s.url, from('10.0.0.1'));
    for (const socket of [a, b, a, b, a]) expect((await subscribe(socket)).ok).toBe(true);
    expectRateLimited(await subscribe(b), /from 10\.0\.0\.1/);
    expectRateLimited(await subscribe(a));
    const elsewhere = await connected(s.url, from('10.0.0.2'));
    expect((await subscribe(elsewhere)).ok).toBe(true);
  });
});

// ---------------------------------------------------------------- one snapshot per seq

describe('the shared snapshot', () => {
  const textOf = (ack: Ack<SubscribeAnswer>): string => {
    if (!ack.ok || !('snapshot' in ack)) throw new Error(`not a snapshot: ${JSON.stringify(ack).slice(0, 200)}`);
    return JSON.stringify(ack.snapshot);
  };

  it('is built once per seq for HTTP and every subscriber (WebSocket or polling), and anew after a commit', async () => {
    const s = await startTestServer();
    const api = new Api(s.url);
    const plant = await buildApiPlant(api);
    const snapshots = sharedSnapshots(s.app.service);
    const before = snapshots.built;

    const http = await api.request('GET', '/api/board');
    expect(http.status).toBe(200);
    expect(http.contentType).toMatch(/^application\/json; charset=utf-8/);
    const etag = http.headers.get('etag');
    expect(etag).toMatch(/^W\/"/);
    const ws1 = await connectClient(s.url, 'one');
    const ws2 = await connectClient(s.url, 'two');
    const poll = await connected(s.url, { transport: 'polling' });
    const answers = [await subscribe(ws1), await subscribe(ws2), await subscribe(poll)];
    for (const a of answers) expect(textOf(a)).toBe(http.text);
    expect(answers[0]).toMatchObject({ ok: true, logId: s.app.service.logId });
    expect(snapshots.built).toBe(before + 1);
    // The same board is not sent again to a conditional GET. (fetch adds `cache-control:
    // no-cache` to a conditional request unless it has one, as browsers' caches do not.)
    const revalidate = { 'if-none-match': etag!, 'cache-control': 'max-age=0' };
    expect((await api.request('GET', '/api/board', { headers: revalidate })).status).toBe(304);

    // A commit: everyone gets the new board, built once more.
    const card = plant.housing.cards[0]!;
    const moved = await api.move(card.id, Column.IN_PROGRESS);
    const after = await api.request('GET', '/api/board', { headers: revalidate });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    const fresh = [await subscribe(ws1), await subscribe(poll)];
    for (const a of fresh) expect(textOf(a)).toBe(after.text);
    const board = JSON.parse(after.text) as { seq: number; cards: Array<{ id: string }> };
    expect(board.seq).toBe(moved.seq);
    expect(board.cards.find((c) => c.id === card.id)).toEqual(moved.card);
    expect(snapshots.built).toBe(before + 2);
  });

  it('goes out on a WebSocket as a ready frame around the shared bytes, which are the packet the stock encoder writes', async () => {
    const s = await startTestServer();
    await buildApiPlant(new Api(s.url));
    const frames: Array<{ data: string; frame: Buffer }> = [];
    s.app.io.engine.once('connection', (conn: { on(e: 'packetCreate', fn: (p: unknown) => void): void }) => {
      conn.on('packetCreate', (packet) => {
        const p = packet as { data?: unknown; options?: { wsPreEncodedFrame?: Buffer[] } };
        const frame = p.options?.wsPreEncodedFrame;
        if (frame && typeof p.data === 'string') frames.push({ data: p.data, frame: Buffer.concat(frame) });
      });
    });
    const socket = await connectClient(s.url, 'framed');
    const ack = await subscribe(socket);
    expect(ack.ok).toBe(true);
    expect(frames).toHaveLength(1);
    const { data, frame } = frames[0]!;
    // The frame is a final, unmasked text frame whose payload is engine.io's `4` and the packet.
    const payload = Buffer.from(`4${data}`);
    expect(frame[0]).toBe(0x81);
    const code = frame[1]!;
    const [length, at] = code < 126 ? [code, 2] : code === 126 ? [frame.readUInt16BE(2), 4] : [Number(frame.readBigUInt64BE(2)), 10];
    expect(length).toBe(payload.length);
    expect(frame.subarray(at).equals(payload)).toBe(true);
    // And the packet is the stock encoder's, to the byte.
    const answer = sharedSnapshots(s.app.service).answer(s.app.service.logId);
    const id = Number(/^3(\d+)\[/.exec(data)![1]);
    expect(data).toBe(new Encoder().encode({ type: PacketType.ACK, nsp: '/', id, data: [answer] })[0]);
  });
});

describe('the answer encoder', () => {
  it('writes a shared answer exactly as socket.io-parser would, in any namespace and with any ack id, and leaves other packets alone', async () => {
    const s = await startTestServer();
    await buildApiPlant(new Api(s.url));
    const answer = sharedSnapshots(s.app.service).answer(s.app.service.logId);
    const stock = new Encoder();
    const shared = new SharedAnswerEncoder();
    const packets: Packet[] = [
      { type: PacketType.ACK, nsp: '/', id: 0, data: [answer] },
      { type: PacketType.ACK, nsp: '/', id: 12345, data: [answer] },
      { type: PacketType.ACK, nsp: '/admin', id: 7, data: [answer] },
      { type: PacketType.ACK, nsp: '/', id: 1, data: [{ ...answer }] },
      { type: PacketType.ACK, nsp: '/', id: 2, data: [answer, 'extra'] },
      { type: PacketType.EVENT, nsp: '/', data: ['board:events', [answer]] },
      { type: PacketType.ACK, nsp: '/', id: 3, data: [{ ok: false, error: { code: 'X', message: 'y' } }] },
    ];
    for (const p of packets) {
      expect(shared.encode(p)).toEqual(stock.encode(p));
      // Whatever was left pending is only ever given to a packet of the same text.
      attachSharedFrame({ data: 'something else', options: {} });
    }
  });

  it('writes WebSocket frame headers for each length class (RFC 6455)', () => {
    expect([...wsTextHeader(0)]).toEqual([0x81, 0]);
    expect([...wsTextHeader(125)]).toEqual([0x81, 125]);
    expect([...wsTextHeader(126)]).toEqual([0x81, 126, 0, 126]);
    expect([...wsTextHeader(65535)]).toEqual([0x81, 126, 0xff, 0xff]);
    expect([...wsTextHeader(65536)]).toEqual([0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect([...wsTextHeader(24_000_000)]).toEqual([0x81, 127, 0, 0, 0, 0, 0x01, 0x6e, 0x36, 0x00]);
  });
});

// ---------------------------------------------------------------- settings

describe('socket limit settings', () => {
  it('defaults without the variables, and the per-address subscribe rate follows the connection cap', () => {
    expect(readSocketLimits({})).toEqual(DEFAULT_SOCKET_LIMITS);
    expect(DEFAULT_SOCKET_LIMITS).toEqual({
      maxConnectionsPerAddress: 200,
      subscribesPerMinute: 60,
      subscribesPerMinutePerAddress: 1200,
      maxSendBufferBytes: 8 * 1024 * 1024,
    });
    expect(readSocketLimits({ PULLBOARD_MAX_CONNECTIONS_PER_ADDRESS: '1000' })).toMatchObject({
      maxConnectionsPerAddress: 1000,
      subscribesPerMinutePerAddress: 6000,
    });
    expect(
      readSocketLimits({
        PULLBOARD_MAX_CONNECTIONS_PER_ADDRESS: '500',
        PULLBOARD_SUBSCRIBES_PER_MINUTE: '20',
        PULLBOARD_SUBSCRIBES_PER_MINUTE_PER_ADDRESS: '900',
        PULLBOARD_MAX_SEND_BUFFER_MB: '0.5',
      }),
    ).toEqual({ maxConnectionsPerAddress: 500, subscribesPerMinute: 20, subscribesPerMinutePerAddress: 900, maxSendBufferBytes: 512 * 1024 });
  });

  it.each([
    ['PULLBOARD_MAX_CONNECTIONS_PER_ADDRESS', '0'],
    ['PULLBOARD_MAX_CONNECTIONS_PER_ADDRESS', '-5'],
    ['PULLBOARD_MAX_CONNECTIONS_PER_ADDRESS', '2.5'],
    ['PULLBOARD_SUBSCRIBES_PER_MINUTE', 'many'],
    ['PULLBOARD_SUBSCRIBES_PER_MINUTE_PER_ADDRESS', '0'],
    ['PULLBOARD_MAX_SEND_BUFFER_MB', '0'],
    ['PULLBOARD_MAX_SEND_BUFFER_MB', 'lots'],
  ])('refuses %s=%s at start, naming it', (name, value) => {
    expect(() => readSocketLimits({ [name]: value })).toThrow(new RegExp(`invalid configuration:[\\s\\S]*${name}`));
  });
});
