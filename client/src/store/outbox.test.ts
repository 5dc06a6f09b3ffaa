// The outbox kept on the device, end to end on the client side: a tablet makes moves
// while offline, is reloaded, comes back and replays them against a server that answers
// with the shared rules and remembers idempotency keys (net/testing.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { snapshotOf } from '../../../shared/board.ts';
import { Column, EventType } from '../../../shared/names.ts';
import { Role } from '../../../shared/names.ts';
import { smallPlant } from '../../../shared/testPlant.ts';
import { PROTOCOL_VERSION } from '../../../shared/protocol.ts';
import { BoardSync } from '../net/sync.ts';
import { FakeTransport, MemoryStorage, PlantServer } from '../net/doubles.ts';
import { moveLabel } from '../app/runtime.ts';
import { createPullboardStore } from './store.ts';
import type { PullboardStore } from './store.ts';
import type { OptimisticCommand } from './optimistic.ts';
import { BOARD_KEY, OUTBOX_KEY, OUTBOX_MAX_AGE_MS, attachOutboxStorage, readOutbox } from './outbox.ts';

const BUILD = 'build-1';
let screens = 0;

/** One screen on the device: store, kept outbox, socket stand-in, sync (as runtime wires them). */
function screen(storage: MemoryStorage, build = BUILD) {
  const store = createPullboardStore();
  // A lead: these tests are about keeping and replaying moves, not about who may make them.
  store.getState().setIdentity({ kind: 'user', id: 'us_lead', name: 'lead', role: Role.LEAD, stationIds: [] });
  const onError = vi.fn();
  const kept = attachOutboxStorage(store, storage, { build, boardDelayMs: 500, onError });
  const transport = new FakeTransport();
  const sync = new BoardSync(store, transport, {});
  sync.sendOutbox();
  sync.start();
  let n = 0;
  const tab = ++screens;
  /** A move made on this screen, as runtime.ts makes it (keys unique per screen). */
  const make = (command: OptimisticCommand, label: string) => {
    const p = store.getState().beginCommand(`tab${tab}-k${++n}`, command, label, {
      actor: 'tablet:machining',
      screen: '/station/machining',
    });
    void sync.sendPending(p);
    return p;
  };
  /** The page goes away (a reload): nothing of this screen survives but storage. */
  const close = () => {
    sync.stop();
    kept.detach();
  };
  return { store, kept, transport, sync, make, close, onError };
}

/** A moment for promise callbacks (settling an answered move) to run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

function plantWithWork() {
  const sp = smallPlant();
  const { plant, shaft } = sp;
  // Machining has one shaft requested and one in progress (which used a blank).
  const requested = plant.serial(shaft, 1);
  plant.consume(requested.id);
  const working = plant.serial(shaft, 2);
  plant.consume(working.id);
  plant.move(working.id, Column.IN_PROGRESS);
  return { ...sp, requested: plant.card(requested.id), working: plant.card(working.id), server: new PlantServer(plant) };
}

/** A live screen with the server's board, whose board cache has been written. */
async function liveScreen(storage: MemoryStorage, server: PlantServer) {
  const s = screen(storage);
  s.transport.open();
  s.transport.serve(server);
  await vi.advanceTimersByTimeAsync(500); // the board cache is written shortly after a change
  return s;
}

