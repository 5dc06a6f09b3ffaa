import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { snapshotOf } from '../../../shared/board.ts';
import { changesSince, noChanges } from '../../../shared/changes.ts';
import { Column } from '../../../shared/names.ts';
import { smallPlant } from '../../../shared/testPlant.ts';
import type { RulesPlant } from '../../../shared/testPlant.ts';
import { createPullboardStore } from '../store/store.ts';
import { BoardSync } from './sync.ts';
import { FakeTransport, PlantServer } from './doubles.ts';

function setup() {
  const sp = smallPlant();
  const store = createPullboardStore();
  const transport = new FakeTransport();
  const sync = new BoardSync(store, transport, {
    offlineAfterMs: 8_000,
    heartbeatMs: 20_000,
    giveUpMs: 30_000,
    now: () => Date.now(),
  });
  sync.start();
  return { ...sp, store, transport, sync };
}

const newEvents = (plant: RulesPlant, from: number) => plant.log.slice(from);

/** A server's answer to a card command: a real card (the answer is read with the table's schema). */
const cardAck = (seq: number) => ({ ok: true, card: Object.values(smallPlant().plant.state.cards)[0], seq });

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2025-03-03T14:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('BoardSync: subscribing', () => {
  it('asks for a snapshot on the first connect and goes live with it', () => {
    const { plant, store, transport } = setup();
    expect(store.getState().connection.status).toBe('reconnecting');
    transport.open();
    expect(transport.lastSubscribe().payload).toEqual({});
    transport.lastSubscribe().answer({ ok: true, snapshot: snapshotOf(plant.state) });
    expect(store.getState().connection.status).toBe('live');
    expect(store.getState().confirmed.seq).toBe(plant.state.seq);
  });

  it('sends back the log identity of its board with afterSeq, so a restored server can tell it apart', () => {
    const { plant, store, transport } = setup();
    transport.open();
    transport.lastSubscribe().answer({ ok: true, snapshot: snapshotOf(plant.state), logId: 'log-A' });
    expect(store.getState().connection.logId).toBe('log-A');
    transport.drop();
    transport.open();
    expect(transport.lastSubscribe().payload).toEqual({ afterSeq: plant.state.seq, logId: 'log-A', changes: true });
    // The server answers from another log with a snapshot and its own identity.
    transport.lastSubscribe().answer({ ok: true, snapshot: snapshotOf(plant.state), logId: 'log-B' });
    expect(store.getState().connection.logId).toBe('log-B');
  });

  it('holds events pushed while the snapshot is on its way, then applies the new ones', () => {
    const { plant, store, transport, blank } = setup();
    transport.open();
    const snapshot = snapshotOf(plant.state);
    const mark = plant.log.length;
    plant.consume(plant.serial(blank, 1).id);
    transport.push(newEvents(plant, mark));
    expect(store.getState().hasBoard).toBe(false);
    transport.lastSubscribe().answer({ ok: true, snapshot });
    expect(store.getState().confirmed.seq).toBe(plant.state.seq);
    expect(store.getState().board.cards[plant.serial(blank, 1).id]?.column).toBe(Column.REQUESTED);
  });

  it('resubscribes with afterSeq when a pushed batch skips a seq', () => {
    const { plant, store, transport, blank } = setup();
    transport.open();
    transport.lastSubscribe().answer({ ok: true, snapshot: snapshotOf(plant.state) });
    const seq0 = plant.state.seq;
    const mark = plant.log.length;
    plant.consume(plant.serial(blank, 1).id);
    plant.consume(plant.serial(blank, 2).id);
    const [, second] = newEvents(plant, mark);
    transport.push([second!]);
    expect(store.getState().confirmed.seq).toBe(seq0);
    expect(transport.lastSubscribe().payload).toEqual({ afterSeq: seq0, changes: true });
    // An events answer (what callers that do not opt in get) is applied too.
    transport.lastSubscribe().answer({ ok: true, events: newEvents(plant, mark) });
    expect(store.getState().confirmed.seq).toBe(seq0 + 2);
    expect(store.getState().connection.status).toBe('live');
  });

  it('falls back to a snapshot when the replay itself has a hole', () => {
    const { plant, store, transport, blank } = setup();
    transport.open();
    transport.lastSubscribe().answer({ ok: true, snapshot: snapshotOf(plant.state) });
    const mark = plant.log.length;
    plant.consume(plant.serial(blank, 1).id);
    plant.consume(plant.serial(blank, 2).id);
    transport.push([newEvents(plant, mark)[1]!]);
    transport.lastSubscribe().answer({ ok: true, events: [newEvents(plant, mark)[1]!] });
    expect(transport.lastSubscribe().payload).toEqual({});
    transport.lastSubscribe().answer({ ok: true, snapshot: snapshotOf(plant.state) });
    expect(store.getState().confirmed.seq).toBe(plant.state.seq);
  });
});

