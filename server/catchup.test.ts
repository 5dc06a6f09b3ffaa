// Catch-up by change set. The index the server answers from (catchup.ts) against the
// change set computed from the events themselves, under random activity; then the real
// server over the real Socket.IO client: a screen that missed 100 events gets a change
// set that yields the server's board, one from another log gets a snapshot, one that is
// up to date gets nothing, and after a restart the index is rebuilt from the log.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { boardFromSnapshot, snapshotOf } from '../shared/board.ts';
import type { BoardState } from '../shared/board.ts';
import { BoardChangesSchema, applyChanges, boardObjectCount, changesSince, objectCount, smallerThanSnapshot } from '../shared/changes.ts';
import type { BoardChanges } from '../shared/changes.ts';
import { Column } from '../shared/names.ts';
import type { Ack, SubscribeAnswer, SubscribePayload } from '../shared/protocol.ts';
import type { BoardEvent } from '../shared/schemas.ts';
import { randomStep, runSteps, smallPlant } from '../shared/testPlant.ts';
import type { RulesPlant } from '../shared/testPlant.ts';
import { ChangeIndex } from './catchup.ts';
import type { CatchUpLog } from './catchup.ts';
import {
  Api,
  WAIT_MS,
  collectEvents,
  connectClient,
  restartServer,
  startTestServer,
  stopAllServers,
  subscribe,
} from './testing/harness.ts';
import type { Client } from './testing/harness.ts';

const { REQUESTED, IN_PROGRESS } = Column;

// ---------------------------------------------------------------- the index

/** A plant's log as the repository offers it. */
const logOf = (plant: RulesPlant): CatchUpLog => ({
  firstSeq: () => (plant.log.length > 0 ? plant.log[0]!.seq : null),
  eventsAfter: (after, limit) => plant.log.filter((e) => e.seq > after).slice(0, limit),
});

/** Runs the steps one command at a time, telling the index each batch as the service does. */
function runRecorded(plant: RulesPlant, index: ChangeIndex, steps: Parameters<typeof runSteps>[1]): void {
  for (const st of steps) {
    const mark = plant.log.length;
    runSteps(plant, [st]);
    if (plant.log.length > mark) index.record(plant.log.slice(mark), plant.state);
  }
}

/** What the index must answer: the change set from the events, or null when not smaller. */
function expected(plant: RulesPlant, after: number): BoardChanges | null {
  const c = changesSince(after, plant.log, plant.state);
  return smallerThanSnapshot(objectCount(c), boardObjectCount(plant.state)) ? c : null;
}

