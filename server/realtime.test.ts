// Live updates over Socket.IO against the real server: broadcast of every committed event
// to every subscriber (the actor included), seq order without gaps, and replay after a
// reconnect (board:subscribe with afterSeq).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyEvents, boardFromSnapshot, snapshotOf } from '../shared/board.ts';
import { Column, ErrorCode, EventType, Role } from '../shared/names.ts';
import { BoardSnapshotSchema } from '../shared/schemas.ts';
import type { BoardEvent } from '../shared/schemas.ts';
import {
  Api,
  buildApiPlant,
  collectEvents,
  connectClient,
  sendCommand,
  startTestServer,
  stopAllServers,
  subscribe,
  apiToken,
  userToken,
} from './testing/harness.ts';
import type { Client, EventCollector, ApiPlant, TestServer } from './testing/harness.ts';

const { REQUESTED, IN_PROGRESS, DONE } = Column;

let server: TestServer;
let api: Api;
let plant: ApiPlant;

beforeEach(async () => {
  server = await startTestServer();
  api = new Api(server.url);
  plant = await buildApiPlant(api);
});
afterEach(() => stopAllServers());

/** A connected client that has subscribed, with everything it hears recorded. */
async function subscriber(actor: string, token?: string): Promise<{ socket: Client; heard: EventCollector }> {
  const socket = await connectClient(server.url, actor, token === undefined ? {} : { token });
  const heard = collectEvents(socket);
  const ack = await subscribe(socket);
  expect(ack.ok).toBe(true);
  return { socket, heard };
}

const seqsOf = (events: readonly BoardEvent[]) => events.map((e) => e.seq);

describe('board:events broadcast', () => {
  it('brings a move made over HTTP to a second subscribed client, with the seq the mover got', async () => {
    const other = await subscriber('wall-tv');
    const card = plant.housing.cards[0]!;
    const r = await api.request('POST', `/api/cards/${card.id}/consume`, {
      headers: { authorization: `Bearer ${await apiToken(server.url, 'scanner-7', Role.LEAD)}` },
    });
    expect(r.status).toBe(200);
    const { seq } = r.body as { seq: number };

    await other.heard.waitForSeq(seq);
    expect(other.heard.events).toHaveLength(1);
    expect(other.heard.events[0]).toMatchObject({
      seq,
      type: EventType.CARD_CONSUMED,
      cardId: card.id,
      actor: { kind: 'token', name: 'scanner-7' },
      card: { column: REQUESTED, cycle: 1 },
    });
  });

  it("brings a socket 'card:move' to the other subscriber and to the actor's own socket", async () => {
    const lead = await subscriber('lead-anna', await userToken(server.url, 'lead-anna', Role.LEAD));
    const tv = await subscriber('wall-tv');
    const card = plant.housing.cards[0]!;
    await api.consumeCard(card.id);
    const seq0 = await api.lastSeq();
    await Promise.all([lead.heard.waitForSeq(seq0), tv.heard.waitForSeq(seq0)]);

    const ack = await sendCommand(lead.socket, 'card.move', { cardId: card.id, to: IN_PROGRESS });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.seq).toBe(seq0 + 1);
    expect(ack.card).toMatchObject({ id: card.id, column: IN_PROGRESS });

    await Promise.all([lead.heard.waitForSeq(ack.seq), tv.heard.waitForSeq(ack.seq)]);
    for (const { heard } of [lead, tv]) {
      expect(heard.events.at(-1)).toMatchObject({
        seq: ack.seq,
        type: EventType.CARD_MOVED,
        cardId: card.id,
        from: REQUESTED,
        to: IN_PROGRESS,
        actor: { kind: 'user', name: 'lead-anna' },
      });
    }
  });

  it('delivers every event in seq order with no gaps while HTTP and two sockets send at once', async () => {
    const tv = await subscriber('wall-tv');
    const a = await subscriber('tablet-a');
    const b = await subscriber('tablet-b');
    const seq0 = await api.lastSeq();
    const cards = [...plant.blank.cards, ...plant.housing.cards];
    const rounds = 15;
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < rounds; i++) {
      for (const [j, card] of cards.entries()) {
        // Reorders in Done never conflict, so every command commits one event.
        if (j === 0) sends.push(api.move(card.id, DONE));
        else sends.push(sendCommand(j === 1 ? a.socket : b.socket, 'card.move', { cardId: card.id, to: DONE }));
      }
    }
    await Promise.all(sends);
    const last = seq0 + rounds * cards.length;
    expect(await api.lastSeq()).toBe(last);

    const expected = Array.from({ length: last - seq0 }, (_, i) => seq0 + i + 1);
    for (const client of [tv, a, b]) {
      await client.heard.waitForSeq(last);
      expect(seqsOf(client.heard.events)).toEqual(expected);
    }
    // What was broadcast is exactly what the log holds.
    expect(tv.heard.events).toEqual((await api.events(seq0)).events);
  });

  it('sends nothing to a connected client that has not subscribed', async () => {
    const quiet = await connectClient(server.url, 'idle');
    const heardByQuiet = collectEvents(quiet);
    const tv = await subscriber('wall-tv');
    const r = await api.consumeLoop(plant.blank.loop.id);
    await tv.heard.waitForSeq(r.seq);
    // One connection delivers in order: had the event been sent to this socket, it would
    // have arrived before the answer to a later request.
    const ping = await subscribe(quiet, r.seq);
    expect(ping).toMatchObject({ ok: true, events: [] });
    expect(heardByQuiet.events).toEqual([]);
  });

  it('acks a refused socket command with ok:false and the api.md code, and broadcasts nothing', async () => {
    const lead = await subscriber('lead');
    const card = plant.housing.cards[0]!;
    const seq0 = await api.lastSeq();
    const ack = await sendCommand(lead.socket, 'card.move', { cardId: card.id, to: REQUESTED });
    expect(ack).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_TRANSITION } });
    expect(await api.lastSeq()).toBe(seq0);
    const next = await api.move(card.id, DONE);
    expect(next.seq).toBe(seq0 + 1);
    await lead.heard.waitForSeq(next.seq);
    expect(seqsOf(lead.heard.events)).toEqual([seq0 + 1]);
  });
});