describe('BoardSync: losing and regaining the server', () => {
  it('shows reconnecting, then offline since the drop, then catches up with the changes it missed', () => {
    const { plant, store, transport, blank } = setup();
    transport.open();
    transport.lastSubscribe().answer({ ok: true, snapshot: snapshotOf(plant.state) });
    const seq0 = plant.state.seq;
    const dropAt = Date.now();
    transport.drop();
    expect(store.getState().connection).toMatchObject({ status: 'reconnecting', since: dropAt });
    vi.advanceTimersByTime(8_001);
    expect(store.getState().connection).toMatchObject({ status: 'offline', since: dropAt });
    // Meanwhile the line moved on.
    const mark = plant.log.length;
    plant.consume(plant.serial(blank, 3).id);
    transport.open();
    expect(transport.lastSubscribe().payload).toEqual({ afterSeq: seq0, changes: true });
    transport.lastSubscribe().answer(new PlantServer(plant).subscribe(transport.lastSubscribe().payload));
    expect(store.getState().connection).toMatchObject({ status: 'live', since: null });
    expect(store.getState().confirmed.seq).toBe(plant.state.seq);
    expect(mark).toBeLessThan(plant.log.length);
    expect(store.getState().board.cards[plant.serial(blank, 3).id]?.column).toBe(Column.REQUESTED);
  });

  it('ignores the answer to a subscribe sent on a link that has since dropped', () => {
    const { plant, store, transport } = setup();
    transport.open();
    const stale = transport.lastSubscribe();
    transport.drop();
    stale.answer({ ok: true, snapshot: snapshotOf(plant.state) });
    expect(store.getState().hasBoard).toBe(false);
    expect(store.getState().connection.status).toBe('reconnecting');
  });

  it('forces a new connection when a subscribe gets no answer', () => {
    const { transport, store } = setup();
    transport.open();
    transport.lastSubscribe().answer(null);
    expect(transport.reconnects).toBe(1);
    expect(store.getState().connection.status).toBe('reconnecting');
  });

  it('resubscribes as a heartbeat and picks up anything it missed', () => {
    const { plant, store, transport, blank } = setup();
    transport.open();
    transport.lastSubscribe().answer({ ok: true, snapshot: snapshotOf(plant.state) });
    const mark = plant.log.length;
    plant.consume(plant.serial(blank, 1).id); // an event that never arrived
    vi.advanceTimersByTime(20_000);
    expect(transport.subscribes).toHaveLength(2);
    transport.lastSubscribe().answer({ ok: true, events: newEvents(plant, mark) });
    expect(store.getState().confirmed.seq).toBe(plant.state.seq);
  });

  it('resyncs from a snapshot when the server log is behind us (a reset server)', async () => {
    const { plant, store, transport } = setup();
    const sync2Store = store;
    transport.open();
    transport.lastSubscribe().answer({ ok: true, snapshot: snapshotOf(plant.state) });
    transport.drop();
    expect(sync2Store.getState().confirmed.seq).toBe(plant.state.seq);
    // Recreate with a fetchLastSeq that reports an older log.
    const t2 = new FakeTransport();
    const s2 = new BoardSync(store, t2, { fetchLastSeq: async () => 1 });
    s2.start();
    t2.open();
    t2.lastSubscribe().answer({ ok: true, events: [] });
    await vi.waitFor(() => expect(t2.lastSubscribe().payload).toEqual({}));
    s2.stop();
  });
});