describe('ChangeIndex', () => {
  it('answers exactly the change set the events give, from any seq since it started (property)', () => {
    fc.assert(
      fc.property(
        fc.array(randomStep, { maxLength: 50 }),
        fc.array(randomStep, { maxLength: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (before, after, cut) => {
          const { plant } = smallPlant();
          runSteps(plant, before);
          const index = new ChangeIndex(plant.state.seq);
          const start = plant.state.seq;
          runRecorded(plant, index, after);
          const at = start + Math.floor(cut * (plant.state.seq - start));
          expect(index.changesSince(at, plant.state)).toEqual(expected(plant, at));
          if (start > 0) expect(index.changesSince(start - 1, plant.state), 'before its horizon: a snapshot').toBeNull();
          expect(index.changesSince(plant.state.seq + 1, plant.state), 'ahead of the board: a snapshot').toBeNull();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rebuilt from the log tail, knows the changes of that tail and nothing older', () => {
    const { plant, blank, housing } = smallPlant();
    for (let i = 0; i < 6; i++) plant.bring(plant.serial(blank, 1 + (i % 3)).id, i % 2 ? REQUESTED : IN_PROGRESS);
    plant.consume(plant.serial(housing, 1).id);
    const index = ChangeIndex.fromLog(plant.state, logOf(plant), 5);
    expect(index.horizon).toBe(plant.state.seq - 5);
    for (let at = plant.state.seq - 5; at <= plant.state.seq; at++) {
      expect(index.changesSince(at, plant.state)).toEqual(expected(plant, at));
    }
    expect(index.changesSince(plant.state.seq - 6, plant.state)).toBeNull();
    // A whole log shorter than the depth: it knows everything.
    expect(ChangeIndex.fromLog(plant.state, logOf(plant)).horizon).toBe(0);
    // A pruned log: it knows only what is kept.
    const pruned: CatchUpLog = { ...logOf(plant), firstSeq: () => plant.state.seq - 2 };
    expect(ChangeIndex.fromLog(plant.state, pruned).horizon).toBe(plant.state.seq - 3);
  });

  it('answers a snapshot (null) once the change set would not be smaller than the board', () => {
    const { plant } = smallPlant();
    const index = new ChangeIndex(plant.state.seq);
    const seq0 = plant.state.seq;
    const cards = Object.keys(plant.state.cards);
    const mark = plant.log.length;
    for (const id of cards) plant.consume(id); // every card once
    index.record(plant.log.slice(mark), plant.state);
    expect(boardObjectCount(plant.state)).toBe(cards.length + 8);
    expect(index.changesSince(seq0, plant.state)?.cards).toHaveLength(cards.length);
    const m2 = plant.log.length;
    for (const id of Object.keys(plant.state.stations)) plant.run({ type: 'andon.raise', stationId: id, kind: 'help' });
    for (const id of Object.keys(plant.state.loops)) plant.run({ type: 'loop.update', loopId: id, leadTimeMinutes: 90 });
    index.record(plant.log.slice(m2), plant.state);
    expect(index.changesSince(seq0, plant.state)).toBeNull();
    expect(index.changesSince(seq0 + 1, plant.state)).not.toBeNull();
  });

  it('forgets the oldest entries past its tombstone allowance, and moves its horizon past them', () => {
    const { plant, blank, housing } = smallPlant();
    const index = new ChangeIndex(plant.state.seq, 4);
    const record = (fn: () => void) => {
      const mark = plant.log.length;
      fn();
      index.record(plant.log.slice(mark), plant.state);
    };
    const seq0 = plant.state.seq;
    record(() => plant.consume(plant.serial(housing, 1).id));
    // Raising and lowering a card count makes new cards, then removes them: tombstones.
    for (let i = 0; i < 8; i++) {
      record(() => plant.run({ type: 'loop.update', loopId: blank.id, cardCount: 6 }));
      record(() => plant.run({ type: 'loop.update', loopId: blank.id, cardCount: 3 }));
    }
    // 8 rounds made 24 cards and removed them again; at most the live cards at the peak
    // (13) and the allowance are kept.
    expect(index.size('cards')).toBeLessThanOrEqual(13 + 4);
    expect(index.horizon).toBeGreaterThan(seq0);
    expect(index.changesSince(seq0, plant.state)).toBeNull();
    for (let at = index.horizon; at <= plant.state.seq; at++) {
      expect(index.changesSince(at, plant.state)).toEqual(expected(plant, at));
    }
  });

  it('forgets everything before a gap in the batches it is told (never expected)', () => {
    const { plant, blank } = smallPlant();
    const index = new ChangeIndex(plant.state.seq);
    const seq0 = plant.state.seq;
    plant.consume(plant.serial(blank, 1).id);
    const mark = plant.log.length;
    plant.consume(plant.serial(blank, 2).id);
    index.record(plant.log.slice(mark), plant.state);
    expect(index.horizon).toBe(seq0 + 1);
    expect(index.changesSince(seq0, plant.state)).toBeNull();
    expect(index.changesSince(seq0 + 1, plant.state)).toEqual(expected(plant, seq0 + 1));
  });
});

// ---------------------------------------------------------------- the real server

afterEach(() => stopAllServers());

/** `board:subscribe` as Pullboard's own screens send it once they have a board. */
function subscribeForChanges(socket: Client, payload: SubscribePayload): Promise<Ack<SubscribeAnswer>> {
  return socket.timeout(WAIT_MS).emitWithAck('board:subscribe', { ...payload, changes: true });
}

function changesOf(ack: Ack<SubscribeAnswer>): BoardChanges {
  if (!ack.ok || !('changes' in ack)) throw new Error(`expected changes, got ${JSON.stringify(ack).slice(0, 200)}`);
  return BoardChangesSchema.parse(ack.changes);
}

/** Two stations and one loop of 60 cards, all full (Done). */
async function sixtyCards(api: Api) {
  const a = await api.station('Press');
  const b = await api.station('Weld');
  const { loop, cards } = await api.loop('BRK-60', a, b, 60);
  return { loop, cards };
}

/** A screen that took a snapshot and then lost the link; returns its board and log identity. */
async function screenThatLeft(url: string): Promise<{ board: BoardState; logId: string }> {
  const socket = await connectClient(url, 'wall-tv');
  const ack = await subscribe(socket);
  socket.disconnect();
  if (!ack.ok || !('snapshot' in ack) || ack.logId === undefined) throw new Error('expected a snapshot with a logId');
  return { board: boardFromSnapshot(ack.snapshot), logId: ack.logId };
}

describe('board:subscribe with changes: true', () => {
  it('a screen that missed 100 events gets the 50 cards they touched, which yield the server board', async () => {
    const server = await startTestServer();
    const api = new Api(server.url);
    const { cards } = await sixtyCards(api);
    const away = await screenThatLeft(server.url);
    const touched = cards.slice(0, 50);
    for (const c of touched) await api.consumeCard(c.id);
    for (const c of touched) await api.move(c.id, IN_PROGRESS);
    expect((await api.lastSeq()) - away.board.seq).toBe(100);

    const socket = await connectClient(server.url, 'wall-tv');
    const heard = collectEvents(socket);
    const changes = changesOf(await subscribeForChanges(socket, { afterSeq: away.board.seq, logId: away.logId }));
    expect(changes).toMatchObject({ fromSeq: away.board.seq, seq: away.board.seq + 100 });
    expect(changes.cards.map((c) => c.id).sort()).toEqual(touched.map((c) => c.id).sort());
    expect(changes.stations).toEqual([]);
    expect(changes.loops).toEqual([]);
    const caughtUp = applyChanges(away.board, changes);
    expect(snapshotOf(caughtUp)).toEqual(await api.board());

    // Live events follow the change set without a gap or a repeat.
    const live = await api.move(touched[0]!.id, Column.DONE);
    await heard.waitForSeq(live.seq);
    expect(heard.events.map((e: BoardEvent) => e.seq)).toEqual([changes.seq + 1]);
  });

  it('answers a screen from another log (a restored backup, a reset database) with a snapshot', async () => {
    const server = await startTestServer();
    const api = new Api(server.url);
    await sixtyCards(api);
    const away = await screenThatLeft(server.url);
    const socket = await connectClient(server.url);
    const ack = await subscribeForChanges(socket, { afterSeq: away.board.seq, logId: 'another-log' });
    if (!ack.ok || !('snapshot' in ack)) throw new Error('expected a snapshot');
    expect(ack.snapshot).toEqual(await api.board());
    expect(ack.logId).toBe(away.logId);
  });

  it('answers an up-to-date screen with an empty change set, and one without afterSeq with a snapshot', async () => {
    const server = await startTestServer();
    const api = new Api(server.url);
    await sixtyCards(api);
    const away = await screenThatLeft(server.url);
    const socket = await connectClient(server.url);
    const changes = changesOf(await subscribeForChanges(socket, { afterSeq: away.board.seq, logId: away.logId }));
    expect(changes).toEqual({
      fromSeq: away.board.seq,
      seq: away.board.seq,
      stations: [],
      loops: [],
      cards: [],
      removed: { stations: [], loops: [], cards: [] },
    });
    const full = await subscribeForChanges(socket, {});
    expect(full.ok && 'snapshot' in full).toBe(true);
    const ahead = await subscribeForChanges(socket, { afterSeq: away.board.seq + 5, logId: away.logId });
    expect(ahead.ok && 'snapshot' in ahead).toBe(true);
  });

  it('answers a snapshot when the change set would hold as many objects as the board', async () => {
    const server = await startTestServer();
    const api = new Api(server.url);
    const { loop, cards } = await sixtyCards(api);
    const away = await screenThatLeft(server.url);
    for (const c of cards) await api.consumeCard(c.id);
    await api.request('PATCH', `/api/loops/${loop.id}`, { json: { leadTimeMinutes: 90 } });
    for (const s of Object.values(away.board.stations)) {
      await api.request('POST', `/api/stations/${s.id}/andon`, { json: { kind: 'help' } });
    }
    const socket = await connectClient(server.url);
    const ack = await subscribeForChanges(socket, { afterSeq: away.board.seq, logId: away.logId });
    if (!ack.ok || !('snapshot' in ack)) throw new Error('expected a snapshot');
    expect(ack.snapshot).toEqual(await api.board());
  });

  it('keeps answering callers that do not opt in with the missed events', async () => {
    const server = await startTestServer();
    const api = new Api(server.url);
    const { cards } = await sixtyCards(api);
    const away = await screenThatLeft(server.url);
    await api.consumeCard(cards[0]!.id);
    const socket = await connectClient(server.url);
    const ack = await subscribe(socket, away.board.seq, away.logId);
    if (!ack.ok || !('events' in ack)) throw new Error('expected events');
    expect(ack.events).toEqual((await api.events(away.board.seq)).events);
  });

  it('after a restart, rebuilds what changed from the log: a screen a few events behind still gets changes', async () => {
    const first = await startTestServer();
    const api = new Api(first.url);
    const { cards } = await sixtyCards(api);
    const away = await screenThatLeft(first.url);
    await api.consumeCard(cards[0]!.id);
    await api.consumeCard(cards[1]!.id);
    const server = await restartServer(first);
    await new Api(server.url).consumeCard(cards[2]!.id);
    const socket = await connectClient(server.url);
    const changes = changesOf(await subscribeForChanges(socket, { afterSeq: away.board.seq, logId: away.logId }));
    expect(changes.cards.map((c) => c.id).sort()).toEqual(cards.slice(0, 3).map((c) => c.id).sort());
    expect(changes.cards.every((c) => c.column === REQUESTED)).toBe(true);
    expect(snapshotOf(applyChanges(away.board, changes))).toEqual(await new Api(server.url).board());
  });
});