function offlineMoves(s: ReturnType<typeof screen>, w: ReturnType<typeof plantWithWork>) {
  const board = () => s.store.getState().board;
  const start: OptimisticCommand = {
    type: 'card.move',
    cardId: w.requested.id,
    to: Column.IN_PROGRESS,
    expectedVersion: board().cards[w.requested.id]!.version,
  };
  const a = s.make(start, moveLabel(board(), w.requested.id, Column.IN_PROGRESS));
  const finish: OptimisticCommand = {
    type: 'card.move',
    cardId: w.working.id,
    to: Column.DONE,
    expectedVersion: board().cards[w.working.id]!.version,
  };
  const b = s.make(finish, moveLabel(board(), w.working.id, Column.DONE));
  const c = s.make({ type: 'loop.consume', loopId: w.blank.id }, `Use ${w.blank.partNumber}`);
  return [a, b, c];
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2025-03-03T14:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('outbox: kept on the device', () => {
  it('stores every unanswered move with its event, payload and key, label, time and origin', async () => {
    const w = plantWithWork();
    const storage = new MemoryStorage();
    const s = await liveScreen(storage, w.server);
    s.transport.drop();
    const [start] = offlineMoves(s, w);
    const doc = storage.json(OUTBOX_KEY);
    expect(doc.v).toBe(1);
    expect(doc.commands).toHaveLength(3);
    expect(doc.commands[0]).toEqual({
      key: start!.key,
      event: 'card:move',
      payload: {
        cardId: w.requested.id,
        to: Column.IN_PROGRESS,
        expectedVersion: w.requested.version,
        idempotencyKey: start!.key,
      },
      command: { type: 'card.move', cardId: w.requested.id, to: Column.IN_PROGRESS, expectedVersion: w.requested.version },
      label: 'Start SHF-200 card 1 / 3',
      cardId: w.requested.id,
      baseVersion: w.requested.version,
      issuedAt: '2025-03-03T14:00:00.500Z',
      origin: { actor: 'tablet:machining', screen: '/station/machining' },
      protocol: PROTOCOL_VERSION,
    });
    expect(doc.commands.map((c: { event: string }) => c.event)).toEqual(['card:move', 'card:move', 'loop:consume']);
    expect(readOutbox(storage).commands).toHaveLength(3);
  });

  it('after a reload, shows the pending moves on the last board at once, before any subscribe', async () => {
    const w = plantWithWork();
    const storage = new MemoryStorage();
    const first = await liveScreen(storage, w.server);
    const seqAtCache = w.plant.state.seq;
    first.transport.drop();
    offlineMoves(first, w);
    first.close();

    const again = screen(storage); // the reloaded page; the socket is not up
    const st = again.store.getState();
    expect(again.transport.subscribes).toHaveLength(0);
    expect(st.hasBoard).toBe(true);
    expect(st.confirmed.seq).toBe(seqAtCache);
    expect(st.pending.map((p) => p.label)).toEqual(['Start SHF-200 card 1 / 3', 'Finish SHF-200 card 2 / 3', 'Use BLK-100']);
    expect(st.pending.every((p) => p.deferred && p.ackSeq === null)).toBe(true);
    expect(st.board.cards[w.requested.id]?.column).toBe(Column.IN_PROGRESS);
    expect(st.board.cards[w.working.id]?.column).toBe(Column.DONE);
    // Not live, since the time the cached board was last in step with the server.
    expect(st.connection.status).not.toBe('live');
    expect(st.connection.since).toBe(Date.parse('2025-03-03T14:00:00.000Z'));
  });

  it('replays restored moves in order, one at a time, after the resubscribe brought the board up to date', async () => {
    const w = plantWithWork();
    const storage = new MemoryStorage();
    const first = await liveScreen(storage, w.server);
    const seqAtCache = w.plant.state.seq;
    first.transport.drop();
    const made = offlineMoves(first, w);
    first.close();
    // Meanwhile another screen used a housing (unrelated to these moves).
    w.plant.consumeLoop(w.housing);

    const again = screen(storage);
    again.transport.open();
    expect(again.transport.lastSubscribe().payload).toEqual({ afterSeq: seqAtCache, changes: true });
    expect(again.transport.commands).toHaveLength(0);
    again.transport.lastSubscribe().answer(w.server.subscribe({ afterSeq: seqAtCache, changes: true }));
    expect(again.store.getState().confirmed.seq).toBe(w.plant.state.seq);
    const sent: string[] = [];
    while (again.transport.inFlight().length > 0) {
      expect(again.transport.inFlight()).toHaveLength(1);
      const cmd = again.transport.inFlight()[0]!;
      sent.push(cmd.payload.idempotencyKey as string);
      const out = w.server.command(cmd.event, cmd.payload);
      again.transport.push(out.events);
      cmd.answer(out.ack);
    }
    await settle();
    expect(sent).toEqual(made.map((p) => p.key));
    expect(w.plant.card(w.requested.id).column).toBe(Column.IN_PROGRESS);
    expect(w.plant.card(w.working.id).column).toBe(Column.DONE);
    const st = again.store.getState();
    expect(st.pending).toEqual([]);
    expect(st.board).toBe(st.confirmed);
    expect(st.refused).toEqual([]);
    expect(readOutbox(storage).commands).toEqual([]);
  });

  it('lists the moves the server then refuses, with the reason, until dismissed (also across a reload)', async () => {
    const w = plantWithWork();
    const storage = new MemoryStorage();
    const first = await liveScreen(storage, w.server);
    first.transport.drop();
    offlineMoves(first, w);
    // Meanwhile the lead sets Machining's In Progress limit to what it holds now (1).
    w.plant.limit(w.machining, 1, null);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    first.transport.open();
    first.transport.serve(w.server);
    await settle();

    const st = first.store.getState();
    expect(st.pending).toEqual([]);
    expect(st.alerts).toEqual([]); // not a toast that goes by unseen
    expect(st.refused).toHaveLength(1);
    expect(st.refused[0]).toMatchObject({
      label: 'Start SHF-200 card 1 / 3',
      code: 'WIP_LIMIT_REACHED',
      reason: 'WIP limit reached: Machining In Progress is full (1 / 1). Finish or move work on before adding more.',
      madeAt: '2025-03-03T14:00:00.500Z',
    });
    // The others landed, once each.
    expect(w.plant.card(w.working.id).column).toBe(Column.DONE);
    expect(w.plant.card(w.requested.id).column).toBe(Column.REQUESTED);
    expect(w.server.ran).toHaveLength(3);
    expect(st.board.cards[w.requested.id]?.column).toBe(Column.REQUESTED);

    // The list survives a reload, and goes when the operator dismisses it.
    first.close();
    const again = screen(storage);
    expect(again.store.getState().refused.map((r) => r.label)).toEqual(['Start SHF-200 card 1 / 3']);
    again.store.getState().dismissRefused();
    expect(readOutbox(storage)).toEqual({ commands: [], refused: [] });
  });

  it('a move refused as it is made, on a live screen, is a toast and not the list', async () => {
    const w = plantWithWork();
    w.plant.limit(w.machining, 1, null);
    const storage = new MemoryStorage();
    const s = await liveScreen(storage, w.server);
    const board = s.store.getState().board;
    s.make(
      { type: 'card.move', cardId: w.requested.id, to: Column.IN_PROGRESS, expectedVersion: w.requested.version },
      moveLabel(board, w.requested.id, Column.IN_PROGRESS),
    );
    s.transport.serve(w.server);
    await settle();
    expect(s.store.getState().refused).toEqual([]);
    expect(s.store.getState().alerts[0]?.text).toMatch(/^Start SHF-200 card 1 \/ 3 refused — WIP limit reached/);
  });

  it('a move whose answer the drop cut off is listed if refused: the operator has moved on', async () => {
    const w = plantWithWork();
    w.plant.limit(w.machining, 1, null);
    const storage = new MemoryStorage();
    const s = await liveScreen(storage, w.server);
    s.make(
      { type: 'card.move', cardId: w.requested.id, to: Column.IN_PROGRESS, expectedVersion: w.requested.version },
      'Start SHF-200 card 1 / 3',
    );
    s.transport.drop(); // before the answer
    s.transport.open();
    s.transport.serve(w.server);
    await settle();
    expect(s.store.getState().alerts).toEqual([]);
    expect(s.store.getState().refused.map((r) => r.code)).toEqual(['WIP_LIMIT_REACHED']);
  });

  it('never gives up while offline: a shift later the moves are still shown, kept and then sent', async () => {
    const w = plantWithWork();
    const storage = new MemoryStorage();
    const s = await liveScreen(storage, w.server);
    s.transport.drop();
    offlineMoves(s, w);
    await vi.advanceTimersByTimeAsync(8 * 60 * 60_000);
    const st = s.store.getState();
    expect(st.connection.status).toBe('offline');
    expect(st.pending.filter((p) => p.ackSeq === null)).toHaveLength(3);
    expect(st.alerts).toEqual([]);
    expect(st.refused).toEqual([]);
    expect(st.board.cards[w.requested.id]?.column).toBe(Column.IN_PROGRESS);
    expect(readOutbox(storage).commands).toHaveLength(3);
    s.transport.open();
    s.transport.serve(w.server);
    await settle();
    expect(s.store.getState().pending).toEqual([]);
    expect(w.server.ran).toHaveLength(3);
  });

  it('refuses a Start someone else made meanwhile (expectedVersion), while a Use takes whatever is oldest then', async () => {
    const w = plantWithWork();
    const storage = new MemoryStorage();
    const s = await liveScreen(storage, w.server);
    s.transport.drop();
    const board = () => s.store.getState().board;
    s.make(
      { type: 'card.move', cardId: w.requested.id, to: Column.IN_PROGRESS, expectedVersion: board().cards[w.requested.id]!.version },
      moveLabel(board(), w.requested.id, Column.IN_PROGRESS),
    );
    const use = s.make({ type: 'loop.consume', loopId: w.housing.id }, 'Use HSG-300');
    // Another screen starts the same card, and uses the housing this tablet was shown taking.
    w.plant.move(w.requested.id, Column.IN_PROGRESS);
    w.plant.consume(use.cardId!);
    const movesOfCard = () => w.plant.log.filter((e) => e.type === EventType.CARD_MOVED && e.cardId === w.requested.id).length;
    expect(movesOfCard()).toBe(1);

    s.transport.open();
    s.transport.serve(w.server);
    await settle();
    expect(movesOfCard()).toBe(1); // not started twice, nor silently reordered
    expect(s.store.getState().refused.map((r) => [r.label, r.code])).toEqual([['Start SHF-200 card 1 / 3', 'VERSION_CONFLICT']]);
    // The Use was applied to the housing that was oldest by then.
    expect(w.plant.cardsOf(w.housing).filter((c) => c.column === Column.DONE)).toHaveLength(0);
  });

  it('a move whose answer was lost is sent again after a reload and lands exactly once', async () => {
    const w = plantWithWork();
    const storage = new MemoryStorage();
    const s = await liveScreen(storage, w.server);
    offlineMoves(s, w); // made live: the Start goes at once, the others wait behind it
    // The server runs the Start, but the link dies before its answer arrives.
    const cmd = s.transport.inFlight()[0]!;
    w.server.command(cmd.event, cmd.payload);
    s.transport.drop();
    s.close();

    const again = screen(storage);
    again.transport.open();
    again.transport.serve(w.server);
    await settle();
    const moved = w.plant.log.filter((e) => e.type === EventType.CARD_MOVED && e.cardId === w.requested.id);
    expect(moved).toHaveLength(1);
    expect(w.plant.card(w.working.id).column).toBe(Column.DONE);
    expect(again.store.getState().refused).toEqual([]);
    expect(again.store.getState().pending).toEqual([]);
    expect(w.server.ran).toHaveLength(3); // the repeat of the Start did not run again
  });

  it('lists a move kept longer than the keep time as not sent, instead of sending it', async () => {
    const w = plantWithWork();
    const storage = new MemoryStorage();
    const s = await liveScreen(storage, w.server);
    s.transport.drop();
    offlineMoves(s, w);
    s.close();
    vi.setSystemTime(Date.now() + OUTBOX_MAX_AGE_MS + 60_000);
    const again = screen(storage);
    expect(again.store.getState().pending).toEqual([]);
    expect(again.store.getState().refused.map((r) => r.code)).toEqual(['EXPIRED', 'EXPIRED', 'EXPIRED']);
    expect(again.store.getState().refused[0]?.reason).toMatch(/^Not sent: made .* more than 7 days ago, and never sent/);
    again.transport.open();
    again.transport.serve(w.server);
    expect(w.server.ran).toEqual([]);
    expect(readOutbox(storage).commands).toEqual([]);
  });
});

describe('outbox: across an upgrade', () => {
  it.each([
    ['an older protocol version', (c: Record<string, unknown>) => ({ ...c, protocol: PROTOCOL_VERSION - 1 })],
    ['no protocol version (made before versions were recorded)', (c: Record<string, unknown>) => {
      const { protocol: _p, ...rest } = c;
      return rest;
    }],
  ])('lists moves made under %s as not sent, and never sends them', async (_, rewrite) => {
    const w = plantWithWork();
    const storage = new MemoryStorage();
    const s = await liveScreen(storage, w.server);
    s.transport.drop();
    offlineMoves(s, w);
    s.close();
    const doc = storage.json(OUTBOX_KEY);
    storage.setItem(OUTBOX_KEY, JSON.stringify({ ...doc, commands: doc.commands.map(rewrite) }));
    const again = screen(storage);
    expect(again.store.getState().pending).toEqual([]);
    expect(again.store.getState().refused.map((r) => r.code)).toEqual(['OLD_VERSION', 'OLD_VERSION', 'OLD_VERSION']);
    expect(again.store.getState().refused[0]?.reason).toMatch(/^Not sent: made .* on an earlier version of Pullboard/);
    again.transport.open();
    again.transport.serve(w.server);
    expect(w.server.ran).toEqual([]);
    expect(readOutbox(storage).commands).toEqual([]);
  });
});

describe('outbox: storage it cannot trust', () => {
  it('ignores malformed values and skips malformed entries', () => {
    const storage = new MemoryStorage();
    storage.setItem(OUTBOX_KEY, '{not json');
    storage.setItem(BOARD_KEY, JSON.stringify({ v: 1, build: BUILD, syncedAt: 1, snapshot: { seq: 'x' } }));
    const s = screen(storage);
    expect(s.store.getState().hasBoard).toBe(false);
    expect(s.store.getState().pending).toEqual([]);
    storage.setItem(OUTBOX_KEY, JSON.stringify({ v: 1, commands: [{ key: 'k' }, 42], refused: [null] }));
    expect(readOutbox(storage)).toEqual({ commands: [], refused: [] });
    storage.setItem(OUTBOX_KEY, JSON.stringify({ v: 2, commands: [] }));
    expect(readOutbox(storage)).toEqual({ commands: [], refused: [] });
  });

  it('does not show a board cached by another build of the client', async () => {
    const w = plantWithWork();
    const storage = new MemoryStorage();
    const s = await liveScreen(storage, w.server);
    s.close();
    expect(screen(storage, BUILD).store.getState().hasBoard).toBe(true);
    expect(screen(storage, 'build-2').store.getState().hasBoard).toBe(false);
  });

  it('keeps the unsent moves another tab wrote', async () => {
    const w = plantWithWork();
    const storage = new MemoryStorage();
    const a = await liveScreen(storage, w.server);
    const b = await liveScreen(storage, w.server);
    a.transport.drop();
    b.transport.drop();
    a.make({ type: 'loop.consume', loopId: w.blank.id }, 'Use BLK-100');
    vi.setSystemTime(Date.now() + 1_000);
    b.make({ type: 'loop.consume', loopId: w.housing.id }, 'Use HSG-300');
    expect(readOutbox(storage).commands.map((c) => c.label)).toEqual(['Use BLK-100', 'Use HSG-300']);
    // Tab A's move is answered: only it leaves storage.
    a.transport.open();
    a.transport.serve(w.server);
    await settle();
    expect(readOutbox(storage).commands.map((c) => c.label)).toEqual(['Use HSG-300']);
  });

  it('when storage is full, drops the board cache to keep the moves, and says so if even that fails', async () => {
    const w = plantWithWork();
    const storage = new MemoryStorage();
    const s = await liveScreen(storage, w.server);
    expect(storage.getItem(BOARD_KEY)).not.toBeNull();
    s.transport.drop();
    let room = true;
    storage.refuse = (key) => key === OUTBOX_KEY && (storage.getItem(BOARD_KEY) !== null || !room);
    s.make({ type: 'loop.consume', loopId: w.blank.id }, 'Use BLK-100');
    expect(storage.getItem(BOARD_KEY)).toBeNull();
    expect(readOutbox(storage).commands).toHaveLength(1);
    expect(s.onError).not.toHaveBeenCalled();
    room = false;
    s.make({ type: 'loop.consume', loopId: w.housing.id }, 'Use HSG-300');
    expect(s.onError).toHaveBeenCalledTimes(1);
    // Still shown and still sent: the outbox lives on in memory.
    expect(s.store.getState().pending).toHaveLength(2);
  });

  it('server events alone never write the outbox, and the board cache at most once per delay', async () => {
    const w = plantWithWork();
    const storage = new MemoryStorage();
    const s = await liveScreen(storage, w.server); // a wall TV, say: it makes no moves
    storage.writes.length = 0;
    for (let i = 0; i < 2; i++) {
      const mark = w.plant.log.length;
      w.plant.consumeLoop(w.housing);
      s.transport.push(w.plant.log.slice(mark));
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(storage.writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(500);
    expect(storage.writes).toEqual([BOARD_KEY]);
  });

  it('a move made on a board newer than the cache writes the cache with it', async () => {
    const w = plantWithWork();
    const storage = new MemoryStorage();
    const s = await liveScreen(storage, w.server);
    const mark = w.plant.log.length;
    w.plant.consumeLoop(w.housing);
    s.transport.push(w.plant.log.slice(mark));
    s.transport.drop();
    s.make({ type: 'loop.consume', loopId: w.blank.id }, 'Use BLK-100');
    expect(storage.json(BOARD_KEY).snapshot.seq).toBe(w.plant.state.seq);
  });

  it('writes the board cache shortly after a change and at once when asked (page hidden)', async () => {
    const w = plantWithWork();
    const storage = new MemoryStorage();
    const s = await liveScreen(storage, w.server);
    expect(storage.json(BOARD_KEY).snapshot.seq).toBe(w.plant.state.seq);
    const mark = w.plant.log.length;
    w.plant.consumeLoop(w.housing);
    s.transport.push(w.plant.log.slice(mark));
    expect(storage.json(BOARD_KEY).snapshot.seq).toBe(w.plant.state.seq - 1);
    s.kept.flush();
    expect(storage.json(BOARD_KEY).snapshot).toEqual(snapshotOf(w.plant.state));
  });
});

/** Keeps the type checker honest about the store API used above. */
export type _Store = PullboardStore;

describe('outbox: order', () => {
  it('keeps moves in the order they were made even when the device clock steps back', async () => {
    const w = plantWithWork();
    const storage = new MemoryStorage();
    const a = await liveScreen(storage, w.server);
    a.transport.drop();
    a.make({ type: 'loop.consume', loopId: w.blank.id }, 'Use BLK-100');
    vi.setSystemTime(Date.now() - 60 * 60_000); // the clock is set back an hour
    a.make({ type: 'loop.consume', loopId: w.housing.id }, 'Use HSG-300');
    expect(readOutbox(storage).commands.map((c) => c.label)).toEqual(['Use BLK-100', 'Use HSG-300']);
  });
});