describe('BoardSync: catching up with a change set', () => {
  it('lands on the server board, keeps untouched cards, then applies the events pushed meanwhile', () => {
    const { plant, store, transport, blank, housing } = setup();
    transport.open();
    transport.lastSubscribe().answer({ ok: true, snapshot: snapshotOf(plant.state) });
    const untouched = store.getState().confirmed.cards[plant.serial(housing, 1).id];
    transport.drop();
    plant.consume(plant.serial(blank, 1).id);
    plant.consume(plant.serial(blank, 2).id);
    plant.move(plant.serial(blank, 1).id, Column.IN_PROGRESS);
    transport.open();
    const answer = new PlantServer(plant).subscribe(transport.lastSubscribe().payload);
    if (!answer.ok || !('changes' in answer)) throw new Error('expected a change set');
    expect(answer.changes.cards.map((c) => c.id).sort()).toEqual(
      [plant.serial(blank, 1).id, plant.serial(blank, 2).id].sort(),
    );
    // The line moves on between the answer and its arrival: the event comes pushed.
    const mark = plant.log.length;
    plant.consume(plant.serial(blank, 3).id);
    transport.push(newEvents(plant, mark));
    transport.lastSubscribe().answer(answer);
    expect(store.getState().confirmed).toEqual(plant.state);
    expect(store.getState().confirmed.cards[plant.serial(housing, 1).id]).toBe(untouched);
    expect(store.getState().connection.status).toBe('live');
  });

  it('stays live on an empty change set (nothing missed)', () => {
    const { plant, store, transport } = setup();
    transport.open();
    transport.lastSubscribe().answer({ ok: true, snapshot: snapshotOf(plant.state) });
    const before = store.getState().confirmed;
    vi.advanceTimersByTime(20_000); // heartbeat
    expect(transport.lastSubscribe().payload).toEqual({ afterSeq: plant.state.seq, changes: true });
    transport.lastSubscribe().answer(new PlantServer(plant).subscribe(transport.lastSubscribe().payload));
    expect(store.getState().confirmed).toBe(before);
    expect(store.getState().connection.status).toBe('live');
  });

  it('asks for a snapshot when the changes start after its seq', () => {
    const { plant, store, transport, blank } = setup();
    transport.open();
    transport.lastSubscribe().answer({ ok: true, snapshot: snapshotOf(plant.state) });
    const seq0 = plant.state.seq;
    transport.drop();
    plant.consume(plant.serial(blank, 1).id);
    plant.consume(plant.serial(blank, 2).id);
    transport.open();
    const wrong = changesSince(seq0 + 1, plant.log, plant.state);
    transport.lastSubscribe().answer({ ok: true, changes: wrong });
    expect(store.getState().confirmed.seq).toBe(seq0);
    expect(transport.lastSubscribe().payload).toEqual({});
    transport.lastSubscribe().answer({ ok: true, snapshot: snapshotOf(plant.state) });
    expect(store.getState().confirmed).toEqual(plant.state);
  });

  it('after an empty change set on a resume, still checks that the server log is not behind us', async () => {
    const { plant, store, transport } = setup();
    transport.open();
    transport.lastSubscribe().answer({ ok: true, snapshot: snapshotOf(plant.state) });
    transport.drop();
    const t2 = new FakeTransport();
    const s2 = new BoardSync(store, t2, { fetchLastSeq: async () => 1 });
    s2.start();
    t2.open();
    t2.lastSubscribe().answer({ ok: true, changes: noChanges(plant.state.seq) });
    await vi.waitFor(() => expect(t2.lastSubscribe().payload).toEqual({}));
    s2.stop();
  });
});