describe('board:subscribe', () => {
  it('without afterSeq answers a snapshot equal to GET /api/board', async () => {
    const socket = await connectClient(server.url);
    const ack = await subscribe(socket);
    expect(ack.ok).toBe(true);
    if (!ack.ok || !('snapshot' in ack)) throw new Error('expected a snapshot');
    expect(BoardSnapshotSchema.parse(ack.snapshot)).toEqual(await api.board());
  });

  it('with afterSeq=N, after M more events, replays exactly those M events as GET /api/events?after=N has them', async () => {
    const n = await api.lastSeq();
    await api.consumeLoop(plant.blank.loop.id);
    const signal = await api.consumeLoop(plant.shaft.loop.id);
    await api.move(signal.card.id, IN_PROGRESS); // a cascade: two events
    const m = (await api.lastSeq()) - n;
    expect(m).toBe(4);

    const socket = await connectClient(server.url);
    const ack = await subscribe(socket, n);
    if (!ack.ok || !('events' in ack)) throw new Error(`expected events, got ${JSON.stringify(ack)}`);
    expect(seqsOf(ack.events)).toEqual([n + 1, n + 2, n + 3, n + 4]);
    expect(ack.events).toEqual((await api.events(n)).events);
  });

  it('with afterSeq equal to the newest seq replays nothing', async () => {
    const socket = await connectClient(server.url);
    const ack = await subscribe(socket, await api.lastSeq());
    expect(ack).toMatchObject({ ok: true, events: [] });
  });

  it('with afterSeq beyond the server seq answers a snapshot instead', async () => {
    const seq = await api.lastSeq();
    const socket = await connectClient(server.url);
    const ack = await subscribe(socket, seq + 100);
    if (!ack.ok || !('snapshot' in ack)) throw new Error('expected a snapshot');
    expect(ack.snapshot).toEqual(await api.board());
    expect(ack.snapshot.seq).toBe(seq);
  });

  it('after a replay the client hears the following live events without a gap or a repeat', async () => {
    const n = await api.lastSeq();
    await api.consumeLoop(plant.blank.loop.id);
    const socket = await connectClient(server.url);
    const heard = collectEvents(socket);
    const ack = await subscribe(socket, n);
    if (!ack.ok || !('events' in ack)) throw new Error('expected events');
    expect(seqsOf(ack.events)).toEqual([n + 1]);

    const live = await api.consumeLoop(plant.blank.loop.id);
    await heard.waitForSeq(live.seq);
    expect(seqsOf(heard.events)).toEqual([n + 2]);
  });

  it('rebuilds the same board from a snapshot plus the replayed events as GET /api/board shows', async () => {
    const socket = await connectClient(server.url);
    const first = await subscribe(socket);
    if (!first.ok || !('snapshot' in first)) throw new Error('expected a snapshot');
    socket.disconnect();

    await api.consumeLoop(plant.housing.loop.id);
    const signal = await api.consumeLoop(plant.shaft.loop.id);
    await api.move(signal.card.id, IN_PROGRESS);

    const again = await connectClient(server.url);
    const ack = await subscribe(again, first.snapshot.seq);
    if (!ack.ok || !('events' in ack)) throw new Error('expected events');
    const rebuilt = snapshotOf(applyEvents(boardFromSnapshot(first.snapshot), ack.events));
    expect(rebuilt).toEqual(await api.board());
  });
});
