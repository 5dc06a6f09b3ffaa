import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { snapshotOf } from '../../../shared/board.ts';
import { Column } from '../../../shared/names.ts';
import { smallPlant } from '../../../shared/testing.ts';
import type { Plant } from '../../../shared/testing.ts';
import type { Ack, SubscribePayload, SubscribeResult } from '../../../shared/protocol.ts';
import type { BoardEvent } from '../../../shared/schemas.ts';
import { createPullboardStore } from '../store/store.ts';
import { BoardSync } from './sync.ts';
import type { SyncTransport, TransportHandlers } from './sync.ts';

type SubscribeCall = { payload: SubscribePayload; answer: (res: Ack<SubscribeResult> | null) => void };
type CommandCall = { event: string; payload: Record<string, unknown>; answer: (res: unknown) => void };

/** A socket stand-in: records what was sent and lets the test answer or drop the link. */
class FakeTransport implements SyncTransport {
  connected = false;
  subscribes: SubscribeCall[] = [];
  commands: CommandCall[] = [];
  reconnects = 0;
  private h: TransportHandlers | null = null;

  isConnected() {
    return this.connected;
  }
  subscribe(payload: SubscribePayload, _t: number, cb: (res: Ack<SubscribeResult> | null) => void) {
    this.subscribes.push({ payload, answer: cb });
  }
  command(event: string, payload: unknown, _t: number, cb: (res: never) => void) {
    this.commands.push({ event, payload: payload as Record<string, unknown>, answer: cb as (res: unknown) => void });
  }
  reconnect() {
    this.reconnects++;
    this.drop();
  }
  listen(h: TransportHandlers) {
    this.h = h;
    return () => {
      this.h = null;
    };
  }
  open() {
    this.connected = true;
    this.h?.connect();
  }
  drop() {
    this.connected = false;
    this.h?.disconnect('transport close');
  }
  push(events: BoardEvent[]) {
    this.h?.events(events);
  }
  lastSubscribe(): SubscribeCall {
    const s = this.subscribes.at(-1);
    if (!s) throw new Error('no subscribe sent');
    return s;
  }
}

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

const newEvents = (plant: Plant, from: number) => plant.log.slice(from);

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
    expect(transport.lastSubscribe().payload).toEqual({ afterSeq: seq0 });
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
  it('shows reconnecting, then offline since the drop, then catches up by replay', () => {
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
    expect(transport.lastSubscribe().payload).toEqual({ afterSeq: seq0 });
    transport.lastSubscribe().answer({ ok: true, events: newEvents(plant, mark) });
    expect(store.getState().connection).toMatchObject({ status: 'live', since: null });
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

describe('BoardSync: commands', () => {
  function live() {
    const s = setup();
    s.transport.open();
    s.transport.lastSubscribe().answer({ ok: true, snapshot: snapshotOf(s.plant.state) });
    return s;
  }

  it('answers with the server acknowledgement', async () => {
    const { sync, transport, blank } = live();
    const p = sync.send('loop:consume', { loopId: blank.id, idempotencyKey: 'k1' });
    expect(transport.commands[0]).toMatchObject({ event: 'loop:consume', payload: { loopId: blank.id, idempotencyKey: 'k1' } });
    transport.commands[0]!.answer({ ok: true, card: {}, seq: 9 });
    await expect(p).resolves.toMatchObject({ ok: true, seq: 9 });
  });

  it('sends a command given while offline once the link is back', async () => {
    const { sync, transport, blank } = live();
    transport.drop();
    const p = sync.send('loop:consume', { loopId: blank.id, idempotencyKey: 'k1' });
    expect(transport.commands).toHaveLength(0);
    transport.open();
    expect(transport.commands).toHaveLength(1);
    transport.commands[0]!.answer({ ok: true, seq: 3 });
    await expect(p).resolves.toMatchObject({ ok: true });
  });

  it('re-sends with the same idempotency key when the link drops before the answer', async () => {
    const { sync, transport, blank } = live();
    const p = sync.send('loop:consume', { loopId: blank.id, idempotencyKey: 'k1' });
    const first = transport.commands[0]!;
    transport.drop();
    transport.open();
    expect(transport.commands).toHaveLength(2);
    expect(transport.commands[1]!.payload.idempotencyKey).toBe('k1');
    first.answer({ ok: true, seq: 1 }); // a late answer from the old link is ignored
    transport.commands[1]!.answer({ ok: true, seq: 2 });
    await expect(p).resolves.toMatchObject({ ok: true, seq: 2 });
  });

  it('gives up with NO_ANSWER after the give-up time', async () => {
    const { sync, transport, blank } = live();
    transport.drop();
    const p = sync.send('loop:consume', { loopId: blank.id, idempotencyKey: 'k1' });
    vi.advanceTimersByTime(30_001);
    await expect(p).resolves.toMatchObject({ ok: false, error: { code: 'NO_ANSWER' } });
  });
});