describe('BoardSync: commands', () => {
  function live() {
    const s = setup();
    s.transport.open();
    s.transport.lastSubscribe().answer({ ok: true, snapshot: snapshotOf(s.plant.state) });
    return s;
  }

  it('answers with the server acknowledgement', async () => {
    const { sync, transport, blank } = live();
    const p = sync.send('loop.consume', { loopId: blank.id, idempotencyKey: 'k1' });
    expect(transport.commands[0]).toMatchObject({ event: 'loop:consume', payload: { loopId: blank.id, idempotencyKey: 'k1' } });
    transport.commands[0]!.answer(cardAck(9));
    await expect(p).resolves.toMatchObject({ ok: true, seq: 9 });
  });

  it('sends a command given while offline once the link is back and the board caught up', async () => {
    const { sync, transport, blank } = live();
    transport.drop();
    const p = sync.send('loop.consume', { loopId: blank.id, idempotencyKey: 'k1' });
    expect(transport.commands).toHaveLength(0);
    transport.open();
    // Not before the resubscribe has brought the board up to date.
    expect(transport.commands).toHaveLength(0);
    transport.lastSubscribe().answer({ ok: true, events: [] });
    expect(transport.commands).toHaveLength(1);
    transport.commands[0]!.answer(cardAck(3));
    await expect(p).resolves.toMatchObject({ ok: true });
  });

  it('re-sends with the same idempotency key when the link drops before the answer', async () => {
    const { sync, transport, blank } = live();
    const p = sync.send('loop.consume', { loopId: blank.id, idempotencyKey: 'k1' });
    const first = transport.commands[0]!;
    transport.drop();
    transport.open();
    transport.lastSubscribe().answer({ ok: true, events: [] });
    expect(transport.commands).toHaveLength(2);
    expect(transport.commands[1]!.payload.idempotencyKey).toBe('k1');
    first.answer(cardAck(1)); // a late answer from the old link is ignored
    transport.commands[1]!.answer(cardAck(2));
    await expect(p).resolves.toMatchObject({ ok: true, seq: 2 });
  });

  it('gives up on a configuration command with NO_ANSWER after the give-up time', async () => {
    const { sync, transport, blank } = live();
    transport.drop();
    const p = sync.send('loop.consume', { loopId: blank.id, idempotencyKey: 'k1' });
    vi.advanceTimersByTime(30_001);
    await expect(p).resolves.toMatchObject({ ok: false, error: { code: 'NO_ANSWER' } });
  });
});

describe('BoardSync: commands wait, keep their order and are never dropped', () => {
  function live() {
    const s = setup();
    s.transport.open();
    s.transport.lastSubscribe().answer({ ok: true, snapshot: snapshotOf(s.plant.state) });
    return s;
  }

  it('sends one command at a time, in the order given', async () => {
    const { sync, transport, blank, housing } = live();
    const a = sync.send('loop.consume', { loopId: blank.id, idempotencyKey: 'a' }, { keep: true });
    const b = sync.send('loop.consume', { loopId: housing.id, idempotencyKey: 'b' }, { keep: true });
    const c = sync.send('loop.consume', { loopId: blank.id, idempotencyKey: 'c' }, { keep: true });
    expect(transport.commands.map((x) => x.payload.idempotencyKey)).toEqual(['a']);
    transport.commands[0]!.answer(cardAck(1));
    expect(transport.commands.map((x) => x.payload.idempotencyKey)).toEqual(['a', 'b']);
    transport.commands[1]!.answer({ ok: false, error: { code: 'STARVED', message: 'no' } });
    expect(transport.commands.map((x) => x.payload.idempotencyKey)).toEqual(['a', 'b', 'c']);
    transport.commands[2]!.answer(cardAck(2));
    await expect(Promise.all([a, b, c])).resolves.toMatchObject([{ ok: true }, { ok: false }, { ok: true }]);
  });

  it.each(['SERVICE_UNAVAILABLE', 'INTERNAL'])(
    'sends a move again with the same key after a %s answer (nothing changed) instead of dropping it',
    async (code) => {
      const { sync, transport, blank } = live();
      const p = sync.send('loop.consume', { loopId: blank.id, idempotencyKey: 'k1' }, { keep: true });
      transport.commands[0]!.answer({ ok: false, error: { code, message: 'try again' } });
      expect(sync.queued).toBe(1);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(transport.commands).toHaveLength(2);
      expect(transport.commands[1]!.payload.idempotencyKey).toBe('k1');
      transport.commands[1]!.answer(cardAck(9));
      await expect(p).resolves.toMatchObject({ ok: true, seq: 9 });
    },
  );

  it('still answers a configuration command with the server error (a person is waiting at the form)', async () => {
    const { sync, transport, machining } = live();
    const p = sync.send('station.update', { stationId: machining.id, name: 'Mill', idempotencyKey: 'c1' });
    transport.commands[0]!.answer({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
    await expect(p).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('never gives up on a move while offline: an hour later it is still waiting, then sent', async () => {
    const { sync, transport, blank } = live();
    transport.drop();
    let answered = false;
    const p = sync.send('loop.consume', { loopId: blank.id, idempotencyKey: 'k1' }, { keep: true }).then((a) => {
      answered = true;
      return a;
    });
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(answered).toBe(false);
    expect(sync.queued).toBe(1);
    transport.open();
    transport.lastSubscribe().answer({ ok: true, events: [] });
    expect(transport.commands).toHaveLength(1);
    transport.commands[0]!.answer(cardAck(5));
    await expect(p).resolves.toMatchObject({ ok: true, seq: 5 });
  });

  it('treats an open link that does not answer as dead: reconnects and sends again with the same key', async () => {
    const { sync, transport, blank } = live();
    const p = sync.send('loop.consume', { loopId: blank.id, idempotencyKey: 'k1' }, { keep: true });
    transport.commands[0]!.answer(null); // the command timed out on a link that claims to be up
    expect(transport.reconnects).toBe(1);
    expect(sync.queued).toBe(1);
    transport.open();
    expect(transport.lastSubscribe().payload).toHaveProperty('afterSeq');
    transport.lastSubscribe().answer({ ok: true, events: [] });
    expect(transport.commands).toHaveLength(2);
    expect(transport.commands[1]!.payload.idempotencyKey).toBe('k1');
    transport.commands[1]!.answer(cardAck(7));
    await expect(p).resolves.toMatchObject({ ok: true, seq: 7 });
  });

  it('after a reconnect, applies the missed events before it sends anything', () => {
    const { plant, store, sync, transport, blank } = live();
    transport.drop();
    void sync.send('loop.consume', { loopId: blank.id, idempotencyKey: 'k1' }, { keep: true });
    const mark = plant.log.length;
    plant.consume(plant.serial(blank, 2).id); // another screen, meanwhile
    transport.open();
    expect(transport.commands).toHaveLength(0);
    transport.lastSubscribe().answer({ ok: true, events: newEvents(plant, mark) });
    expect(store.getState().confirmed.seq).toBe(plant.state.seq);
    expect(transport.commands).toHaveLength(1);
  });

  it('the browser offline event is a hint: with the socket up it checks the link, with it down it says offline', () => {
    const { store, sync, transport } = live();
    const subscribes = transport.subscribes.length;
    sync.hintOffline();
    expect(store.getState().connection.status).toBe('live');
    expect(transport.subscribes).toHaveLength(subscribes + 1); // a check, at once
    transport.lastSubscribe().answer(null); // the check failed: the link is dead
    expect(transport.reconnects).toBe(1);
    sync.hintOffline();
    expect(store.getState().connection.status).toBe('offline');
  });

  it('the browser online event reconnects at once when the socket is down', () => {
    const { sync, transport } = live();
    sync.hintOnline();
    expect(transport.reconnects).toBe(0);
    transport.drop();
    sync.hintOnline();
    expect(transport.reconnects).toBe(1);
  });

  it('a subscribe refused by the server does not leave the screen showing Live', () => {
    const { store, transport, plant } = live();
    vi.advanceTimersByTime(20_000); // heartbeat
    transport.lastSubscribe().answer({ ok: false, error: { code: 'INTERNAL', message: 'db busy' } });
    expect(store.getState().connection.status).toBe('reconnecting');
    vi.advanceTimersByTime(3_000);
    transport.lastSubscribe().answer({ ok: true, snapshot: snapshotOf(plant.state) });
    expect(store.getState().connection.status).toBe('live');
  });
});
